// run_experiment / run_comparison: the library entry points, for the CLI and test authors.
// Runs real customer processes; reaps them and removes what each trial created before it
// returns.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "ticketsim/config.h"
#include "ticketsim/errors.h"
#include "ticketsim/trial_result.h"

namespace ticketsim {

// Called after each trial, e.g. to show progress. May be empty.
using TrialObserver = std::function<void(const TrialResult&)>;

// An experiment's trials, in order, and what they started from.
struct ExperimentResult {
  ExperimentConfig config;
  std::string store_label;   // the store's path, or "(fresh store)"
  std::int64_t tickets = 0;  // the count every trial started with
  std::vector<TrialResult> trials;
  int interrupted_by = 0;   // signal that stopped the experiment early, or 0
  bool wrote_back = false;  // config.in_place and the final store was written back
  // config.in_place and it was not: why ("the last trial stalled", "... changed while the run
  // was running", an I/O error). `write_back_failed`: a failure of the run (the file changed
  // under it, or could not be written), not a trial that had nothing sound to write back.
  std::string write_back_problem;
  bool write_back_failed = false;
  // What earlier runs killed before they could clean up (SIGKILL) left in the workdir and
  // /dev/shm, removed before the first trial: trial directories and named kernel objects
  // whose process is gone, e.g. "/dev/shm/sem.ticketsim.4102.0.9f3ac2d1 (pid 4102)".
  std::vector<std::string> leftovers_removed;
  // config.until_ci: whether the interval got that narrow before max_trials (or an
  // interrupt) ended the experiment. config.trials is then the number of trials that ran.
  bool ci_reached = false;

  // --hosts: the experiment several hosts ran together, and this host's part in it.
  struct SharedRun {
    std::string name;
    int hosts = 1;
    int host = -1;  // 0-based, in the order the hosts joined; -1 for a report read back
    // `trials` holds every host's customers, merged (this host was the last to finish, or
    // the result was read back); otherwise only this host's part.
    bool merged = false;
    std::vector<std::string> hostnames;  // by host
    std::int64_t clock_error_ns = 0;     // the widest uncertainty of a host's clock offset
    int trials_incomplete = 0;           // trials some host has not finished (yet)
  };
  std::optional<SharedRun> shared;
};

// Statistics over one experiment's trials: the row a comparison shows per mode.
struct ModeSummary {
  Mode mode = Mode::kNone;
  int trials = 0;
  int oversold_trials = 0;  // trials that oversold
  std::int64_t oversold_max = 0;
  std::int64_t sold_min = 0, sold_max = 0;
  std::int64_t lost_updates_total = 0;  // over the trials where it is known
  int lost_updates_unknown = 0;         // trials whose lost updates are unknown
  std::int64_t torn_reads_total = 0;
  std::int64_t retries_total = 0;    // mode optimistic: conflicts that restarted a purchase
  std::int64_t purchases_total = 0;  // completed purchases over every trial
  std::int64_t mutex_violations_total = 0;
  std::int64_t final_count_min = 0, final_count_max = 0;  // over readable final stores
  int final_count_unknown = 0;                            // trials whose final store did not parse
  int unsafe_trials = 0;
  int stalled_trials = 0;
  int error_trials = 0;  // trials where a customer failed or crashed
  // Timings over the trials that ran to their end (not interrupted); 0 when none did.
  double wall_ms_median = 0, wall_ms_min = 0, wall_ms_max = 0;
  double purchases_per_s_median = 0, purchases_per_s_min = 0, purchases_per_s_max = 0;
  std::int64_t indeterminate_total = 0;  // writes of unknown effect
  // Statistics over two or more trials (all zero with one; see README "Statistics"):
  // the probability that a trial is unsafe, with its 95% Wilson interval;
  double unsafe_p = 0, unsafe_p_low = 0, unsafe_p_high = 0;
  // tickets oversold per trial (the maximum is oversold_max);
  double oversold_min = 0, oversold_median = 0, oversold_p95 = 0, oversold_mean = 0;
  // distribution-free intervals for the medians of wall time and purchases/s (over the
  // trials that ran to their end), and the intervals' exact coverage (95% or more from 6
  // trials on; below that, the whole range, which covers 1 - 2^(1-n)).
  double wall_ms_median_low = 0, wall_ms_median_high = 0;
  double purchases_per_s_median_low = 0, purchases_per_s_median_high = 0;
  double median_interval_coverage = 0;
  // Lock order (modes that take a lock, times recorded; else both 0): purchase-lock grants,
  // and those that went to a customer that asked after one already waiting.
  std::int64_t lock_grants_total = 0, lock_overtakes_total = 0;
  std::int64_t lock_overtaking_grants_total = 0;  // grants that passed a waiter (see LockOrder)
  // Lock wait per purchase over every trial's purchases that got the lock (pooled
  // histograms: p50 and p99 within 0.8%, max exact), in microseconds; lock_waits 0 when none.
  std::int64_t lock_waits = 0;
  double lock_wait_us_p50 = 0, lock_wait_us_p99 = 0, lock_wait_us_max = 0;
  // Jain's index of lock grants (see Fairness) over the trials that had a window for it.
  int fairness_trials = 0;
  double jain_mean = 0, jain_min = 0;
  // One word: UNSAFE if any trial raced, INTERRUPTED, STALLED, ERROR, unprotected (mode
  // none without a race), else safe.
  std::string verdict;
};

ModeSummary summarize(const ExperimentResult& result);

// True for a trial worth explaining: it raced or stalled.
bool explains(const TrialResult& trial);
// The trial reports explain and exports show: the first that raced or stalled, else the
// last; nullptr when no trial ran. HistoryKept::kExplainedTrial keeps exactly its customers.
const TrialResult* explained_trial(const ExperimentResult& result);

// Runs config.trials trials of config (validated first), after removing what killed runs
// left behind (ExperimentResult::leftovers_removed). Throws ConfigError for a bad
// config, StoreError for a bad store (before any trial runs), RunError when a trial
// cannot run. Stops early, with interrupted_by set, when an interrupt is requested.
ExperimentResult run_experiment(const ExperimentConfig& config, const TrialObserver& observer = {});

// Experiment `name` as every host stored it in the database at `store` (a postgresql://
// URL), merged: its customers on all hosts, their times on the database server's clock.
// Throws StoreError when the database has no such experiment.
ExperimentResult shared_experiment_result(const std::string& store, const std::string& name);
// Deletes what the database keeps of experiment `name`. Throws StoreError.
void forget_shared_experiment_result(const std::string& store, const std::string& name);

// Several modes, same workload: config with each mode in turn. Every mode is validated
// before the first trial runs.
struct Comparison {
  std::vector<ExperimentResult> results;  // one per mode, in the order given
  int interrupted_by = 0;
};
Comparison run_comparison(const ExperimentConfig& config, const std::vector<Mode>& modes,
                          const TrialObserver& observer = {});

// The modes of all_modes() that can run under `schedule` (join cannot run lockstep) on a
// store file, or on a database store (`database_store`): none, flock (a local lock around
// the SQL), optimistic and the database's own modes. Never redis-lock, which needs a server.
std::vector<Mode> modes_for_schedule(Schedule schedule, bool database_store = false);

}  // namespace ticketsim
