// The linearizability checker: hand-made histories, a search by the definition on random
// small ones, ticketsim's own trials, and the check-history command.
#include "simulator/oracle/history_check.h"

#include <fmt/format.h>
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <optional>
#include <random>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "simulator/cli/check_history_command.h"
#include "simulator/report/history_export.h"
#include "tests/test_support.h"
#include "ticketsim/experiment.h"

using namespace std::chrono_literals;
using ticketsim::CheckHistoryOptions;
using ticketsim::CrashPoint;
using ticketsim::ExperimentConfig;
using ticketsim::History;
using ticketsim::HistoryError;
using ticketsim::HistoryVerdict;
using ticketsim::Mode;
using ticketsim::Schedule;
using ticketsim::testing::TempDir;

namespace {

// One operation of a hand-made history, in its own process: invoked at `invoke`, completed
// at `complete` as `type` ("ok", "fail", "info"; "pending": no completion) with `value`.
struct Op {
  std::string f;
  std::int64_t invoke;
  std::int64_t complete;
  std::string type;
  std::optional<std::int64_t> value;
};

Op buy(std::int64_t invoke, std::int64_t complete, std::string type,
       std::optional<std::int64_t> value) {
  return Op{"buy", invoke, complete, std::move(type), value};
}
Op searched(std::int64_t invoke, std::int64_t complete, std::optional<std::int64_t> value) {
  return Op{"search", invoke, complete, "ok", value};
}
Op final_read(std::int64_t at, std::optional<std::int64_t> value) {
  return Op{"read", at, at, "ok", value};
}

// The history as ticketsim writes it: entries in time order (an invoke before a completion
// at the same time), op i in process i.
std::string history_json(const std::vector<Op>& ops) {
  struct Entry {
    std::int64_t time;
    int completion;
    std::size_t op;
  };
  std::vector<Entry> entries;
  for (std::size_t i = 0; i < ops.size(); ++i) {
    entries.push_back({ops[i].invoke, 0, i});
    if (ops[i].type != "pending") entries.push_back({ops[i].complete, 1, i});
  }
  std::stable_sort(entries.begin(), entries.end(), [](const Entry& a, const Entry& b) {
    return std::pair(a.time, a.completion) < std::pair(b.time, b.completion);
  });
  nlohmann::json history = nlohmann::json::array();
  for (std::size_t k = 0; k < entries.size(); ++k) {
    const Op& op = ops[entries[k].op];
    const bool done = entries[k].completion == 1;
    nlohmann::json value = done && op.value ? nlohmann::json(*op.value) : nlohmann::json(nullptr);
    history.push_back({{"index", k},
                       {"type", done ? op.type : "invoke"},
                       {"process", entries[k].op},
                       {"time", entries[k].time},
                       {"f", op.f},
                       {"value", value}});
  }
  return history.dump();
}

History parse(const std::string& json, const std::string& source = "h.json") {
  std::istringstream in(json);
  return ticketsim::parse_history(in, source);
}

HistoryVerdict check(const std::vector<Op>& ops, std::int64_t tickets) {
  return ticketsim::check_history(parse(history_json(ops)), tickets);
}

// The processes (= positions in `ops`) of the verdict's unorderable set.
std::set<std::int64_t> unorderable_ops(const History& history, const HistoryVerdict& verdict) {
  std::set<std::int64_t> out;
  for (std::size_t i : verdict.unorderable) out.insert(history.ops.at(i).process);
  return out;
}

std::set<std::int64_t> unorderable_ops(const std::vector<Op>& ops, std::int64_t tickets) {
  History history = parse(history_json(ops));
  HistoryVerdict verdict = ticketsim::check_history(history, tickets);
  REQUIRE_FALSE(verdict.linearizable);
  return unorderable_ops(history, verdict);
}

// ---------------------------------------------------------------------------------------
// The definition, searched directly (Wing & Gong with memoization on the ops placed and the
// count): some order of the ops in which each comes after every op that completed before it
// was invoked, and each does what it reported to the count.

enum class Kind { kLeftOut, kRead, kDecrement, kUnknown, kNever };

// What an op demands, read from its fields as the model in history_check.h states it.
Kind kind_of(const Op& op) {
  if (op.f == "buy") {
    if (op.type == "ok") return op.value && *op.value > 0 ? Kind::kDecrement : Kind::kNever;
    if (op.type == "fail") {
      if (!op.value) return Kind::kLeftOut;
      return *op.value == 0 ? Kind::kRead : Kind::kNever;
    }
    return Kind::kUnknown;  // info or pending
  }
  if (op.type != "ok") return Kind::kLeftOut;
  if (!op.value) return Kind::kNever;  // a torn search, or a final store that did not parse
  return *op.value >= 0 ? Kind::kRead : Kind::kNever;
}

class Reference {
 public:
  Reference(const std::vector<Op>& ops, std::vector<Kind> kinds, std::int64_t tickets)
      : ops_(ops), kinds_(std::move(kinds)), tickets_(tickets) {}

