#include "simulator/trial.h"

#include <unistd.h>

#include <atomic>
#include <cstring>
#include <memory>
#include <random>

#include <fmt/format.h>

#include "locks/lock_provider.h"
#include "simulator/analysis.h"
#include "simulator/clock.h"
#include "simulator/customer.h"
#include "simulator/customer_processes.h"
#include "simulator/interrupt.h"
#include "simulator/shared_table.h"
#include "simulator/trial_workspace.h"
#include "storage/posix_io.h"
#include "storage/store_file.h"

namespace ticketsim {
namespace {

// A kernel-object name no other trial uses, now or in a concurrent run:
// ticketsim.<pid>.<trial counter>.<random>.
std::string unique_object_name() {
  static std::atomic<unsigned> counter{0};
  std::random_device random;
  return fmt::format("ticketsim.{}.{}.{:08x}", ::getpid(), counter.fetch_add(1), random());
}

// Seeds customer `index` of trial `trial` from the experiment seed (distinct streams).
std::uint64_t customer_seed(std::uint64_t seed, int trial, int index) {
  return seed * 0x100000001B3ull ^ (static_cast<std::uint64_t>(trial) << 32) ^
         static_cast<std::uint64_t>(index);
}

CustomerHistory copy_out(SharedTable& table, int index, bool keep_purchases) {
  const CustomerSlot& slot = table.slot(index);
  CustomerHistory history;
  history.index = index;
  history.pid = slot.pid;
  history.ppid = slot.ppid;
  history.t_spawn = slot.t_spawn;
  history.t_exit = slot.t_exit;
  history.search = slot.search;
  history.error.assign(slot.error, ::strnlen(slot.error, kCustomerErrorBytes));
  if (keep_purchases) {
    history.purchases.reserve(static_cast<std::size_t>(table.attempts()));
    for (int attempt = 0; attempt < table.attempts(); ++attempt) {
      history.purchases.push_back(table.purchase(index, attempt));
    }
  }
  return history;
}

// Reads the trial's store after every customer is gone.
void read_final_store(const std::string& path, TrialResult& result) {
  try {
    LoadedStore final_store = load_store(path);
    result.final_count = final_store.document.count();
    result.final_store = std::move(final_store.bytes);
  } catch (const StoreError&) {
    result.final_count.reset();
  }
}

}  // namespace

TrialResult run_trial(const TrialInput& input) {
  const ExperimentConfig& config = *input.config;
  TrialResult result;
  result.index = input.index;
  result.mode = config.mode;
  result.schedule = config.schedule;
  result.procs = config.procs;
  result.attempts = config.attempts;
  result.tickets = input.tickets;

  std::string workdir = config.workdir.empty() ? default_workdir() : config.workdir;
  std::unique_ptr<TrialWorkspace> workspace;
  try {
    workspace = std::make_unique<TrialWorkspace>(workdir, input.store_bytes);
  } catch (const SystemError& e) {
    throw RunError(e.what());
  }
  std::unique_ptr<LockProvider> locks;
  try {
    locks = make_lock_provider(config.mode, LockSite{workspace->lock_path(), unique_object_name()});
  } catch (const LockError& e) {
    throw RunError(std::string("cannot create the lock: ") + e.what());
  }
  std::unique_ptr<SharedTable> table;
  try {
    table = std::make_unique<SharedTable>(config.procs, config.attempts);
  } catch (const SystemError& e) {
    throw RunError(e.what());
  }
  table->header().round_start.init(static_cast<std::uint32_t>(config.procs));
  table->header().race_point.init(static_cast<std::uint32_t>(config.procs));
  const bool search_is_shared = locks->readers_share();

  std::vector<CustomerPlan> plans(static_cast<std::size_t>(config.procs));
  for (int i = 0; i < config.procs; ++i) {
    plans[i] = CustomerPlan{i,           &config,     workspace->store_path(),
                            locks.get(), table.get(), customer_seed(config.seed, input.index, i)};
  }

  std::vector<int> wait_status(static_cast<std::size_t>(config.procs), 0);
  std::vector<bool> killed(static_cast<std::size_t>(config.procs), false);
  bool killing = false;
  auto on_exit = [&](const ChildExit& exit) {
    wait_status[exit.tag] = exit.wait_status;
    killed[exit.tag] = killing;
    // A customer that will never arrive again must not leave the others at a barrier.
    if (!exit.exited_normally()) {
      table->header().round_start.break_barrier();
      table->header().race_point.break_barrier();
    }
  };

  const std::int64_t deadline = monotonic_ns() + effective_trial_timeout(config).count();
  CustomerProcesses children(config.mode == Mode::kJoin ? 1 : config.procs);
  auto end = CustomerProcesses::WaitEnd::kAllExited;
  result.t_start = monotonic_ns();
  int started = 0;
  try {
    for (int i = 0; i < config.procs; ++i) {
      if (interrupt_signal() != 0) {
        end = CustomerProcesses::WaitEnd::kInterrupted;
        break;
      }
      const CustomerPlan& plan = plans[i];
      children.spawn(i, [&plan] { return run_customer(plan); });
      ++started;
      if (config.mode == Mode::kJoin) {
        end = children.wait_all(deadline, on_exit);  // p.start(); p.join()
        if (end != CustomerProcesses::WaitEnd::kAllExited) break;
      }
    }
    if (end == CustomerProcesses::WaitEnd::kAllExited) end = children.wait_all(deadline, on_exit);
  } catch (const SystemError& e) {
    killing = true;
    table->header().round_start.break_barrier();
    children.kill_all(on_exit);
    throw RunError(
        fmt::format("could not start customer {} of {}: {}", started + 1, config.procs, e.what()));
  }
  if (end != CustomerProcesses::WaitEnd::kAllExited) {
    killing = true;
    table->header().round_start.break_barrier();
    table->header().race_point.break_barrier();
    children.kill_all(on_exit);
    result.stalled = end == CustomerProcesses::WaitEnd::kDeadline;
    if (end == CustomerProcesses::WaitEnd::kInterrupted) result.interrupted_by = interrupt_signal();
  }
  result.wall_ns = monotonic_ns() - result.t_start;

  read_final_store(workspace->store_path(), result);
  std::vector<CustomerHistory> customers;
  customers.reserve(static_cast<std::size_t>(config.procs));
  for (int i = 0; i < config.procs; ++i) {
    CustomerHistory history = copy_out(*table, i, /*keep_purchases=*/true);
    history.wait_status = wait_status[i];
    history.killed_by_run = killed[i];
    if (WIFSIGNALED(history.wait_status) && !history.killed_by_run) ++result.crashed;
    customers.push_back(std::move(history));
  }
  analyse_trial(result, customers, search_is_shared);
  result.times_recorded = config.record_times;
  result.purchases_per_s =
      result.wall_ns > 0 ? static_cast<double>(result.purchases) * 1e9 / result.wall_ns : 0;
  result.customers = std::move(customers);  // run_experiment drops what it does not keep
  return result;
}

}  // namespace ticketsim
