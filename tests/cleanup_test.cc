// Nothing lost, nothing leaked: every run removes what it created and reaps every child.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>

#include <chrono>
#include <string>
#include <thread>

#include "tests/test_support.h"
#include "ticketsim/experiment.h"
#include "ticketsim/interrupt.h"

using namespace std::chrono_literals;
using ticketsim::ExperimentConfig;
using ticketsim::Mode;
using ticketsim::Schedule;
using ticketsim::testing::TempDir;

namespace {

// Everything a trial might leave behind, checked after the experiment returned.
void require_nothing_left(const ticketsim::ExperimentResult& result, const TempDir& workdir) {
  // Kernel objects are named ticketsim.<pid>.*: none of this process's may remain.
  REQUIRE(
      ticketsim::testing::shm_entries_containing("ticketsim." + std::to_string(::getpid()) + ".")
          .empty());
  // No child, zombie or alive.
  auto children = ticketsim::testing::children_of(::getpid());
  for (pid_t child : children) {
    UNSCOPED_INFO("child " << child << ": " << ticketsim::testing::describe_process(child));
  }
  REQUIRE(children.empty());
  int status;
  REQUIRE(::waitpid(-1, &status, WNOHANG) == -1);
  REQUIRE(errno == ECHILD);
  // No customer running anywhere (an orphan would have a new parent).
  for (const auto& trial : result.trials) {
    std::vector<pid_t> pids;
    for (const auto& customer : trial.customers) pids.push_back(customer.pid);
    REQUIRE(ticketsim::testing::running_among(pids).empty());
  }
  // Trial directories removed.
  REQUIRE(workdir.entries().empty());
}

ExperimentConfig in_workdir(const TempDir& workdir, Mode mode) {
  ExperimentConfig config;
  config.mode = mode;
  config.procs = 6;
  config.tickets = 2;
  config.latency = ticketsim::DurationRange::exactly(1ms);
  config.hold = {};  // think time only: no hold, no network before searching
  config.search_latency = {};
  config.trials = 3;
  config.workdir = workdir.path();
  return config;
}

}  // namespace

TEST_CASE("a completed run leaves no kernel object or child or trial directory", "[cleanup]") {
  auto mode = GENERATE(Mode::kNone, Mode::kFlock, Mode::kFcntl, Mode::kOfd, Mode::kNamedMutex,
                       Mode::kRobustMutex, Mode::kOptimistic, Mode::kServer, Mode::kJoin);
  CAPTURE(ticketsim::mode_name(mode));
  TempDir workdir;
  auto result = ticketsim::run_experiment(in_workdir(workdir, mode));
  REQUIRE(result.trials.size() == 3);
  require_nothing_left(result, workdir);
}

TEST_CASE("a stalled trial is killed and reported and leaves nothing behind", "[cleanup]") {
  auto mode = GENERATE(Mode::kNone, Mode::kFlock, Mode::kNamedMutex, Mode::kRobustMutex,
                       Mode::kServer, Mode::kJoin);
  CAPTURE(ticketsim::mode_name(mode));
  TempDir workdir;
  ExperimentConfig config = in_workdir(workdir, mode);
  config.latency = ticketsim::DurationRange::exactly(std::chrono::seconds(30));
  config.hold = {};  // think time only: no hold, no network before searching
  config.search_latency = {};
  config.trial_timeout = 300ms;
  config.trials = 1;
  auto result = ticketsim::run_experiment(config);
  const auto& trial = result.trials.at(0);
  CHECK(trial.stalled);
  CHECK(trial.verdict() == "STALLED");
  CHECK(trial.crashed == 0);  // killed by the run, not crashed
  for (const auto& customer : trial.customers) {
    if (customer.pid != 0) CHECK(customer.killed_by_run);
  }
  CHECK(trial.wall_ns < std::chrono::nanoseconds(10s).count());
  require_nothing_left(result, workdir);
}

TEST_CASE("an interrupt stops the run and kills every customer and leaves nothing behind",
          "[cleanup]") {
  auto mode = GENERATE(Mode::kNone, Mode::kNamedMutex, Mode::kServer, Mode::kJoin);
  CAPTURE(ticketsim::mode_name(mode));
  TempDir workdir;
  ExperimentConfig config = in_workdir(workdir, mode);
  config.latency = ticketsim::DurationRange::exactly(std::chrono::seconds(30));
  config.hold = {};  // think time only: no hold, no network before searching
  config.search_latency = {};
  config.trials = 5;
  ticketsim::clear_interrupt();
  // Once the first trial has begun (a child of this process exists), the customers are parked
  // in their 30 s think time; ask the run to stop.
  std::thread interrupter([] {
    for (int i = 0; i < 6000 && ticketsim::testing::children_of(::getpid()).empty(); ++i) {
      std::this_thread::sleep_for(10ms);
    }
    ticketsim::request_interrupt(SIGINT);
  });
  auto result = ticketsim::run_experiment(config);
  interrupter.join();
  ticketsim::clear_interrupt();
  CHECK(result.interrupted_by == SIGINT);
  REQUIRE(result.trials.size() == 1);  // the remaining four never started
  CHECK(result.trials[0].interrupted_by == SIGINT);
  CHECK(result.trials[0].verdict() == "INTERRUPTED");
  require_nothing_left(result, workdir);
}

TEST_CASE("the user's store is byte-identical after every run", "[cleanup]") {
  TempDir dir, workdir;
  const std::string original = "{ \"event\": \"gig\",\n  \"count\": 3, \"seats\": [1, 2, 3] }\n";
  ticketsim::testing::write_file(dir.file("store.json"), original);
  auto mode = GENERATE(Mode::kNone, Mode::kFlock, Mode::kJoin);
  ExperimentConfig config = in_workdir(workdir, mode);
  config.store_path = dir.file("store.json");
  config.tickets.reset();
  auto result = ticketsim::run_experiment(config);
  CHECK(result.tickets == 3);
  CHECK(ticketsim::testing::read_file(dir.file("store.json")) == original);
  // The customers' rewrites of the trial copy changed the count and nothing else.
  for (const auto& trial : result.trials) {
    REQUIRE(trial.final_count.has_value());
    std::string expected = original;
    expected.replace(expected.find('3'), 1, std::to_string(*trial.final_count));
    CHECK(trial.final_store == expected);
  }
}

TEST_CASE("in-place runs write the final store back atomically with its formatting kept",
          "[cleanup]") {
  TempDir dir, workdir;
  ticketsim::testing::write_file(dir.file("store.json"), "{\"event\": \"gig\", \"count\": 5}\n");
  ExperimentConfig config = in_workdir(workdir, Mode::kFlock);
  config.store_path = dir.file("store.json");
  config.tickets.reset();
  config.procs = 3;
  config.trials = 1;
  config.in_place = true;
  auto result = ticketsim::run_experiment(config);
  CHECK(result.wrote_back);
  CHECK(ticketsim::testing::read_file(dir.file("store.json")) ==
        "{\"event\": \"gig\", \"count\": 2}\n");
  CHECK(dir.entries().size() == 1);
}

TEST_CASE("an unusable work directory is a run error naming it and nothing starts", "[cleanup]") {
  ExperimentConfig config;
  config.workdir = "/nonexistent/ticketsim-workdir";
  try {
    ticketsim::run_experiment(config);
    FAIL("expected a RunError");
  } catch (const ticketsim::RunError& e) {
    CHECK_THAT(e.what(), Catch::Contains("/nonexistent/ticketsim-workdir"));
  }
  REQUIRE(ticketsim::testing::children_of(::getpid()).empty());
}
