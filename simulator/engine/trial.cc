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

TrialResult run_free_trial(const TrialInput& input) {
  const ExperimentConfig& config = *input.config;
  TrialResult result = start_result(input);

  TrialResources resources = TrialResources::create(input);
  TableHeader& header = resources.table->header();

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
      const CustomerPlan plan = resources.plan(input, i);
      children.spawn(i, [&plan] { return run_customer(plan); });
      ++started;
      if (started % kReapEvery == 0) children.poll(hooks);
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
  resources.server.reset();  // nothing may write the store while it is read for the report
  conclude_trial(result, input, resources, monitor.exits());
  return result;
}

}  // namespace ticketsim
