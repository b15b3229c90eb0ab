// Jepsen-style history: a trial's operations as invoke/completion pairs, for checkers.
#pragma once

#include <nlohmann/json.hpp>

#include "simulator/trial_result.h"

namespace ticketsim {

// The trial as a Jepsen-style history: a JSON array of operations in time order, each
// {"index", "type", "process", "time", "f", "value"}, the form elle-cli and Porcupine-style
// checkers read. `process` is the customer's 0-based index, `time` ns since the trial
// started. Two functions:
//   "search": invoke (value null) -> ok (value: the count seen) | fail (torn read) |
//             info (the customer died or failed mid-search);
//   "buy":    a conditional decrement. invoke (value null) -> ok (value: the count read,
//             i.e. the ticket sold) | fail (value: the count read, 0 = sold out; or null
//             for a torn read; the store was not written) | info (indeterminate: the
//             customer died, failed or was killed before the purchase completed).
// Every invoke has exactly one completion in the same process. Requires the trial's
// customers and recorded times; throws std::invalid_argument otherwise.
nlohmann::ordered_json jepsen_history(const TrialResult& trial);

}  // namespace ticketsim
