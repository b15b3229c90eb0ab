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
#include "storage/store_scanner.h"

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

namespace {

// Everything the parent learns about its customers while they run.
class TrialMonitor {
 public:
  TrialMonitor(const ExperimentConfig& config, TableHeader& header, CustomerProcesses& children)
      : config_(config),
        header_(header),
        children_(children),
        wait_status_(static_cast<std::size_t>(config.procs), 0),
        killed_(static_cast<std::size_t>(config.procs), false) {}

  WaitHooks hooks() {
    WaitHooks hooks;
    hooks.on_exit = [this](const ChildExit& exit) { on_exit(exit); };
    hooks.on_stopped = [this](pid_t pid, int) { on_stopped(pid); };
    hooks.on_tick = [this] { return resume_due(); };
    hooks.stop_requested = [this] { return lock_timed_out_; };
    return hooks;
  }

  // From now on, exits are the run's own SIGKILLs, not crashes.
  void start_killing() { killing_ = true; }

  int wait_status(int customer) const { return wait_status_[static_cast<std::size_t>(customer)]; }
  bool killed(int customer) const { return killed_[static_cast<std::size_t>(customer)]; }
  bool lock_timed_out() const { return lock_timed_out_; }

 private:
  void on_exit(const ChildExit& exit) {
    wait_status_[static_cast<std::size_t>(exit.tag)] = exit.wait_status;
    killed_[static_cast<std::size_t>(exit.tag)] = killing_;
    if (WIFEXITED(exit.wait_status) && WEXITSTATUS(exit.wait_status) == kCustomerExitLockTimeout) {
      lock_timed_out_ = true;  // a lock that will not come back: stop the trial
    }
    // A customer that died will never arrive at a barrier again: the others go on without
    // it. (Every exit path of a customer lies outside the barriers.)
    if (!exit.exited_normally() && !killing_) {
      header_.round_start.leave();
      header_.race_point.leave();
    }
  }

  void on_stopped(pid_t pid) {
    if (!config_.pause_holder) return;  // stopped by someone else: not ours to resume
    paused_.push_back({pid, monotonic_ns() + config_.pause_holder->count()});
  }

  // Resumes paused holders whose pause is over; returns when the next one is due.
  std::int64_t resume_due() {
    std::int64_t now = monotonic_ns(), next = 0;
    std::erase_if(paused_, [&](const Pause& pause) {
      if (pause.resume_at > now) {
        next = next == 0 ? pause.resume_at : std::min(next, pause.resume_at);
        return false;
      }
      children_.resume(pause.pid);
      return true;
    });
    return next;
  }

  struct Pause {
    pid_t pid;
    std::int64_t resume_at;
  };

  const ExperimentConfig& config_;
  TableHeader& header_;
  CustomerProcesses& children_;
  std::vector<int> wait_status_;
  std::vector<bool> killed_;
  std::vector<Pause> paused_;
  bool killing_ = false;
  bool lock_timed_out_ = false;
};

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
  TableHeader& header = table->header();
  header.round_start.init(static_cast<std::uint32_t>(config.procs));
  header.race_point.init(static_cast<std::uint32_t>(config.procs));
  header.committed_count.store(input.tickets);
  const bool search_is_shared = locks->readers_share();

  std::vector<CustomerPlan> plans(static_cast<std::size_t>(config.procs));
  for (int i = 0; i < config.procs; ++i) {
    plans[i] = CustomerPlan{i,
                            &config,
                            workspace->store_path(),
                            &input.store_bytes,
                            locks.get(),
                            table.get(),
                            customer_seed(config.seed, input.index, i)};
  }

