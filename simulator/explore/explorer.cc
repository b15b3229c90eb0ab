#include <algorithm>
#include <cmath>
#include <map>
#include <thread>

#include "simulator/engine/clock.h"
#include "simulator/experiment/prepared_store.h"
#include "simulator/explore/happens_before.h"
#include "simulator/explore/interleaving_count.h"
#include "simulator/explore/search_tree.h"
#include "simulator/explore/worker_pool.h"
#include "storage/postgres/postgres_store.h"
#include "ticketsim/explore.h"
#include "ticketsim/interrupt.h"

namespace ticketsim {
namespace {

constexpr std::int64_t kProgressEveryNs = 200'000'000;

// The workload every schedule runs: the user's, with the step driver in charge.
ExperimentConfig schedule_workload(const ExploreConfig& config, std::int64_t tickets) {
  ExperimentConfig workload = config.workload;
  workload.schedule = Schedule::kScript;  // the parent grants every step
  workload.script.clear();
  workload.tickets = tickets;
  workload.trials = 1;
  workload.keep_history = HistoryKept::kNone;
  workload.crash_probability = 0;
  workload.pause_holder.reset();
  workload.in_place = false;
  return workload;
}

int default_jobs() {
  const unsigned cores = std::thread::hardware_concurrency();
  return cores == 0 ? 1 : static_cast<int>(cores);
}

// Gathers the schedules that ran into distinct outcomes, keeping each one's shortest.
class OutcomeTable {
 public:
  // `weight`: the interleavings the schedule stands for (nullopt: unknown).
  void add(const Execution& execution, std::optional<long double> weight) {
    ExploredOutcome& outcome = by_figures_[execution.figures];
    if (outcome.count == 0) outcome.interleavings = 0.0L;
    if (outcome.interleavings && weight) {
      *outcome.interleavings += *weight;
    } else {
      outcome.interleavings.reset();
    }
    const auto steps = static_cast<int>(execution.steps.size());
    std::vector<Choice> choices;
    choices.reserve(execution.steps.size());
    for (const ExecutedStep& step : execution.steps) choices.push_back(step.move().choice);
    const std::string script = script_of(choices);
    const bool shorter =
        outcome.count == 0 || steps < outcome.script_steps ||
        (steps == outcome.script_steps &&
         (execution.preemptions < outcome.script_preemptions ||
          (execution.preemptions == outcome.script_preemptions && script < outcome.script)));
    ++outcome.count;
    if (shorter) {
      outcome.script = script;
      outcome.script_steps = steps;
      outcome.script_preemptions = execution.preemptions;
    }
  }
  int size() const { return static_cast<int>(by_figures_.size()); }

  std::vector<ExploredOutcome> sorted() const {
    std::vector<ExploredOutcome> outcomes;
    for (const auto& [figures, found] : by_figures_) {
      ExploredOutcome outcome = found;
      static_cast<OutcomeFigures&>(outcome) = figures;
      outcomes.push_back(std::move(outcome));
    }
    auto rank = [](const ExploredOutcome& o) { return o.unsafe ? 0 : o.stalled ? 1 : 2; };
    std::stable_sort(outcomes.begin(), outcomes.end(),
                     [&](const ExploredOutcome& a, const ExploredOutcome& b) {
                       if (rank(a) != rank(b)) return rank(a) < rank(b);
                       if (a.count != b.count) return a.count > b.count;
                       return a.script_steps < b.script_steps;
                     });
    return outcomes;
  }

