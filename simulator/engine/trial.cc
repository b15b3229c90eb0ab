#include "simulator/engine/trial.h"

#include <unistd.h>

#include <atomic>
#include <cstring>
#include <memory>
#include <random>

#include <fmt/format.h>

#include "locks/lock_provider.h"
#include "simulator/engine/clock.h"
#include "simulator/engine/customer.h"
#include "simulator/engine/customer_processes.h"
#include "simulator/engine/shared_table.h"
#include "simulator/engine/trial_resources.h"
#include "simulator/engine/trial_workspace.h"
#include "simulator/oracle/analysis.h"
#include "storage/posix_io.h"
#include "storage/store_file.h"
#include "storage/store_scanner.h"
#include "ticketsim/interrupt.h"

namespace ticketsim {
namespace {

// While spawning, reap the customers that already exited every this many forks. A zombie
// stays in its process group until reaped, and every customer that exits scans its group's
// members for a live one (the kernel's orphaned-group check): with thousands of unreaped
// zombies that scan made 10,000 customers cost 1.7x the fork-and-reap floor, not 1.1x.
constexpr int kReapEvery = 32;

// Everything the parent learns about its customers while they run.
class TrialMonitor {
 public:
  TrialMonitor(const ExperimentConfig& config, TableHeader& header, CustomerProcesses& children)
      : config_(config),
        header_(header),
        children_(children),
        // By tag: a customer's index, or with --pool a worker's, of which there are at most
        // pool + procs (every replacement follows a crash, and each crash takes a task).
        wait_status_(static_cast<std::size_t>(config.procs + config.pool), 0),
        killed_(static_cast<std::size_t>(config.procs + config.pool), false) {}

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

