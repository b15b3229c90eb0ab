// Fairness: Jain's index of lock grants across customers over the first half of the grants.
#pragma once

#include <vector>

#include "ticketsim/findings.h"

namespace ticketsim {

struct CustomerHistory;

// Jain's index over the first half of the lock grants (see Fairness). Unchecked (checked =
// false) with fewer than 2 customers that got the lock or one that got it only once; the
// caller also leaves it unchecked for modes without a lock.
Fairness check_fairness(const std::vector<CustomerHistory>& customers);

}  // namespace ticketsim
