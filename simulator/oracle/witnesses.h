// Witnesses: who raced with whom, and how, named from the customers' records.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <string>
#include <vector>

#include "ticketsim/findings.h"
#include "ticketsim/records.h"

namespace ticketsim {

struct CustomerHistory;

// Finds the witnesses of one trial. `tickets` is the count the trial started with. Lost
// updates need write times: without them (record_times off) only double sales are found.
Witnesses find_witnesses(const std::vector<CustomerHistory>& customers, std::int64_t tickets);

}  // namespace ticketsim
