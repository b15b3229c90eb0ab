// Execution: one schedule as it ran, move by move, and where it ended.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "simulator/explore/choice.h"
#include "ticketsim/explore.h"

namespace ticketsim {

// One point of a schedule: the moves it offered (every customer that could step, and the
// crashes still allowed) and the one taken, which is among them.
struct ExecutedStep {
  std::vector<Move> offered;
  int taken = 0;  // index into offered
  const Move& move() const { return offered[static_cast<std::size_t>(taken)]; }
};

// One schedule run to its end (or cut short, see `cut`).
struct Execution {
  std::vector<ExecutedStep> steps;
  OutcomeFigures figures;
  int preemptions = 0;  // switches away from a customer whose next step could happen
  // Why the schedule stopped before every customer finished or nobody could move: "sleep"
  // (every move left was already covered by a sibling schedule: redundant, not counted) or
  // "preemptions" (going on would pass the preemption bound). Empty: a complete schedule.
  std::string cut;
  bool pruned_by_bound = false;  // some move was not taken because of the preemption bound
};

// Encodes `execution` for the pipe between a worker and the explorer, and back. decode
// throws std::runtime_error on a malformed message.
std::string encode(const Execution& execution);
Execution decode_execution(const std::string& bytes);

// What a worker is asked to run: replay `prefix`, then go on choosing by itself, keeping
// `sleep` (moves whose schedules a sibling covers) out of its choices while they stay
// independent of what it takes.
struct Job {
  std::vector<Choice> prefix;
  std::vector<Move> sleep;  // at the end of the prefix
};
std::string encode(const Job& job);
Job decode_job(const std::string& bytes);

}  // namespace ticketsim
