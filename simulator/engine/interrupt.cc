#include "ticketsim/interrupt.h"

#include <signal.h>
#include <string.h>
#include <unistd.h>

#include <atomic>
#include <string>

namespace ticketsim {
namespace {

std::atomic<int> g_interrupt_signal{0};
std::atomic<pid_t> g_handler_owner{0};
static_assert(std::atomic<int>::is_always_lock_free, "used from a signal handler");

}  // namespace

// C language linkage for sigaction, internal linkage so the library exports no C symbol (an
// unnamed namespace does not hide an extern "C" name from the linker; `static` does).
extern "C" {
static void on_interrupt_signal(int signal_number) {
  if (::getpid() != g_handler_owner.load(std::memory_order_relaxed)) {
    ::signal(signal_number, SIG_DFL);  // a forked customer: die as if no handler were set
    ::raise(signal_number);
    return;
  }
  request_interrupt(signal_number);
}
}

void install_interrupt_handlers() {
  g_handler_owner.store(::getpid(), std::memory_order_relaxed);
  struct sigaction action {};
  action.sa_handler = on_interrupt_signal;
  sigemptyset(&action.sa_mask);
  action.sa_flags = 0;  // no SA_RESTART: a blocking wait returns EINTR and sees the flag
  // SIGHUP: the terminal went away. SIGPIPE: the reader of stdout went away; the write
  // that raised it fails with EPIPE and the run ends as if interrupted, quietly.
  for (int signal_number : {SIGINT, SIGTERM, SIGHUP, SIGPIPE}) {
    ::sigaction(signal_number, &action, nullptr);
  }
}

void request_interrupt(int signal_number) noexcept {
  g_interrupt_signal.store(signal_number, std::memory_order_relaxed);
}

std::string signal_name(int signal_number) {
  const char* name = ::sigabbrev_np(signal_number);
  return name != nullptr ? std::string("SIG") + name : "signal " + std::to_string(signal_number);
}

int interrupt_signal() noexcept { return g_interrupt_signal.load(std::memory_order_relaxed); }

void clear_interrupt() noexcept { g_interrupt_signal.store(0, std::memory_order_relaxed); }

}  // namespace ticketsim
