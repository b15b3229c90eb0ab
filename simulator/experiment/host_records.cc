#include "simulator/experiment/host_records.h"

#include <stdexcept>

#include <nlohmann/json.hpp>

namespace ticketsim {
namespace {

using Json = nlohmann::json;

std::int64_t shifted(std::int64_t t, std::int64_t shift) { return t == 0 ? 0 : t + shift; }

}  // namespace

std::string host_records_text(const TrialResult& trial) {
  Json customers = Json::array();
  for (const CustomerHistory& c : trial.customers) {
    Json purchases = Json::array();
    for (const PurchaseRecord& p : c.purchases) {
      purchases.push_back({p.t_lock_requested, p.t_lock_acquired, p.t_read, p.t_write_begin,
                           p.t_written, p.t_released, p.value_read, p.value_written,
                           static_cast<int>(p.outcome), static_cast<int>(p.write_state), p.retries,
                           p.earlier_lock_waits_us});
    }
    const SearchRecord& s = c.search;
    customers.push_back(
        {{"index", c.index},
         {"pid", c.pid},
         {"ppid", c.ppid},
         {"t_spawn", c.t_spawn},
         {"t_exit", c.t_exit},
         {"search",
          {s.t_lock_requested, s.t_lock_acquired, s.t_read, s.t_released, s.value_seen,
           static_cast<int>(s.outcome)}},
         {"purchases", std::move(purchases)},
         {"wait_status", c.wait_status},
         {"killed_by_run", c.killed_by_run},
         {"error", c.error},
         {"crashed_at", c.crashed_at ? Json(static_cast<int>(*c.crashed_at)) : Json(nullptr)},
         {"crash_attempt", c.crash_attempt},
         {"died_holding_lock", c.died_holding_lock},
         {"repairs", c.repairs},
         {"lock_timed_out", c.lock_timed_out},
         {"stopped_by_run", c.stopped_by_run},
         {"t_paused", c.t_paused},
         {"t_resumed", c.t_resumed},
         {"lease_expired_attempt", c.lease_expired_attempt},
         {"fenced_attempt", c.fenced_attempt},
         {"fenced_token", c.fenced_token},
         {"fenced_by", c.fenced_by}});
  }
  Json crashes = Json::array();
  for (const CrashedCustomer& crash : trial.crashes) {
    crashes.push_back({crash.customer, crash.pid,
                       crash.crashed_at ? Json(static_cast<int>(*crash.crashed_at)) : Json(nullptr),
                       crash.attempt, crash.held_lock});
  }
  Json part{{"t_start", trial.t_start},
            {"wall_ns", trial.wall_ns},
            {"stalled", trial.stalled},
            {"stall_reason", trial.stall_reason},
            {"interrupted_by", trial.interrupted_by},
            {"crashed", trial.crashed},
            {"injected_crashes", trial.injected_crashes},
            {"crashes", std::move(crashes)},
            {"repairs", trial.repairs},
            {"lock_timeouts", trial.lock_timeouts},
            {"paused_ns", trial.paused_ns},
            {"customers", std::move(customers)}};
  return part.dump();
}

TrialResult parse_host_records(const std::string& text, std::int64_t shift_ns) {
  try {
    const Json part = Json::parse(text);
    TrialResult trial;
    trial.t_start = shifted(part.at("t_start").get<std::int64_t>(), shift_ns);
    trial.wall_ns = part.at("wall_ns").get<std::int64_t>();
    trial.stalled = part.at("stalled").get<bool>();
    trial.stall_reason = part.at("stall_reason").get<std::string>();
    trial.interrupted_by = part.at("interrupted_by").get<int>();
    trial.crashed = part.at("crashed").get<int>();
    trial.injected_crashes = part.at("injected_crashes").get<int>();
    for (const Json& crash : part.at("crashes")) {
      trial.crashes.push_back(CrashedCustomer{
          crash[0].get<int>(), crash[1].get<pid_t>(),
          crash[2].is_null()
              ? std::nullopt
              : std::optional<CrashPoint>(static_cast<CrashPoint>(crash[2].get<int>())),
          crash[3].get<int>(), crash[4].get<bool>()});
    }
    trial.repairs = part.at("repairs").get<int>();
    trial.lock_timeouts = part.at("lock_timeouts").get<int>();
    trial.paused_ns = part.at("paused_ns").get<std::int64_t>();
    for (const Json& c : part.at("customers")) {
      CustomerHistory history;
      history.index = c.at("index").get<int>();
      history.pid = c.at("pid").get<pid_t>();
      history.ppid = c.at("ppid").get<pid_t>();
      history.t_spawn = shifted(c.at("t_spawn").get<std::int64_t>(), shift_ns);
      history.t_exit = shifted(c.at("t_exit").get<std::int64_t>(), shift_ns);
      const Json& s = c.at("search");
      history.search = SearchRecord{shifted(s[0].get<std::int64_t>(), shift_ns),
                                    shifted(s[1].get<std::int64_t>(), shift_ns),
                                    shifted(s[2].get<std::int64_t>(), shift_ns),
                                    shifted(s[3].get<std::int64_t>(), shift_ns),
                                    s[4].get<std::int64_t>(),
                                    static_cast<Outcome>(s[5].get<int>())};
      for (const Json& p : c.at("purchases")) {
        PurchaseRecord record;
        record.t_lock_requested = shifted(p[0].get<std::int64_t>(), shift_ns);
        record.t_lock_acquired = shifted(p[1].get<std::int64_t>(), shift_ns);
        record.t_read = shifted(p[2].get<std::int64_t>(), shift_ns);
        record.t_write_begin = shifted(p[3].get<std::int64_t>(), shift_ns);
        record.t_written = shifted(p[4].get<std::int64_t>(), shift_ns);
        record.t_released = shifted(p[5].get<std::int64_t>(), shift_ns);
        record.value_read = p[6].get<std::int64_t>();
        record.value_written = p[7].get<std::int64_t>();
        record.outcome = static_cast<Outcome>(p[8].get<int>());
        record.write_state = static_cast<WriteState>(p[9].get<int>());
        record.retries = p[10].get<std::int16_t>();
        record.earlier_lock_waits_us = p[11].get<std::int32_t>();
        history.purchases.push_back(record);
      }
      history.wait_status = c.at("wait_status").get<int>();
      history.killed_by_run = c.at("killed_by_run").get<bool>();
      history.error = c.at("error").get<std::string>();
      if (!c.at("crashed_at").is_null()) {
        history.crashed_at = static_cast<CrashPoint>(c.at("crashed_at").get<int>());
      }
      history.crash_attempt = c.at("crash_attempt").get<int>();
      history.died_holding_lock = c.at("died_holding_lock").get<bool>();
      history.repairs = c.at("repairs").get<int>();
      history.lock_timed_out = c.at("lock_timed_out").get<bool>();
      history.stopped_by_run = c.at("stopped_by_run").get<bool>();
      history.t_paused = shifted(c.at("t_paused").get<std::int64_t>(), shift_ns);
      history.t_resumed = shifted(c.at("t_resumed").get<std::int64_t>(), shift_ns);
      history.lease_expired_attempt = c.at("lease_expired_attempt").get<int>();
      history.fenced_attempt = c.at("fenced_attempt").get<int>();
      history.fenced_token = c.at("fenced_token").get<std::int64_t>();
      history.fenced_by = c.at("fenced_by").get<std::int64_t>();
      trial.customers.push_back(std::move(history));
    }
    return trial;
  } catch (const Json::exception& e) {
    throw std::runtime_error(std::string("a host's records do not parse: ") + e.what());
  }
}

}  // namespace ticketsim
