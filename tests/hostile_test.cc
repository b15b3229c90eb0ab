// Interrupts, bad input and hostile environments, through the ticketsim binary.
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "tests/test_support.h"

using ticketsim::testing::read_file;
using ticketsim::testing::Restrictions;
using ticketsim::testing::run_command;
using ticketsim::testing::run_restricted;
using ticketsim::testing::TempDir;
using ticketsim::testing::write_file;

namespace {

std::vector<std::string> cli(std::vector<std::string> args) {
  args.insert(args.begin(), ticketsim::testing::ticketsim_binary());
  return args;
}

// Leaves `dir` usable by the unprivileged user the restricted runs use.
void open_up(const TempDir& dir) { ::chmod(dir.path().c_str(), 0777); }

// Waits until process `pid` has `count` children; returns them.
std::vector<pid_t> wait_for_children(pid_t pid, std::size_t count) {
  std::vector<pid_t> children;
  for (int i = 0; i < 1000 && children.size() < count; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
    children = ticketsim::testing::children_of(pid);
  }
  return children;
}

}  // namespace

TEST_CASE("an interrupted run kills and reaps its customers, removes everything, and reports",
          "[hostile]") {
  auto [signal_number, mode] = GENERATE(table<int, std::string>(
      {{SIGINT, "named-mutex"}, {SIGTERM, "robust-mutex"}, {SIGINT, "flock"}, {SIGTERM, "join"}}));
  CAPTURE(signal_number, mode);
  TempDir dir, workdir;
  pid_t run =
      ticketsim::testing::start_command(cli({"run", "--mode", mode, "--procs", "4", "--latency",
                                             "30s", "--trials", "3", "--workdir", workdir.path()}),
                                        dir.file("out"), dir.file("err"));
  auto customers = wait_for_children(run, mode == "join" ? 1 : 4);
  REQUIRE_FALSE(customers.empty());
  REQUIRE(::kill(run, signal_number) == 0);
  REQUIRE(ticketsim::testing::wait_command(run) == 128 + signal_number);
  std::string out = read_file(dir.file("out"));
  CHECK_THAT(out, Catch::Contains("INTERRUPTED"));  // the partial report
  CHECK_THAT(out, Catch::Contains("Interrupted by"));
  CHECK(ticketsim::testing::running_among(customers).empty());
  CHECK(
      ticketsim::testing::shm_entries_containing("ticketsim." + std::to_string(run) + ".").empty());
  CHECK(workdir.entries().empty());
}

TEST_CASE("every malformed or out-of-range numeric flag exits 2 naming the flag", "[hostile]") {
  struct Case {
    std::vector<std::string> args;
    std::string flag;
  };
  std::vector<Case> cases{
      {{"run", "--crash-prob", "1.5"}, "--crash-prob"},
      {{"run", "--crash-prob", "-0.1"}, "--crash-prob"},
      {{"run", "--crash-prob", "often"}, "--crash-prob"},
      {{"run", "--crash-at", "lunchtime"}, "--crash-at"},
      {{"run", "--pause-holder", "0"}, "--pause-holder"},
      {{"run", "--pause-holder", "10"}, "--pause-holder"},
      {{"run", "--lock-timeout", "-1s"}, "--lock-timeout"},
      {{"run", "--write", "sideways"}, "--write"},
      {{"run", "--seed", "-1"}, "--seed"},
      {{"run", "--seed", "lucky"}, "--seed"},
      {{"run", "--procs", "99999999999"}, "--procs"},
      {{"run", "--procs", "20000"}, "--procs"},
      {{"run", "--attempts", "2.5"}, "--attempts"},
      {{"run", "--tickets", "9007199254740993"}, "--tickets"},
      {{"run", "--trials", "1e3"}, "--trials"},
      {{"run", "--latency", "10ms..1ms"}, "--latency"},
      {{"run", "--latency", "2h"}, "--latency"},
      {{"compare", "--trials", "0"}, "--trials"},
  };
  for (const Case& c : cases) {
    auto result = run_command(cli(c.args));
    CAPTURE(c.args, result.err);
    CHECK(result.exit_code == 2);
    CHECK(result.out.empty());
    CHECK_THAT(result.err, Catch::Contains(c.flag));
  }
}

