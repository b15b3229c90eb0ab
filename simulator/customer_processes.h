// CustomerProcesses: forks customers into one process group, reaps them, kills them.
#pragma once

#include <signal.h>
#include <sys/types.h>

#include <cstdint>
#include <functional>
#include <unordered_map>
#include <vector>

namespace ticketsim {

// How one child ended, as waitpid reported it.
struct ChildExit {
  pid_t pid = 0;
  int tag = 0;  // what the caller passed to spawn(), e.g. the customer's index
  int wait_status = 0;
  bool exited_normally() const { return WIFEXITED(wait_status) && WEXITSTATUS(wait_status) == 0; }
};

// Owns the children of one trial. Every child is forked into the trial's own process group,
// so the parent can reap exactly its customers (waitpid(-pgid), never another child of a
// test author's program) and kill them all with one signal.
//
// Guarantees: a child never returns into the caller's code (it runs `body` and _exits);
// a child dies with its parent (PR_SET_PDEATHSIG) and exits at once if the parent died
// before it could ask for that; the destructor kills and reaps every child still alive,
// so no zombie and no orphan outlives this object. SIGCHLD is blocked in the calling thread
// while the object lives (so waits can sleep on it without a race), and in the children,
// which never fork.
class CustomerProcesses {
 public:
  // `expected_children` reserves room, so that spawning allocates nothing: every page the
  // parent writes between forks is a copy-on-write fault, paid once per child.
  explicit CustomerProcesses(int expected_children = 0);
  ~CustomerProcesses();
  CustomerProcesses(const CustomerProcesses&) = delete;
  CustomerProcesses& operator=(const CustomerProcesses&) = delete;

  // Forks a child that runs `body()` and _exits with its result (exceptions: exit 70).
  // `tag` comes back in ChildExit. Before the first child of a batch (none running), stdio
  // is flushed so buffered output is not duplicated; the caller prints nothing while a
  // batch is being spawned. Throws SystemError when fork fails (e.g. EAGAIN at the process
  // limit); children already started stay owned.
  pid_t spawn(int tag, const std::function<int()>& body);

  // Why wait_all() returned.
  enum class WaitEnd { kAllExited, kDeadline, kInterrupted };

  // Reaps children until none is running, CLOCK_MONOTONIC passes `deadline_ns`, or an
  // interrupt is requested (see interrupt.h). Calls `on_exit` for each child reaped.
  WaitEnd wait_all(std::int64_t deadline_ns, const std::function<void(const ChildExit&)>& on_exit);

  // Sends SIGKILL to every running child and reaps them all, calling `on_exit` for each.
  void kill_all(const std::function<void(const ChildExit&)>& on_exit);

  int running() const { return static_cast<int>(running_.size()); }

 private:
  struct Child {
    pid_t pid;
    int tag;
  };

  // Reaps every child that has exited, without blocking. Returns how many were reaped.
  int reap_available(const std::function<void(const ChildExit&)>& on_exit);
  // Reaps, one waitpid(pid) each, every child that has exited (the fallback when the group
  // looks empty). Returns how many were reaped.
  int reap_each_by_pid(const std::function<void(const ChildExit&)>& on_exit);
  // Removes `pid` from running_; returns its tag, or -1 when it is not ours.
  int forget(pid_t pid);

  pid_t pgid_ = 0;  // the group of the running children; 0 when none runs
  pid_t parent_pid_;
  sigset_t saved_mask_{};       // the caller's signal mask, restored on destruction
  std::vector<Child> running_;  // forked and not yet reaped, in no particular order
  // pid -> position in running_, rebuilt lazily at the first reap after spawning (not
  // maintained during spawning, which must not allocate).
  std::unordered_map<pid_t, std::size_t> position_;
  bool position_stale_ = false;
};

}  // namespace ticketsim
