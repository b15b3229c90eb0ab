// Interrupt requests (SIGINT, SIGTERM, SIGHUP, SIGPIPE) that running trials honour.
#pragma once

#include <string>

#include "ticketsim/version.h"  // the C++20 check

namespace ticketsim {

// Installs SIGINT, SIGTERM, SIGHUP and SIGPIPE handlers that record the signal for
// interrupt_signal().
// The CLI calls this; a library user may instead call request_interrupt() themselves.
// Forked customers inherit the handlers; in any process but the installer, the handler
// restores the default action and re-raises, so a signal sent to a customer still kills it
// (and no customer needs a system call after fork to undo the handlers).
void install_interrupt_handlers();

// Records that the run should stop (async-signal-safe). Running trials kill and reap their
// customers, remove what they created, and report themselves interrupted.
void request_interrupt(int signal_number) noexcept;

// The signal that requested an interrupt, or 0 when none did.
int interrupt_signal() noexcept;

// "SIGINT", "SIGTERM", ...: the name a user types (strsignal's "Interrupt" reads oddly in
// "interrupted by Interrupt").
std::string signal_name(int signal_number);

// Forgets an earlier request (tests run several interrupted experiments in one process).
void clear_interrupt() noexcept;

}  // namespace ticketsim
