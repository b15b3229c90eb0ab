// Controlled schedules (scripts, random, round-robin) on a database store, for the modes
// whose purchase is not the lock cycle: serializable (BEGIN .. COMMIT, aborted and begun
// again), optimistic (read, then one UPDATE ... WHERE count = <read>) and atomic (one buy).
// Runs in the same private cluster as database_test.cc (tests/CMakeLists.txt).
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "tests/test_support.h"
#include "ticketsim/experiment.h"

using ticketsim::ExperimentConfig;
using ticketsim::Mode;
using ticketsim::Schedule;
using ticketsim::Step;
using ticketsim::StepOutcome;
using ticketsim::testing::ticketsim_cli;

namespace {

const std::string kStore = "postgresql://";

ExperimentConfig scripted(Mode mode, int procs, std::int64_t tickets, const std::string& script) {
  ExperimentConfig config;
  config.store_path = kStore;
  config.mode = mode;
  config.procs = procs;
  config.tickets = tickets;
  config.schedule = Schedule::kScript;
  config.script = ticketsim::parse_script(script);
  return config;
}

// "customer STEP OUTCOME: note" for each step, for comparing a run with what it must show.
std::vector<std::string> steps_of(const ticketsim::TrialResult& trial) {
  std::vector<std::string> out;
  for (const auto& step : trial.steps) {
    out.push_back(std::to_string(step.customer + 1) + ":" + std::string(step_name(step.step)) +
                  (step.outcome == StepOutcome::kBlocked ? " blocked"
                   : step.outcome == StepOutcome::kDone  ? ""
                                                         : " other") +
                  (step.note.empty() ? "" : " " + step.note));
  }
  return out;
}

}  // namespace

TEST_CASE(
    "serializable under a script: the second writer waits for the first's COMMIT, is aborted, "
    "begins again and finds none",
    "[database][schedule]") {
  auto result = ticketsim::run_experiment(scripted(
      Mode::kSerializable, 2, 1,
      "1:search 2:search 1:acquire 1:read 2:acquire 2:read 1:write 2:write 1:release 2:write "
      "2:acquire 2:read 2:write 2:release"));
  REQUIRE(result.trials.size() == 1);
  const auto& trial = result.trials[0];
  CHECK(steps_of(trial) ==
        std::vector<std::string>{
            "1:search", "2:search", "1:acquire BEGIN ISOLATION LEVEL SERIALIZABLE", "1:read",
            "2:acquire BEGIN ISOLATION LEVEL SERIALIZABLE", "2:read",
            "1:write wrote in its transaction: it takes effect at the commit (release)",
            "2:write blocked customer 1 wrote the row and has not committed",
            "1:release committed: bought a ticket",
            "2:write the database aborted its transaction at the write (serialization failure): "
            "nothing it wrote took effect, it begins again",
            "2:acquire BEGIN ISOLATION LEVEL SERIALIZABLE", "2:read", "2:write sold out",
            "2:release"});
  CHECK(trial.steps[11].value == 0);  // the new transaction sees the committed sale
  CHECK(trial.sold == 1);
  CHECK(trial.oversold == 0);
  CHECK(trial.lost_updates == 0);
  CHECK(trial.retries == 1);
  CHECK(trial.final_count == 0);
  CHECK(trial.unfinished.empty());
}

TEST_CASE(
    "serializable under a script: a writer killed before its COMMIT sold nothing, and the "
    "other's write goes through",
    "[database][schedule]") {
  auto result = ticketsim::run_experiment(
      scripted(Mode::kSerializable, 2, 1,
               "1:search 2:search 1:acquire 1:read 2:acquire 2:read 1:write 1:crash 2:write "
               "2:release"));
  const auto& trial = result.trials[0];
  CHECK(trial.sold == 1);
  CHECK(trial.final_count == 0);
  CHECK(trial.oversold == 0);
  CHECK(trial.steps[8].outcome == StepOutcome::kDone);  // not held back: the holder is gone
  CHECK(trial.steps[9].note == "committed: bought a ticket");
}

TEST_CASE("a schedule that ends inside a transaction rolls it back: its write never counts",
          "[database][schedule]") {
  auto result = ticketsim::run_experiment(
      scripted(Mode::kRowLock, 1, 2, "1:search 1:acquire 1:read 1:write"));
  const auto& trial = result.trials[0];
  CHECK(trial.sold == 0);
  CHECK(trial.final_count == 2);
  CHECK(trial.unfinished.size() == 1);
}