 private:
  std::map<OutcomeFigures, ExploredOutcome> by_figures_;
};

}  // namespace

bool ExploreResult::found_unsafe() const {
  return std::any_of(outcomes.begin(), outcomes.end(),
                     [](const ExploredOutcome& o) { return o.unsafe || o.stalled; });
}

bool ExploreResult::safe() const { return !found_unsafe() && covered_bound(); }

const ExploredOutcome* ExploreResult::shortest_unsafe() const {
  const ExploredOutcome* best = nullptr;
  for (const ExploredOutcome& outcome : outcomes) {
    if (!outcome.unsafe) continue;
    if (best == nullptr || outcome.script_steps < best->script_steps ||
        (outcome.script_steps == best->script_steps &&
         outcome.script_preemptions < best->script_preemptions)) {
      best = &outcome;
    }
  }
  return best;
}

ExploreResult explore(const ExploreConfig& config, const ExploreObserver& observer) {
  config.validate();
  const std::int64_t t0 = monotonic_ns();
  const PreparedStore store = prepare_store(config.workload);
  ExploreResult result;
  result.config = config;
  result.config.workload.tickets = store.tickets;
  result.store_label = store.label;
  ExperimentConfig workload = schedule_workload(config, store.tickets);
  allow_for_database(workload, store);
  // Rows of killed runs on this host go first, as `run` removes them.
  if (!store.database_url.empty()) remove_rows_of_dead_runs(store.database_url);
  // Mode none without crashes or a bound: every order of the steps, the multinomial (the
  // model agrees, and the suite checks it); otherwise the model counts.
  result.interleavings_total =
      workload.mode == Mode::kNone && config.crashes == 0 && !config.preemptions
          ? std::optional<long double>(
                multinomial(workload.procs, steps_per_customer(workload.attempts)))
          : count_interleavings(
                workload, config.crashes, config.preemptions, 0,
                config.max_time ? std::min(2.0, static_cast<double>(config.max_time->count()) / 2e9)
                                : 2.0);
  if (result.interleavings_total && !std::isfinite(*result.interleavings_total)) {
    result.interleavings_total.reset();  // past what a long double holds
  }

  TrialInput input;
  input.config = &workload;
  input.store_bytes = store.bytes;
  input.tickets = store.tickets;
  input.make_store = store.store_factory();

  const bool reduction = config.reduction && !config.preemptions;
  SchedulePolicy policy;
  policy.crashes = config.crashes;
  policy.use_sleep = reduction;
  policy.preemptions = config.preemptions;
  SearchTree tree(reduction, config.preemptions);
  result.jobs = config.jobs > 0               ? config.jobs
                : runs_alone(config.workload) ? 1  // see validate()
                                              : default_jobs();
  OutcomeTable outcomes;
  {
    WorkerPool pool(input, policy, result.jobs);
    std::int64_t next_progress = t0 + kProgressEveryNs;
    bool handing_out = true;
    bool weigh = true;  // count each schedule's equivalents while they can be counted
    for (;;) {
      if (handing_out && interrupt_signal() != 0) {
        result.interrupted_by = interrupt_signal();
        result.stopped_by = signal_name(result.interrupted_by);
        handing_out = false;
      }
      if (handing_out && config.max_time && monotonic_ns() - t0 >= config.max_time->count()) {
        result.stopped_by = "max-time";
        handing_out = false;
      }
      while (handing_out) {
        if (config.max_schedules && result.schedules_run + pool.busy() >= *config.max_schedules) {
          break;
        }
        const int idle = pool.idle_worker();
        if (idle < 0) break;
        std::optional<SearchTree::Handout> handout = tree.next_job();
        if (!handout) break;
        pool.submit(idle, handout->id, handout->job);
      }
      if (pool.busy() == 0) break;
      if (std::optional<WorkerPool::Answer> answer = pool.wait(50)) {
        tree.integrate(answer->id, answer->execution);
        if (answer->execution.cut.empty()) {
          ++result.schedules_run;
          std::optional<long double> weight = 1.0L;
          if (reduction && weigh) {
            const Execution& done = answer->execution;
            weight = count_equivalents(done, happens_before(done));
            weigh = weight.has_value();  // once one is unknown, so is every outcome's share
          }
          outcomes.add(answer->execution, weight);
        } else if (answer->execution.cut == "sleep") {
          ++result.redundant;
        }
      }
      if (observer && monotonic_ns() >= next_progress) {
        next_progress = monotonic_ns() + kProgressEveryNs;
        observer(ExploreProgress{result.schedules_run, tree.pending(), outcomes.size(),
                                 static_cast<double>(monotonic_ns() - t0) / 1e9});
      }
    }
  }
  result.pending = tree.pending();
  if (result.stopped_by.empty() && result.pending > 0 && config.max_schedules &&
      result.schedules_run >= *config.max_schedules) {
    result.stopped_by = "max-schedules";
  }
  if (result.stopped_by.empty() && tree.bound_pruned()) result.stopped_by = "preemptions";
  result.complete = result.stopped_by.empty() && result.pending == 0;
  result.outcomes = outcomes.sorted();
  result.interleavings_covered = 0.0L;
  for (const ExploredOutcome& outcome : result.outcomes) {
    if (!outcome.interleavings) {
      result.interleavings_covered.reset();
      break;
    }
    *result.interleavings_covered += *outcome.interleavings;
  }
  // A reduced search that ran out of branches must stand for every interleaving the model
  // counts. Short of that it missed some (a bug in the reduction): it is not called complete.
  if (result.complete && reduction && result.interleavings_covered && result.interleavings_total &&
      *result.interleavings_total - *result.interleavings_covered >
          0.5L + 1e-12L * *result.interleavings_total) {
    result.complete = false;
    result.stopped_by = "coverage";
  }
  result.elapsed_s = static_cast<double>(monotonic_ns() - t0) / 1e9;
  return result;
}

}  // namespace ticketsim