  bool linearizable() {
    unsigned start = 0;
    for (std::size_t i = 0; i < ops_.size(); ++i) {
      if (kinds_[i] == Kind::kNever) return false;
      if (kinds_[i] == Kind::kLeftOut) start |= 1u << i;
    }
    return search(start, tickets_);
  }

 private:
  bool ready(std::size_t i, unsigned placed) const {
    for (std::size_t j = 0; j < ops_.size(); ++j) {
      const bool completes = kinds_[j] == Kind::kRead || kinds_[j] == Kind::kDecrement;
      if (completes && ops_[j].complete < ops_[i].invoke && !(placed & (1u << j))) return false;
    }
    return true;
  }

  bool search(unsigned placed, std::int64_t count) {
    if (placed == (1u << ops_.size()) - 1) return true;
    if (!seen_.insert({placed, count}).second) return false;
    for (std::size_t i = 0; i < ops_.size(); ++i) {
      if ((placed & (1u << i)) || !ready(i, placed)) continue;
      const unsigned next = placed | (1u << i);
      const std::int64_t v = ops_[i].value.value_or(-1);
      switch (kinds_[i]) {
        case Kind::kRead:
          if (count == v && search(next, count)) return true;
          break;
        case Kind::kDecrement:
          if (count == v && v > 0 && search(next, count - 1)) return true;
          break;
        case Kind::kUnknown:  // took effect here (a conditional decrement), or never
          if (search(next, count > 0 ? count - 1 : count) || search(next, count)) return true;
          break;
        default:
          break;
      }
    }
    return false;
  }

  const std::vector<Op>& ops_;
  std::vector<Kind> kinds_;
  std::int64_t tickets_;
  std::set<std::pair<unsigned, std::int64_t>> seen_;
};

bool reference_linearizable(const std::vector<Op>& ops, std::int64_t tickets) {
  std::vector<Kind> kinds;
  for (const Op& op : ops) kinds.push_back(kind_of(op));
  return Reference(ops, kinds, tickets).linearizable();
}

// The subset on its own: its members at their word, every other buy of unknown effect,
// every other op left out.
bool reference_subset_orderable(const std::vector<Op>& ops, const std::set<std::size_t>& subset,
                                std::int64_t tickets) {
  std::vector<Kind> kinds;
  for (std::size_t i = 0; i < ops.size(); ++i) {
    if (subset.count(i)) {
      kinds.push_back(kind_of(ops[i]));
    } else {
      kinds.push_back(ops[i].f == "buy" ? Kind::kUnknown : Kind::kLeftOut);
    }
  }
  return Reference(ops, kinds, tickets).linearizable();
}

// A small random history: either any ops at all, or a real sequential run of a counter
// around random moments, then perhaps damaged (a value changed, a buy's result lost).
std::vector<Op> random_history(std::mt19937_64& rng, std::int64_t& tickets) {
  auto pick = [&](int n) { return static_cast<int>(rng() % static_cast<unsigned>(n)); };
  tickets = pick(5);
  const int size = 1 + pick(10);
  std::vector<Op> ops;
  if (pick(3) == 0) {
    for (int i = 0; i < size; ++i) {
      const std::int64_t invoke = pick(12);
      const std::int64_t complete = invoke + pick(6);
      auto value = [&]() -> std::optional<std::int64_t> {
        if (pick(12) == 0) return std::nullopt;
        return pick(6) - (pick(20) == 0 ? 2 : 0);
      };
      const int f = pick(10);
      if (f < 6) {
        const char* types[] = {"ok", "ok", "ok", "fail", "info", "pending"};
        std::string type = types[pick(6)];
        ops.push_back(buy(invoke, complete, type, type == "fail" && pick(2) ? 0 : value()));
      } else if (f < 9) {
        ops.push_back(Op{"search", invoke, complete, pick(8) ? "ok" : "info", value()});
      } else {
        ops.push_back(final_read(invoke, value()));
      }
    }
    return ops;
  }
  std::vector<std::int64_t> moments;
  for (int i = 0; i < size; ++i) moments.push_back(pick(20));
  std::sort(moments.begin(), moments.end());
  std::int64_t count = tickets;
  for (std::int64_t moment : moments) {
    const std::int64_t invoke = moment - pick(5);
    const std::int64_t complete = moment + pick(5);
    if (pick(3) == 0) {
      ops.push_back(searched(invoke, complete, count));
    } else if (count > 0) {
      ops.push_back(buy(invoke, complete, "ok", count--));
    } else {
      ops.push_back(buy(invoke, complete, "fail", 0));
    }
  }
  for (Op& op : ops) {
    if (op.f == "buy" && op.type == "ok" && pick(6) == 0) op.type = "info";  // crashed writing
  }
  if (pick(2) == 0) {
    Op& op = ops[static_cast<std::size_t>(pick(size))];
    switch (pick(4)) {
      case 0:
        if (op.value) *op.value += pick(2) ? 1 : -1;
        break;
      case 1:
        op.value.reset();
        break;
      case 2:
        if (op.f == "buy") op.type = "fail", op.value.reset();  // it says it had no effect
        break;
      default:
        std::swap(op.invoke, ops[static_cast<std::size_t>(pick(size))].invoke);
        if (op.complete < op.invoke) std::swap(op.invoke, op.complete);
        break;
    }
  }
  for (Op& op : ops) op.complete = std::max(op.complete, op.invoke);
  return ops;
}

// A lock-mode history of `purchases` buys by `processes` customers, as ticketsim records
// it: each asks for the lock (invoke) long before it gets it, so every process has a buy
// open at almost every moment; buys complete in the order they held the lock. Every
// `unknown`-th buy dies while writing (info, and it did take effect).
std::string lock_history(int processes, std::int64_t purchases, std::int64_t unknown) {
  std::string out = "[";
  std::int64_t index = 0;
  auto entry = [&](const char* type, int process, std::int64_t time, const char* value) {
    out += fmt::format(
        "{}{{\"index\":{},\"type\":\"{}\",\"process\":{},\"time\":{},\"f\":\"buy\","
        "\"value\":{}}}\n",
        index == 0 ? "" : ",", index, type, process, time, value);
    ++index;
  };
  for (int p = 0; p < processes; ++p) entry("invoke", p, 0, "null");
  int next_process = processes;  // a crashed customer never comes back: a fresh process
  std::vector<int> process_of(static_cast<std::size_t>(processes));
  for (int p = 0; p < processes; ++p) process_of[static_cast<std::size_t>(p)] = p;
  for (std::int64_t k = 0; k < purchases; ++k) {
    const auto slot = static_cast<std::size_t>(k % processes);
    const std::int64_t time = 10 * (k + 1);
    const std::string value = std::to_string(purchases - k);
    const bool dies = unknown > 0 && k % unknown == unknown - 1;
    entry(dies ? "info" : "ok", process_of[slot], time, value.c_str());
    if (k + processes < purchases) {
      if (dies) process_of[slot] = next_process++;
      entry("invoke", process_of[slot], time, "null");
    }
  }
  return out + "]";
}

}  // namespace

