// Controlled schedules: exact, repeatable interleavings of real processes.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <set>
#include <string>
#include <vector>

#include "tests/test_support.h"
#include "ticketsim/experiment.h"

using ticketsim::ExperimentConfig;
using ticketsim::Mode;
using ticketsim::Schedule;
using ticketsim::Step;
using ticketsim::StepOutcome;

namespace {

const std::vector<Mode> kEveryMode{Mode::kNone,       Mode::kFlock,       Mode::kFcntl, Mode::kOfd,
                                   Mode::kNamedMutex, Mode::kRobustMutex, Mode::kJoin};

// The classic interleaving: both read before either writes.
const char* const kLostUpdate =
    "1:search 2:search 1:acquire 1:read 2:acquire 2:read 1:write 1:release "
    "2:acquire 2:read 2:write 2:release";

ticketsim::TrialResult scripted(Mode mode, const std::string& script, int procs = 2,
                                std::int64_t tickets = 1) {
  ExperimentConfig config;
  config.mode = mode;
  config.procs = procs;
  config.tickets = tickets;
  config.schedule = Schedule::kScript;
  config.script = ticketsim::parse_script(script);
  return ticketsim::run_experiment(config).trials.at(0);
}

// The figures a report states, for comparing runs.
std::vector<std::int64_t> figures(const ticketsim::TrialResult& trial) {
  return {trial.sold,
          trial.oversold,
          trial.lost_updates.value_or(-1),
          trial.torn_reads,
          trial.final_count.value_or(-1),
          trial.mutex_violations,
          static_cast<std::int64_t>(trial.witnesses.lost_updates.size())};
}

}  // namespace

TEST_CASE("the same random seed gives the same steps and figures, 20 runs out of 20",
          "[schedule]") {
  for (Mode mode : kEveryMode) {
    for (std::uint64_t seed : {1, 7, 2026}) {
      CAPTURE(ticketsim::mode_name(mode), seed);
      ExperimentConfig config;
      config.mode = mode;
      config.procs = 4;
      config.attempts = 2;
      config.tickets = 5;
      config.schedule = Schedule::kRandom;
      config.seed = seed;
      auto first = ticketsim::run_experiment(config).trials.at(0);
      REQUIRE(first.unfinished.empty());
      REQUIRE_FALSE(first.schedule_ran.empty());
      for (int run = 1; run < 20; ++run) {
        auto again = ticketsim::run_experiment(config).trials.at(0);
        REQUIRE(again.schedule_ran == first.schedule_ran);
        REQUIRE(figures(again) == figures(first));
      }
    }
  }
}

TEST_CASE("different seeds give different interleavings", "[schedule]") {
  ExperimentConfig config;
  config.procs = 4;
  config.attempts = 2;
  config.schedule = Schedule::kRandom;
  std::set<std::string> schedules;
  for (std::uint64_t seed = 1; seed <= 5; ++seed) {
    config.seed = seed;
    schedules.insert(ticketsim::run_experiment(config).trials.at(0).schedule_ran);
  }
  CHECK(schedules.size() == 5);
}

TEST_CASE("a scripted lost update happens exactly as written in mode none", "[schedule]") {
  auto trial = scripted(Mode::kNone, kLostUpdate);
  REQUIRE(trial.sold == 2);
  REQUIRE(trial.oversold == 1);
  REQUIRE(trial.lost_updates == 1);
  REQUIRE(trial.final_count == 0);
  REQUIRE(trial.witnesses.lost_updates.size() == 1);
  REQUIRE(trial.witnesses.lost_updates[0].writer.customer == 1);       // 2 wrote ...
  REQUIRE(trial.witnesses.lost_updates[0].overwritten.customer == 0);  // ... over 1
  REQUIRE(trial.unfinished.empty());
}

TEST_CASE("the same script in a lock mode: blocked, then success", "[schedule]") {
  for (Mode mode :
       {Mode::kFlock, Mode::kFcntl, Mode::kOfd, Mode::kNamedMutex, Mode::kRobustMutex}) {
    CAPTURE(ticketsim::mode_name(mode));
    auto trial = scripted(mode, kLostUpdate);
    REQUIRE(trial.sold == 1);
    REQUIRE(trial.oversold == 0);
    REQUIRE(trial.lost_updates == 0);
    REQUIRE(trial.final_count == 0);
    REQUIRE(trial.witnesses.empty());
    // Step 5, customer 2's acquire, found customer 1 holding the lock ...
    REQUIRE(trial.steps.at(4).step == Step::kAcquire);
    REQUIRE(trial.steps.at(4).outcome == StepOutcome::kBlocked);
    REQUIRE_THAT(trial.steps.at(4).note, Catch::Contains("customer 1 holds the lock"));
    // ... and its read had to wait; after 1 released, 2 got the lock and found it sold out.
    REQUIRE(trial.steps.at(5).outcome == StepOutcome::kSkipped);
    REQUIRE(trial.steps.at(8).outcome == StepOutcome::kDone);
    REQUIRE(trial.steps.at(10).note == "sold out");
    REQUIRE(trial.unfinished.empty());
  }
}

