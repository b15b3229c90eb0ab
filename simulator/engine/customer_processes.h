// CustomerProcesses: forks customers into one process group, reaps them, kills them.
#pragma once

#include <signal.h>
#include <sys/types.h>

#include <cstdint>
#include <functional>
#include <vector>

#include "simulator/engine/pid_slots.h"

namespace ticketsim {

// How one child ended, as waitpid reported it.
struct ChildExit {
  pid_t pid = 0;
  int tag = 0;  // what the caller passed to spawn(), e.g. the customer's index
  int wait_status = 0;
  bool exited_normally() const { return WIFEXITED(wait_status) && WEXITSTATUS(wait_status) == 0; }
};

// What wait_all() reports to its caller, and asks of it. Any hook may be empty.
struct WaitHooks {
  std::function<void(const ChildExit&)> on_exit;       // a child was reaped
  std::function<void(pid_t pid, int tag)> on_stopped;  // a child stopped (SIGSTOP); still running
  // Called every time round the loop; returns the CLOCK_MONOTONIC time at which it next
  // needs calling (0: no particular time), e.g. to resume a paused child.
  std::function<std::int64_t()> on_tick;
  std::function<bool()> stop_requested;  // true: wait_all returns kStopped
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
  enum class WaitEnd { kAllExited, kDeadline, kInterrupted, kStopped };

  // Reaps children until none is running, CLOCK_MONOTONIC passes `deadline_ns`, an
  // interrupt is requested (see interrupt.h) or hooks.stop_requested() says so. Reports
  // each child reaped or stopped through `hooks`.
  WaitEnd wait_all(std::int64_t deadline_ns, const WaitHooks& hooks);

  // Reaps whatever has exited (and reports stopped children), without blocking.
  void poll(const WaitHooks& hooks) { reap_available(hooks); }

  // Sends SIGCONT to a stopped child.
  void resume(pid_t pid) { ::kill(pid, SIGCONT); }

  // Sends SIGKILL to every running child and reaps them all, calling `on_exit` for each.
  void kill_all(const std::function<void(const ChildExit&)>& on_exit);

  int running() const { return static_cast<int>(running_.size()); }

 private:
  struct Child {
    pid_t pid;
    int tag;
  };

  // Reaps every child that has exited, and reports those that stopped, without blocking.
  // Returns how many were reaped.
  int reap_available(const WaitHooks& hooks);
  // The same, one waitpid(pid) each (the fallback when the group looks empty).
  int reap_each_by_pid(const WaitHooks& hooks);
  // The tag of running child `pid`, or -1.
  int tag_of(pid_t pid);
  // Removes `pid` from running_; returns its tag, or -1 when it is not ours.
  int forget(pid_t pid);

  pid_t pgid_ = 0;  // the group of the running children; 0 when none runs
  pid_t parent_pid_;
  sigset_t saved_mask_{};       // the caller's signal mask, restored on destruction
  std::vector<Child> running_;  // forked and not yet reaped, in no particular order
  PidSlots position_;  // pid -> position in running_, sized once: spawning allocates nothing
};

}  // namespace ticketsim
