// The oracle: turns customers' records into the counts, witnesses and checks a report states.
#pragma once

#include <vector>

#include "ticketsim/trial_result.h"

namespace ticketsim {

// Fills the counts (sold, oversold, lost_updates, torn_reads, purchases, errors,
// first_error), the witnesses and the mutual-exclusion check of `result` from `customers`
// and result.tickets / result.final_count. `search_is_shared` says whether searches held a
// reader lock (readers may overlap each other, never a writer).
void analyse_trial(TrialResult& result, const std::vector<CustomerHistory>& customers,
                   bool search_is_shared);

}  // namespace ticketsim
