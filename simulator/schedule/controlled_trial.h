// run_controlled_trial: a trial under a script, a seeded generator or round-robin.
#pragma once

#include "simulator/engine/trial.h"

namespace ticketsim {

// Runs one trial whose steps the parent grants one at a time (StepDriver), in the order
// config.schedule decides:
//   kScript:     config.script, token by token. A step that cannot happen is reported
//                blocked or skipped and the script goes on; customers it leaves unfinished
//                are listed (e.g. waiting for a lock the script never releases).
//   kRandom:     each step drawn, among the customers that can move, by a generator seeded
//                from config.seed and the trial: the same seed gives the same steps.
//   kRoundRobin: customers in turn, each trying its next step (blocked ones try anyway).
// Stops early on an interrupt. Throws RunError when a customer dies or stops answering.
TrialResult run_controlled_trial(const TrialInput& input);

}  // namespace ticketsim
