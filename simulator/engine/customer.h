// The customer: what one child process does between fork and _exit.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <string>

#include "locks/customer_lock.h"
#include "simulator/engine/shared_table.h"
#include "storage/ticket_store.h"
#include "ticketsim/config.h"

namespace ticketsim {

// Everything a customer needs, prepared by the parent before fork. Pointers refer to the
// parent's objects, which the child sees in its copy of the address space (the table is
// genuinely shared).
struct CustomerPlan {
  int index = 0;  // slot in the table
  const ExperimentConfig* config = nullptr;
  const StoreProvider* store = nullptr;  // the trial's store; each customer opens its own handle
  const LockProvider* locks = nullptr;
  SharedTable* table = nullptr;
  std::uint64_t seed = 0;  // this customer's random stream (latency ranges, crashes)
  const std::string* server_socket = nullptr;  // mode server: where the ticket server listens
};

// Exit statuses of a customer process.
inline constexpr int kCustomerExitOk = 0;
inline constexpr int kCustomerExitError = 1;        // an error; the slot holds its message
inline constexpr int kCustomerExitLockTimeout = 3;  // gave up waiting for the lock
inline constexpr int kCustomerExitStopped = 4;  // left a barrier the run broke to stop the trial

// A purchase's write of `count` through `store`, recorded around itself: `record` says
// WriteState::kBegun before it and kDone after. When the store does not answer, throws
// StoreUnavailable and leaves kBegun only if the write may have taken effect (an
// indeterminate result), kNone if the store knows it did not.
void write_recorded(TicketStore& store, std::int64_t count, PurchaseRecord& record);

// Runs one customer in the current (child) process: opens its own store descriptor and
// lock handle, searches once, then makes config.attempts purchases, recording every step
// in its table slot. Injected faults (config.crash_probability, pause_holder) happen here:
// a crash is a SIGKILL the customer sends itself, recorded in its slot first. Never
// throws: failures are recorded in the slot as Outcome::kError with a message. Returns the
// exit status for _exit (kCustomerExit*).
int run_customer(const CustomerPlan& plan) noexcept;

}  // namespace ticketsim
