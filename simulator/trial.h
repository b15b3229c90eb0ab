// run_trial: one trial, from a fresh copy of the store to the oracle's counts.
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>

#include "simulator/experiment_config.h"
#include "simulator/trial_result.h"

namespace ticketsim {

// The run itself failed (not the user's input): a trial directory, fork or the shared
// table could not be created. The CLI exits 1 with what().
class RunError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// What one trial starts from.
struct TrialInput {
  const ExperimentConfig* config = nullptr;  // validated
  std::string store_bytes;                   // the store every trial starts from
  std::int64_t tickets = 0;                  // its count
  int index = 0;                             // trial number within the experiment
};

// Runs one trial (DESIGN.md "Flow of one trial"): copies the store into a private trial
// directory, creates the mode's lock objects under names unique to this trial, maps the
// shared table, forks the customers (all at once, or one by one for mode join), reaps
// them all before the trial timeout or kills them and reports the trial stalled, removes
// the lock objects and the directory, and analyses the table. On return no customer is
// alive and nothing the trial created remains. Throws RunError.
TrialResult run_trial(const TrialInput& input);

}  // namespace ticketsim
