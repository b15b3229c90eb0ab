// What a SIGKILLed run leaves, and how the next run or `ticketsim cleanup` removes it.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>

#include <chrono>
#include <filesystem>
#include <string>
#include <thread>

#include "simulator/engine/stale_runs.h"
#include "tests/test_support.h"
#include "ticketsim/experiment.h"

using namespace std::chrono_literals;
using ticketsim::testing::TempDir;

namespace {

// The pid of a process that existed and is gone (reaped): a killed run's.
pid_t dead_pid() {
  pid_t pid = ticketsim::testing::fork_child([] { return 0; });
  ticketsim::testing::wait_command(pid);
  return pid;
}

bool exists(const std::string& path) {
  std::error_code ignored;
  return std::filesystem::exists(std::filesystem::symlink_status(path, ignored));
}

// Waits up to 10 s for run `pid` to have made its trial directory in `workdir` and its
// named lock object (made after the directory).
bool wait_for_trial_objects(pid_t pid, const TempDir& workdir) {
  const std::string prefix = "ticketsim." + std::to_string(pid) + ".";
  for (int i = 0; i < 1000; ++i) {
    if (!workdir.entries().empty() && !ticketsim::testing::shm_entries_containing(prefix).empty()) {
      return true;
    }
    std::this_thread::sleep_for(10ms);
  }
  return false;
}

// Starts a run of `mode` in `workdir` that would take 20 s, waits until it has made its trial
// directory and named object, and kills it with SIGKILL. Returns its (reaped) pid.
pid_t killed_run(const std::string& mode, const TempDir& workdir, const TempDir& logs) {
  pid_t run = ticketsim::testing::start_command(
      {ticketsim::testing::ticketsim_binary(), "run", "--mode", mode, "--procs", "3", "--latency",
       "20s", "--workdir", workdir.path()},
      logs.file("out"), logs.file("err"));
  REQUIRE(wait_for_trial_objects(run, workdir));
  ::kill(run, SIGKILL);
  REQUIRE(ticketsim::testing::wait_command(run) == 128 + SIGKILL);
  return run;
}

}  // namespace

TEST_CASE(
    "leftovers of a dead run are removed and named, and a live run's, and a user's files "
    "that merely share the name, are kept",
    "[stale-runs]") {
  TempDir workdir, shm;
  const std::string dead = std::to_string(dead_pid());
  pid_t alive_pid = ticketsim::testing::fork_child([] {
    ::pause();
    return 0;
  });
  const std::string alive = std::to_string(alive_pid);
  std::filesystem::create_directory(workdir.file("ticketsim-" + dead + "-AbC123"));
  ticketsim::testing::write_file(workdir.file("ticketsim-" + dead + "-AbC123/store.json"), "{}");
  std::filesystem::create_directory(workdir.file("ticketsim-" + alive + "-XyZ789"));
  ticketsim::testing::write_file(shm.file("sem.ticketsim." + dead + ".0.deadbeef"), "");
  ticketsim::testing::write_file(shm.file("ticketsim." + dead + ".1.cafebabe"), "");
  ticketsim::testing::write_file(shm.file("sem.ticketsim." + alive + ".0.12345678"), "");
  // Not ticketsim's, or not of the form: never touched.
  ticketsim::testing::write_file(shm.file("sem.other." + dead + ".0"), "");
  ticketsim::testing::write_file(shm.file("ticketsim." + dead + ".my-notes"), "");
  ticketsim::testing::write_file(workdir.file("ticketsim-" + dead + "-file"), "");
  std::filesystem::create_directory(workdir.file("ticketsim-notapid-AbC123"));
  // Named like a trial directory but not one: the user's own files are never removed.
  std::filesystem::create_directory(workdir.file("ticketsim-" + dead + "-results"));
  ticketsim::testing::write_file(workdir.file("ticketsim-" + dead + "-results/notes.md"), "");
  std::filesystem::create_directory(workdir.file("ticketsim-" + dead + "-Xy12Zz"));
  ticketsim::testing::write_file(workdir.file("ticketsim-" + dead + "-Xy12Zz/thesis.tex"), "");
  std::filesystem::create_directory(workdir.file("ticketsim-" + dead + "-Qq34Ww"));
  std::filesystem::create_directory(workdir.file("ticketsim-" + dead + "-Qq34Ww/store.json"));

  auto removed = ticketsim::remove_stale_leftovers({workdir.path(), shm.path()});
  ::kill(alive_pid, SIGKILL);
  ticketsim::testing::wait_command(alive_pid);

  REQUIRE(removed.size() == 3);
  for (const auto& leftover : removed) REQUIRE(std::to_string(leftover.owner) == dead);
  CHECK_FALSE(exists(workdir.file("ticketsim-" + dead + "-AbC123")));
  CHECK_FALSE(exists(shm.file("sem.ticketsim." + dead + ".0.deadbeef")));
  CHECK_FALSE(exists(shm.file("ticketsim." + dead + ".1.cafebabe")));
  CHECK(exists(workdir.file("ticketsim-" + alive + "-XyZ789")));
  CHECK(exists(shm.file("sem.ticketsim." + alive + ".0.12345678")));
  CHECK(exists(shm.file("sem.other." + dead + ".0")));
  CHECK(exists(shm.file("ticketsim." + dead + ".my-notes")));
  CHECK(exists(workdir.file("ticketsim-" + dead + "-file")));  // a file, not a trial directory
  CHECK(exists(workdir.file("ticketsim-notapid-AbC123")));
  CHECK(exists(workdir.file("ticketsim-" + dead + "-results/notes.md")));
  CHECK(exists(workdir.file("ticketsim-" + dead + "-Xy12Zz/thesis.tex")));
  CHECK(exists(workdir.file("ticketsim-" + dead + "-Qq34Ww/store.json")));
}