// ---------------------------------------------------------------------------------------
// Hand-made histories.

TEST_CASE(
    "history_check: a sequential history of purchases, searches and the final read is linearizable",
    "[history-check]") {
  std::vector<Op> ops = {searched(0, 1, 3),   buy(2, 3, "ok", 3), buy(4, 5, "ok", 2),
                         searched(6, 7, 1),   buy(8, 9, "ok", 1), buy(10, 11, "fail", 0),
                         searched(12, 13, 0), final_read(14, 0)};
  HistoryVerdict verdict = check(ops, 3);
  REQUIRE(verdict.linearizable);
  REQUIRE(verdict.unorderable.empty());
  // The same history cannot start from another count.
  REQUIRE_FALSE(check(ops, 4).linearizable);
  REQUIRE_FALSE(check(ops, 2).linearizable);
}

TEST_CASE(
    "history_check: overlapping buys are ordered by the counts they read, not by when they "
    "completed",
    "[history-check]") {
  // Four customers asked for the lock together; the one served last completed first.
  std::vector<Op> waited = {buy(0, 40, "ok", 4), buy(0, 30, "ok", 3), buy(0, 20, "ok", 2),
                            buy(0, 10, "ok", 1), final_read(50, 0)};
  REQUIRE(check(waited, 4).linearizable);
  // But a buy that read 1 and completed before the buy that read 2 began cannot be.
  std::vector<Op> early = {buy(0, 10, "ok", 1), buy(11, 20, "ok", 2)};
  REQUIRE_FALSE(check(early, 2).linearizable);
}

TEST_CASE(
    "history_check: a double sale is not linearizable and its two buys are the unorderable set",
    "[history-check]") {
  SECTION("the last ticket, sold twice") {
    std::vector<Op> ops = {searched(0, 1, 1), buy(2, 6, "ok", 1), buy(3, 7, "ok", 1),
                           final_read(10, 0)};
    History history = parse(history_json(ops));
    HistoryVerdict verdict = ticketsim::check_history(history, 1);
    REQUIRE_FALSE(verdict.linearizable);
    REQUIRE(unorderable_ops(history, verdict) == std::set<std::int64_t>{1, 2});
    REQUIRE(verdict.smallest);
    REQUIRE_THAT(verdict.reason, Catch::Contains("both bought when 1 ticket was left"));
  }
  SECTION("after a run of good sales, not any one buy of the run") {
    std::vector<Op> ops;
    for (int k = 0; k < 5; ++k) ops.push_back(buy(10 * k, 10 * k + 5, "ok", 5 - k));
    ops.push_back(buy(42, 55, "ok", 1));  // read 1 while the buy at 40..45 was selling it
    REQUIRE(unorderable_ops(ops, 5) == std::set<std::int64_t>{4, 5});
  }
}

