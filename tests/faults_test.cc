// Crashes while holding the lock, a stopped holder, torn writes: each mode's honest outcome.
#include <catch2/catch.hpp>

#include <chrono>
#include <set>
#include <string>

#include "tests/pause_checks.h"
#include "tests/test_support.h"
#include "ticketsim/experiment.h"

using namespace std::chrono_literals;
using ticketsim::CrashPoint;
using ticketsim::ExperimentConfig;
using ticketsim::Mode;
using ticketsim::Schedule;
using ticketsim::testing::TempDir;

namespace {

ExperimentConfig crashing(Mode mode, CrashPoint point, double probability) {
  ExperimentConfig config;
  config.mode = mode;
  config.procs = 8;
  config.attempts = 2;
  config.tickets = 10;
  config.latency = ticketsim::DurationRange::exactly(300us);
  config.hold = {};  // think time only: no hold, no network before searching
  config.search_latency = {};
  config.crash_probability = probability;
  config.crash_at = point;
  config.lock_timeout = 400ms;
  return config;
}

// What every trial must leave behind, whatever crashed.
void require_clean(const TempDir& workdir) {
  REQUIRE(
      ticketsim::testing::shm_entries_containing("ticketsim." + std::to_string(::getpid()) + ".")
          .empty());
  REQUIRE(ticketsim::testing::children_of(::getpid()).empty());
  REQUIRE(workdir.entries().empty());
}

}  // namespace

TEST_CASE("flock fcntl and ofd: the kernel releases a dead holder's lock and the trial completes",
          "[faults]") {
  auto mode = GENERATE(Mode::kFlock, Mode::kFcntl, Mode::kOfd);
  auto point = GENERATE(CrashPoint::kAfterAcquire, CrashPoint::kBeforeRelease);
  CAPTURE(ticketsim::mode_name(mode), ticketsim::crash_point_name(point));
  TempDir workdir;
  ExperimentConfig config = crashing(mode, point, 1.0);  // every customer dies holding the lock
  config.workdir = workdir.path();
  config.trials = 3;
  for (const auto& trial : ticketsim::run_experiment(config).trials) {
    REQUIRE_FALSE(trial.stalled);
    REQUIRE(trial.crashed == 8);
    REQUIRE(trial.injected_crashes == 8);
    REQUIRE(trial.crashes.size() == 8);
    for (const auto& crash : trial.crashes) {
      REQUIRE(crash.held_lock);
      REQUIRE(crash.crashed_at == point);
    }
    // Before release, each sold its ticket and wrote it; after acquire, nobody wrote.
    REQUIRE(trial.sold == (point == CrashPoint::kBeforeRelease ? 8 : 0));
    REQUIRE(trial.final_count == 10 - trial.sold);
    REQUIRE(trial.oversold == 0);
    REQUIRE(trial.lost_updates == 0);
    REQUIRE(trial.verdict() == "safe");
  }
  require_clean(workdir);
}

TEST_CASE("named-mutex: a dead holder keeps the semaphore and the trial stalls naming it",
          "[faults]") {
  TempDir workdir;
  ExperimentConfig config = crashing(Mode::kNamedMutex, CrashPoint::kAfterAcquire, 1.0);
  config.workdir = workdir.path();
  auto result = ticketsim::run_experiment(config);
  const auto& trial = result.trials.at(0);
  REQUIRE(trial.stalled);
  REQUIRE(trial.verdict() == "STALLED");
  REQUIRE(trial.crashes.size() == 1);  // the first holder; nobody else ever got the lock
  REQUIRE(trial.crashes[0].held_lock);
  REQUIRE(trial.lock_timeouts >= 1);
  REQUIRE_THAT(trial.stall_reason, Catch::Contains("gave up"));
  REQUIRE_THAT(
      trial.stall_reason,
      Catch::Contains("held by dead customer " + std::to_string(trial.crashes[0].customer + 1) +
                      " (pid " + std::to_string(trial.crashes[0].pid)));
  REQUIRE(trial.wall_ns < std::chrono::nanoseconds(10s).count());
  require_clean(workdir);  // every child killed and reaped, the semaphore removed
}

TEST_CASE("robust-mutex: no oversell and no stall under every kind of crash", "[faults]") {
  auto point =
      GENERATE(CrashPoint::kAfterAcquire, CrashPoint::kMidWrite, CrashPoint::kBeforeRelease);
  CAPTURE(ticketsim::crash_point_name(point));
  TempDir workdir;
  ExperimentConfig config = crashing(Mode::kRobustMutex, point, 0.3);
  config.workdir = workdir.path();
  // A robust mutex comes back from a dead holder by itself: no short timeout is needed, and one
  // could run out on a busy machine while the lock is merely handed along.
  config.lock_timeout.reset();
  config.trials = 8;
  int crashes = 0, repairs = 0;
  for (const auto& trial : ticketsim::run_experiment(config).trials) {
    CAPTURE(trial.index);
    REQUIRE_FALSE(trial.stalled);
    REQUIRE(trial.oversold == 0);
    REQUIRE(trial.lost_updates == 0);
    REQUIRE(trial.torn_reads == 0);
    REQUIRE(trial.final_count.has_value());
    REQUIRE(trial.verdict() == "safe");
    crashes += trial.injected_crashes;
    repairs += trial.repairs;
  }
  REQUIRE(crashes > 0);  // seed 1 crashes some customers in these trials
  if (point == CrashPoint::kMidWrite) REQUIRE(repairs > 0);
  require_clean(workdir);
}

