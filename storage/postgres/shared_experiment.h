// SharedExperiment: the database's side of one experiment run by several ticketsim processes
// on the same or different machines (--hosts N --experiment NAME).
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "storage/postgres/pg_connection.h"

namespace ticketsim {

// Where one host's monotonic clock sits on the database server's clock: a time t on the
// host is t + offset_ns on the server's, within +-error_ns (half the round trip of the
// best of a few readings). Hosts' clocks are only ever compared through it.
struct ClockOffset {
  std::int64_t offset_ns = 0;
  std::int64_t error_ns = 0;
};

// One host's part of one trial, as stored.
struct HostRecords {
  int host = 0;  // 0-based, in the order the hosts joined
  std::string hostname;
  ClockOffset clock;
  std::string
      records;  // the host's customers and trial facts (simulator/experiment/host_records.h)
};

// An experiment as the database holds it, for the merged report.
struct StoredExperiment {
  std::string name;
  int hosts = 0;
  std::string workload;  // the fingerprint every host agreed on
  struct Trial {
    int index = 0;
    std::optional<std::int64_t> final_count;  // unset until the last host finished it
    std::vector<HostRecords> hosts;           // the hosts that stored their part, by host
  };
  std::vector<Trial> trials;
  int hosts_done = 0;  // hosts that finished every trial
};

// Tables (schema ticketsim, created if missing): experiments, experiment_hosts,
// experiment_barriers, experiment_records, experiment_trials. Every statement is bounded by
// a deadline; failures throw StoreError naming the (redacted) URL.
class SharedExperiment {
 public:
  // Joins experiment `name` as its next host, creating it if this host is the first. Throws
  // StoreError when the experiment exists with another workload or host count, already has
  // every host, or has finished (its name must be new).
  static SharedExperiment join(const std::string& url, const std::string& name, int hosts,
                               const std::string& workload);

  int host() const { return host_; }
  int hosts() const { return hosts_; }
  const std::string& name() const { return name_; }
  // The store row every host's customers share in trial `trial` (0-based).
  std::string row_name(int trial) const;

  // Waits until every host has arrived at `point` (a name unique to this meeting). Throws
  // StoreError after `timeout_ns`, at once when another host abandoned the experiment, and
  // within about a second when a joined host's session ended without leaving (kill -9): it
  // then marks the experiment abandoned, naming that host.
  // Calls `waiting` (with how many have arrived) once, after 2 s of waiting. On an
  // interrupt it leaves the barrier (uncounting its arrival) and returns.
  void meet(const std::string& point, std::int64_t timeout_ns,
            const std::function<void(int arrived)>& waiting = {});
  // Marks the experiment abandoned (this host was interrupted or failed), so that the
  // hosts waiting at a barrier stop with `reason` instead of waiting for it.
  void abandon(const std::string& reason) noexcept;
  // Reads the server's clock a few times and keeps the tightest reading.
  ClockOffset measure_clock();
  // Stores this host's part of trial `trial`.
  void put_records(int trial, const ClockOffset& clock, const std::string& records);
  // This host is done with trial `trial`. The last host to be done reads the shared row's
  // final count into the experiment and deletes the row. Returns whether this host was it.
  bool finish_trial(int trial);
  // This host has finished every trial; returns whether it was the last host to.
  bool finish();

 private:
  SharedExperiment(std::string url, std::string name, int hosts, int host);
  PgAnswer run(const char* sql, std::initializer_list<const char*> params);
  // Throws (and marks the experiment abandoned) when a joined host's session has ended.
  void check_hosts_present();

  std::string url_;
  std::string name_;
  int hosts_;
  int host_;
  PgConnection connection_;
};

// Customers' side of a cross-host lockstep round: arrives at barrier `point` of experiment
// `name` over `connection` and waits until `hosts` arrivals are counted. False when the
// deadline passed or the connection failed.
bool meet_hosts(PgConnection& connection, const std::string& name, const std::string& point,
                int hosts, std::int64_t deadline_ns);

// Everything stored for experiment `name`. Throws StoreError when there is none.
StoredExperiment load_shared_experiment(const std::string& url, const std::string& name);
// Deletes experiment `name`'s rows (hosts, barriers, records, trials). Throws StoreError.
void forget_shared_experiment(const std::string& url, const std::string& name);

}  // namespace ticketsim
