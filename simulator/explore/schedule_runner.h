// run_schedule: one schedule of the exploration, on fresh customer processes.
#pragma once

#include <optional>
#include <vector>

#include "simulator/engine/trial.h"
#include "simulator/explore/execution.h"

namespace ticketsim {

class StepDriver;

// How a schedule chooses once its prefix is replayed.
struct SchedulePolicy {
  int crashes = 0;                 // customers that may die (Step::kCrash, kCrashMidWrite)
  bool use_sleep = true;           // keep the job's sleep set out of the choices
  std::optional<int> preemptions;  // at most this many switches away from a customer that
                                   // could still step
};

// The moves `driver` offers now: each customer's next step when it can happen (the lock is
// free, join's turn has come) and, while `crash_allowed`, that customer's death instead of
// the step and, before a write that writes, half-way through it. In customer order, a
// customer's step before its crashes.
std::vector<Move> moves_offered(const StepDriver& driver, bool crash_allowed);

// Runs `job` on a fresh trial of `input` (its own directory, lock objects and customer
// processes): replays job.prefix exactly, then takes, at each point, the first move the
// policy allows (the customer that moved last when it can go on, else the lowest; steps
// before crashes), until every customer has finished or none can move. Records every point's
// offered moves and the outcome. On return every customer has been reaped and the trial's
// resources removed. Throws RunError when a customer fails to answer, or when the prefix
// asks for a move the trial does not offer (the program is not deterministic).
Execution run_schedule(const TrialInput& input, const SchedulePolicy& policy, const Job& job);

}  // namespace ticketsim
