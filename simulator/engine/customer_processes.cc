#include "simulator/engine/customer_processes.h"

#include <pthread.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>

#include "simulator/engine/clock.h"
#include "simulator/text/translate.h"
#include "storage/posix_io.h"
#include "ticketsim/interrupt.h"

namespace ticketsim {
namespace {

constexpr int kExitUncaughtException = 70;  // EX_SOFTWARE
constexpr int kExitParentGone = 71;
constexpr std::int64_t kMaxSleepNs = 50'000'000;  // re-check interrupts at least every 50 ms

}  // namespace

CustomerProcesses::CustomerProcesses(int expected_children) : parent_pid_(::getpid()) {
  running_.reserve(static_cast<std::size_t>(expected_children));
  position_.reserve(static_cast<std::size_t>(expected_children));
  sigset_t block;
  sigemptyset(&block);
  sigaddset(&block, SIGCHLD);
  ::pthread_sigmask(SIG_BLOCK, &block, &saved_mask_);
}

CustomerProcesses::~CustomerProcesses() {
  if (!running_.empty()) kill_all(nullptr);
  ::pthread_sigmask(SIG_SETMASK, &saved_mask_, nullptr);
}

pid_t CustomerProcesses::spawn(int tag, const std::function<int()>& body) {
  if (running_.empty()) std::fflush(nullptr);
  pid_t pid = ::fork();
  if (pid < 0) throw SystemError(tr("fork"), "", errno);
  if (pid == 0) {
    int code = kExitUncaughtException;
    try {
      ::setpgid(0, pgid_);  // pgid_ == 0: lead a new group (see the parent's side below)
      ::prctl(PR_SET_PDEATHSIG, SIGKILL);
      if (::getppid() != parent_pid_) ::_exit(kExitParentGone);  // parent died before prctl
      // SIGCHLD stays blocked: a customer has no children. Every system call here is paid
      // 1000 times by a 1000-customer trial, so none is spent on what cannot matter.
      code = body();
    } catch (...) {
      code = kExitUncaughtException;
    }
    ::_exit(code);
  }
  // Both sides set the group (as shells do): the child so that it is in the group before it
  // runs any customer code, the parent so that it is in the group before spawn() returns.
  // Otherwise waitpid(-pgid) could find the group empty while a child has yet to join it.
  ::setpgid(pid, pgid_ == 0 ? pid : pgid_);
  if (pgid_ == 0) pgid_ = pid;
  position_.put(pid, running_.size());
  running_.push_back(Child{pid, tag});
  return pid;
}

int CustomerProcesses::forget(pid_t pid) {
  long found = position_.find(pid);
  if (found < 0) return -1;
  std::size_t slot = static_cast<std::size_t>(found);
  int tag = running_[slot].tag;
  position_.erase(pid);
  if (slot + 1 != running_.size()) {
    running_[slot] = running_.back();
    position_.put(running_[slot].pid, slot);
  }
  running_.pop_back();
  return tag;
}

int CustomerProcesses::reap_available(const WaitHooks& hooks) {
  int reaped = 0;
  while (!running_.empty()) {
    int status = 0;
    pid_t pid = ::waitpid(-pgid_, &status, WNOHANG | WUNTRACED);
    if (pid == 0) break;
    if (pid < 0) {
      if (errno == EINTR) continue;
      // ECHILD: no child left in the group. Ask for each child by pid before believing
      // that someone else reaped them (e.g. SIGCHLD set to SIG_IGN by the host program).
      reaped += reap_each_by_pid(hooks);
      break;
    }
    if (WIFSTOPPED(status)) {
      if (hooks.on_stopped) hooks.on_stopped(pid, tag_of(pid));
      continue;
    }
    int tag = forget(pid);
    if (tag < 0) continue;
    ++reaped;
    if (hooks.on_exit) hooks.on_exit(ChildExit{pid, tag, status});
  }
  if (running_.empty()) pgid_ = 0;
  return reaped;
}

int CustomerProcesses::reap_each_by_pid(const WaitHooks& hooks) {
  int reaped = 0;
  std::vector<Child> still_running;
  for (const Child& child : running_) {
    int status = 0;
    pid_t pid;
    do {
      pid = ::waitpid(child.pid, &status, WNOHANG | WUNTRACED);
    } while (pid < 0 && errno == EINTR);
    if (pid == 0 || (pid == child.pid && WIFSTOPPED(status))) {
      if (pid == child.pid && hooks.on_stopped) hooks.on_stopped(child.pid, child.tag);
      still_running.push_back(child);
      continue;
    }
    ++reaped;
    if (hooks.on_exit)
      hooks.on_exit(ChildExit{child.pid, child.tag, pid == child.pid ? status : 0});
  }
  running_ = std::move(still_running);
  position_.clear();
  for (std::size_t i = 0; i < running_.size(); ++i) position_.put(running_[i].pid, i);
  return reaped;
}

int CustomerProcesses::tag_of(pid_t pid) {
  long found = position_.find(pid);
  return found < 0 ? -1 : running_[static_cast<std::size_t>(found)].tag;
}

CustomerProcesses::WaitEnd CustomerProcesses::wait_all(std::int64_t deadline_ns,
                                                       const WaitHooks& hooks) {
  sigset_t sigchld;
  sigemptyset(&sigchld);
  sigaddset(&sigchld, SIGCHLD);
  for (;;) {
    reap_available(hooks);
    if (running_.empty()) return WaitEnd::kAllExited;
    if (interrupt_signal() != 0) return WaitEnd::kInterrupted;
    if (hooks.stop_requested && hooks.stop_requested()) return WaitEnd::kStopped;
    std::int64_t now = monotonic_ns();
    if (now >= deadline_ns) return WaitEnd::kDeadline;
    std::int64_t wake = deadline_ns;
    if (hooks.on_tick) {
      std::int64_t wanted = hooks.on_tick();
      if (wanted != 0) wake = std::min(wake, wanted);
    }
    std::int64_t sleep_ns = std::clamp<std::int64_t>(wake - now, 0, kMaxSleepNs);
    timespec timeout{static_cast<time_t>(sleep_ns / 1'000'000'000),
                     static_cast<long>(sleep_ns % 1'000'000'000)};
    // Returns on SIGCHLD, on timeout, or with EINTR when SIGINT/SIGTERM ran their handler.
    ::sigtimedwait(&sigchld, nullptr, &timeout);
  }
}

void CustomerProcesses::kill_all(const std::function<void(const ChildExit&)>& on_exit) {
  if (pgid_ != 0) ::kill(-pgid_, SIGKILL);
  for (const Child& child : running_) ::kill(child.pid, SIGKILL);  // one not yet in the group
  for (const Child& child : running_) {
    int status = 0;
    pid_t reaped;
    do {
      reaped = ::waitpid(child.pid, &status, 0);
    } while (reaped < 0 && errno == EINTR);
    if (on_exit) on_exit(ChildExit{child.pid, child.tag, reaped == child.pid ? status : 0});
  }
  running_.clear();
  position_.clear();
  pgid_ = 0;
}

}  // namespace ticketsim
