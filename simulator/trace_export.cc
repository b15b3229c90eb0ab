#include "simulator/trace_export.h"

#include <fmt/format.h>

namespace ticketsim {
namespace {

using Json = nlohmann::ordered_json;

double micros(std::int64_t time_ns, std::int64_t origin_ns) {
  return static_cast<double>(time_ns - origin_ns) / 1000.0;
}

}  // namespace

Json chrome_trace(const std::vector<TracedTrial>& trials) {
  Json events = Json::array();
  int pid = 0;
  for (const TracedTrial& traced : trials) {
    const TrialResult& trial = *traced.trial;
    ++pid;
    if (trial.customers.empty() || !trial.times_recorded) continue;
    const std::int64_t origin = trial.t_start;
    events.push_back(
        {{"name", "process_name"}, {"ph", "M"}, {"pid", pid}, {"args", {{"name", traced.label}}}});
    auto slice = [&](const std::string& name, const char* category, int tid, std::int64_t begin,
                     std::int64_t end, Json args) {
      if (begin == 0 || end == 0 || end < begin) return;
      events.push_back({{"name", name},
                        {"cat", category},
                        {"ph", "X"},
                        {"ts", micros(begin, origin)},
                        {"dur", micros(end, begin)},
                        {"pid", pid},
                        {"tid", tid},
                        {"args", std::move(args)}});
    };
    for (const CustomerHistory& customer : trial.customers) {
      const int tid = customer.index + 1;
      events.push_back(
          {{"name", "thread_name"},
           {"ph", "M"},
           {"pid", pid},
           {"tid", tid},
           {"args", {{"name", fmt::format("customer {} (pid {})", tid, customer.pid)}}}});
      const SearchRecord& search = customer.search;
      slice("wait for lock", "lock", tid, search.t_lock_requested, search.t_lock_acquired,
            {{"for", "search"}});
      slice("search", "search", tid, search.t_lock_acquired, search.t_released,
            {{"seen", search.value_seen}, {"outcome", outcome_name(search.outcome)}});
      for (std::size_t attempt = 0; attempt < customer.purchases.size(); ++attempt) {
        const PurchaseRecord& p = customer.purchases[attempt];
        std::string name = fmt::format("purchase {}", attempt + 1);
        slice("wait for lock", "lock", tid, p.t_lock_requested, p.t_lock_acquired, {{"for", name}});
        slice(name, "lock", tid, p.t_lock_acquired, p.t_released,
              {{"read", p.value_read},
               {"wrote", p.value_written},
               {"outcome", outcome_name(p.outcome)}});
        slice("read", "store", tid, p.t_lock_acquired, p.t_read, {{"value", p.value_read}});
        slice("think", "latency", tid, p.t_read, p.t_write_begin, Json::object());
        if (p.outcome == Outcome::kBought) {
          slice("write", "store", tid, p.t_write_begin, p.t_written, {{"value", p.value_written}});
        }
      }
    }
    for (const LostUpdateWitness& witness : trial.witnesses.lost_updates) {
      events.push_back({{"name", "lost update"},
                        {"ph", "i"},
                        {"s", "t"},
                        {"ts", micros(witness.writer.wrote_ns, origin)},
                        {"pid", pid},
                        {"tid", witness.writer.customer + 1},
                        {"args",
                         {{"overwrote_customer", witness.overwritten.customer + 1},
                          {"overwrote_pid", witness.overwritten.pid},
                          {"erased", witness.erased},
                          {"text", describe(witness, origin)}}}});
    }
  }
  Json trace;
  trace["traceEvents"] = std::move(events);
  trace["displayTimeUnit"] = "ms";
  return trace;
}

}  // namespace ticketsim