TEST_CASE("the same script under join: customer 2 cannot start before customer 1 exits",
          "[schedule]") {
  auto trial = scripted(Mode::kJoin, kLostUpdate);
  REQUIRE(trial.steps.at(1).outcome == StepOutcome::kBlocked);  // 2:search
  REQUIRE_THAT(trial.steps.at(1).note, Catch::Contains("customer 1 has not exited"));
  REQUIRE(trial.sold == 1);
  REQUIRE(trial.unfinished.size() == 1);  // the script never restarted customer 2's search
  // Written for join, the script finishes both.
  auto serial = scripted(Mode::kJoin,
                         "1:search 1:acquire 1:read 1:write 1:release "
                         "2:search 2:acquire 2:read 2:write 2:release");
  REQUIRE(serial.sold == 1);
  REQUIRE(serial.unfinished.empty());
}

TEST_CASE("a script that can never complete is reported as such, not hung", "[schedule]") {
  // Customer 1 takes the lock and the script never lets it go.
  auto trial = scripted(Mode::kFlock, "1:search 2:search 1:acquire 2:acquire 2:acquire 2:acquire");
  REQUIRE(trial.steps.at(3).outcome == StepOutcome::kBlocked);
  REQUIRE(trial.steps.at(5).outcome == StepOutcome::kBlocked);
  REQUIRE(trial.unfinished.size() == 2);
  REQUIRE_THAT(trial.unfinished[1], Catch::Contains("customer 1 holds the lock"));
  REQUIRE(ticketsim::testing::children_of(::getpid()).empty());
}

TEST_CASE("round-robin runs everyone to the end, each trying in turn", "[schedule]") {
  for (Mode mode : kEveryMode) {
    CAPTURE(ticketsim::mode_name(mode));
    ExperimentConfig config;
    config.mode = mode;
    config.procs = 3;
    config.attempts = 2;
    config.tickets = 4;
    config.schedule = Schedule::kRoundRobin;
    auto trial = ticketsim::run_experiment(config).trials.at(0);
    REQUIRE(trial.unfinished.empty());
    REQUIRE(trial.purchases == 6);
    if (mode != Mode::kNone) {
      REQUIRE(trial.sold == 4);
      REQUIRE_FALSE(trial.unsafe());
    }
  }
}

TEST_CASE("cli: a report's schedule replays to the same steps and figures", "[schedule]") {
  ticketsim::testing::TempDir dir;
  auto first = ticketsim::testing::run_command(
      {ticketsim::testing::ticketsim_binary(), "run", "--mode", "none", "--procs", "4",
       "--attempts", "2", "--tickets", "3", "--schedule", "random", "--seed", "99", "--json"});
  REQUIRE(first.exit_code == 0);
  ticketsim::testing::write_file(dir.file("report.json"), first.out);
  auto replayed =
      ticketsim::testing::run_command({ticketsim::testing::ticketsim_binary(), "run", "--schedule",
                                       "replay:" + dir.file("report.json"), "--json"});
  REQUIRE(replayed.exit_code == 0);
  auto a = nlohmann::json::parse(first.out), b = nlohmann::json::parse(replayed.out);
  CHECK(b["schedule_ran"] == a["schedule_ran"]);
  CHECK(b["procs"] == 4);
  for (const char* key : {"sold", "oversold", "lost_updates", "final_count", "torn_reads"}) {
    CAPTURE(key);
    CHECK(b[key] == a[key]);
  }
}

TEST_CASE("cli: a malformed script exits 2 naming the token", "[schedule]") {
  for (auto [script, fragment] : std::vector<std::pair<std::string, std::string>>{
           {"script:1:search 2:fly", "unknown step 'fly'"},
           {"script:1:search 9:search", "only 2 customers"},
           {"script:1:acquire", "first step must be search"},
           {"script:one:search", "not a customer number"},
           {"script:", "no steps"},
           {"sideways", "unknown schedule"},
           {"file:/nonexistent/schedule.txt", "cannot read the schedule"}}) {
    auto result = ticketsim::testing::run_command(
        {ticketsim::testing::ticketsim_binary(), "run", "--procs", "2", "--schedule", script});
    CAPTURE(script, result.err);
    CHECK(result.exit_code == 2);
    CHECK_THAT(result.err, Catch::Contains(fragment));
  }
}
