#include "ticketsim/experiment.h"

#include <algorithm>

#include <fmt/format.h>

#include "simulator/engine/stale_runs.h"
#include "simulator/engine/trial_workspace.h"
#include "simulator/experiment/prepared_store.h"
#include "simulator/experiment/run_trial.h"
#include "simulator/experiment/shared_run.h"
#include "simulator/experiment/statistics.h"
#include "simulator/experiment/write_cost.h"
#include "simulator/text/translate.h"
#include "storage/postgres/postgres_store.h"
#include "storage/store_file.h"
#include "storage/store_scanner.h"
#include "ticketsim/interrupt.h"

namespace ticketsim {
namespace {

double median(std::vector<double> values) {
  if (values.empty()) return 0;
  std::sort(values.begin(), values.end());
  std::size_t middle = values.size() / 2;
  return values.size() % 2 == 1 ? values[middle] : (values[middle - 1] + values[middle]) / 2;
}

}  // namespace

bool explains(const TrialResult& trial) { return trial.unsafe() || trial.stalled; }

const TrialResult* explained_trial(const ExperimentResult& result) {
  for (const TrialResult& trial : result.trials) {
    if (explains(trial)) return &trial;
  }
  return result.trials.empty() ? nullptr : &result.trials.back();
}

ModeSummary summarize(const ExperimentResult& result) {
  ModeSummary summary;
  summary.mode = result.config.mode;
  summary.trials = static_cast<int>(result.trials.size());
  std::vector<double> walls, rates, oversold;
  LogHistogram waits;
  bool first = true;
  int known_final_counts = 0;
  for (const TrialResult& trial : result.trials) {
    if (trial.oversold > 0) ++summary.oversold_trials;
    oversold.push_back(static_cast<double>(trial.oversold));
    summary.oversold_max = std::max(summary.oversold_max, trial.oversold);
    if (trial.lost_updates) {
      summary.lost_updates_total += *trial.lost_updates;
    } else {
      ++summary.lost_updates_unknown;
    }
    summary.indeterminate_total += trial.indeterminate;
    summary.torn_reads_total += trial.torn_reads;
    summary.retries_total += trial.retries;
    summary.purchases_total += trial.purchases;
    summary.mutex_violations_total += trial.mutex_violations;
    summary.lock_grants_total += trial.lock_order.grants;
    summary.lock_overtakes_total += trial.lock_order.overtakes;
    summary.lock_overtaking_grants_total += trial.lock_order.overtaking_grants;
    waits.merge(trial.lock_waits.histogram);
    if (trial.fairness.checked) {
      summary.jain_min = summary.fairness_trials == 0
                             ? trial.fairness.jain
                             : std::min(summary.jain_min, trial.fairness.jain);
      summary.jain_mean += trial.fairness.jain;
      ++summary.fairness_trials;
    }
    if (trial.unsafe()) ++summary.unsafe_trials;
    if (trial.stalled) ++summary.stalled_trials;
    if (trial.errors > 0 || trial.crashed > trial.injected_crashes) ++summary.error_trials;
    summary.sold_min = first ? trial.sold : std::min(summary.sold_min, trial.sold);
    summary.sold_max = first ? trial.sold : std::max(summary.sold_max, trial.sold);
    first = false;
    if (!trial.final_count) {
      ++summary.final_count_unknown;
    } else {
      bool first_known = known_final_counts++ == 0;
      std::int64_t count = *trial.final_count;
      summary.final_count_min = first_known ? count : std::min(summary.final_count_min, count);
      summary.final_count_max = first_known ? count : std::max(summary.final_count_max, count);
    }
    // A trial cut short by an interrupt says nothing about how long the workload takes.
    if (trial.interrupted_by == 0) {
      walls.push_back(trial.wall_ms());
      rates.push_back(trial.purchases_per_s);
    }
  }
  if (summary.fairness_trials > 0) summary.jain_mean /= summary.fairness_trials;
  summary.lock_waits = waits.count();
  summary.lock_wait_us_p50 = static_cast<double>(waits.quantile(0.50)) / 1e3;
  summary.lock_wait_us_p99 = static_cast<double>(waits.quantile(0.99)) / 1e3;
  summary.lock_wait_us_max = static_cast<double>(waits.max()) / 1e3;
  if (!walls.empty()) {
    summary.wall_ms_median = median(walls);
    summary.wall_ms_min = *std::min_element(walls.begin(), walls.end());
    summary.wall_ms_max = *std::max_element(walls.begin(), walls.end());
    summary.purchases_per_s_median = median(rates);
    summary.purchases_per_s_min = *std::min_element(rates.begin(), rates.end());
    summary.purchases_per_s_max = *std::max_element(rates.begin(), rates.end());
  }
  if (summary.trials >= 2) {
    const Proportion unsafe = wilson_interval(summary.unsafe_trials, summary.trials);
    summary.unsafe_p = unsafe.p;
    summary.unsafe_p_low = unsafe.low;
    summary.unsafe_p_high = unsafe.high;
    const Distribution per_trial = describe_distribution(oversold);
    summary.oversold_min = per_trial.min;
    summary.oversold_median = per_trial.median;
    summary.oversold_p95 = per_trial.p95;
    summary.oversold_mean = per_trial.mean;
    if (!walls.empty()) {
      const MedianInterval wall = median_interval(walls);
      const MedianInterval rate = median_interval(rates);
      summary.wall_ms_median_low = wall.low;
      summary.wall_ms_median_high = wall.high;
      summary.purchases_per_s_median_low = rate.low;
      summary.purchases_per_s_median_high = rate.high;
      summary.median_interval_coverage = wall.coverage;
    }
  }
  if (summary.unsafe_trials > 0) {
    summary.verdict = "UNSAFE";
  } else if (result.interrupted_by != 0) {
    summary.verdict = "INTERRUPTED";
  } else if (summary.stalled_trials > 0) {
    summary.verdict = "STALLED";
  } else if (summary.error_trials > 0) {
    summary.verdict = "ERROR";
  } else if (summary.mode == Mode::kNone) {
    summary.verdict = "unprotected";
  } else {
    summary.verdict = "safe";
  }
  return summary;
}

namespace {

// --in-place: writes the last trial's final store back to the user's file if that trial
// finished with a readable store and the file still holds what the run read. Records in
// `result` what was done, or why not.
void write_back(const ExperimentConfig& config, const PreparedStore& store,
                ExperimentResult& result) {
  const TrialResult* last = result.trials.empty() ? nullptr : &result.trials.back();
  if (last == nullptr || result.interrupted_by != 0) {
    result.write_back_problem = "the run was interrupted";
  } else if (last->stalled) {
    result.write_back_problem = "the last trial stalled, so its final store is not sound";
  } else if (!last->final_count) {
    result.write_back_problem = "the last trial's final store did not parse";
  }
  if (!result.write_back_problem.empty()) return;
  try {
    replace_file_if_unchanged(config.store_path, store.source_bytes, last->final_store);
    result.wrote_back = true;
  } catch (const std::exception& e) {
    result.write_back_problem = e.what();
    result.write_back_failed = true;
  }
}

}  // namespace

ExperimentResult run_experiment(const ExperimentConfig& given, const TrialObserver& observer) {
  given.validate();
  PreparedStore store = prepare_store(given);
  ExperimentConfig config = given;
  // Atomic writes cost two fsyncs each: the default timeouts allow for what they cost on
  // the filesystem the trials run on, measured here.
  if (config.write == WriteStrategy::kAtomic && !config.write_cost) {
    config.write_cost =
        measure_atomic_write_cost(config.workdir.empty() ? default_workdir() : config.workdir);
  }
  allow_for_database(config, store);
  ExperimentResult result;
  LeftoverPlaces places;
  places.workdir = config.workdir.empty() ? default_workdir() : config.workdir;
  places.only_runs_of_workdir = true;
  for (const StaleLeftover& leftover : remove_stale_leftovers(places)) {
    result.leftovers_removed.push_back(
        fmt::format("{} (pid {})", leftover.path, static_cast<long>(leftover.owner)));
  }
  if (!store.database_url.empty()) {
    for (std::string& rows : remove_rows_of_dead_runs(store.database_url)) {
      result.leftovers_removed.push_back(std::move(rows));
    }
  }
  result.config = config;
  result.store_label = store.label;
  result.tickets = store.tickets;
  if (config.hosts > 1) {
    ExperimentResult shared = run_shared_experiment(config, store, observer);
    shared.leftovers_removed = std::move(result.leftovers_removed);
    return shared;
  }
  const StoreFactory factory = store.store_factory();
  int kept = -1;  // kExplainedTrial: the trial whose customers are kept so far
  // With until_ci, trials go on until the unsafe probability's interval is narrow enough.
  const int planned = config.until_ci ? config.max_trials : config.trials;
  int unsafe = 0;
  for (int trial = 0; trial < planned; ++trial) {
    if (interrupt_signal() != 0) break;
    if (config.until_ci && trial >= std::max(config.trials, 2)) {
      const Proportion p = wilson_interval(unsafe, trial);
      if (p.high - p.low < *config.until_ci) {
        result.ci_reached = true;
        break;
      }
    }
    result.trials.push_back(
        run_trial(TrialInput{&result.config, store.bytes, store.tickets, trial, factory, {}}));
    TrialResult& latest = result.trials.back();
    if (latest.unsafe()) ++unsafe;
    if (observer) observer(latest);
    if (config.keep_history == HistoryKept::kNone) {
      latest.customers.clear();
    } else if (config.keep_history == HistoryKept::kExplainedTrial) {
      // Keep the first trial that raced or stalled; until there is one, the latest.
      bool kept_is_final = kept >= 0 && explains(result.trials[static_cast<std::size_t>(kept)]);
      if (kept_is_final) {
        latest.customers.clear();
      } else {
        if (kept >= 0) result.trials[static_cast<std::size_t>(kept)].customers.clear();
        kept = trial;
      }
    }
  }
  result.interrupted_by = interrupt_signal();
  if (config.until_ci) {
    const int ran = static_cast<int>(result.trials.size());
    if (!result.ci_reached && ran >= 2) {
      const Proportion p = wilson_interval(unsafe, ran);
      result.ci_reached = p.high - p.low < *config.until_ci;
    }
    result.config.trials = ran;  // what the reports count
  }
  if (config.in_place) write_back(config, store, result);
  return result;
}

Comparison run_comparison(const ExperimentConfig& config, const std::vector<Mode>& modes,
                          const TrialObserver& observer) {
  if (config.in_place) {
    throw ConfigError("in-place", tr("compare runs several modes; write back with `run` instead"));
  }
  for (Mode mode : modes) {
    ExperimentConfig each = config;
    each.mode = mode;
    each.validate();
  }
  Comparison comparison;
  for (Mode mode : modes) {
    ExperimentConfig each = config;
    each.mode = mode;
    comparison.results.push_back(run_experiment(each, observer));
    if (comparison.results.back().interrupted_by != 0) break;
  }
  comparison.interrupted_by = interrupt_signal();
  return comparison;
}

std::vector<Mode> modes_for_schedule(Schedule schedule, bool database_store) {
  if (database_store) {
    return {Mode::kNone,       Mode::kFlock,  Mode::kRowLock,     Mode::kAdvisory,
            Mode::kOptimistic, Mode::kAtomic, Mode::kSerializable};
  }
  std::vector<Mode> modes;
  for (Mode mode : all_modes()) {
    // redis-lock needs a Redis server the user names: never part of "all".
    if (mode_needs_database(mode) || mode == Mode::kRedisLock) continue;
    if (schedule == Schedule::kLockstep && mode == Mode::kJoin) continue;
    modes.push_back(mode);
  }
  return modes;
}

}  // namespace ticketsim
