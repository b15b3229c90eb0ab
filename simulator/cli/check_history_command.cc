#include "simulator/cli/check_history_command.h"

#include <algorithm>
#include <chrono>
#include <new>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "simulator/oracle/history_check.h"

namespace ticketsim {
namespace {

constexpr const char* kFunction[] = {"search", "buy", "read"};
constexpr const char* kOutcome[] = {"ok", "fail", "info", "pending"};

// A history time (nanoseconds) for people: "1.180943 ms".
std::string milliseconds(std::int64_t ns) {
  return fmt::format("{:.6f} ms", static_cast<double>(ns) / 1e6);
}

// "linearizable: yes (N ops)", or "no" and the unorderable set, one op a line, and why.
void print_text(const History& history, std::int64_t tickets, const HistoryVerdict& verdict,
                std::ostream& out) {
  if (verdict.linearizable) {
    out << fmt::format("linearizable: yes ({} ops)\n", history.entries);
    return;
  }
  out << fmt::format("linearizable: no ({} ops)\n", history.entries);
  const std::size_t size = verdict.unorderable.size();
  const char* how = verdict.smallest      ? "the fewest that show it"
                    : verdict.irreducible ? "each of them is needed to show it"
                                          : "not shrunk further: the search ran out of its budget";
  out << fmt::format("{} {} cannot be ordered on {}, starting from {} {} ({}):\n", size,
                     size == 1 ? "operation" : "operations", size == 1 ? "its own" : "their own",
                     tickets, tickets == 1 ? "ticket" : "tickets", how);
  constexpr std::size_t kListed = 20;  // the JSON lists them all
  for (std::size_t k = 0; k < std::min(size, kListed); ++k) {
    const HistoryOp& op = history.ops[verdict.unorderable[k]];
    out << fmt::format("  op {:<7} process {:<4} {:<6} {:<4} {:<5} invoked {}, completed {}\n",
                       op.index, op.process, kFunction[static_cast<int>(op.f)],
                       kOutcome[static_cast<int>(op.outcome)],
                       op.has_value ? std::to_string(op.value) : "null",
                       milliseconds(op.invoke_time), milliseconds(op.complete_time));
  }
  if (size > kListed) {
    out << fmt::format("  ... and {} more (--json lists them all)\n", size - kListed);
  }
  out << "Why: " << verdict.reason << ".\n";
  out << "(This holds even if every other buy took its ticket at any moment after it began, or "
         "never did.)\n";
}

// The verdict as one JSON document (keys: see check_history_command.h).
void print_json(const History& history, std::int64_t tickets, const HistoryVerdict& verdict,
                double checked_ms, std::ostream& out) {
  nlohmann::ordered_json doc;
  doc["linearizable"] = verdict.linearizable;
  doc["ops"] = history.entries;
  doc["operations"] = history.ops.size();
  doc["tickets"] = tickets;
  doc["checked_ms"] = checked_ms;
  if (!verdict.linearizable) {
    nlohmann::ordered_json set = nlohmann::ordered_json::array();
    for (std::size_t i : verdict.unorderable) {
      const HistoryOp& op = history.ops[i];
      nlohmann::ordered_json entry;
      entry["index"] = op.index;
      entry["complete_index"] = op.complete_index;
      entry["process"] = op.process;
      entry["f"] = kFunction[static_cast<int>(op.f)];
      entry["type"] = kOutcome[static_cast<int>(op.outcome)];
      entry["value"] = op.has_value ? nlohmann::ordered_json(op.value) : nullptr;
      entry["invoke_time"] = op.invoke_time;
      entry["complete_time"] = op.complete_time;
      set.push_back(std::move(entry));
    }
    doc["unorderable"] = std::move(set);
    doc["smallest"] = verdict.smallest;
    doc["irreducible"] = verdict.irreducible;
    doc["reason"] = verdict.reason;
  }
  out << doc.dump(2) << "\n";
}

}  // namespace

int check_history_command(const CheckHistoryOptions& options, std::ostream& out,
                          std::ostream& err) {
  if (options.path.empty()) {
    err << "ticketsim: check-history: a history file is required\n";
    return 2;
  }
  if (!options.tickets) {
    err << "ticketsim: --tickets: required: the count the history started from\n";
    return 2;
  }
  constexpr std::int64_t kMaxTickets = std::int64_t{1} << 53;  // as a store's count
  if (*options.tickets < 0 || *options.tickets > kMaxTickets) {
    err << fmt::format("ticketsim: --tickets: must be 0 to 2^53 ({}), not {}\n", kMaxTickets,
                       *options.tickets);
    return 2;
  }
  try {
    const auto start = std::chrono::steady_clock::now();
    const History history = parse_history_file(options.path);
    const HistoryVerdict verdict = check_history(history, *options.tickets);
    const std::chrono::duration<double, std::milli> took = std::chrono::steady_clock::now() - start;
    if (options.json) {
      print_json(history, *options.tickets, verdict, took.count(), out);
    } else {
      print_text(history, *options.tickets, verdict, out);
    }
    return verdict.linearizable ? 0 : 3;
  } catch (const HistoryError& e) {
    err << "ticketsim: " << e.what() << "\n";
    return 2;
  } catch (const std::bad_alloc&) {
    err << "ticketsim: check-history: out of memory\n";
    return 1;
  }
}

}  // namespace ticketsim
