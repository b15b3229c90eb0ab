#include "simulator/report/history_export.h"

#include <algorithm>
#include <stdexcept>

#include <fmt/format.h>

namespace ticketsim {
namespace {

enum class OpType : std::uint8_t { kInvoke, kOk, kFail, kInfo };
enum class OpF : std::uint8_t { kSearch, kBuy, kRead };
constexpr const char* kTypeName[] = {"invoke", "ok", "fail", "info"};
constexpr const char* kFName[] = {"search", "buy", "read"};
constexpr std::int64_t kNull = -1;  // a value the JSON writes as null

// One operation, small enough that a million purchases fit in a few tens of megabytes.
struct Op {
  std::int64_t time;
  std::int64_t value;  // kNull: null
  int process;
  OpType type;
  OpF f;
};

// The latest of the times a record holds (0 when it holds none).
template <typename... Times>
std::int64_t latest(Times... times) {
  return std::max({std::int64_t{0}, times...});
}

std::int64_t last_step(const PurchaseRecord& p) {
  return latest(p.t_lock_requested, p.t_lock_acquired, p.t_read, p.t_write_begin, p.t_written,
                p.t_released);
}

std::int64_t last_step(const SearchRecord& s) {
  return latest(s.t_lock_requested, s.t_lock_acquired, s.t_read, s.t_released);
}

// Adds a purchase's invoke and its completion. The completion is stamped with the last
// step the customer recorded for it, never earlier than the invoke.
void add_buy(const PurchaseRecord& p, int process, std::vector<Op>& ops) {
  ops.push_back(Op{p.t_lock_requested, kNull, process, OpType::kInvoke, OpF::kBuy});
  const std::int64_t read = p.value_read >= 0 ? p.value_read : kNull;
  Op done{std::max(p.t_lock_requested, last_step(p)), read, process, OpType::kOk, OpF::kBuy};
  switch (p.outcome) {
    case Outcome::kBought:
    case Outcome::kTornRead:  // ok with null: the store answered what no counter holds
      break;
    case Outcome::kSoldOut:
      done.type = OpType::kFail;
      break;
    default:
      // The customer never heard the answer. What it recorded around the write says
      // whether the write happened: done (ok), unknown (info) or never begun (fail).
      if (p.write_state == WriteState::kDone) {
        done.type = OpType::kOk;
      } else if (p.write_state == WriteState::kBegun) {
        done.type = OpType::kInfo;
      } else {
        done.type = OpType::kFail;
        done.value = kNull;
      }
      break;
  }
  ops.push_back(done);
}

void add_search(const SearchRecord& s, std::int64_t customer_last, int process,
                std::vector<Op>& ops) {
  ops.push_back(Op{s.t_lock_requested, kNull, process, OpType::kInvoke, OpF::kSearch});
  Op done{std::max(s.t_lock_requested, last_step(s)), kNull, process, OpType::kOk, OpF::kSearch};
  if (s.outcome == Outcome::kSeen) {
    done.value = s.value_seen;
  } else if (s.outcome != Outcome::kTornRead) {
    done.type = OpType::kInfo;  // it never saw the answer
    done.time = std::max(done.time, customer_last);
  }
  ops.push_back(done);
}

}  // namespace

void write_jepsen_history(const TrialResult& trial, TextSink& out) {
  if (trial.customers.empty()) {
    throw std::invalid_argument("no history: this trial's customers were not kept");
  }
  if (!trial.times_recorded) {
    throw std::invalid_argument("no history: step times were not recorded (--no-times)");
  }
  std::vector<Op> ops;
  std::size_t expected = 4;
  for (const CustomerHistory& customer : trial.customers) {
    expected += 2 + 2 * customer.purchases.size();
  }
  ops.reserve(expected);
  for (const CustomerHistory& customer : trial.customers) {
    const int process = customer.index;
    std::int64_t customer_last = latest(customer.t_exit, customer.t_spawn);
    if (customer.search.t_lock_requested != 0) {
      add_search(customer.search, customer_last, process, ops);
    }
    for (const PurchaseRecord& purchase : customer.purchases) {
      if (purchase.t_lock_requested == 0) continue;  // never invoked
      add_buy(purchase, process, ops);
    }
  }
  // The parent's read of the final store, after every customer was reaped, by an observer
  // process numbered after the customers: it pins the state the history ends in.
  const std::int64_t t_end = trial.t_start + trial.wall_ns;
  const int observer = static_cast<int>(trial.customers.size());
  ops.push_back(Op{t_end, kNull, observer, OpType::kInvoke, OpF::kRead});
  ops.push_back(
      Op{t_end, trial.final_count ? *trial.final_count : kNull, observer, OpType::kOk, OpF::kRead});
  // Time order. A process's own ops were added in the order they happened, with times that
  // never go back, so the stable sort keeps each invoke before its completion.
  std::stable_sort(ops.begin(), ops.end(),
                   [](const Op& a, const Op& b) { return a.time < b.time; });
  fmt::memory_buffer buffer;
  buffer.append(std::string_view("[\n"));
  for (std::size_t i = 0; i < ops.size(); ++i) {
    const Op& op = ops[i];
    fmt::format_to(std::back_inserter(buffer),
                   "{}{{\"index\":{},\"type\":\"{}\",\"process\":{},\"time\":{},\"f\":\"{}\","
                   "\"value\":",
                   i == 0 ? "" : ",\n", i, kTypeName[static_cast<int>(op.type)], op.process,
                   op.time - trial.t_start, kFName[static_cast<int>(op.f)]);
    if (op.value == kNull) {
      buffer.append(std::string_view("null}"));
    } else {
      fmt::format_to(std::back_inserter(buffer), "{}}}", op.value);
    }
    if (buffer.size() > (1 << 16)) {
      out.write(std::string_view(buffer.data(), buffer.size()));
      buffer.clear();
    }
  }
  buffer.append(std::string_view("\n]\n"));
  out.write(std::string_view(buffer.data(), buffer.size()));
}

nlohmann::ordered_json jepsen_history(const TrialResult& trial) {
  StringSink sink;
  write_jepsen_history(trial, sink);
  return nlohmann::ordered_json::parse(sink.text());
}

}  // namespace ticketsim
