// Safe modes stay safe with the race window held open, trial after trial.
#include <catch2/catch.hpp>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <set>

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
  auto mode = GENERATE(Mode::kFlock, Mode::kFcntl, Mode::kOfd, Mode::kNamedMutex,
                       Mode::kRobustMutex, Mode::kOptimistic, Mode::kServer);
  CAPTURE(ticketsim::mode_name(mode));
  ExperimentConfig config;
  config.mode = mode;
  config.schedule = Schedule::kLockstep;  // every round, all 32 contend for the lock at once
  config.procs = 32;
  config.attempts = 3;
  config.tickets = 50;  // sells out during round 2: both outcomes are exercised
  config.latency = ticketsim::DurationRange::exactly(200us);  // the window, held inside the lock
  config.hold = {};  // think time only: no hold, no network before searching
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
  config.hold = {};  // think time only: no hold, no network before searching
  config.search_latency = 100us;
  config.trials = 30;
  config.keep_history = ticketsim::HistoryKept::kNone;
  require_safe(ticketsim::run_experiment(config), 50);
}

TEST_CASE("lock modes stay safe under the free schedule with random think times", "[safety]") {
  auto mode = GENERATE(Mode::kFlock, Mode::kFcntl, Mode::kOfd, Mode::kNamedMutex,
                       Mode::kRobustMutex, Mode::kOptimistic, Mode::kServer);
  CAPTURE(ticketsim::mode_name(mode));
  ExperimentConfig config;
  config.mode = mode;
  config.procs = 32;
  config.attempts = 3;
  config.tickets = 50;
  config.latency = ticketsim::DurationRange{0us, 300us};
  config.hold = {};  // think time only: no hold, no network before searching
  config.search_latency = {};
  config.seed = 7;
  config.trials = 10;
  config.keep_history = ticketsim::HistoryKept::kNone;
  require_safe(ticketsim::run_experiment(config), 50);
}

// The lesson's point, as structure rather than timing: join runs whole customers one after
// another, so their network waits before searching never overlap; a lock serialises only the
// purchases, so the customers live and search side by side.
TEST_CASE("join serialises whole customers, searches included, and a lock only the purchases",
          "[safety]") {
  ExperimentConfig config;  // the lesson's shape: network, search, read, think, write, hold
  config.procs = 3;
  config.search_latency = 100ms;  // each customer waits for the network before searching
  config.latency = ticketsim::DurationRange::exactly(1ms);
  config.hold = 1ms;
  // [spawn, asked for the search's lock]: the customer's wait for the network.
  auto network_waits_overlap = [](const ticketsim::TrialResult& trial) {
    for (const auto& a : trial.customers) {
      for (const auto& b : trial.customers) {
        if (a.index < b.index && a.t_spawn < b.search.t_lock_requested &&
            b.t_spawn < a.search.t_lock_requested) {
          return true;
        }
      }
    }
    return false;
  };
  config.mode = Mode::kJoin;
  auto joined = ticketsim::run_experiment(config).trials.at(0);
  REQUIRE(joined.customers.size() == 3);
  for (std::size_t i = 1; i < joined.customers.size(); ++i) {
    CHECK(joined.customers[i - 1].t_exit < joined.customers[i].t_spawn);
  }
  CHECK_FALSE(network_waits_overlap(joined));
  // A lock lets every customer live and search side by side. Lockstep holds them all at the
  // round's start after their searches, so this follows from the lock, not from fast forks.
  config.mode = Mode::kFlock;
  config.schedule = ticketsim::Schedule::kLockstep;
  auto locked = ticketsim::run_experiment(config).trials.at(0);
  REQUIRE(locked.customers.size() == 3);
  std::int64_t last_spawn = 0, first_exit = INT64_MAX, last_search = 0, first_purchase = INT64_MAX;
  for (const auto& customer : locked.customers) {
    last_spawn = std::max(last_spawn, customer.t_spawn);
    first_exit = std::min(first_exit, customer.t_exit);
    last_search = std::max(last_search, customer.search.t_read);
    REQUIRE(customer.purchases.size() == 1);
    first_purchase = std::min(first_purchase, customer.purchases[0].t_lock_requested);
  }
  CHECK(last_spawn < first_exit);       // all three alive at once
  CHECK(last_search < first_purchase);  // every search before any purchase
  CHECK(locked.mutex_violations == 0);  // and the purchases one at a time
}

TEST_CASE("optimistic retries every purchase whose count changed while it thought", "[safety]") {
  ExperimentConfig config;
  config.mode = Mode::kOptimistic;
  // Lockstep: all 8 read count=8 before any takes the lock, so exactly one check matches and
  // at least 7 purchases must start over; each ticket is still sold once.
  config.schedule = Schedule::kLockstep;
  config.procs = 8;
  config.tickets = 8;
  config.latency = ticketsim::DurationRange::exactly(1ms);
  config.search_latency = {};
  config.hold = {};
  config.trials = 5;
  auto result = ticketsim::run_experiment(config);
  for (const auto& trial : result.trials) {
    CAPTURE(trial.index);
    CHECK(trial.retries >= 7);
    CHECK(trial.sold == 8);
    CHECK(trial.final_count == 0);
    CHECK(trial.verdict() == "safe");
  }
  CHECK(ticketsim::summarize(result).retries_total >= 35);
  // Alone, nothing changes behind a purchase's back: no retry.
  config.schedule = Schedule::kFree;
  config.procs = 1;
  config.attempts = 5;
  config.trials = 1;
  CHECK(ticketsim::run_experiment(config).trials.at(0).retries == 0);
}