TEST_CASE("history_check: a lost update (two buys read the same count) is not linearizable",
          "[history-check]") {
  // Both read 3 and wrote 2: two tickets sold, the store says one.
  std::vector<Op> ops = {buy(0, 10, "ok", 3), buy(1, 11, "ok", 3), final_read(20, 2)};
  REQUIRE(unorderable_ops(ops, 3) == std::set<std::int64_t>{0, 1});
  // Without the second sale the same store is fine.
  REQUIRE(check({buy(0, 10, "ok", 3), final_read(20, 2)}, 3).linearizable);
}

TEST_CASE(
    "history_check: a buy that finds the event sold out while tickets remain is not linearizable",
    "[history-check]") {
  std::vector<Op> ops = {buy(0, 1, "ok", 2), buy(2, 3, "fail", 0), final_read(4, 1)};
  History history = parse(history_json(ops));
  HistoryVerdict verdict = ticketsim::check_history(history, 2);
  REQUIRE_FALSE(verdict.linearizable);
  // Alone, it needed two sales before it ended, and only one other buy had begun.
  REQUIRE(unorderable_ops(history, verdict) == std::set<std::int64_t>{1});
  REQUIRE_THAT(verdict.reason, Catch::Contains("only 1 other buy had begun"));
  // Once the second ticket was sold, sold out is right.
  REQUIRE(check({buy(0, 1, "ok", 2), buy(2, 3, "ok", 1), buy(4, 5, "fail", 0), final_read(6, 0)}, 2)
              .linearizable);
}

TEST_CASE(
    "history_check: a buy of unknown effect may have taken a ticket or not, at any moment after it "
    "began",
    "[history-check]") {
  const Op died = buy(0, 5, "info", 2);
  REQUIRE(check({died, final_read(10, 2)}, 2).linearizable);        // it never took effect
  REQUIRE(check({died, final_read(10, 1)}, 2).linearizable);        // it did
  REQUIRE_FALSE(check({died, final_read(10, 0)}, 2).linearizable);  // one buy, one ticket
  // Its effect may come after its info was recorded: no upper bound.
  REQUIRE(check({died, searched(6, 7, 2), final_read(10, 1)}, 2).linearizable);
  // But never before it began.
  REQUIRE_FALSE(check({searched(0, 1, 1), buy(2, 5, "info", 2)}, 2).linearizable);
  // A history that ends before a completion leaves it pending: the same.
  REQUIRE(check({buy(0, 0, "pending", std::nullopt), final_read(10, 1)}, 2).linearizable);
  REQUIRE(check({buy(0, 0, "pending", std::nullopt), final_read(10, 2)}, 2).linearizable);
}

TEST_CASE("history_check: a torn read is never linearizable", "[history-check]") {
  for (const Op& torn : {searched(2, 3, std::nullopt), buy(2, 3, "ok", std::nullopt)}) {
    History history = parse(history_json({buy(0, 1, "ok", 2), torn, final_read(5, 1)}));
    HistoryVerdict verdict = ticketsim::check_history(history, 2);
    REQUIRE_FALSE(verdict.linearizable);
    REQUIRE(unorderable_ops(history, verdict) == std::set<std::int64_t>{1});
    REQUIRE_THAT(verdict.reason, Catch::Contains("torn"));
  }
  // A final store that did not parse: a write torn for good.
  History unreadable = parse(history_json({buy(0, 1, "ok", 2), final_read(5, std::nullopt)}));
  HistoryVerdict verdict = ticketsim::check_history(unreadable, 2);
  REQUIRE_FALSE(verdict.linearizable);
  REQUIRE(unorderable_ops(unreadable, verdict) == std::set<std::int64_t>{1});
}

TEST_CASE("history_check: ops that say they had no effect or saw nothing are left out",
          "[history-check]") {
  // A buy killed before it wrote, a search killed before it saw.
  std::vector<Op> ops = {buy(0, 1, "fail", std::nullopt), Op{"search", 0, 9, "info", 7},
                         buy(2, 3, "ok", 2), final_read(9, 1)};
  REQUIRE(check(ops, 2).linearizable);
  // A failed buy cannot be the one that took a ticket nobody else took.
  std::vector<Op> gap = {buy(0, 1, "ok", 3), buy(2, 3, "fail", std::nullopt), buy(4, 5, "ok", 1)};
  History history = parse(history_json(gap));
  HistoryVerdict verdict = ticketsim::check_history(history, 3);
  REQUIRE_FALSE(verdict.linearizable);
  REQUIRE(unorderable_ops(history, verdict) == std::set<std::int64_t>{1, 2});
  // Had it died while writing instead, it may have taken that ticket.
  gap[1] = buy(2, 3, "info", 2);
  REQUIRE(check(gap, 3).linearizable);
}

