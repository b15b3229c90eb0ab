// The customer: what one child process does between fork and _exit.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <string>

#include "locks/customer_lock.h"
#include "simulator/experiment_config.h"
#include "simulator/shared_table.h"

namespace ticketsim {

// Everything a customer needs, prepared by the parent before fork. Pointers refer to the
// parent's objects, which the child sees in its copy of the address space (the table is
// genuinely shared).
struct CustomerPlan {
  int index = 0;  // slot in the table
  const ExperimentConfig* config = nullptr;
  std::string store_path;  // the trial's copy of the store
  const LockProvider* locks = nullptr;
  SharedTable* table = nullptr;
  std::uint64_t latency_seed = 0;  // seeds this customer's draws from a latency range
};

// Runs one customer in the current (child) process: opens its own store descriptor and
// lock handle, searches once, then makes config.attempts purchases, recording every step
// in its table slot. Never throws: failures are recorded in the slot as Outcome::kError
// with a message. Returns the exit status for _exit: 0 on success, 1 after an error.
int run_customer(const CustomerPlan& plan) noexcept;

}  // namespace ticketsim
