// The oracle: turns customers' records into the counts a report states.
#pragma once

#include <cstdint>
#include <vector>

#include "simulator/trial_result.h"

namespace ticketsim {

// Fills sold, oversold, lost_updates, torn_reads, purchases, errors and mutex_violations
// of `result` from `customers` and result.tickets / result.final_count. `search_is_shared`
// says whether searches held a reader lock (readers may overlap each other, never a writer).
void analyse_trial(TrialResult& result, const std::vector<CustomerHistory>& customers,
                   bool search_is_shared);

// Number of pairs of critical sections that overlap in time, not counting pairs of two
// shared (search) sections when `search_is_shared`. A purchase's critical section runs
// from lock acquired to just before release; a search's likewise. Zero for a working lock.
std::int64_t count_mutex_violations(const std::vector<CustomerHistory>& customers,
                                    bool search_is_shared);

}  // namespace ticketsim
