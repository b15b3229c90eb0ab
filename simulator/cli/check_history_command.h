// `ticketsim check-history FILE --tickets N [--json]`: is a history linearizable?
#pragma once

#include <cstdint>
#include <optional>
#include <ostream>
#include <string>

namespace ticketsim {

struct CheckHistoryOptions {
  std::string path;                     // the history (ticketsim's format); "-": stdin
  std::optional<std::int64_t> tickets;  // the count the history started from (required)
  bool json = false;                    // one JSON document on `out` instead of text
};

// Reads the history at options.path, checks it against a counter starting at
// options.tickets (see history_check.h) and reports on `out`:
//   text: "linearizable: yes (N ops)", or "linearizable: no (N ops)" followed by the
//         smallest set of operations that cannot be ordered (index, process, f, type,
//         value, invoke and completion times) and why;
//   json: {"linearizable", "ops" (array entries), "operations" (invoke/completion pairs),
//         "tickets", "checked_ms" (parse and check), and when not linearizable
//         "unorderable": [{"index", "complete_index", "process", "f", "type", "value",
//         "invoke_time", "complete_time"}...], "smallest", "irreducible", "reason"}
//         (see HistoryVerdict).
// Returns the exit status: 0 linearizable, 3 not linearizable, 2 bad usage or bad input
// (tickets missing or negative, a history that cannot be read: one line on `err` naming
// the file and the op and field at fault), 1 when the check itself failed (out of memory).
// The check always decides: there is no search to give up on (see is_linearizable).
int check_history_command(const CheckHistoryOptions& options, std::ostream& out, std::ostream& err);

}  // namespace ticketsim