TEST_CASE("a SIGKILLed run leaves its trial directory and semaphore, which cleanup removes",
          "[stale-runs]") {
  TempDir workdir, logs;
  pid_t run = killed_run("named-mutex", workdir, logs);
  const std::string prefix = "ticketsim." + std::to_string(run) + ".";

  // What the README says a SIGKILL leaves: the trial directory and the named semaphore.
  REQUIRE(workdir.entries().size() == 1);
  REQUIRE(ticketsim::testing::shm_entries_containing(prefix).size() == 1);

  auto cleanup = ticketsim::testing::run_command(
      {ticketsim::testing::ticketsim_binary(), "cleanup", "--workdir", workdir.path()});
  REQUIRE(cleanup.exit_code == 0);
  CHECK(cleanup.err.find("removed 2 leftovers") != std::string::npos);
  CHECK(cleanup.err.find(workdir.path() + "/ticketsim-" + std::to_string(run)) !=
        std::string::npos);
  CHECK(cleanup.err.find("/dev/shm/sem." + prefix) != std::string::npos);
  CHECK(workdir.entries().empty());
  CHECK(ticketsim::testing::shm_entries_containing(prefix).empty());

  auto again = ticketsim::testing::run_command(
      {ticketsim::testing::ticketsim_binary(), "cleanup", "--workdir", workdir.path()});
  CHECK(again.exit_code == 0);
  CHECK(again.err.find("nothing to remove") != std::string::npos);
}

TEST_CASE("the next run removes what a SIGKILLed run left, and says so on stderr", "[stale-runs]") {
  TempDir workdir, logs;
  pid_t killed = killed_run("robust-mutex", workdir, logs);
  const std::string prefix = "ticketsim." + std::to_string(killed) + ".";
  REQUIRE(ticketsim::testing::shm_entries_containing(prefix).size() == 1);

  auto next = ticketsim::testing::run_command({ticketsim::testing::ticketsim_binary(), "run",
                                               "--procs", "2", "--latency", "0", "--json",
                                               "--workdir", workdir.path()});
  REQUIRE(next.exit_code == 0);
  CHECK(next.out.rfind("{", 0) == 0);  // stdout stays the JSON report
  CHECK(next.err.find("removed 2 leftovers") != std::string::npos);
  CHECK(workdir.entries().empty());
  CHECK(ticketsim::testing::shm_entries_containing(prefix).empty());
}

TEST_CASE("cleanup refuses a work directory that does not exist", "[stale-runs]") {
  auto result = ticketsim::testing::run_command(
      {ticketsim::testing::ticketsim_binary(), "cleanup", "--workdir", "/nonexistent/dir"});
  CHECK(result.exit_code == 2);
  CHECK(result.err.find("--workdir") != std::string::npos);
}

TEST_CASE("run_experiment removes what a SIGKILLed run left and lists it in its result",
          "[stale-runs]") {
  TempDir workdir, logs;
  pid_t killed = killed_run("named-mutex", workdir, logs);
  const std::string prefix = "ticketsim." + std::to_string(killed) + ".";
  REQUIRE(ticketsim::testing::shm_entries_containing(prefix).size() == 1);

  ticketsim::ExperimentConfig config;
  config.procs = 2;
  config.latency = {};
  config.hold = {};  // think time only: no hold, no network before searching
  config.search_latency = {};
  config.workdir = workdir.path();
  ticketsim::ExperimentResult result = ticketsim::run_experiment(config);

  REQUIRE(result.leftovers_removed.size() == 2);
  for (const std::string& leftover : result.leftovers_removed) {
    CHECK_THAT(leftover, Catch::EndsWith("(pid " + std::to_string(killed) + ")"));
  }
  CHECK(workdir.entries().empty());
  CHECK(ticketsim::testing::shm_entries_containing(prefix).empty());
}

TEST_CASE(
    "what a live run marks in use is kept even when its pid looks dead (another PID "
    "namespace)",
    "[stale-runs]") {
  TempDir workdir, shm;
  const std::string dead = std::to_string(dead_pid());
  const std::string directory = workdir.file("ticketsim-" + dead + "-AbC123");
  std::filesystem::create_directory(directory);
  ticketsim::testing::write_file(directory + "/store.json", "{}");
  const std::string object = shm.file("sem.ticketsim." + dead + ".0.deadbeef");
  ticketsim::testing::write_file(object, "");
  {
    ticketsim::UniqueFd directory_mark = ticketsim::mark_in_use(directory);
    std::vector<ticketsim::UniqueFd> object_marks =
        ticketsim::mark_objects_in_use(shm.path(), "ticketsim." + dead + ".0.deadbeef");
    REQUIRE(directory_mark.get() >= 0);
    REQUIRE(object_marks.size() == 1);
    // A sweep from another process (a process never sees its own POSIX locks).
    pid_t sweeper = ticketsim::testing::fork_child([&] {
      return static_cast<int>(
          ticketsim::remove_stale_leftovers({workdir.path(), shm.path()}).size());
    });
    CHECK(ticketsim::testing::wait_command(sweeper) == 0);
    CHECK(std::filesystem::exists(directory));
    CHECK(std::filesystem::exists(object));
  }
  // The marks are gone with their descriptors (as with a SIGKILL): now it is a leftover.
  CHECK(ticketsim::remove_stale_leftovers({workdir.path(), shm.path()}).size() == 2);
  CHECK_FALSE(std::filesystem::exists(directory));
  CHECK_FALSE(std::filesystem::exists(object));
}
