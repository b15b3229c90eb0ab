// A host's part of a shared trial (--hosts), as text the database keeps: its customers'
// records and what it saw of the trial, on its own monotonic clock.
#pragma once

#include <string>

#include "ticketsim/trial_result.h"

namespace ticketsim {

// `trial`'s customers (with every purchase) and its host-side facts (start, wall time,
// stall, interrupt, crashes), as compact JSON.
std::string host_records_text(const TrialResult& trial);

// Parses host_records_text() back into a TrialResult holding those facts and customers,
// every time moved by `shift_ns` (onto the database server's clock). Throws
// std::runtime_error on text that is not such records.
TrialResult parse_host_records(const std::string& text, std::int64_t shift_ns);

}  // namespace ticketsim