TEST_CASE("history_check: a count the counter cannot hold is never linearizable",
          "[history-check]") {
  REQUIRE_FALSE(check({searched(0, 1, 4)}, 3).linearizable);   // above the start
  REQUIRE_FALSE(check({buy(0, 1, "ok", 0)}, 3).linearizable);  // a sale of nothing
  REQUIRE_FALSE(check({buy(0, 1, "fail", 2), final_read(5, 3)}, 3).linearizable);
  REQUIRE_FALSE(check({searched(0, 1, -1)}, 3).linearizable);
  REQUIRE_FALSE(check({buy(0, 1, "ok", 2), searched(2, 3, 2)}, 2).linearizable);  // went up
}

TEST_CASE(
    "history_check: operations at the same moment count as concurrent, whatever the array order",
    "[history-check]") {
  // The search saw 1 and completed at 5; the buy that took the count from 2 began at 5:
  // it may take effect at 5, just before the search does.
  const std::string search_first = R"([
    {"index":0,"type":"invoke","process":0,"time":0,"f":"search","value":null},
    {"index":1,"type":"ok","process":0,"time":5,"f":"search","value":1},
    {"index":2,"type":"invoke","process":1,"time":5,"f":"buy","value":null},
    {"index":3,"type":"ok","process":1,"time":6,"f":"buy","value":2}])";
  const std::string buy_first = R"([
    {"index":0,"type":"invoke","process":0,"time":0,"f":"search","value":null},
    {"index":1,"type":"invoke","process":1,"time":5,"f":"buy","value":null},
    {"index":2,"type":"ok","process":0,"time":5,"f":"search","value":1},
    {"index":3,"type":"ok","process":1,"time":6,"f":"buy","value":2}])";
  REQUIRE(ticketsim::is_linearizable(parse(search_first), 2));
  REQUIRE(ticketsim::is_linearizable(parse(buy_first), 2));
  // One nanosecond apart, the search really came first and cannot have seen 1.
  REQUIRE_FALSE(check({searched(0, 4, 1), buy(5, 6, "ok", 2)}, 2).linearizable);
}

TEST_CASE(
    "history_check: the checker agrees with a search by the definition on random small histories",
    "[history-check]") {
  std::mt19937_64 rng(20240607);
  int linearizable = 0, not_linearizable = 0;
  for (int round = 0; round < 8000; ++round) {
    std::int64_t tickets = 0;
    std::vector<Op> ops = random_history(rng, tickets);
    const std::string json = history_json(ops);
    CAPTURE(json, tickets);
    History history = parse(json);
    HistoryVerdict verdict = ticketsim::check_history(history, tickets);
    REQUIRE(verdict.linearizable == reference_linearizable(ops, tickets));
    REQUIRE(ticketsim::is_linearizable(history, tickets) == verdict.linearizable);
    if (verdict.linearizable) {
      ++linearizable;
      continue;
    }
    ++not_linearizable;
    // The set, by process = position in ops: cannot be ordered on its own ...
    std::set<std::size_t> set;
    std::int64_t end = 0;
    for (std::size_t i : verdict.unorderable) {
      const auto op = static_cast<std::size_t>(history.ops.at(i).process);
      set.insert(op);
      end = std::max(end, ops[op].complete);
    }
    REQUIRE(!set.empty());
    REQUIRE(verdict.irreducible);
    REQUIRE_FALSE(reference_subset_orderable(ops, set, tickets));
    // ... and each of its ops is needed.
    for (std::size_t op : set) {
      std::set<std::size_t> without = set;
      without.erase(op);
      REQUIRE(reference_subset_orderable(ops, without, tickets));
    }
    // Smallest: no smaller set of ops completed by its end cannot be ordered either.
    if (verdict.smallest && set.size() == 2) {
      for (std::size_t i = 0; i < ops.size(); ++i) {
        if (ops[i].type == "info" || ops[i].type == "pending" || ops[i].complete > end) continue;
        REQUIRE(reference_subset_orderable(ops, {i}, tickets));
      }
    }
  }
  // Both verdicts were exercised, plenty of times.
  REQUIRE(linearizable > 2000);
  REQUIRE(not_linearizable > 2000);
}

TEST_CASE("history_check: a set of three that no pair explains is found and irreducible",
          "[history-check]") {
  // From 4: the search saw 2 by time 6, so two tickets were sold by then, but of the three
  // buys begun by then two sold tickets 2 and 1 later. Any two of these three can be ordered.
  std::vector<Op> ops = {searched(5, 6, 2),      buy(0, 100, "ok", 2),   buy(0, 99, "ok", 1),
                         buy(0, 101, "info", 4), buy(7, 102, "info", 3), buy(7, 103, "info", 3)};
  History history = parse(history_json(ops));
  HistoryVerdict verdict = ticketsim::check_history(history, 4);
  REQUIRE_FALSE(verdict.linearizable);
  REQUIRE(unorderable_ops(history, verdict) == std::set<std::int64_t>{0, 1, 2});
  REQUIRE_FALSE(verdict.smallest);
  REQUIRE(verdict.irreducible);
}

