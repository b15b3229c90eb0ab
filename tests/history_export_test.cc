// The Jepsen-style history and the Chrome trace parse back and keep their shape.
#include "simulator/report/history_export.h"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <chrono>
#include <map>
#include <set>

#include "simulator/report/trace_export.h"
#include "ticketsim/experiment.h"

using namespace std::chrono_literals;
using ticketsim::ExperimentConfig;
using ticketsim::Mode;
using ticketsim::Schedule;

namespace {

ticketsim::TrialResult forced_race_trial(Mode mode) {
  ExperimentConfig config;
  config.mode = mode;
  config.schedule = Schedule::kLockstep;
  config.procs = 10;
  config.attempts = 2;
  config.tickets = 3;
  config.latency = ticketsim::DurationRange::exactly(100us);
  config.hold = {};  // think time only: no hold, no network before searching
  config.search_latency = {};
  return ticketsim::run_experiment(config).trials.at(0);
}

// Checks the Jepsen shape: every invoke has exactly one completion in the same process,
// for the same f, and nothing else comes between them in that process.
void require_paired(const nlohmann::json& history) {
  std::map<int, std::string> open;  // process -> f of its pending invoke
  std::int64_t last_time = -1;
  for (std::size_t i = 0; i < history.size(); ++i) {
    const auto& op = history[i];
    for (const char* key : {"index", "type", "process", "time", "f", "value"}) {
      REQUIRE(op.contains(key));
    }
    REQUIRE(op["index"] == i);
    REQUIRE(op["time"].get<std::int64_t>() >= last_time);
    last_time = op["time"].get<std::int64_t>();
    int process = op["process"];
    std::string type = op["type"];
    if (type == "invoke") {
      REQUIRE(open.count(process) == 0);
      open[process] = op["f"];
    } else {
      REQUIRE((type == "ok" || type == "fail" || type == "info"));
      REQUIRE(open.count(process) == 1);
      REQUIRE(open[process] == op["f"].get<std::string>());
      open.erase(process);
    }
  }
  REQUIRE(open.empty());
}

}  // namespace

TEST_CASE("the history pairs every invoke with one completion per process", "[export]") {
  auto mode = GENERATE(Mode::kNone, Mode::kFlock);
  auto trial = forced_race_trial(mode);
  auto history = nlohmann::json::parse(ticketsim::jepsen_history(trial).dump());
  REQUIRE(history.is_array());
  require_paired(history);
  // One search and two buys per customer, each an invoke and a completion, and the final
  // read of the store by an observer numbered after the customers.
  REQUIRE(history.size() == 10 * 3 * 2 + 2);
  const auto& final_read = history.back();
  CHECK(final_read["f"] == "read");
  CHECK(final_read["type"] == "ok");
  CHECK(final_read["process"] == 10);
  CHECK(final_read["value"] == *trial.final_count);
  int ok_buys = 0;
  for (const auto& op : history) {
    if (op["f"] == "buy" && op["type"] == "ok") {
      ++ok_buys;
      REQUIRE(op["value"].get<std::int64_t>() > 0);  // the count read: the ticket sold
    }
    if (op["f"] == "buy" && op["type"] == "fail") REQUIRE(op["value"] == 0);  // sold out
  }
  REQUIRE(ok_buys == trial.sold);
}

TEST_CASE("a killed customer's unfinished search is info and its unwritten buy a fail",
          "[export]") {
  ExperimentConfig config;
  config.mode = Mode::kFlock;
  config.procs = 3;
  config.latency = ticketsim::DurationRange::exactly(std::chrono::seconds(30));
  config.hold = {};  // think time only: no hold, no network before searching
  config.search_latency = {};
  config.trial_timeout = 3s;  // room for every customer to start, even under ASan on a busy box
  auto trial = ticketsim::run_experiment(config).trials.at(0);
  REQUIRE(trial.stalled);
  auto history = nlohmann::json::parse(ticketsim::jepsen_history(trial).dump());
  require_paired(history);
  // The holder was killed in its think time, before it began to write: its buy definitely
  // had no effect (fail). Each other customer was killed waiting for the lock, either to
  // search (what it would have seen is unknown: info) or, when its search slipped in before
  // the holder's purchase took the lock, to buy (never begun: fail). Which of the two
  // depends on the scheduler, so the test counts both: one unfinished op per customer.
  int search_infos = 0, buy_fails = 0, buy_oks = 0;
  for (const auto& op : history) {
    if (op["f"] == "search" && op["type"] == "info") ++search_infos;
    if (op["f"] == "buy" && op["type"] == "ok") ++buy_oks;
    if (op["f"] == "buy" && op["type"] == "fail") {
      ++buy_fails;
      CHECK(op["value"].is_null());
    }
  }
  CHECK(buy_oks == 0);
  CHECK(buy_fails >= 1);
  CHECK(search_infos + buy_fails == 3);
  int holders = 0;
  for (const auto& customer : trial.customers) {
    for (const auto& purchase : customer.purchases) holders += purchase.t_lock_acquired != 0;
  }
  CHECK(holders == 1);
}

TEST_CASE("a history needs recorded times", "[export]") {
  ExperimentConfig config;
  config.procs = 2;
  config.latency = {};
  config.hold = {};  // think time only: no hold, no network before searching
  config.search_latency = {};
  config.record_times = false;
  auto trial = ticketsim::run_experiment(config).trials.at(0);
  CHECK_THROWS_AS(ticketsim::jepsen_history(trial), std::invalid_argument);
  CHECK_FALSE(trial.mutex.checked);
}

TEST_CASE("the Chrome trace has one track per customer and lock slices", "[export]") {
  auto trial = forced_race_trial(Mode::kFlock);
  auto trace = nlohmann::json::parse(
      ticketsim::chrome_trace({ticketsim::TracedTrial{&trial, "flock, trial 1"}}).dump());
  REQUIRE(trace["displayTimeUnit"] == "ms");
  std::set<int> tracks;
  int purchases = 0, waits = 0;
  for (const auto& event : trace["traceEvents"]) {
    REQUIRE(event.contains("ph"));
    REQUIRE(event.contains("pid"));
    if (event["ph"] == "M" && event["name"] == "thread_name")
      tracks.insert(event["tid"].get<int>());
    if (event["ph"] == "X") {
      REQUIRE(event["ts"].get<double>() >= 0);
      REQUIRE(event["dur"].get<double>() >= 0);
      std::string name = event["name"];
      if (name.rfind("purchase ", 0) == 0) ++purchases;
      if (name == "wait for lock") ++waits;
    }
  }
  REQUIRE(tracks.size() == 10);
  REQUIRE(purchases == 20);
  REQUIRE(waits == 30);  // a search and two purchases per customer
}