TEST_CASE(
    "optimistic under a script: a purchase whose count changed since it looked starts "
    "over, and sells nothing twice",
    "[safety]") {
  ExperimentConfig config;
  config.mode = Mode::kOptimistic;
  config.procs = 2;
  config.tickets = 1;
  config.schedule = Schedule::kScript;
  // Both look at 1; customer 2 buys; customer 1's check finds 0, so it releases and starts
  // over, looks again, and finds the tickets sold out.
  config.script = ticketsim::parse_script(
      "1:search 1:read 2:search 2:read 2:acquire 2:read 2:write 2:release 1:acquire 1:read "
      "1:release 1:read 1:acquire 1:read 1:write 1:release");
  const auto trial = ticketsim::run_experiment(config).trials.at(0);
  CHECK(trial.sold == 1);
  CHECK(trial.retries == 1);
  CHECK(trial.final_count == 0);
  CHECK(trial.verdict() == "safe");
  CHECK(trial.unfinished.empty());
  for (const auto& step : trial.steps) CHECK(step.outcome == ticketsim::StepOutcome::kDone);
}

TEST_CASE("server under a script: each purchase is one request, in the order granted", "[safety]") {
  ExperimentConfig config;
  config.mode = Mode::kServer;
  config.procs = 2;
  config.tickets = 1;
  config.schedule = Schedule::kScript;
  config.script = ticketsim::parse_script("1:search 2:search 2:buy 1:buy");
  const auto trial = ticketsim::run_experiment(config).trials.at(0);
  CHECK(trial.sold == 1);
  CHECK(trial.final_count == 0);
  CHECK(trial.verdict() == "safe");
  REQUIRE(trial.steps.size() == 4);
  CHECK(trial.steps[2].note == "bought a ticket");  // customer 2 asked first
  CHECK(trial.steps[3].note == "sold out");
}

TEST_CASE("server: one process makes every purchase, one at a time, for every customer",
          "[safety]") {
  ExperimentConfig config;
  config.mode = Mode::kServer;
  config.procs = 12;
  config.attempts = 2;
  config.tickets = 20;
  config.latency = ticketsim::DurationRange::exactly(200us);
  config.search_latency = {};
  config.hold = {};
  auto trial = ticketsim::run_experiment(config).trials.at(0);
  CHECK(trial.sold == 20);
  CHECK(trial.final_count == 0);
  CHECK(trial.verdict() == "safe");
  // The server's critical sections, as the oracle sees them: disjoint, every one recorded.
  CHECK(trial.mutex.checked);
  CHECK(trial.mutex_violations == 0);
  CHECK(trial.lock_waits.count == 24);
  for (const auto& customer : trial.customers) {
    CAPTURE(customer.index);
    CHECK(customer.error.empty());
    CHECK(customer.search.outcome == ticketsim::Outcome::kSeen);
    for (const auto& purchase : customer.purchases) {
      CHECK(purchase.t_lock_acquired >= purchase.t_lock_requested);
      CHECK(purchase.t_released > purchase.t_lock_acquired);
    }
  }
}

TEST_CASE("server refuses what strikes a lock holder: no customer holds one", "[safety]") {
  ExperimentConfig config;
  config.mode = Mode::kServer;
  config.crash_probability = 0.5;
  CHECK_THROWS_AS(ticketsim::run_experiment(config), ticketsim::ConfigError);
  config.crash_probability = 0;
  config.pause_holder = std::chrono::milliseconds(5);
  CHECK_THROWS_AS(ticketsim::run_experiment(config), ticketsim::ConfigError);
}

TEST_CASE("a pool replaces workers that died, so every customer runs", "[safety]") {
  ExperimentConfig config;
  config.mode = Mode::kFlock;
  config.procs = 12;
  config.tickets = 12;
  config.pool = 1;
  config.crash_probability = 1;  // every customer dies in its first purchase, and its worker
  config.latency = {};
  config.search_latency = {};
  config.hold = {};
  auto trial = ticketsim::run_experiment(config).trials.at(0);
  CHECK(trial.crashed == 12);
  CHECK(trial.injected_crashes == 12);
  std::set<pid_t> workers;
  for (const auto& customer : trial.customers) {
    CAPTURE(customer.index);
    CHECK(customer.pid != 0);  // it ran
    workers.insert(customer.pid);
  }
  CHECK(workers.size() == 12);  // one worker each: eleven replacements
  CHECK_FALSE(trial.stalled);
  // Without crashes one worker runs them all.
  config.crash_probability = 0;
  trial = ticketsim::run_experiment(config).trials.at(0);
  CHECK(trial.sold == 12);
  workers.clear();
  for (const auto& customer : trial.customers) workers.insert(customer.pid);
  CHECK(workers.size() == 1);
}

TEST_CASE("a work directory too long for the server's socket is refused before running",
          "[safety]") {
  ExperimentConfig config;
  config.mode = Mode::kServer;
  config.workdir = "/tmp/" + std::string(80, 'x');
  try {
    config.validate();
    FAIL("accepted");
  } catch (const ticketsim::ConfigError& e) {
    CHECK(e.field() == "workdir");
    CHECK_THAT(e.problem(), Catch::Contains("107 bytes"));
  }
}