TEST_CASE(
    "history_check: a long lock-mode history with no quiet point is decided, and one "
    "double sale among 200,000 purchases is found",
    "[history-check]") {
  // 200,000 purchases by 64 customers, each always waiting for the lock: no moment without
  // 64 buys open, so no quiet point splits the history. Every 7th buy died while writing.
  const std::string json = lock_history(64, 200000, 7);
  History history = parse(json);
  REQUIRE(history.ops.size() == 200000);
  REQUIRE(ticketsim::check_history(history, 200000).linearizable);
  REQUIRE_FALSE(ticketsim::check_history(history, 200001).linearizable);
  // The same history with one buy reading the count another read: found among 200,000.
  std::string doubled = json;
  const std::string sold = "\"value\":150002}";  // purchase 49998 (49997 read 150003)
  doubled.replace(doubled.find(sold), sold.size(), "\"value\":150003}");
  History twice = parse(doubled);
  HistoryVerdict verdict = ticketsim::check_history(twice, 200000);
  REQUIRE_FALSE(verdict.linearizable);
  REQUIRE(verdict.unorderable.size() == 2);
  for (std::size_t i : verdict.unorderable) REQUIRE(twice.ops[i].value == 150003);
  // (How long it takes is a benchmark's business: about 1 s on 2 cores, where a search over
  // orders would not finish.)
}

// ---------------------------------------------------------------------------------------
// Bad input: each names the source, the op (its position) and the field.

TEST_CASE("history_check: a history that cannot be read names the file, the op and the field",
          "[history-check]") {
  auto error_of = [](const std::string& json) {
    try {
      parse(json, "h.json");
    } catch (const HistoryError& e) {
      return std::string(e.what());
    }
    FAIL("no error for " << json);
    return std::string();
  };
  const std::string ok0 =
      R"({"index":0,"type":"invoke","process":0,"time":1,"f":"buy","value":null})";
  auto with = [](const std::string& op) { return "[" + op + "]"; };
  CHECK_THAT(
      error_of(R"([{"index":0,"type":"invoke","process":0,"time":10,"f":"buy","value":null},)"
               R"({"index":1,"type":"ok","process":0,"time":20,"f":"buy","value":3},)"
               R"({"index":2,"type":"invoke","process":0,"time":15,"f":"buy","value":null},)"
               R"({"index":3,"type":"ok","process":0,"time":30,"f":"buy","value":2}])"),
      Catch::Contains("earlier than the end of process 0's previous operation"));
  CHECK_THAT(error_of("[{\"index\":0,"), Catch::StartsWith("h.json: not valid JSON: "));
  CHECK_THAT(error_of(""), Catch::StartsWith("h.json: not valid JSON: "));
  CHECK(error_of("{}") == "h.json: the history must be a JSON array of operations, not an object");
  CHECK(error_of("[1]") == "h.json: op 0: must be an object, not a number");
  CHECK(error_of("[" + ok0 + ",[]]") == "h.json: op 1: must be an object, not an array");
  CHECK(error_of(with(R"({"index":0,"type":"invoke","process":0,"f":"buy","value":null})")) ==
        "h.json: op 0: field \"time\" is missing");
  CHECK(error_of(
            with(R"({"index":0,"type":"invoke","process":0,"time":"1","f":"buy","value":null})")) ==
        "h.json: op 0: field \"time\" must be an integer, not a string");
  CHECK(error_of(
            with(R"({"index":0,"type":"invoke","process":0.5,"time":1,"f":"buy","value":null})")) ==
        "h.json: op 0: field \"process\" must be an integer, not 0.5");
  CHECK(
      error_of(with(R"({"index":0,"type":"invoke","process":0,"time":1,"f":"buy","value":"3"})")) ==
      "h.json: op 0: field \"value\" must be an integer or null, not a string");
  CHECK(
      error_of(with(R"({"index":0,"type":"done","process":0,"time":1,"f":"buy","value":null})")) ==
      "h.json: op 0: field \"type\" is \"done\"; expected invoke, ok, fail or info");
  CHECK(error_of(
            with(R"({"index":0,"type":"invoke","process":0,"time":1,"f":"sell","value":null})")) ==
        "h.json: op 0: field \"f\" is \"sell\"; expected search, buy or read");
  CHECK(error_of(with(R"({"index":0,"type":"ok","process":3,"time":1,"f":"buy","value":1})")) ==
        "h.json: op 0: a completion (\"ok\") in process 3, which has no open invoke");
  CHECK(error_of("[" + ok0 + "," +
                 R"({"index":1,"type":"invoke","process":0,"time":2,"f":"buy","value":null})" +
                 "]") == "h.json: op 1: an invoke in process 0, which still has op 0 open");
  CHECK(error_of("[" + ok0 + "," +
                 R"({"index":1,"type":"ok","process":0,"time":2,"f":"search","value":1})" + "]") ==
        "h.json: op 1: completes \"search\", but the open invoke of process 0 (op 0) is \"buy\"");
  CHECK(error_of("[" + ok0 + "," +
                 R"({"index":7,"type":"ok","process":0,"time":0,"f":"buy","value":1})" + "]") ==
        "h.json: op 1 (index 7): field \"time\" is 0, earlier than its invoke's (op 0, time 1)");
  // Keys it does not read may hold anything.
  History extra = parse("[" + ok0.substr(0, ok0.size() - 1) +
                        R"(,"error":{"why":[1,{"x":null}]},"node":"n1"}])");
  REQUIRE(extra.ops.size() == 1);
  REQUIRE(extra.ops[0].outcome == ticketsim::HistoryOutcome::kPending);

  TempDir dir;
  REQUIRE_THROWS_WITH(ticketsim::parse_history_file(dir.file("missing.json")),
                      Catch::StartsWith(dir.file("missing.json") + ": cannot open: "));
  REQUIRE_THROWS_WITH(ticketsim::parse_history_file(dir.path()),
                      dir.path() + ": cannot open: it is a directory");
}

