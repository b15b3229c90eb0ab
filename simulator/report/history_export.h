// Jepsen-style history: a trial's operations as invoke/completion pairs, for checkers.
#pragma once

#include <nlohmann/json.hpp>

#include "simulator/report/output_file.h"
#include "ticketsim/trial_result.h"

namespace ticketsim {

// The trial as a Jepsen-style history: a JSON array of operations in time order, each
// {"index", "type", "process", "time", "f", "value"}, the form elle-cli and Porcupine-style
// checkers read (and `ticketsim check-history`). `process` is the customer's 0-based index,
// `time` ns since the trial started. A completion carries the time of the last step its
// customer recorded for that operation. Functions:
//   "search": invoke -> ok (value: the count seen; null: a torn read, which no counter
//             returns) | info (the customer died or was killed before it saw the answer);
//   "buy":    a conditional decrement. invoke -> ok (value: the count read, i.e. the ticket
//             sold; null: a torn read) | fail (value 0: sold out; null: the customer died
//             before it began to write, so the store was not changed) | info (value: the
//             count read; the customer died while writing, so the effect is unknown). A
//             customer killed after its write completed but before it was told is ok: the
//             write's effect is known.
//   "read":   the final store, read by the parent after every customer was reaped, as one
//             more process (numbered after the customers): ok with the final count, or null
//             when the store did not parse.
// Every invoke has exactly one completion in the same process. Requires the trial's
// customers and recorded times; throws std::invalid_argument otherwise. Written to `out` as
// it is produced: a million purchases never sit in memory as JSON.
void write_jepsen_history(const TrialResult& trial, TextSink& out);

// The same history as a JSON value (tests and small trials).
nlohmann::ordered_json jepsen_history(const TrialResult& trial);

}  // namespace ticketsim
