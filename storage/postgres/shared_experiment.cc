#include "storage/postgres/shared_experiment.h"

#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <functional>
#include <utility>

#include <nlohmann/json.hpp>

#include "storage/postgres/postgres_store.h"
#include "ticketsim/errors.h"
#include "ticketsim/interrupt.h"

namespace ticketsim {
namespace {

constexpr std::int64_t kStatementTimeoutNs = 30'000'000'000;
constexpr std::int64_t kPollNs = 500'000;

// Creates what is missing, never an ALTER TABLE (see postgres_store.cc's kSchema).
constexpr const char* kSchema =
    "SET client_min_messages = warning;"
    "BEGIN;"
    "SELECT pg_advisory_xact_lock(hashtextextended('ticketsim.schema', 0));"
    "CREATE SCHEMA IF NOT EXISTS ticketsim;"
    "CREATE TABLE IF NOT EXISTS ticketsim.experiments ("
    " name text PRIMARY KEY, hosts integer NOT NULL, workload text NOT NULL,"
    " hosts_done integer NOT NULL DEFAULT 0,"
    " created timestamptz NOT NULL DEFAULT clock_timestamp(), abandoned text);"
    "CREATE TABLE IF NOT EXISTS ticketsim.experiment_hosts ("
    " name text NOT NULL, host integer NOT NULL, hostname text NOT NULL, pid integer NOT NULL,"
    " joined timestamptz NOT NULL DEFAULT clock_timestamp(), PRIMARY KEY (name, host));"
    "CREATE TABLE IF NOT EXISTS ticketsim.experiment_barriers ("
    " name text NOT NULL, point text NOT NULL, arrived integer NOT NULL,"
    " PRIMARY KEY (name, point));"
    "CREATE TABLE IF NOT EXISTS ticketsim.experiment_records ("
    " name text NOT NULL, trial integer NOT NULL, host integer NOT NULL,"
    " clock_offset_ns bigint NOT NULL, clock_error_ns bigint NOT NULL, records text NOT NULL,"
    " PRIMARY KEY (name, trial, host));"
    "CREATE TABLE IF NOT EXISTS ticketsim.experiment_trials ("
    " name text NOT NULL, trial integer NOT NULL, hosts_done integer NOT NULL,"
    " final_count bigint, PRIMARY KEY (name, trial));"
    "COMMIT;";

// A joined host's presence: a session-level advisory lock on (experiment, host), which
// PostgreSQL releases when the host's session ends, however it ends (kill -9 included). The
// two-int4 keys are a lock space of their own, apart from the purchases' bigint keys.
constexpr const char* kHoldPresence =
    "SELECT pg_advisory_lock(hashtext('ticketsim.host:' || $1), $2::int)";
// Takes another host's presence lock if nothing holds it any more, and lets it go again: true
// when that host's session has ended.
constexpr const char* kHostGone =
    "SELECT CASE WHEN pg_try_advisory_lock(hashtext('ticketsim.host:' || $1), $2::int)"
    " THEN pg_advisory_unlock(hashtext('ticketsim.host:' || $1), $2::int) ELSE false END";
// How often a waiting host checks that the hosts it waits with are still there.
constexpr std::int64_t kPresenceCheckNs = 1'000'000'000;

std::int64_t deadline() { return pg_clock_ns() + kStatementTimeoutNs; }

void pause_ns(std::int64_t ns) {
  const timespec pause{static_cast<time_t>(ns / 1'000'000'000),
                       static_cast<long>(ns % 1'000'000'000)};
  ::nanosleep(&pause, nullptr);
}

std::string this_host() {
  char host[256] = {};
  ::gethostname(host, sizeof host - 1);
  return host;
}

}  // namespace

SharedExperiment::SharedExperiment(std::string url, std::string name, int hosts, int host)
    : url_(std::move(url)),
      name_(std::move(name)),
      hosts_(hosts),
      host_(host),
      connection_(url_, "SET client_min_messages = warning") {}

PgAnswer SharedExperiment::run(const char* sql, std::initializer_list<const char*> params) {
  PgAnswer answer = params.size() == 0 ? connection_.exec(sql, deadline())
                                       : connection_.exec_params(sql, params, deadline());
  if (!answer.ok()) throw_database_failure(url_, answer);
  return answer;
}

SharedExperiment SharedExperiment::join(const std::string& url, const std::string& name, int hosts,
                                        const std::string& workload) {
  SharedExperiment experiment(url, name, hosts, -1);
  experiment.run(kSchema, {});
  const std::string host_count = std::to_string(hosts);
  experiment.run("BEGIN", {});
  experiment.run("SELECT pg_advisory_xact_lock(hashtextextended($1, 1))", {name.c_str()});
  experiment.run(
      "INSERT INTO ticketsim.experiments (name, hosts, workload) VALUES ($1, $2, $3)"
      " ON CONFLICT (name) DO NOTHING",
      {name.c_str(), host_count.c_str(), workload.c_str()});
  PgAnswer found = experiment.run(
      "SELECT json_build_object('hosts', hosts, 'workload', workload, 'joined',"
      " (SELECT count(*) FROM ticketsim.experiment_hosts h WHERE h.name = e.name))::text"
      " FROM ticketsim.experiments e WHERE name = $1",
      {name.c_str()});
  const nlohmann::json existing = nlohmann::json::parse(found.text);
  auto refuse = [&](const std::string& why) {
    experiment.connection_.exec("ROLLBACK", deadline());
    throw database_error(url, "experiment '" + name + "' " + why);
  };
  if (existing["hosts"].get<int>() != hosts) {
    refuse("was started for " + std::to_string(existing["hosts"].get<int>()) + " hosts, not " +
           host_count);
  }
  if (existing["workload"].get<std::string>() != workload) {
    // Name the settings that differ, as "procs 4 there, 2 here".
    const nlohmann::json there = nlohmann::json::parse(existing["workload"].get<std::string>());
    const nlohmann::json here = nlohmann::json::parse(workload);
    std::string differences;
    for (auto item = here.begin(); item != here.end(); ++item) {
      const auto found = there.find(item.key());
      const std::string theirs = found == there.end() ? "unset" : found->dump();
      if (found != there.end() && *found == item.value()) continue;
      differences += (differences.empty() ? "" : ", ") + item.key() + " " + theirs + " there, " +
                     item.value().dump() + " here";
    }
    refuse("was started with another workload (" + differences + ")");
  }
  const int joined = existing["joined"].get<int>();
  if (joined >= hosts) {
    refuse("already has its " + host_count +
           " hosts (an experiment keeps its name: choose a new one, or `ticketsim report "
           "--experiment " +
           name + " --store URL --forget`)");
  }
  const std::string host = std::to_string(joined);
  const std::string hostname = this_host();
  const std::string pid = std::to_string(::getpid());
  experiment.run(
      "INSERT INTO ticketsim.experiment_hosts (name, host, hostname, pid) VALUES ($1, $2, $3, $4)",
      {name.c_str(), host.c_str(), hostname.c_str(), pid.c_str()});
  // Taken before the host is seen to have joined, held until this process's session ends.
  experiment.run(kHoldPresence, {name.c_str(), host.c_str()});
  experiment.run("COMMIT", {});
  experiment.host_ = joined;
  return experiment;
}

std::string SharedExperiment::row_name(int trial) const {
  return name_ + "/trial-" + std::to_string(trial + 1);
}

bool meet_hosts(PgConnection& connection, const std::string& name, const std::string& point,
                int hosts, std::int64_t deadline_ns) {
  PgAnswer arrived = connection.exec_params(
      "INSERT INTO ticketsim.experiment_barriers (name, point, arrived) VALUES ($1, $2, 1)"
      " ON CONFLICT (name, point) DO UPDATE SET arrived = experiment_barriers.arrived + 1"
      " RETURNING arrived",
      {name.c_str(), point.c_str()}, deadline_ns);
  while (arrived.ok() && arrived.value.value_or(0) < hosts) {
    if (deadline_ns != 0 && pg_clock_ns() + kPollNs > deadline_ns) return false;
    if (interrupt_signal() != 0) return false;  // Ctrl-C: stop waiting for the others
    pause_ns(kPollNs);
    arrived = connection.exec_params(
        "SELECT arrived FROM ticketsim.experiment_barriers WHERE name = $1 AND point = $2",
        {name.c_str(), point.c_str()}, deadline_ns);
  }
  return arrived.ok();
}

void SharedExperiment::meet(const std::string& point, std::int64_t timeout_ns,
                            const std::function<void(int arrived)>& waiting) {
  PgAnswer arrived =
      run("INSERT INTO ticketsim.experiment_barriers (name, point, arrived) VALUES ($1, $2, 1)"
          " ON CONFLICT (name, point) DO UPDATE SET arrived = experiment_barriers.arrived + 1"
          " RETURNING arrived",
          {name_.c_str(), point.c_str()});
  const std::int64_t start = pg_clock_ns();
  std::int64_t next_presence_check = kPresenceCheckNs;
  bool announced = false;
  for (;;) {
    PgAnswer state =
        run("SELECT json_build_object('arrived', (SELECT arrived FROM ticketsim.experiment_barriers"
            " WHERE name = $1 AND point = $2), 'abandoned', abandoned)::text"
            " FROM ticketsim.experiments WHERE name = $1",
            {name_.c_str(), point.c_str()});
    const nlohmann::json found = nlohmann::json::parse(state.text);
    if (!found["abandoned"].is_null()) {
      throw database_error(url_, "experiment '" + name_ +
                                     "' was abandoned: " + found["abandoned"].get<std::string>());
    }
    const int count = found["arrived"].get<int>();
    if (count >= hosts_) return;
    if (interrupt_signal() != 0) {
      // Leave the barrier, so that the count stays true for the hosts still waiting.
      connection_.exec_params(
          "UPDATE ticketsim.experiment_barriers SET arrived = arrived - 1"
          " WHERE name = $1 AND point = $2",
          {name_.c_str(), point.c_str()}, deadline());
      return;
    }
    const std::int64_t waited = pg_clock_ns() - start;
    if (waited >= next_presence_check) {
      next_presence_check = waited + kPresenceCheckNs;
      check_hosts_present();
    }
    if (waited > timeout_ns) {
      throw database_error(url_, "experiment '" + name_ + "': only " + std::to_string(count) +
                                     " of " + std::to_string(hosts_) + " hosts arrived at " +
                                     point);
    }
    if (!announced && waited > 2'000'000'000 && waiting) {
      waiting(count);
      announced = true;
    }
    pause_ns(5'000'000);
  }
}

void SharedExperiment::check_hosts_present() {
  const std::string self = std::to_string(host_);
  PgAnswer joined = run(
      "SELECT coalesce(json_agg(json_build_object('host', host, 'hostname', hostname, 'pid', pid)"
      " ORDER BY host), '[]')::text FROM ticketsim.experiment_hosts"
      " WHERE name = $1 AND host <> $2::int",
      {name_.c_str(), self.c_str()});
  for (const nlohmann::json& other : nlohmann::json::parse(joined.text)) {
    const std::string host = std::to_string(other["host"].get<int>());
    if (run(kHostGone, {name_.c_str(), host.c_str()}).text != "t") continue;
    const std::string why = "host " + std::to_string(other["host"].get<int>() + 1) + " (pid " +
                            std::to_string(other["pid"].get<int>()) + " on " +
                            other["hostname"].get<std::string>() +
                            ") is gone: its database session ended without leaving the "
                            "experiment (killed?)";
    // The others waiting stop at once too, as when a host abandons the experiment itself.
    connection_.exec_params(
        "UPDATE ticketsim.experiments SET abandoned = $2 WHERE name = $1 AND abandoned IS NULL",
        {name_.c_str(), why.c_str()}, deadline());
    throw database_error(url_, "experiment '" + name_ + "' was abandoned: " + why);
  }
}

void SharedExperiment::abandon(const std::string& reason) noexcept {
  try {
    const std::string why = "host " + std::to_string(host_ + 1) + ": " + reason;
    connection_.exec_params("UPDATE ticketsim.experiments SET abandoned = $2 WHERE name = $1",
                            {name_.c_str(), why.c_str()}, deadline());
  } catch (...) {
  }
}

ClockOffset SharedExperiment::measure_clock() {
  ClockOffset best{0, INT64_MAX};
  for (int i = 0; i < 5; ++i) {
    const std::int64_t before = pg_clock_ns();
    PgAnswer server =
        run("SELECT (extract(epoch FROM clock_timestamp()) * 1000000)::bigint * 1000", {});
    const std::int64_t after = pg_clock_ns();
    const std::int64_t error = (after - before) / 2;
    if (server.value && error < best.error_ns) {
      best = ClockOffset{*server.value - (before + error), error};
    }
  }
  // A microsecond clock: the reading itself is only good to 1 us.
  best.error_ns += 1000;
  return best;
}

void SharedExperiment::put_records(int trial, const ClockOffset& clock,
                                   const std::string& records) {
  const std::string index = std::to_string(trial);
  const std::string host = std::to_string(host_);
  const std::string offset = std::to_string(clock.offset_ns);
  const std::string error = std::to_string(clock.error_ns);
  run("INSERT INTO ticketsim.experiment_records"
      " (name, trial, host, clock_offset_ns, clock_error_ns, records)"
      " VALUES ($1, $2, $3, $4, $5, $6)",
      {name_.c_str(), index.c_str(), host.c_str(), offset.c_str(), error.c_str(), records.c_str()});
}

bool SharedExperiment::finish_trial(int trial) {
  const std::string index = std::to_string(trial);
  PgAnswer done =
      run("INSERT INTO ticketsim.experiment_trials (name, trial, hosts_done) VALUES ($1, $2, 1)"
          " ON CONFLICT (name, trial) DO UPDATE SET hosts_done = experiment_trials.hosts_done + 1"
          " RETURNING hosts_done",
          {name_.c_str(), index.c_str()});
  if (done.value.value_or(0) < hosts_) return false;
  // Every host's customers are gone: the row's count is final.
  const std::string row = row_name(trial);
  run("UPDATE ticketsim.experiment_trials SET final_count ="
      " (SELECT count FROM ticketsim.trial_stores WHERE name = $3)"
      " WHERE name = $1 AND trial = $2",
      {name_.c_str(), index.c_str(), row.c_str()});
  run("DELETE FROM ticketsim.trial_stores WHERE name = $1", {row.c_str()});
  const std::string points = "t" + std::to_string(trial + 1) + "/%";
  run("DELETE FROM ticketsim.experiment_barriers WHERE name = $1 OR (name = $2 AND point LIKE $3)",
      {row.c_str(), name_.c_str(), points.c_str()});
  return true;
}

bool SharedExperiment::finish() {
  PgAnswer done =
      run("UPDATE ticketsim.experiments SET hosts_done = hosts_done + 1 WHERE name = $1"
          " RETURNING hosts_done",
          {name_.c_str()});
  return done.value.value_or(0) >= hosts_;
}

StoredExperiment load_shared_experiment(const std::string& url, const std::string& name) {
  PgConnection connection(url, "");
  PgAnswer answer = connection.exec_params(
      "SELECT json_build_object("
      " 'hosts', e.hosts, 'workload', e.workload, 'hosts_done', e.hosts_done,"
      " 'trials', coalesce((SELECT json_agg(json_build_object("
      "   'trial', t.trial, 'final_count', t.final_count) ORDER BY t.trial)"
      "   FROM ticketsim.experiment_trials t WHERE t.name = e.name), '[]'),"
      " 'records', coalesce((SELECT json_agg(json_build_object("
      "   'trial', r.trial, 'host', r.host, 'hostname', h.hostname,"
      "   'offset', r.clock_offset_ns, 'error', r.clock_error_ns, 'records', r.records)"
      "   ORDER BY r.trial, r.host)"
      "   FROM ticketsim.experiment_records r JOIN ticketsim.experiment_hosts h"
      "   ON h.name = r.name AND h.host = r.host WHERE r.name = e.name), '[]')"
      ")::text FROM ticketsim.experiments e WHERE e.name = $1",
      {name.c_str()}, deadline());
  if (!answer.ok() && answer.sqlstate == "42P01")
    answer.rows = 0;  // no table: no experiment
  else if (!answer.ok())
    throw_database_failure(url, answer);
  if (answer.rows == 0) {
    throw database_error(url, "no experiment named '" + name + "'");
  }
  const nlohmann::json found = nlohmann::json::parse(answer.text);
  StoredExperiment experiment;
  experiment.name = name;
  experiment.hosts = found["hosts"].get<int>();
  experiment.workload = found["workload"].get<std::string>();
  experiment.hosts_done = found["hosts_done"].get<int>();
  for (const auto& trial : found["trials"]) {
    StoredExperiment::Trial stored;
    stored.index = trial["trial"].get<int>();
    if (!trial["final_count"].is_null())
      stored.final_count = trial["final_count"].get<std::int64_t>();
    experiment.trials.push_back(std::move(stored));
  }
  for (const auto& record : found["records"]) {
    const int index = record["trial"].get<int>();
    auto trial = std::find_if(experiment.trials.begin(), experiment.trials.end(),
                              [&](const StoredExperiment::Trial& t) { return t.index == index; });
    if (trial == experiment.trials.end()) {
      experiment.trials.push_back(StoredExperiment::Trial{index, std::nullopt, {}});
      trial = experiment.trials.end() - 1;
    }
    trial->hosts.push_back(
        HostRecords{record["host"].get<int>(),
                    record["hostname"].get<std::string>(),
                    {record["offset"].get<std::int64_t>(), record["error"].get<std::int64_t>()},
                    record["records"].get<std::string>()});
  }
  std::sort(experiment.trials.begin(), experiment.trials.end(),
            [](const auto& a, const auto& b) { return a.index < b.index; });
  return experiment;
}

void forget_shared_experiment(const std::string& url, const std::string& name) {
  PgConnection connection(url, "");
  for (const char* table : {"experiment_records", "experiment_trials", "experiment_barriers",
                            "experiment_hosts", "experiments"}) {
    const std::string sql = std::string("DELETE FROM ticketsim.") + table + " WHERE name = $1";
    PgAnswer answer = connection.exec_params(sql.c_str(), {name.c_str()}, deadline());
    if (!answer.ok() && answer.sqlstate != "42P01") {
      throw_database_failure(url, answer);
    }
  }
}

}  // namespace ticketsim