  const std::int64_t deadline = monotonic_ns() + effective_trial_timeout(config).count();
  CustomerProcesses children(config.mode == Mode::kJoin ? 1 : config.procs);
  TrialMonitor monitor(config, header, children);
  const WaitHooks hooks = monitor.hooks();
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
        end = children.wait_all(deadline, hooks);  // p.start(); p.join()
        if (end != CustomerProcesses::WaitEnd::kAllExited) break;
      }
    }
    if (end == CustomerProcesses::WaitEnd::kAllExited) end = children.wait_all(deadline, hooks);
  } catch (const SystemError& e) {
    monitor.start_killing();
    header.round_start.break_barrier();
    header.race_point.break_barrier();
    children.kill_all(hooks.on_exit);
    throw RunError(
        fmt::format("could not start customer {} of {}: {} (lower --procs, or raise the "
                    "process limit: ulimit -u)",
                    started + 1, config.procs, e.what()));
  }
  if (end != CustomerProcesses::WaitEnd::kAllExited) {
    monitor.start_killing();
    header.round_start.break_barrier();
    header.race_point.break_barrier();
    children.kill_all(hooks.on_exit);
    result.stalled =
        end == CustomerProcesses::WaitEnd::kDeadline || end == CustomerProcesses::WaitEnd::kStopped;
    if (end == CustomerProcesses::WaitEnd::kInterrupted) result.interrupted_by = interrupt_signal();
  }
  // Customers that gave up on a lock stall the trial even when they all exited before the
  // wait noticed.
  if (monitor.lock_timed_out()) result.stalled = true;
  result.wall_ns = monotonic_ns() - result.t_start;

  // The last holder may have died mid-write with nobody after it to repair the store: the
  // end-of-trial check does what the next holder would have done.
  bool repaired_at_end = false;
  if (locks->reports_dead_owner() && header.write_in_progress.load() != 0) {
    StoreScan scan = scan_store(input.store_bytes);
    StoreFile(workspace->store_path(), config.write)
        .replace(with_count(input.store_bytes, scan, header.committed_count.load()));
    repaired_at_end = true;
  }
  read_final_store(workspace->store_path(), result);
  std::vector<CustomerHistory> customers;
  customers.reserve(static_cast<std::size_t>(config.procs));
  for (int i = 0; i < config.procs; ++i) {
    const CustomerSlot& slot = table->slot(i);
    CustomerHistory history = copy_out(*table, i, /*keep_purchases=*/true);
    history.wait_status = monitor.wait_status(i);
    history.killed_by_run = monitor.killed(i);
    history.repairs = slot.repairs;
    history.lock_timed_out = slot.lock_timed_out != 0;
    history.t_paused = slot.t_paused;
    history.t_resumed = slot.t_resumed;
    bool died = WIFSIGNALED(history.wait_status) && !history.killed_by_run;
    if (died) {
      ++result.crashed;
      if (slot.crash_point != 0) {
        history.crashed_at = static_cast<CrashPoint>(slot.crash_point - 1);
        history.crash_attempt = slot.crash_attempt;
      }
      history.died_holding_lock = slot.holding != 0;
      result.crashes.push_back(CrashedCustomer{i, slot.pid, history.crashed_at,
                                               history.crash_attempt, history.died_holding_lock});
    }
    result.repairs += history.repairs;
    result.lock_timeouts += history.lock_timed_out ? 1 : 0;
    if (history.t_paused != 0) {
      result.paused_ns +=
          (history.t_resumed != 0 ? history.t_resumed : monotonic_ns()) - history.t_paused;
    }
    for (const PurchaseRecord& purchase : history.purchases) {
      if (purchase.t_lock_requested != 0 && purchase.t_lock_acquired >= purchase.t_lock_requested) {
        result.lock_wait_ns += purchase.t_lock_acquired - purchase.t_lock_requested;
      }
    }
    customers.push_back(std::move(history));
  }
  if (repaired_at_end) ++result.repairs;
  if (result.stalled) {
    std::string holders;
    for (const CrashedCustomer& crash : result.crashes) {
      if (crash.held_lock) holders += (holders.empty() ? "" : ", ") + describe(crash);
    }
    if (monitor.lock_timed_out()) {
      result.stall_reason =
          fmt::format("a customer waited {} for the {} lock and gave up",
                      format_duration(effective_lock_timeout(config)), mode_name(config.mode));
    } else {
      result.stall_reason = fmt::format("the trial ran past its timeout of {}",
                                        format_duration(effective_trial_timeout(config)));
    }
    if (!holders.empty()) result.stall_reason += "; it was held by dead " + holders;
  }
  analyse_trial(result, customers, search_is_shared);
  result.times_recorded = config.record_times;
  result.readers_share = search_is_shared;
  result.purchases_per_s =
      result.wall_ns > 0 ? static_cast<double>(result.purchases) * 1e9 / result.wall_ns : 0;
  result.customers = std::move(customers);  // run_experiment drops what it does not keep
  return result;
}

}  // namespace ticketsim