// ---------------------------------------------------------------------------------------
// ticketsim's own trials: the checker must agree with the trial's verdict.

namespace {

HistoryVerdict check_trial(const ticketsim::TrialResult& trial) {
  return ticketsim::check_history(parse(ticketsim::jepsen_history(trial).dump(), "trial"),
                                  trial.tickets);
}

}  // namespace

TEST_CASE(
    "history_check: every lock mode under every crash point: linearizable exactly when the trial "
    "is safe",
    "[history-check]") {
  auto mode = GENERATE(Mode::kFlock, Mode::kFcntl, Mode::kOfd, Mode::kNamedMutex,
                       Mode::kRobustMutex, Mode::kJoin);
  auto point =
      GENERATE(CrashPoint::kAfterAcquire, CrashPoint::kMidWrite, CrashPoint::kBeforeRelease);
  CAPTURE(ticketsim::mode_name(mode), ticketsim::crash_point_name(point));
  int crashes = 0;
  for (std::uint64_t seed = 1; seed <= 10; ++seed) {
    CAPTURE(seed);
    ExperimentConfig config;
    config.mode = mode;
    config.procs = 6;
    config.attempts = 2;
    config.tickets = 5;
    config.latency = ticketsim::DurationRange{0us, 300us};
    config.hold = {};  // think time only: no hold, no network before searching
    config.search_latency = {};
    config.crash_probability = 0.3;
    config.crash_at = point;
    config.seed = seed;
    config.lock_timeout = 150ms;  // named-mutex: a dead holder keeps it; the trial stalls
    // Written in place, a writer dying mid-write leaves a torn store: the trial is unsafe
    // and the history has a torn read (a later customer's, or the parent's final read).
    // Written atomically, the dead writer leaves the old store: these crashes are checked on
    // safe trials.
    if (point == CrashPoint::kMidWrite) config.write = ticketsim::WriteStrategy::kAtomic;
    auto trial = ticketsim::run_experiment(config).trials.at(0);
    crashes += trial.injected_crashes;
    HistoryVerdict verdict = check_trial(trial);
    CAPTURE(trial.verdict(), verdict.reason);
    REQUIRE(verdict.linearizable == !trial.unsafe());
  }
  REQUIRE(crashes > 0);  // histories with dead customers' unknown or failed buys were checked
}

TEST_CASE("history_check: mode none: linearizable exactly when the trial is safe",
          "[history-check]") {
  // Think times of a few microseconds: here about 4 trials in 10 race, the others do not.
  // Whether a given trial races is up to the scheduler (under ASan none may), so the test
  // asserts the agreement for each trial, not how many raced: the lockstep test below forces
  // the race, and the lock-mode matrix covers safe histories.
  for (std::uint64_t seed = 1; seed <= 40; ++seed) {
    CAPTURE(seed);
    ExperimentConfig config;
    config.procs = 4;
    config.attempts = 10;
    config.tickets = 50;
    config.latency = ticketsim::DurationRange{0us, 2us};
    config.hold = {};  // think time only: no hold, no network before searching
    config.search_latency = {};
    config.seed = seed;
    auto trial = ticketsim::run_experiment(config).trials.at(0);
    HistoryVerdict verdict = check_trial(trial);
    CAPTURE(trial.verdict(), verdict.reason);
    REQUIRE(verdict.linearizable == !trial.unsafe());
  }
}

