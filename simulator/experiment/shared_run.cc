#include "simulator/experiment/shared_run.h"

#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>

#include <algorithm>
#include <chrono>

#include <nlohmann/json.hpp>

#include "simulator/experiment/host_records.h"
#include "simulator/experiment/run_trial.h"
#include "simulator/oracle/analysis.h"
#include "storage/postgres/postgres_store.h"
#include "storage/postgres/shared_experiment.h"
#include "ticketsim/interrupt.h"

namespace ticketsim {
namespace {

using Json = nlohmann::json;

// How long a host waits for the others at a trial's start: they may be started by hand on
// other machines.
constexpr std::int64_t kJoinWaitNs = 600'000'000'000;

// The workload every host must agree on, as JSON: what makes their customers one trial.
std::string workload_of(const ExperimentConfig& config, std::int64_t tickets) {
  Json workload{{"mode", mode_name(config.mode)},
                {"schedule", schedule_name(config.schedule)},
                {"procs", config.procs},
                {"attempts", config.attempts},
                {"tickets", tickets},
                {"trials", config.trials},
                {"latency_min_ns", config.latency.min.count()},
                {"latency_max_ns", config.latency.max.count()},
                {"search_latency_ns", config.search_latency.count()},
                {"hold_ns", config.hold.count()},
                {"seed", config.seed},
                {"fencing", config.fencing},
                {"lease_ns", config.mode == Mode::kRedisLock ? effective_lease(config).count() : 0},
                {"redis", config.mode == Mode::kRedisLock ? config.redis_url : ""},
                {"pause_holder_ns", config.pause_holder.value_or(Nanoseconds(0)).count()},
                {"crash_probability", config.crash_probability},
                {"crash_at", static_cast<int>(config.crash_at)}};
  return workload.dump();
}

// The config a workload was run with, for a report read back.
ExperimentConfig config_of(const std::string& workload_text, const std::string& store,
                           const std::string& name, int hosts) {
  const Json workload = Json::parse(workload_text);
  ExperimentConfig config;
  config.mode = parse_mode(workload.at("mode").get<std::string>()).value_or(Mode::kNone);
  const std::string schedule = workload.at("schedule").get<std::string>();
  config.schedule = schedule == "lockstep" ? Schedule::kLockstep : Schedule::kFree;
  config.procs = workload.at("procs").get<int>();
  config.attempts = workload.at("attempts").get<int>();
  config.tickets = workload.at("tickets").get<std::int64_t>();
  config.trials = workload.at("trials").get<int>();
  config.latency = {Nanoseconds(workload.at("latency_min_ns").get<std::int64_t>()),
                    Nanoseconds(workload.at("latency_max_ns").get<std::int64_t>())};
  config.search_latency = Nanoseconds(workload.at("search_latency_ns").get<std::int64_t>());
  config.hold = Nanoseconds(workload.at("hold_ns").get<std::int64_t>());
  config.seed = workload.at("seed").get<std::uint64_t>();
  config.fencing = workload.at("fencing").get<bool>();
  config.store_path = store;
  config.experiment = name;
  config.hosts = hosts;
  return config;
}

// Every host's part of one trial as one trial: customers numbered host by host, times on
// the server's clock, the oracle run over all of them, the shared row's final count.
TrialResult merge_trial(const ExperimentConfig& config, const StoredExperiment::Trial& stored,
                        std::int64_t tickets, ExperimentResult::SharedRun& shared) {
  TrialResult merged;
  merged.index = stored.index;
  merged.mode = config.mode;
  merged.schedule = config.schedule;
  merged.procs = config.procs * config.hosts;
  merged.attempts = config.attempts;
  merged.tickets = tickets;
  merged.database_store = true;
  merged.fencing = config.fencing;
  merged.times_recorded = config.record_times;
  merged.final_count = stored.final_count;
  if (stored.final_count)
    merged.final_store = "{\"count\": " + std::to_string(*stored.final_count) + "}";
  std::vector<CustomerHistory> customers;
  std::int64_t start = 0;
  std::int64_t end = 0;
  for (const HostRecords& host : stored.hosts) {
    TrialResult part = parse_host_records(host.records, host.clock.offset_ns);
    shared.clock_error_ns = std::max(shared.clock_error_ns, host.clock.error_ns);
    start = start == 0 ? part.t_start : std::min(start, part.t_start);
    end = std::max(end, part.t_start + part.wall_ns);
    if (part.stalled && !merged.stalled) {
      merged.stalled = true;
      merged.stall_reason = "host " + std::to_string(host.host + 1) + ": " + part.stall_reason;
    }
    if (merged.interrupted_by == 0) merged.interrupted_by = part.interrupted_by;
    merged.crashed += part.crashed;
    merged.injected_crashes += part.injected_crashes;
    merged.repairs += part.repairs;
    merged.lock_timeouts += part.lock_timeouts;
    merged.paused_ns += part.paused_ns;
    const int first = host.host * config.procs;
    for (CrashedCustomer crash : part.crashes) {
      crash.customer += first;
      merged.crashes.push_back(crash);
    }
    for (CustomerHistory& customer : part.customers) {
      customer.index += first;
      for (const PurchaseRecord& purchase : customer.purchases) {
        merged.fenced_off += purchase.outcome == Outcome::kFencedOff ? 1 : 0;
      }
      merged.leases_expired += customer.lease_expired_attempt >= 0 ? 1 : 0;
      customers.push_back(std::move(customer));
    }
  }
  std::sort(customers.begin(), customers.end(),
            [](const CustomerHistory& a, const CustomerHistory& b) { return a.index < b.index; });
  merged.t_start = start;
  merged.wall_ns = end - start;
  analyse_trial(merged, customers, /*search_is_shared=*/true);
  merged.purchases_per_s =
      merged.wall_ns > 0 ? static_cast<double>(merged.purchases) * 1e9 / merged.wall_ns : 0;
  merged.customers = std::move(customers);
  return merged;
}

}  // namespace

ExperimentResult run_shared_experiment(const ExperimentConfig& config, const PreparedStore& store,
                                       const TrialObserver& observer) {
  ExperimentResult result;
  result.config = config;
  result.store_label = store.label;
  result.tickets = store.tickets;
  SharedExperiment experiment = SharedExperiment::join(
      store.database_url, config.experiment, config.hosts, workload_of(config, store.tickets));
  ExperimentResult::SharedRun shared;
  shared.name = config.experiment;
  shared.hosts = config.hosts;
  shared.host = experiment.host();
  const StoreFactory factory = store.store_factory();
  // On a terminal, say why nothing seems to happen while the other hosts are not there yet.
  auto waiting = [&](int arrived) {
    if (::isatty(STDERR_FILENO) == 0) return;
    std::fprintf(stderr, "ticketsim: experiment %s: waiting for the other hosts (%d of %d here)\n",
                 config.experiment.c_str(), arrived, config.hosts);
  };
  try {
    for (int trial = 0; trial < config.trials; ++trial) {
      if (interrupt_signal() != 0) break;
      experiment.meet("t" + std::to_string(trial + 1) + "/ready", kJoinWaitNs, waiting);
      if (interrupt_signal() != 0) break;  // left the barrier: nothing of this trial ran
      const ClockOffset clock = experiment.measure_clock();
      TrialInput input{&result.config, store.bytes, store.tickets,
                       trial,          factory,     experiment.row_name(trial)};
      TrialResult local = run_trial(input);
      experiment.put_records(trial, clock, host_records_text(local));
      experiment.finish_trial(trial);
      if (observer) observer(local);
      result.trials.push_back(std::move(local));
    }
  } catch (const std::exception& e) {
    experiment.abandon(e.what());
    throw RunError(e.what());
  }
  result.interrupted_by = interrupt_signal();
  if (result.interrupted_by != 0) {
    experiment.abandon("interrupted by " + signal_name(result.interrupted_by));
  }
  if (result.interrupted_by == 0 && experiment.finish()) {
    ExperimentResult merged = shared_experiment_result(store.database_url, config.experiment);
    merged.config = config;
    merged.config.procs = config.procs * config.hosts;
    merged.shared->host = experiment.host();
    return merged;
  }
  result.shared = shared;
  return result;
}

ExperimentResult shared_experiment_result(const std::string& store, const std::string& name) {
  check_postgres_url(store);
  const StoredExperiment stored = load_shared_experiment(store, name);
  ExperimentResult result;
  result.config = config_of(stored.workload, store, name, stored.hosts);
  // Every host's customers are one trial's: the report counts them all.
  const int procs_per_host = result.config.procs;
  result.store_label = redacted_postgres_url(store);
  result.tickets = result.config.tickets.value_or(1);
  ExperimentResult::SharedRun shared;
  shared.name = name;
  shared.hosts = stored.hosts;
  shared.merged = true;
  for (const StoredExperiment::Trial& trial : stored.trials) {
    for (const HostRecords& host : trial.hosts) {
      if (static_cast<int>(shared.hostnames.size()) <= host.host) {
        shared.hostnames.resize(static_cast<std::size_t>(host.host) + 1);
      }
      shared.hostnames[static_cast<std::size_t>(host.host)] = host.hostname;
    }
    if (static_cast<int>(trial.hosts.size()) < stored.hosts || !trial.final_count) {
      ++shared.trials_incomplete;
      continue;
    }
    result.trials.push_back(merge_trial(result.config, trial, result.tickets, shared));
  }
  result.config.procs = procs_per_host * stored.hosts;
  result.config.trials = static_cast<int>(result.trials.size());
  result.shared = shared;
  return result;
}

void forget_shared_experiment_result(const std::string& store, const std::string& name) {
  check_postgres_url(store);
  forget_shared_experiment(store, name);
}

}  // namespace ticketsim