  bool lock_timed_out() const { return lock_timed_out_; }
  CustomerExits exits() const { return CustomerExits{wait_status_, killed_, lock_timed_out_}; }

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
      header_.host_release.leave();
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

// --pool: one worker process. It runs customers, taking the next one nobody has taken, until
// none is left, and leaves each one's status in its slot. A customer that gave up on the lock
// ends the worker with that status, so the parent stops the trial as it would for a customer.
int run_pool_worker(const TrialResources& resources, const TrialInput& input) {
  SharedTable& table = *resources.table;
  for (;;) {
    const int index = table.header().next_task.fetch_add(1);
    if (index >= input.config->procs) return kCustomerExitOk;
    const CustomerPlan plan = resources.plan(input, index);
    const int status = run_customer(plan);
    table.slot(index).pool_status = status;
    if (status == kCustomerExitLockTimeout) return status;
  }
}

// --pool: how each customer ended, from its slot and its worker's exit. A task that finished
// ended as its status says; one that was running when its worker died or was killed ended as
// the worker did; one never started ended nowhere (wait status 0, pid 0).
CustomerExits customer_exits_of_pool(const SharedTable& table, int procs,
                                     const std::vector<pid_t>& workers,
                                     const CustomerExits& worker_exits) {
  CustomerExits exits{std::vector<int>(static_cast<std::size_t>(procs), 0),
                      std::vector<bool>(static_cast<std::size_t>(procs), false),
                      worker_exits.lock_timed_out};
  for (int i = 0; i < procs; ++i) {
    const CustomerSlot& slot = table.slot(i);
    const auto at = static_cast<std::size_t>(i);
    if (slot.pool_status >= 0) {
      exits.wait_status[at] = slot.pool_status << 8;  // as waitpid reports exit(status)
      continue;
    }
    for (std::size_t w = 0; w < workers.size(); ++w) {
      if (slot.pid != 0 && slot.pid == workers[w]) {
        exits.wait_status[at] = worker_exits.wait_status[w];
        exits.killed[at] = worker_exits.killed[w];
      }
    }
  }
  return exits;
}

}  // namespace

TrialResult run_free_trial(const TrialInput& input) {
  const ExperimentConfig& config = *input.config;
  TrialResult result = start_result(input);

  TrialResources resources = TrialResources::create(input);
  TableHeader& header = resources.table->header();

  const std::int64_t deadline = monotonic_ns() + effective_trial_timeout(config).count();
  const bool pooled = config.pool > 0;
  const int processes = pooled ? config.pool : config.procs;
  std::vector<pid_t> workers;  // --pool: each worker's pid, by worker index
  CustomerProcesses children(config.mode == Mode::kJoin ? 1 : processes);
  TrialMonitor monitor(config, header, children);
  const WaitHooks hooks = monitor.hooks();
  auto end = CustomerProcesses::WaitEnd::kAllExited;
  result.t_start = monotonic_ns();
  int started = 0;
  try {
    for (int i = 0; i < processes; ++i) {
      if (interrupt_signal() != 0) {
        end = CustomerProcesses::WaitEnd::kInterrupted;
        break;
      }
      if (pooled) {
        workers.push_back(children.spawn(i, [&] { return run_pool_worker(resources, input); }));
      } else {
        const CustomerPlan plan = resources.plan(input, i);
        children.spawn(i, [&plan] { return run_customer(plan); });
      }
      ++started;
      if (started % kReapEvery == 0) children.poll(hooks);
      if (config.mode == Mode::kJoin) {
        end = children.wait_all(deadline, hooks);  // p.start(); p.join()
        if (end != CustomerProcesses::WaitEnd::kAllExited) break;
      }
    }
    if (end == CustomerProcesses::WaitEnd::kAllExited) end = children.wait_all(deadline, hooks);
    // --pool: a worker that died (a crash) left its queue to the others; when every worker has
    // ended with tasks left, new workers take them, as multiprocessing.Pool replaces a dead
    // worker. Each crash takes a task with it, so this ends.
    while (pooled && end == CustomerProcesses::WaitEnd::kAllExited && !monitor.lock_timed_out() &&
           header.next_task.load() < config.procs) {
      if (interrupt_signal() != 0) {
        end = CustomerProcesses::WaitEnd::kInterrupted;
        break;
      }
      const int left = config.procs - header.next_task.load();
      for (int w = 0; w < std::min(config.pool, left); ++w) {
        const int tag = static_cast<int>(workers.size());
        workers.push_back(children.spawn(tag, [&] { return run_pool_worker(resources, input); }));
      }
      end = children.wait_all(deadline, hooks);
    }
  } catch (const SystemError& e) {
    monitor.start_killing();
    header.round_start.break_barrier();
    header.race_point.break_barrier();
    header.host_release.break_barrier();
    children.kill_all(hooks.on_exit);
    throw RunError(
        fmt::format("could not start {} {} of {}: {} (lower --procs, or raise the "
                    "process limit: ulimit -u)",
                    pooled ? "pool worker" : "customer", started + 1, processes, e.what()));
  }
  if (end != CustomerProcesses::WaitEnd::kAllExited) {
    monitor.start_killing();
    header.round_start.break_barrier();
    header.race_point.break_barrier();
    header.host_release.break_barrier();
    children.kill_all(hooks.on_exit);
    result.stalled =
        end == CustomerProcesses::WaitEnd::kDeadline || end == CustomerProcesses::WaitEnd::kStopped;
    if (end == CustomerProcesses::WaitEnd::kInterrupted) result.interrupted_by = interrupt_signal();
  }
  // Customers that gave up on a lock stall the trial even when they all exited before the
  // wait noticed.
  if (monitor.lock_timed_out()) result.stalled = true;
  result.wall_ns = monotonic_ns() - result.t_start;
  resources.server.reset();  // nothing may write the store while it is read for the report
  conclude_trial(
      result, input, resources,
      pooled ? customer_exits_of_pool(*resources.table, config.procs, workers, monitor.exits())
             : monitor.exits());
  return result;
}

}  // namespace ticketsim
