// Lock waits: how long each purchase waited for the lock, per trial.
#pragma once

#include <vector>

#include "ticketsim/findings.h"

namespace ticketsim {

struct CustomerHistory;

// The waits (acquired - requested, plus an optimistic purchase's earlier checks) of every
// purchase that got the lock with both times
// recorded: exact p50/p99/max (nearest rank) and their histogram. `checked` is left to the
// caller, who knows whether the mode takes a lock.
LockWaits measure_lock_waits(const std::vector<CustomerHistory>& customers);

}  // namespace ticketsim
