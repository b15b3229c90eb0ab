// A test author's own Catch2 test: it includes only <ticketsim/...> and links
// ticketsim::ticketsim, the library the ticketsim program itself runs.
#include <catch2/catch.hpp>

#include <chrono>

#include <ticketsim/experiment.h>
#include <ticketsim/explore.h>

using namespace std::chrono_literals;

TEST_CASE("without a lock 8 customers in lockstep oversell 2 tickets by 6") {
  ticketsim::ExperimentConfig config;
  config.mode = ticketsim::Mode::kNone;
  config.schedule = ticketsim::Schedule::kLockstep;  // all read before anyone writes
  config.procs = 8;
  config.tickets = 2;
  config.latency = {};  // no think time needed: lockstep forces the race
  config.trials = 5;

  ticketsim::ExperimentResult result = ticketsim::run_experiment(config);

  for (const ticketsim::TrialResult& trial : result.trials) {
    REQUIRE(trial.oversold == 6);
    REQUIRE(trial.lost_updates == 7);
  }
}

TEST_CASE("flock keeps 8 customers x 3 attempts from overselling 5 tickets") {
  ticketsim::ExperimentConfig config;
  config.mode = ticketsim::Mode::kFlock;
  config.schedule = ticketsim::Schedule::kLockstep;
  config.procs = 8;
  config.attempts = 3;
  config.tickets = 5;
  config.latency = ticketsim::DurationRange::exactly(1ms);  // race window held open
  config.trials = 10;

  ticketsim::ModeSummary summary = ticketsim::summarize(ticketsim::run_experiment(config));

  REQUIRE(summary.unsafe_trials == 0);
  REQUIRE(summary.sold_min == 5);
  REQUIRE(summary.sold_max == 5);
  REQUIRE(summary.verdict == "safe");
}

TEST_CASE("a config the library cannot run is refused before any customer starts") {
  ticketsim::ExperimentConfig config;
  config.procs = 0;

  REQUIRE_THROWS_AS(ticketsim::run_experiment(config), ticketsim::ConfigError);
}

TEST_CASE("flock is safe in every interleaving of 3 customers, and none is not") {
  ticketsim::ExploreConfig config;
  config.workload.mode = ticketsim::Mode::kFlock;
  config.workload.procs = 3;
  ticketsim::ExploreResult flock = ticketsim::explore(config);
  REQUIRE(flock.complete);
  REQUIRE(flock.safe());

  config.workload.mode = ticketsim::Mode::kNone;
  ticketsim::ExploreResult none = ticketsim::explore(config);
  REQUIRE(none.complete);
  REQUIRE_FALSE(none.safe());
  REQUIRE(none.shortest_unsafe() != nullptr);  // its script replays the race with `run`
}
