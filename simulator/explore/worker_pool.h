// WorkerPool: processes that run the exploration's schedules side by side.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <vector>

#include "simulator/engine/customer_processes.h"
#include "simulator/engine/trial.h"
#include "simulator/explore/execution.h"
#include "simulator/explore/schedule_runner.h"
#include "storage/unique_fd.h"

namespace ticketsim {

// True when `workload`'s schedules must run one at a time: serializable on a database, where
// PostgreSQL's predicate locks can cover a page or the whole table, so that trials side by
// side would abort each other's transactions and no schedule would replay as it ran.
bool runs_alone(const ExperimentConfig& workload);

// Forks `workers` processes (their own process group, so a terminal's Ctrl-C reaches only the
// explorer; each dies with it, PR_SET_PDEATHSIG). A worker takes one job at a time over its
// socket, runs it with run_schedule on fresh customers of its own, and answers with the
// execution. Destroying the pool closes the sockets, so each worker finishes the job it has
// (milliseconds) and exits; any still alive after 10 s is killed. Nothing a worker made
// outlives it: run_schedule removes each trial's resources.
class WorkerPool {
 public:
  WorkerPool(const TrialInput& input, const SchedulePolicy& policy, int workers);
  ~WorkerPool();
  WorkerPool(const WorkerPool&) = delete;
  WorkerPool& operator=(const WorkerPool&) = delete;

  int size() const { return static_cast<int>(workers_.size()); }
  // A worker with no job, or -1.
  int idle_worker() const;
  int busy() const;
  // Hands `job` to idle worker `worker`. Throws RunError when the worker is gone.
  void submit(int worker, std::uint64_t id, const Job& job);

  struct Answer {
    std::uint64_t id = 0;
    Execution execution;
  };
  // Waits up to `timeout_ms` for a busy worker's answer; nullopt on timeout or when a
  // signal interrupted the wait. Throws RunError when a worker failed or died.
  std::optional<Answer> wait(int timeout_ms);

 private:
  struct Worker {
    UniqueFd socket;
    pid_t pid = 0;
    std::optional<std::uint64_t> job;
  };
  std::vector<Worker> workers_;
  std::unique_ptr<CustomerProcesses> processes_;
};

}  // namespace ticketsim
