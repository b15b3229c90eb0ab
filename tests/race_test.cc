// Forced races: mode none under the lockstep schedule oversells by a predictable amount.
#include <catch2/catch.hpp>

#include "ticketsim/experiment.h"

using ticketsim::ExperimentConfig;
using ticketsim::Mode;
using ticketsim::Schedule;

namespace {

ExperimentConfig forced_race(int procs, std::int64_t tickets, int attempts, int trials) {
  ExperimentConfig config;
  config.mode = Mode::kNone;
  config.schedule = Schedule::kLockstep;
  config.procs = procs;
  config.tickets = tickets;
  config.attempts = attempts;
  config.latency = {};  // lockstep, not timing, opens the race
  config.hold = {};     // think time only: no hold, no network before searching
  config.search_latency = {};
  config.trials = trials;
  return config;
}

}  // namespace

TEST_CASE("none + lockstep oversells by exactly procs - tickets on every run", "[race]") {
  auto [procs, tickets] = GENERATE(table<int, std::int64_t>({{15, 1}, {8, 3}, {32, 5}, {2, 1}}));
  CAPTURE(procs, tickets);
  auto result = ticketsim::run_experiment(forced_race(procs, tickets, 1, 40));
  REQUIRE(result.trials.size() == 40);
  for (const auto& trial : result.trials) {
    CAPTURE(trial.index);
    REQUIRE(trial.sold == procs);
    REQUIRE(trial.oversold == procs - tickets);
    // Everyone read `tickets` and wrote tickets - 1: one decrement survived.
    REQUIRE(trial.final_count == tickets - 1);
    REQUIRE(trial.lost_updates == procs - 1);
    REQUIRE(trial.torn_reads == 0);
    REQUIRE_FALSE(trial.stalled);
    REQUIRE(trial.verdict() == "UNSAFE");
  }
}

TEST_CASE("none + lockstep with several attempts loses all but one decrement per round", "[race]") {
  // 4 customers x 3 rounds from 10 tickets: each round all read the same count and all write
  // count - 1, so 12 are sold while the count only falls to 7.
  auto result = ticketsim::run_experiment(forced_race(4, 10, 3, 20));
  for (const auto& trial : result.trials) {
    REQUIRE(trial.sold == 12);
    REQUIRE(trial.final_count == 7);
    REQUIRE(trial.lost_updates == 9);
    REQUIRE(trial.oversold == 2);
  }
}

TEST_CASE("no ticket is sold when the store starts sold out even without a lock", "[race]") {
  auto result = ticketsim::run_experiment(forced_race(6, 0, 2, 5));
  for (const auto& trial : result.trials) {
    REQUIRE(trial.sold == 0);
    REQUIRE(trial.final_count == 0);
    REQUIRE(trial.purchases == 12);
    REQUIRE(trial.oversold == 0);
    REQUIRE(trial.lost_updates == 0);
  }
}

TEST_CASE("every customer records its pid and its parent's pid and what it saw", "[race]") {
  auto result = ticketsim::run_experiment(forced_race(5, 1, 1, 1));
  const auto& trial = result.trials.at(0);
  REQUIRE(trial.customers.size() == 5);
  for (const auto& customer : trial.customers) {
    CHECK(customer.pid > 0);
    CHECK(customer.ppid == ::getpid());
    CHECK(customer.search.outcome == ticketsim::Outcome::kSeen);
    CHECK(customer.search.value_seen == 1);  // lockstep: every search precedes every write
    REQUIRE(customer.purchases.size() == 1);
    CHECK(customer.purchases[0].value_read == 1);
    CHECK(customer.purchases[0].value_written == 0);
    CHECK(customer.purchases[0].outcome == ticketsim::Outcome::kBought);
    CHECK(customer.error.empty());
  }
}
