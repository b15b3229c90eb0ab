// The lock-order check: purchase locks granted to a later requester before an earlier one.
#pragma once

#include <vector>

#include "ticketsim/findings.h"

namespace ticketsim {

struct CustomerHistory;

// Counts, over every purchase that got the lock (with recorded times), the pairs granted out
// of request order: A requested before B (strictly) and B acquired before A. O(n log n) (an
// inversion count), and the grants that overtook at least one such waiter. LockOrder::checked is
// set by the caller, who knows whether the mode takes a lock.
LockOrder check_lock_order(const std::vector<CustomerHistory>& customers);

}  // namespace ticketsim
