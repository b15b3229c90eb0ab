// Safe modes stay safe with the race window held open, trial after trial.
#include <catch2/catch.hpp>

#include <chrono>

#include "ticketsim/experiment.h"

using namespace std::chrono_literals;
using ticketsim::ExperimentConfig;
using ticketsim::Mode;
using ticketsim::Schedule;

namespace {

void require_safe(const ticketsim::ExperimentResult& result, std::int64_t tickets) {
  REQUIRE(result.trials.size() == static_cast<std::size_t>(result.config.trials));
  for (const auto& trial : result.trials) {
    CAPTURE(trial.index);
    REQUIRE(trial.oversold == 0);
    REQUIRE(trial.lost_updates == 0);
    REQUIRE(trial.torn_reads == 0);
    REQUIRE(trial.mutex_violations == 0);
    REQUIRE_FALSE(trial.stalled);
    REQUIRE(trial.errors == 0);
    REQUIRE(trial.crashed == 0);
    // 96 purchases for `tickets` tickets: every ticket sold exactly once, then sold out.
    REQUIRE(trial.sold == tickets);
    REQUIRE(trial.final_count == 0);
    REQUIRE(trial.purchases == 96);
    REQUIRE(trial.verdict() == "safe");
  }
}

}  // namespace

TEST_CASE("lock modes never oversell or lose an update or tear a read over 30 lockstep trials",
          "[safety]") {
  auto mode =
      GENERATE(Mode::kFlock, Mode::kFcntl, Mode::kOfd, Mode::kNamedMutex, Mode::kRobustMutex);
  CAPTURE(ticketsim::mode_name(mode));
  ExperimentConfig config;
  config.mode = mode;
  config.schedule = Schedule::kLockstep;  // every round, all 32 contend for the lock at once
  config.procs = 32;
  config.attempts = 3;
  config.tickets = 50;  // sells out during round 2: both outcomes are exercised
  config.latency = ticketsim::DurationRange::exactly(200us);  // the window, held inside the lock
  config.search_latency = 100us;
  config.trials = 30;
  config.keep_history = ticketsim::HistoryKept::kNone;
  require_safe(ticketsim::run_experiment(config), 50);
}

TEST_CASE("join never oversells or loses an update or tears a read over 30 trials", "[safety]") {
  ExperimentConfig config;
  config.mode = Mode::kJoin;
  config.procs = 32;
  config.attempts = 3;
  config.tickets = 50;
  config.latency = ticketsim::DurationRange::exactly(200us);
  config.search_latency = 100us;
  config.trials = 30;
  config.keep_history = ticketsim::HistoryKept::kNone;
  require_safe(ticketsim::run_experiment(config), 50);
}

TEST_CASE("lock modes stay safe under the free schedule with random think times", "[safety]") {
  auto mode =
      GENERATE(Mode::kFlock, Mode::kFcntl, Mode::kOfd, Mode::kNamedMutex, Mode::kRobustMutex);
  CAPTURE(ticketsim::mode_name(mode));
  ExperimentConfig config;
  config.mode = mode;
  config.procs = 32;
  config.attempts = 3;
  config.tickets = 50;
  config.latency = ticketsim::DurationRange{0us, 300us};
  config.seed = 7;
  config.trials = 10;
  config.keep_history = ticketsim::HistoryKept::kNone;
  require_safe(ticketsim::run_experiment(config), 50);
}