TEST_CASE("hostile stores are refused with a clear message and left unchanged", "[hostile]") {
  TempDir dir;
  // 100 MB of valid JSON.
  {
    std::string big = "{\"count\": 1, \"padding\": \"" + std::string(100u << 20, 'x') + "\"}";
    write_file(dir.file("big.json"), big);
  }
  write_file(dir.file("deep.json"),
             "{\"count\": 1, \"x\": " + std::string(200000, '[') + std::string(200000, ']') + "}");
  write_file(dir.file("latin1.json"), "{\"count\": 1, \"event\": \"caf\xe9\"}");
  REQUIRE(::symlink("loop-b.json", dir.file("loop-a.json").c_str()) == 0);
  REQUIRE(::symlink("loop-a.json", dir.file("loop-b.json").c_str()) == 0);
  struct Case {
    std::string path, problem;
  };
  for (const Case& c : std::vector<Case>{{dir.file("big.json"), "larger than 4 MiB"},
                                         {dir.file("deep.json"), "nested deeper than"},
                                         {dir.file("latin1.json"), "UTF-8"},
                                         {dir.file("loop-a.json"), "symbolic links"},
                                         {dir.path(), "is a directory"}}) {
    auto result = run_command(cli({"run", "--store", c.path}));
    CAPTURE(c.path, result.err);
    CHECK(result.exit_code == 2);
    CHECK_THAT(result.err, Catch::Contains(c.path));
    CHECK_THAT(result.err, Catch::Contains(c.problem));
  }
  CHECK(read_file(dir.file("latin1.json")) == "{\"count\": 1, \"event\": \"caf\xe9\"}");
}

TEST_CASE("an unreadable store is refused naming it", "[hostile]") {
  TempDir dir;
  open_up(dir);
  write_file(dir.file("secret.json"), "{\"count\": 1}");
  REQUIRE(::chmod(dir.file("secret.json").c_str(), 0) == 0);
  auto result = run_restricted(cli({"run", "--store", dir.file("secret.json")}), Restrictions{});
  CAPTURE(result.err);
  CHECK(result.exit_code == 2);
  CHECK_THAT(result.err, Catch::Contains(dir.file("secret.json")));
  CHECK_THAT(result.err, Catch::Contains("permission denied"));
}

TEST_CASE("an unwritable work directory is a failure of the run naming it", "[hostile]") {
  TempDir dir;
  open_up(dir);
  REQUIRE(::mkdir(dir.file("locked").c_str(), 0555) == 0);
  auto result = run_restricted(cli({"run", "--workdir", dir.file("locked")}), Restrictions{});
  CAPTURE(result.err);
  CHECK(result.exit_code == 1);
  CHECK_THAT(result.err, Catch::Contains(dir.file("locked")));
  CHECK_THAT(result.err, Catch::Contains("Permission denied"));
}

TEST_CASE("more customers than the process limit: stop cleanly and reap what started",
          "[hostile]") {
  TempDir workdir;
  open_up(workdir);
  Restrictions limited;
  limited.max_processes = 40;  // counts every process of the user running it
  auto result = run_restricted(cli({"run", "--mode", "named-mutex", "--procs", "200", "--latency",
                                    "100ms", "--workdir", workdir.path()}),
                               limited);
  CAPTURE(result.err);
  CHECK(result.exit_code == 1);
  CHECK_THAT(result.err, Catch::Contains("could not start customer"));
  CHECK_THAT(result.err, Catch::Contains("fork"));
  CHECK_THAT(result.err, Catch::Contains("ulimit -u"));
  CHECK(workdir.entries().empty());  // the trial directory went with the customers
}

TEST_CASE("two runs side by side share no named object, lock file or trial directory",
          "[hostile]") {
  TempDir dir, workdir;
  std::vector<pid_t> runs;
  for (int i = 0; i < 2; ++i) {
    for (const char* mode : {"named-mutex", "robust-mutex", "flock"}) {
      std::string name = std::to_string(runs.size());
      runs.push_back(ticketsim::testing::start_command(
          cli({"run", "--mode", mode, "--schedule", "lockstep", "--procs", "12", "--attempts", "3",
               "--tickets", "20", "--latency", "200us", "--trials", "5", "--json", "--expect-safe",
               "--workdir", workdir.path()}),
          dir.file("out" + name), dir.file("err" + name)));
    }
  }
  for (std::size_t i = 0; i < runs.size(); ++i) {
    CAPTURE(i, read_file(dir.file("err" + std::to_string(i))));
    REQUIRE(ticketsim::testing::wait_command(runs[i]) == 0);  // --expect-safe: no race, no stall
    auto json = nlohmann::json::parse(read_file(dir.file("out" + std::to_string(i))));
    for (const auto& trial : json["trials"]) REQUIRE(trial["sold"] == 20);
  }
  CHECK(workdir.entries().empty());
}
