#include "ticketsim/config.h"

#include <catch2/catch.hpp>

#include <chrono>
#include <string>

using namespace std::chrono_literals;
using ticketsim::ConfigError;
using ticketsim::ExperimentConfig;

namespace {

// "field: problem" for the first unusable value, or "" when the config is valid.
std::string problem_with(const ExperimentConfig& config) {
  try {
    config.validate();
    return "";
  } catch (const ConfigError& e) {
    return e.what();
  }
}

}  // namespace

TEST_CASE("the default config is the lesson's scenario at 1/100 of its times", "[config]") {
  ExperimentConfig config;
  CHECK(problem_with(config).empty());
  CHECK(config.mode == ticketsim::Mode::kNone);
  CHECK(config.schedule == ticketsim::Schedule::kFree);
  CHECK(config.procs == 15);
  CHECK(config.tickets.value_or(1) == 1);
  CHECK(config.attempts == 1);
  // The lesson: sleep(1) before searching, sleep(1) between reading and writing, and
  // sleep(1.5) after writing with the file still open.
  CHECK(config.search_latency == 10ms);
  CHECK(config.latency.min == 10ms);
  CHECK(config.latency.max == 10ms);
  CHECK(config.hold == 15ms);
}

TEST_CASE("the hold after writing counts in the default timeouts", "[config]") {
  ExperimentConfig config;
  config.procs = 100;
  config.attempts = 10;
  config.latency = {};
  config.search_latency = {};
  config.hold = {};
  const auto without = ticketsim::default_trial_timeout(config);
  const auto lock_without = ticketsim::default_lock_timeout(config);
  config.hold = 10ms;
  CHECK(ticketsim::default_trial_timeout(config) - without == 3 * 1000 * 10ms);
  CHECK(ticketsim::default_lock_timeout(config) - lock_without == 2 * 1000 * 10ms);
  config.hold = -1ms;
  CHECK_THAT(problem_with(config), Catch::StartsWith("hold:"));
}

TEST_CASE("out-of-range values are refused naming the field", "[config]") {
  ExperimentConfig config;
  config.procs = 0;
  CHECK_THAT(problem_with(config), Catch::StartsWith("procs:"));
  config.procs = ticketsim::kMaxProcs + 1;
  CHECK_THAT(problem_with(config), Catch::StartsWith("procs:"));
  config = {};
  config.attempts = 0;
  CHECK_THAT(problem_with(config), Catch::StartsWith("attempts:"));
  config = {};
  config.procs = 10000;
  config.attempts = 1000;
  CHECK_THAT(problem_with(config), Catch::Contains("purchases per trial"));
  config = {};
  config.trials = 0;
  CHECK_THAT(problem_with(config), Catch::StartsWith("trials:"));
  config = {};
  config.tickets = -1;
  CHECK_THAT(problem_with(config), Catch::StartsWith("tickets:"));
  config = {};
  config.trial_timeout = 0ns;
  CHECK_THAT(problem_with(config), Catch::StartsWith("trial-timeout:"));
  config = {};
  config.in_place = true;
  CHECK_THAT(problem_with(config), Catch::StartsWith("in-place:"));
}

TEST_CASE("lockstep with join is refused with the reason instead of hanging", "[config]") {
  ExperimentConfig config;
  config.mode = ticketsim::Mode::kJoin;
  config.schedule = ticketsim::Schedule::kLockstep;
  CHECK_THAT(problem_with(config), Catch::Contains("lockstep has no meaning with mode join"));
}

TEST_CASE("the default trial timeout grows with the serial workload", "[config]") {
  ExperimentConfig config;
  config.procs = 100;
  config.attempts = 10;
  config.latency = ticketsim::DurationRange::exactly(10ms);
  config.hold = {};  // think time only: no hold, no network before searching
  config.search_latency = {};
  // 30 s + 3 x (100 x 10 x 10 ms + 100 x 1 ms) = 30 s + 3 x 10.1 s.
  CHECK(ticketsim::default_trial_timeout(config) == 30s + 3 * 10100ms);
}

TEST_CASE("the default timeouts allow for what every write costs", "[config]") {
  ExperimentConfig config;
  config.procs = 8;
  config.attempts = 20000;
  config.latency = {};
  config.hold = {};  // think time only: no hold, no network before searching
  config.search_latency = {};
  config.write = ticketsim::WriteStrategy::kAtomic;
  const auto without = ticketsim::default_trial_timeout(config);
  const auto lock_without = ticketsim::default_lock_timeout(config);
  config.write_cost = 10ms;  // two fsyncs on a slow disk
  // 160,000 writes at 10 ms each, one at a time: the trial may take three times that.
  CHECK(ticketsim::default_trial_timeout(config) - without == 3 * 160000 * 10ms);
  CHECK(ticketsim::default_lock_timeout(config) - lock_without == 2 * 160000 * 10ms);
}
