#include "simulator/explore/schedule_runner.h"

#include <algorithm>

#include <fmt/format.h>

#include "simulator/schedule/step_driver.h"
#include "ticketsim/errors.h"

namespace ticketsim {
namespace {

// The move of `moves` that `choice` names, or -1.
int find_move(const std::vector<Move>& moves, const Choice& choice) {
  for (std::size_t i = 0; i < moves.size(); ++i) {
    if (moves[i].choice == choice) return static_cast<int>(i);
  }
  return -1;
}

bool can_step(const std::vector<Move>& offered, int customer) {
  return std::any_of(offered.begin(), offered.end(), [&](const Move& move) {
    return move.choice.customer == customer && !is_crash(move.choice.step);
  });
}

// Whether taking `move` after `last` moved is a preemption: a switch away from a customer
// that could still step.
bool preempts(const std::vector<Move>& offered, int last, const Move& move) {
  return last >= 0 && move.choice.customer != last && can_step(offered, last);
}

}  // namespace

std::vector<Move> moves_offered(const StepDriver& driver, bool crash_allowed) {
  const Mode mode = driver.config().mode;
  const bool database = driver.database();
  std::vector<Move> moves;
  for (int customer = 0; customer < driver.procs(); ++customer) {
    const std::optional<Step> next = driver.next_step(customer);
    // A customer dies at a step it is about to take: one waiting for a lock is not there.
    if (!next || !driver.blocker(customer).empty()) continue;
    const bool holds = driver.lock_holder() == customer;
    moves.push_back(
        Move{Choice{customer, *next}, footprint_of(mode, database, *next, holds, *next)});
    if (!crash_allowed) continue;
    moves.push_back(Move{Choice{customer, Step::kCrash},
                         footprint_of(mode, database, Step::kCrash, holds, *next)});
    // A database writes a row whole: nobody dies half-way through a write.
    if (*next == Step::kWrite && !database && driver.value_read(customer).value_or(0) > 0) {
      moves.push_back(Move{Choice{customer, Step::kCrashMidWrite},
                           footprint_of(mode, database, Step::kCrashMidWrite, holds, *next)});
    }
  }
  return moves;
}

Execution run_schedule(const TrialInput& input, const SchedulePolicy& policy, const Job& job) {
  Execution execution;
  StepDriver driver(input);
  std::vector<Move> sleep = job.sleep;
  int crashes_used = 0;
  int last = -1;
  for (std::size_t at = 0;; ++at) {
    std::vector<Move> offered = moves_offered(driver, crashes_used < policy.crashes);
    if (offered.empty()) break;
    int taken = -1;
    if (at < job.prefix.size()) {
      taken = find_move(offered, job.prefix[at]);
      if (taken < 0) {
        throw RunError(
            fmt::format("explore: move {} of a replayed schedule ({}) was not "
                        "offered: the customers did not behave as they did before",
                        at + 1, choice_name(job.prefix[at])));
      }
    } else {
      // Prefer going on with the customer that moved last, then the lowest; steps first.
      int best = -1;
      int best_rank = 0;
      bool sleeping_only = true;
      for (std::size_t i = 0; i < offered.size(); ++i) {
        const Move& move = offered[i];
        if (policy.use_sleep && std::find(sleep.begin(), sleep.end(), move) != sleep.end()) {
          continue;
        }
        sleeping_only = false;
        const bool preemption = preempts(offered, last, move);
        if (policy.preemptions && preemption && execution.preemptions >= *policy.preemptions) {
          execution.pruned_by_bound = true;
          continue;
        }
        const int rank = (is_crash(move.choice.step) ? 2 : 0) + (preemption ? 1 : 0);
        if (best < 0 || rank < best_rank) {
          best = static_cast<int>(i);
          best_rank = rank;
        }
      }
      if (best < 0) {
        execution.cut = sleeping_only ? "sleep" : "preemptions";
        break;
      }
      taken = best;
    }
    const Move move = offered[static_cast<std::size_t>(taken)];
    if (preempts(offered, last, move)) ++execution.preemptions;
    last = move.choice.customer;
    if (is_crash(move.choice.step)) ++crashes_used;
    execution.steps.push_back(ExecutedStep{std::move(offered), taken});
    if (at >= job.prefix.size()) {
      // The sleep set holds at the end of the prefix and follows the moves after it: a move
      // wakes up once something it does not commute with has happened.
      std::erase_if(sleep, [&](const Move& asleep) { return dependent(asleep, move); });
    }
    const StepRecord& record = driver.step(move.choice.customer, move.choice.step);
    if (record.outcome != StepOutcome::kDone) {
      throw RunError(fmt::format("explore: move {} ({}) was offered but came back {}: {}", at + 1,
                                 choice_name(move.choice), step_outcome_name(record.outcome),
                                 record.note));
    }
  }
  TrialResult result = driver.finish();
  OutcomeFigures& figures = execution.figures;
  figures.sold = result.sold;
  figures.oversold = result.oversold;
  figures.lost_updates = result.lost_updates;
  figures.torn_reads = result.torn_reads;
  figures.final_count = result.final_count;
  figures.stalled = !result.unfinished.empty() && execution.cut.empty();
  figures.crashed = result.crashed;
  figures.unsafe = result.unsafe();
  figures.verdict = std::string(result.verdict());
  if (figures.stalled && !figures.unsafe) figures.verdict = "STALLED";
  return execution;
}

}  // namespace ticketsim
