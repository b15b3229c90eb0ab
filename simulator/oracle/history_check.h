// A linearizability checker for ticketsim's histories: does some order of the operations,
// one at a time, agree with both their times and the counts they saw?
#pragma once

#include <cstddef>
#include <cstdint>
#include <istream>
#include <stdexcept>
#include <string>
#include <vector>

namespace ticketsim {

// The functions of a history (see history_export.h).
enum class HistoryF : std::uint8_t { kSearch, kBuy, kRead };

// How an operation ended: its completion's type, or kPending when the history ends before
// its completion (which counts as info: it may or may not have taken effect).
enum class HistoryOutcome : std::uint8_t { kOk, kFail, kInfo, kPending };

// One operation: an invoke paired with the completion in the same process.
struct HistoryOp {
  std::int64_t index = 0;            // the invoke's "index"
  std::int64_t complete_index = -1;  // the completion's "index"; -1 when pending
  std::int64_t process = 0;
  std::int64_t invoke_time = 0;
  std::int64_t complete_time = 0;  // unused when pending
  std::int64_t value = 0;          // the completion's value, when has_value
  HistoryF f = HistoryF::kSearch;
  HistoryOutcome outcome = HistoryOutcome::kPending;
  bool has_value = false;  // false: null (or pending)
};

// A parsed history: its operations in the order they were invoked in the array.
struct History {
  std::vector<HistoryOp> ops;
  std::int64_t entries = 0;  // elements of the JSON array (invokes and completions)
};

// The history cannot be read. what() names the source, and the operation (its position in
// the array, 0-based) and field when one is at fault: `h.json: op 5: field "time" must be
// an integer, not a string`.
class HistoryError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Reads a JSON array of {"index", "type", "process", "time", "f", "value"} entries (other
// keys are ignored) as a stream, never holding the document: about 60 bytes per operation
// (an invoke and its completion).
// type: invoke | ok | fail | info; f: search | buy | read; index, process, time: integers;
// value: an integer or null. Each completion closes the open invoke of its process (same f,
// not earlier in time); an invoke while its process has one open is an error, as is a
// completion without one. Invokes still open at the end are kPending. Throws HistoryError,
// naming `source`.
History parse_history(std::istream& in, const std::string& source);

// parse_history of a file; "-" reads standard input. Throws HistoryError (also when the file
// cannot be opened or read).
History parse_history_file(const std::string& path);

// The model. The store is a counter that starts at `tickets` and never goes up; operations
// take effect one at a time, each at some moment between its invoke and its completion
// (times: the "time" fields; equal times count as concurrent, whatever the array order).
//   buy ok v      a conditional decrement that read v: the count was v > 0, becomes v - 1.
//   buy ok null   a torn read, which no counter returns: never orderable (as is ok v <= 0).
//   buy fail 0    it saw the count sold out: the count was 0. (fail v != 0: never orderable.)
//   buy fail null no effect: left out.
//   buy info / pending   unknown: it may have decremented a count > 0 at any moment after
//                 its invoke (no upper bound), or never taken effect.
//   search ok v, read ok v   a read: the count was v (v < 0: never orderable). search ok
//                 null and read ok null (the final store did not parse: a write torn for
//                 good): a torn read, never orderable. search/read info, fail or pending:
//                 left out.
// A history is linearizable when some such order exists. `tickets` must not be negative
// (std::invalid_argument).
//
// The check is exact and needs no search. The count only goes down, so an order is a series
// of moments t_N <= t_N-1 <= ... at which the count leaves N, N-1, ... . A buy ok v fixes
// the moment the count leaves v (two of them: impossible); every other step down needs its
// own unknown buy, invoked no later than that moment; a read of v needs a moment inside its
// interval between the count reaching v and leaving it. Taking each moment as early as
// these constraints allow, and unknown buys in the order they were invoked, finds an order
// whenever one exists (a later moment never helps a later step). O(n log n), whatever the
// concurrency: there is no budget to exhaust and no "unknown" verdict.
bool is_linearizable(const History& history, std::int64_t tickets);

// The verdict, with an explanation when the history is not linearizable.
struct HistoryVerdict {
  bool linearizable = true;
  // Indices into History::ops of a smallest set of operations that cannot be ordered on
  // their own: taken at their word (a buy that failed without effect is a member that did
  // not take a ticket), from the initial count, and even if every other buy took its ticket
  // at any moment after its invoke, or never did. Such a set proves the history is not
  // linearizable. Taken at the earliest moment the history stops being linearizable (every
  // such set holds an operation that completed then). Ordered by invoke time.
  std::vector<std::size_t> unorderable;
  // True when no smaller such set exists there (sets of one and two are searched
  // exhaustively). Else `irreducible`: removing any one operation makes it orderable.
  bool smallest = false;
  // False only when the shrinking ran out of its budget (about a second or two of work,
  // for pathological histories): the set is then correct but may hold more than it needs.
  bool irreducible = false;
  std::string reason;  // one sentence: why these operations cannot be ordered
};

// is_linearizable, and when not, finds the unorderable set by shrinking: O(n log n) to find
// the earliest moment, O(n) checks for the exhaustive search of pairs, O(k log n) checks
// of up to n ops beyond (bounded by a work budget; the verdict itself never is).
HistoryVerdict check_history(const History& history, std::int64_t tickets);

}  // namespace ticketsim