TEST_CASE("join: only the crashed customer is lost", "[faults]") {
  TempDir workdir;
  ExperimentConfig config = crashing(Mode::kJoin, CrashPoint::kMidWrite, 0.3);
  config.workdir = workdir.path();
  config.attempts = 1;
  config.tickets = 100;
  config.write = ticketsim::WriteStrategy::kAtomic;  // so the dead writer leaves a good store
  config.trials = 5;
  int crashes = 0;
  for (const auto& trial : ticketsim::run_experiment(config).trials) {
    REQUIRE_FALSE(trial.stalled);
    REQUIRE(trial.sold == 8 - trial.injected_crashes);
    REQUIRE(trial.final_count == 100 - trial.sold);
    crashes += trial.injected_crashes;
  }
  REQUIRE(crashes > 0);
  require_clean(workdir);
}

TEST_CASE("the same seed crashes the same customers at the same points", "[faults]") {
  ExperimentConfig config = crashing(Mode::kFlock, CrashPoint::kAfterAcquire, 0.4);
  config.seed = 42;
  auto crash_set = [&] {
    std::set<std::pair<int, int>> crashed;
    auto result = ticketsim::run_experiment(config);
    for (const auto& crash : result.trials.at(0).crashes) {
      crashed.insert({crash.customer, crash.attempt});
    }
    return crashed;
  };
  auto first = crash_set();
  REQUIRE_FALSE(first.empty());
  REQUIRE(crash_set() == first);
  config.seed = 43;
  REQUIRE(crash_set() != first);
}

TEST_CASE("a stopped holder makes everyone else wait", "[faults]") {
  ExperimentConfig config;
  config.mode = Mode::kFlock;
  config.schedule = Schedule::kLockstep;  // all four ask for the lock at once
  config.procs = 4;
  config.tickets = 4;
  config.latency = {};
  config.hold = {};  // think time only: no hold, no network before searching
  config.search_latency = {};
  config.pause_holder = 500ms;
  auto trial = ticketsim::run_experiment(config).trials.at(0);
  REQUIRE_FALSE(trial.stalled);
  REQUIRE(trial.sold == 4);
  REQUIRE(trial.paused_ns >= std::chrono::nanoseconds(500ms).count());
  // The three others asked for the lock after the barrier, and however late that was on this
  // machine, none got it before the holder went on: each waited at least until then.
  const auto effect = ticketsim::testing::pause_effect(trial);
  REQUIRE(effect.holders == 1);
  CHECK(effect.granted_during_pause == 0);
  CHECK(effect.waited_out == 3);
  CHECK(effect.forced_wait_ns > 0);
  CHECK(trial.lock_wait_ns >= effect.forced_wait_ns);
}

TEST_CASE("atomic writes: no reader ever sees a torn store, even without a lock", "[faults]") {
  ExperimentConfig config;
  config.mode = Mode::kNone;
  config.procs = 8;
  config.attempts = 20;
  config.tickets = 1000000;  // 999999 -> 999998 ...: the text's length changes on the way
  config.latency = {};
  config.hold = {};  // think time only: no hold, no network before searching
  config.search_latency = {};
  config.write = ticketsim::WriteStrategy::kAtomic;
  config.trials = 5;
  for (const auto& trial : ticketsim::run_experiment(config).trials) {
    REQUIRE(trial.torn_reads == 0);
    REQUIRE(trial.final_count.has_value());
  }
}

TEST_CASE("a crash mid-write tears an in-place store but never an atomic one", "[faults]") {
  auto run = [](ticketsim::WriteStrategy write) {
    ExperimentConfig config = crashing(Mode::kFlock, CrashPoint::kMidWrite, 1.0);
    config.write = write;
    return ticketsim::run_experiment(config).trials.at(0);
  };
  auto in_place = run(ticketsim::WriteStrategy::kInPlace);
  // The first writer died leaving half a store: everyone after it read garbage.
  REQUIRE_FALSE(in_place.final_count.has_value());
  REQUIRE(in_place.torn_reads > 0);
  REQUIRE(in_place.verdict() == "UNSAFE");
  auto atomic = run(ticketsim::WriteStrategy::kAtomic);
  // Every writer died mid-write, each leaving only a half-written temporary file.
  REQUIRE(atomic.final_count == 10);
  REQUIRE(atomic.torn_reads == 0);
  REQUIRE(atomic.injected_crashes == 8);
}

TEST_CASE(
    "atomic writes: the run measures what a write costs on the work directory and the "
    "default timeouts include it",
    "[faults]") {
  TempDir workdir;
  ExperimentConfig config;
  config.mode = Mode::kFlock;
  config.procs = 2;
  config.attempts = 3;
  config.latency = {};
  config.hold = {};  // think time only: no hold, no network before searching
  config.search_latency = {};
  config.workdir = workdir.path();
  config.write = ticketsim::WriteStrategy::kAtomic;
  auto atomic = ticketsim::run_experiment(config);
  REQUIRE(atomic.config.write_cost.has_value());
  CHECK(atomic.config.write_cost->count() > 0);
  ExperimentConfig unmeasured = atomic.config;
  unmeasured.write_cost.reset();
  CHECK(ticketsim::effective_trial_timeout(atomic.config) >
        ticketsim::effective_trial_timeout(unmeasured));
  require_clean(workdir);  // the measurement's scratch directory is gone too

  config.write = ticketsim::WriteStrategy::kInPlace;
  CHECK_FALSE(ticketsim::run_experiment(config).config.write_cost.has_value());
}
