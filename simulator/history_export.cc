#include "simulator/history_export.h"

#include <algorithm>
#include <stdexcept>

namespace ticketsim {
namespace {

using Json = nlohmann::ordered_json;

struct Op {
  std::int64_t time;
  int order;  // invoke before its completion at equal times
  Json body;
};

Json op(const char* type, int process, const char* f, Json value) {
  Json body;
  body["type"] = type;
  body["process"] = process;
  body["f"] = f;
  body["value"] = std::move(value);
  return body;
}

}  // namespace

Json jepsen_history(const TrialResult& trial) {
  if (trial.customers.empty()) {
    throw std::invalid_argument("no history: this trial's customers were not kept");
  }
  if (!trial.times_recorded) {
    throw std::invalid_argument("no history: step times were not recorded (--no-times)");
  }
  std::vector<Op> ops;
  for (const CustomerHistory& customer : trial.customers) {
    const int process = customer.index;
    // The latest time this customer is known to have been alive, for indeterminate ends.
    std::int64_t last_seen = std::max(customer.t_exit, customer.t_spawn);
    auto add_pair = [&](const char* f, std::int64_t invoked, std::int64_t completed,
                        Outcome outcome, Json ok_value, Json fail_value) {
      ops.push_back(Op{invoked, 0, op("invoke", process, f, nullptr)});
      std::int64_t end = completed != 0 ? completed : std::max(last_seen, invoked);
      switch (outcome) {
        case Outcome::kSeen:
        case Outcome::kBought:
          ops.push_back(Op{end, 1, op("ok", process, f, std::move(ok_value))});
          break;
        case Outcome::kSoldOut:
        case Outcome::kTornRead:
          ops.push_back(Op{end, 1, op("fail", process, f, std::move(fail_value))});
          break;
        default:  // error, or never finished: the effect is unknown
          ops.push_back(Op{end, 1, op("info", process, f, nullptr)});
          break;
      }
    };
    const SearchRecord& search = customer.search;
    if (search.t_lock_requested != 0) {
      add_pair("search", search.t_lock_requested, search.t_released, search.outcome,
               Json(search.value_seen), Json(nullptr));
    }
    for (const PurchaseRecord& purchase : customer.purchases) {
      if (purchase.t_lock_requested == 0) continue;  // never invoked
      Json read = purchase.value_read >= 0 ? Json(purchase.value_read) : Json(nullptr);
      add_pair("buy", purchase.t_lock_requested, purchase.t_released, purchase.outcome, read, read);
    }
  }
  std::stable_sort(ops.begin(), ops.end(), [](const Op& a, const Op& b) {
    return a.time != b.time ? a.time < b.time : a.order < b.order;
  });
  Json history = Json::array();
  for (std::size_t i = 0; i < ops.size(); ++i) {
    Json entry;
    entry["index"] = i;
    for (auto& [key, value] : ops[i].body.items()) entry[key] = value;
    entry["time"] = ops[i].time - trial.t_start;
    history.push_back(std::move(entry));
  }
  return history;
}

}  // namespace ticketsim