TEST_CASE(
    "optimistic on a database under a script: the later write finds another count, writes "
    "nothing, reads again",
    "[database][schedule]") {
  auto result = ticketsim::run_experiment(scripted(
      Mode::kOptimistic, 2, 1, "1:search 2:search 1:read 2:read 1:write 2:write 2:read 2:write"));
  const auto& trial = result.trials[0];
  CHECK(steps_of(trial) ==
        std::vector<std::string>{
            "1:search", "2:search", "1:read", "2:read", "1:write bought a ticket",
            "2:write the count was no longer the one it read: nothing written, it reads again",
            "2:read", "2:write sold out"});
  CHECK(trial.sold == 1);
  CHECK(trial.oversold == 0);
  CHECK(trial.retries == 1);
  CHECK(trial.unfinished.empty());
  CHECK(trial.verdict() == "safe");
}

TEST_CASE("atomic on a database under a script: a purchase is one buy step",
          "[database][schedule]") {
  auto result = ticketsim::run_experiment(
      scripted(Mode::kAtomic, 3, 2, "1:search 2:search 3:search 3:buy 1:buy 2:buy"));
  const auto& trial = result.trials[0];
  REQUIRE(trial.steps.size() == 6);
  CHECK(trial.steps[3].note == "one statement sold a ticket");
  CHECK(trial.steps[3].value == 1);
  CHECK(trial.steps[4].value == 0);
  CHECK(trial.steps[5].note == "sold out");
  CHECK(trial.sold == 2);
  CHECK(trial.oversold == 0);
}

TEST_CASE(
    "random and round-robin schedules on a database: every database mode sells exactly the "
    "tickets, none oversells",
    "[database][schedule]") {
  for (Mode mode : {Mode::kNone, Mode::kRowLock, Mode::kAdvisory, Mode::kOptimistic, Mode::kAtomic,
                    Mode::kSerializable}) {
    for (Schedule schedule : {Schedule::kRandom, Schedule::kRoundRobin}) {
      CAPTURE(mode_name(mode), schedule_name(schedule));
      ExperimentConfig config;
      config.store_path = kStore;
      config.mode = mode;
      config.procs = 3;
      config.attempts = 2;
      config.tickets = 2;
      config.schedule = schedule;
      config.trials = schedule == Schedule::kRandom ? 8 : 1;
      auto result = ticketsim::run_experiment(config);
      for (const auto& trial : result.trials) {
        CAPTURE(trial.index, trial.schedule_ran);
        REQUIRE(trial.unfinished.empty());
        REQUIRE(trial.errors == 0);
        if (mode == Mode::kNone) continue;
        REQUIRE(trial.sold == 2);
        REQUIRE(trial.oversold == 0);
        REQUIRE(trial.lost_updates == 0);
        REQUIRE(trial.verdict() == "safe");
      }
      // Round-robin lets every customer read before anyone writes: none sells 2 x 3.
      if (mode == Mode::kNone && schedule == Schedule::kRoundRobin) {
        REQUIRE(result.trials[0].sold == 6);
      }
    }
  }
}

TEST_CASE("a script names the steps of its mode on a database, or is refused before anything runs",
          "[database][schedule]") {
  struct Refused {
    const char* mode;
    const char* script;
    const char* says;
  };
  for (const Refused& refused : {
           Refused{"atomic", "1:search 1:acquire", "in mode atomic a purchase is one step, buy"},
           Refused{"optimistic", "1:search 1:acquire", "on a database takes no lock"},
           Refused{"row-lock", "1:search 1:buy", "buy is the step of modes server and atomic"},
           Refused{"none", "1:search 1:acquire 1:read 1:crash-mid-write",
                   "a database writes a row whole"},
       }) {
    CAPTURE(refused.mode, refused.script);
    auto run = ticketsim_cli({"run", "--store", kStore, "--mode", refused.mode, "--procs", "1",
                              "--schedule", std::string("script:") + refused.script});
    REQUIRE(run.exit_code == 2);
    REQUIRE(run.err.find(refused.says) != std::string::npos);
  }
}