TEST_CASE(
    "history_check: mode none in lockstep with more customers than tickets is rejected every time",
    "[history-check]") {
  for (std::uint64_t seed = 1; seed <= 10; ++seed) {
    CAPTURE(seed);
    ExperimentConfig config;
    config.schedule = Schedule::kLockstep;
    config.procs = 8;
    config.tickets = 3;
    config.latency = ticketsim::DurationRange{0us, 300us};
    config.hold = {};  // think time only: no hold, no network before searching
    config.search_latency = {};
    config.seed = seed;
    auto trial = ticketsim::run_experiment(config).trials.at(0);
    REQUIRE(trial.unsafe());
    History history = parse(ticketsim::jepsen_history(trial).dump(), "trial");
    HistoryVerdict verdict = ticketsim::check_history(history, 3);
    REQUIRE_FALSE(verdict.linearizable);
    // Everyone read 3 before anyone wrote: two of those buys are the conflict.
    REQUIRE(verdict.unorderable.size() == 2);
    for (std::size_t i : verdict.unorderable) {
      REQUIRE(history.ops[i].f == ticketsim::HistoryF::kBuy);
      REQUIRE(history.ops[i].value == 3);
    }
  }
}

// ---------------------------------------------------------------------------------------
// The command.

namespace {

struct CommandRun {
  int status;
  std::string out, err;
};

CommandRun run(const CheckHistoryOptions& options) {
  std::ostringstream out, err;
  int status = ticketsim::check_history_command(options, out, err);
  return {status, out.str(), err.str()};
}

}  // namespace

TEST_CASE(
    "history_check: check-history exits 0 for a linearizable history and 3 for one that is not",
    "[history-check]") {
  TempDir dir;
  const std::string good = dir.file("good.json"), bad = dir.file("bad.json");
  ticketsim::testing::write_file(good, history_json({buy(0, 1, "ok", 1), final_read(2, 0)}));
  ticketsim::testing::write_file(
      bad, history_json({buy(0, 5, "ok", 1), buy(1, 6, "ok", 1), final_read(9, 0)}));

  CommandRun yes = run({good, 1, false});
  REQUIRE(yes.status == 0);
  REQUIRE(yes.out == "linearizable: yes (4 ops)\n");
  REQUIRE(yes.err.empty());

  CommandRun no = run({bad, 1, false});
  REQUIRE(no.status == 3);
  REQUIRE(no.err.empty());
  REQUIRE_THAT(no.out, Catch::StartsWith("linearizable: no (6 ops)\n"));
  REQUIRE_THAT(no.out, Catch::Contains("process 0    buy    ok   1"));
  REQUIRE_THAT(no.out, Catch::Contains("process 1    buy    ok   1"));
  REQUIRE_THAT(no.out, Catch::Contains("Why: both bought"));

  SECTION("--json") {
    CommandRun json = run({bad, 1, true});
    REQUIRE(json.status == 3);
    auto doc = nlohmann::json::parse(json.out);
    REQUIRE(doc["linearizable"] == false);
    REQUIRE(doc["ops"] == 6);
    REQUIRE(doc["checked_ms"].is_number());
    REQUIRE(doc["unorderable"].size() == 2);
    for (const auto& op : doc["unorderable"]) {
      for (const char* key :
           {"index", "process", "f", "type", "value", "invoke_time", "complete_time"}) {
        REQUIRE(op.contains(key));
      }
      REQUIRE(op["f"] == "buy");
      REQUIRE(op["type"] == "ok");
      REQUIRE(op["value"] == 1);
    }
    auto fine = nlohmann::json::parse(run({good, 1, true}).out);
    REQUIRE(fine["linearizable"] == true);
    REQUIRE(fine["ops"] == 4);
    REQUIRE_FALSE(fine.contains("unorderable"));
  }
}

TEST_CASE("history_check: check-history exits 2 for bad usage and bad input, saying what is wrong",
          "[history-check]") {
  TempDir dir;
  const std::string good = dir.file("good.json"), broken = dir.file("broken.json");
  ticketsim::testing::write_file(good, history_json({buy(0, 1, "ok", 1)}));
  ticketsim::testing::write_file(broken, R"([{"index":0,"type":"invoke"}])");
  struct Case {
    CheckHistoryOptions options;
    std::string message;
  };
  // Filled field by field: GCC 12's -O2 warns (maybe-uninitialized) on braced Cases.
  std::vector<Case> cases;
  auto add = [&cases](const std::string& path, std::optional<std::int64_t> tickets, bool json,
                      const std::string& message) {
    Case c;
    c.options.path = path;
    c.options.tickets = tickets;
    c.options.json = json;
    c.message = message;
    cases.push_back(c);
  };
  add(good, std::nullopt, false, "ticketsim: --tickets: required");
  add(good, -1, true, "ticketsim: --tickets: must be 0 to 2^53 (9007199254740992), not -1");
  add(dir.file("none.json"), 1, false, dir.file("none.json") + ": cannot open");
  add(broken, 1, true, broken + ": op 0: field \"process\" is missing");
  for (const Case& c : cases) {
    CommandRun result = run(c.options);
    CAPTURE(result.err);
    REQUIRE(result.status == 2);
    REQUIRE(result.out.empty());
    REQUIRE_THAT(result.err, Catch::Contains(c.message));
  }
}
