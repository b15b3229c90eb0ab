// run_free_trial: one trial the OS schedules, from a fresh copy of the store to the
// oracle's counts.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "storage/ticket_store.h"
#include "ticketsim/config.h"
#include "ticketsim/errors.h"
#include "ticketsim/trial_result.h"

namespace ticketsim {

// Makes a trial's store at `site` before any customer forks (the trial directory already
// holds site.file, a copy of the starting store). *site.initial_store outlives the provider.
using StoreFactory = std::function<std::unique_ptr<StoreProvider>(const StoreSite& site)>;

// What one trial starts from.
struct TrialInput {
  const ExperimentConfig* config = nullptr;  // validated
  std::string store_bytes;                   // the store every trial starts from
  std::int64_t tickets = 0;                  // its count
  int index = 0;                             // trial number within the experiment
  StoreFactory make_store;                   // empty: the JSON file (storage/file_store.h)
  // --hosts: the name of the store row and remote lock every host's trial shares (empty:
  // one unique to this trial, as every single-host trial has).
  std::string shared_name;
};

// Runs one trial of a free or lockstep schedule (the flow of one trial): copies the store
// into a private trial directory, creates the mode's lock objects under names unique to this trial,
// maps the shared table, forks the customers (all at once, or one by one for mode join), reaps them
// all before the trial timeout or kills them and reports the trial stalled, removes the lock
// objects and the directory, and analyses the table. On return no customer is alive and nothing the
// trial created remains. Throws RunError.
TrialResult run_free_trial(const TrialInput& input);

}  // namespace ticketsim
