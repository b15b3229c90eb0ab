// The ticketsim binary, as a user runs it: exit statuses, messages, --json, the store.
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
using ticketsim::testing::run_command;
using ticketsim::testing::TempDir;
using ticketsim::testing::ticketsim_cli;
using ticketsim::testing::write_file;

namespace {

// Runs a command expected to fail with exit 2 and a message containing every fragment.
void require_usage_error(const std::vector<std::string>& args,
                         const std::vector<std::string>& fragments) {
  auto result = ticketsim_cli(args);
  CAPTURE(args, result.err);
  REQUIRE(result.exit_code == 2);
  REQUIRE(result.out.empty());
  for (const std::string& fragment : fragments) REQUIRE_THAT(result.err, Catch::Contains(fragment));
}

}  // namespace

TEST_CASE("cli: every subcommand has --help", "[cli]") {
  for (auto args : std::vector<std::vector<std::string>>{
           {"--help"}, {"run", "--help"}, {"compare", "--help"}}) {
    auto result = ticketsim_cli(args);
    CHECK(result.exit_code == 0);
    CHECK_THAT(result.out, Catch::Contains("Usage"));
  }
}

TEST_CASE("cli: bad flags exit 2 with a message naming the flag", "[cli]") {
  require_usage_error({"run", "--mode", "bogus"}, {"--mode", "bogus", "named-mutex"});
  require_usage_error({"run", "--procs", "0"}, {"--procs", "between 1 and"});
  require_usage_error({"run", "--procs", "-3"}, {"--procs"});
  require_usage_error({"run", "--procs", "many"}, {"--procs"});
  require_usage_error({"run", "--latency", "-5ms"}, {"--latency", "negative"});
  require_usage_error({"run", "--latency", "5"}, {"--latency", "no unit"});
  require_usage_error({"run", "--latency", "5parsecs"}, {"--latency", "unknown unit"});
  require_usage_error({"run", "--search-latency", "fast"}, {"--search-latency"});
  require_usage_error({"run", "--hold", "-1ms"}, {"--hold"});
  require_usage_error({"run", "--pool", "3", "--procs", "2"}, {"--pool", "1 to --procs"});
  require_usage_error({"run", "--pool", "2", "--schedule", "lockstep"}, {"--pool", "free"});
  require_usage_error({"run", "--trial-timeout", "0"}, {"--trial-timeout"});
  require_usage_error({"run", "--schedule", "chaos"}, {"--schedule", "chaos"});
  require_usage_error({"run", "--tickets", "-1"}, {"--tickets"});
  require_usage_error({"run", "--attempts", "0"}, {"--attempts"});
  require_usage_error({"run", "--trials", "0"}, {"--trials"});
  require_usage_error({"compare", "--modes", "none,bogus"}, {"--modes", "bogus"});
  require_usage_error({"compare", "--modes", "flock,flock"}, {"--modes", "twice"});
  require_usage_error({"run", "--no-such-flag"}, {"--no-such-flag"});
  require_usage_error({}, {"a command is required"});
  require_usage_error({"run", "--in-place"}, {"--in-place", "--store"});
}

TEST_CASE("cli: lockstep with join is refused at once instead of hanging", "[cli]") {
  require_usage_error({"run", "--mode", "join", "--schedule", "lockstep"},
                      {"--schedule", "lockstep has no meaning with mode join"});
  require_usage_error({"compare", "--modes", "flock,join", "--schedule", "lockstep"},
                      {"lockstep has no meaning with mode join"});
}

TEST_CASE("cli: a bad store exits 2 naming the file and the problem and stays unchanged", "[cli]") {
  TempDir dir;
  struct Case {
    std::string name, bytes, problem;
  };
  std::vector<Case> cases{
      {"not-json.json", "count: 1\n", "not valid JSON"},
      {"missing.json", "{\"tickets\": 1}", "\"count\" is missing"},
      {"negative.json", "{\"count\": -4}", "negative"},
      {"fraction.json", "{\"count\": 2.5}", "fractional"},
      {"string.json", "{\"count\": \"7\"}", "a string"},
      {"huge.json", "{\"count\": 9007199254740993}", "beyond 2^53"},
      {"empty.json", "", "empty"},
  };
  for (const Case& c : cases) {
    write_file(dir.file(c.name), c.bytes);
    require_usage_error({"run", "--store", dir.file(c.name)}, {dir.file(c.name), c.problem});
    CHECK(read_file(dir.file(c.name)) == c.bytes);
  }
  require_usage_error({"run", "--store", dir.file("absent.json")},
                      {dir.file("absent.json"), "no such file"});
  require_usage_error({"run", "--store", dir.path()}, {dir.path(), "is a directory"});
}

TEST_CASE("cli: run --json prints one document with the documented keys", "[cli]") {
  auto result = ticketsim_cli({"run", "--mode", "none", "--schedule", "lockstep", "--procs", "6",
                               "--tickets", "2", "--latency", "0", "--json"});
  REQUIRE(result.exit_code == 0);
  auto json = nlohmann::json::parse(result.out);  // throws if anything else is on stdout
  for (const char* key :
       {"mode", "schedule", "procs", "tickets", "attempts", "sold", "oversold", "lost_updates",
        "torn_reads", "final_count", "stalled", "wall_ms", "purchases_per_s", "trials"}) {
    CAPTURE(key);
    REQUIRE(json.contains(key));
  }
  CHECK(json["mode"] == "none");
  CHECK(json["schedule"] == "lockstep");
  CHECK(json["procs"] == 6);
  CHECK(json["sold"] == 6);
  CHECK(json["oversold"] == 4);
  CHECK(json["lost_updates"] == 5);
  CHECK(json["final_count"] == 1);
  CHECK(json["stalled"] == false);
  CHECK(json["trials"].size() == 1);
}

TEST_CASE("cli: run --trials K --json has a trials array of K runs", "[cli]") {
  auto result = ticketsim_cli({"run", "--mode", "flock", "--procs", "4", "--tickets", "2",
                               "--latency", "100us", "--trials", "3", "--json"});
  REQUIRE(result.exit_code == 0);
  auto json = nlohmann::json::parse(result.out);
  REQUIRE(json["trials"].size() == 3);
  for (const auto& trial : json["trials"]) {
    CHECK(trial["mode"] == "flock");
    CHECK(trial["sold"] == 2);
    CHECK(trial["oversold"] == 0);
    CHECK(trial.contains("purchases_per_s"));
  }
  CHECK(json["sold"] == 6);  // summed over trials
}

TEST_CASE("cli: compare --modes all --json has one result per mode with the documented keys",
          "[cli]") {
  auto result = ticketsim_cli({"compare", "--modes", "all", "--procs", "4", "--tickets", "1",
                               "--latency", "200us", "--trials", "2", "--json"});
  REQUIRE(result.exit_code == 0);
  auto json = nlohmann::json::parse(result.out);
  REQUIRE(json["results"].size() == 9);
  std::vector<std::string> modes;
  for (const auto& row : json["results"]) {
    for (const char* key :
         {"mode", "trials", "oversold_trials", "oversold_max", "lost_updates_total",
          "torn_reads_total", "stalled_trials", "wall_ms_median", "purchases_per_s_median"}) {
      CAPTURE(key);
      REQUIRE(row.contains(key));
    }
    CHECK(row["trials"] == 2);
    modes.push_back(row["mode"]);
    if (row["mode"] != "none") CHECK(row["oversold_max"] == 0);
  }
  CHECK(modes == std::vector<std::string>{"none", "flock", "fcntl", "ofd", "named-mutex",
                                          "robust-mutex", "optimistic", "server", "join"});
}

TEST_CASE("cli: compare --modes all under lockstep skips join and says why", "[cli]") {
  auto result = ticketsim_cli(
      {"compare", "--procs", "4", "--latency", "0", "--schedule", "lockstep", "--trials", "1"});
  REQUIRE(result.exit_code == 0);
  CHECK_THAT(result.out, Catch::Contains("join skipped: lockstep has no meaning with join"));
  for (const char* mode : {"none", "flock", "fcntl", "ofd", "named-mutex", "robust-mutex"}) {
    CHECK_THAT(result.out, Catch::Contains(mode));
  }
}

TEST_CASE("cli: the text report is a table with a verdict per mode", "[cli]") {
  auto result = ticketsim_cli({"run", "--schedule", "lockstep", "--latency", "0"});
  REQUIRE(result.exit_code == 0);
  for (const char* column : {"mode", "sold", "oversold", "lost updates", "torn reads",
                             "final count", "wall ms", "purchases per s", "verdict"}) {
    CHECK_THAT(result.out, Catch::Contains(column));
  }
  CHECK_THAT(result.out, Catch::Contains("UNSAFE"));
  CHECK_THAT(result.out, Catch::Contains("14 tickets oversold"));
  CHECK(result.out.find("\x1b[") == std::string::npos);  // not a terminal: no colour
}

TEST_CASE("cli: the default scenario is the lesson's", "[cli]") {
  // Whether the free schedule races is up to the OS; the scenario itself is fixed.
  auto result = ticketsim_cli({"run", "--json"});
  REQUIRE(result.exit_code == 0);
  auto json = nlohmann::json::parse(result.out);
  CHECK(json["mode"] == "none");
  CHECK(json["schedule"] == "free");
  CHECK(json["procs"] == 15);
  CHECK(json["tickets"] == 1);
  CHECK(json["attempts"] == 1);
  CHECK(json["workload"]["latency"] == "10ms");
  CHECK(json["workload"]["search_latency_ns"] == 10'000'000);
  CHECK(json["workload"]["hold_ns"] == 15'000'000);
}

TEST_CASE("cli: the store file is untouched unless --in-place is given", "[cli]") {
  TempDir dir;
  const std::string original = "{\"event\": \"Lesson 004\", \"count\": 4}\n";
  write_file(dir.file("s.json"), original);
  auto plain = ticketsim_cli({"run", "--mode", "flock", "--store", dir.file("s.json"), "--procs",
                              "3", "--latency", "0", "--trials", "2"});
  REQUIRE(plain.exit_code == 0);
  CHECK(read_file(dir.file("s.json")) == original);
  CHECK_THAT(plain.out, Catch::Contains("(not modified)"));
  auto in_place = ticketsim_cli({"run", "--mode", "flock", "--store", dir.file("s.json"), "--procs",
                                 "3", "--latency", "0", "--in-place"});
  REQUIRE(in_place.exit_code == 0);
  CHECK(read_file(dir.file("s.json")) == "{\"event\": \"Lesson 004\", \"count\": 1}\n");
}

TEST_CASE("cli: --expect-safe turns a found race into exit 3", "[cli]") {
  auto raced = ticketsim_cli({"run", "--schedule", "lockstep", "--latency", "0", "--expect-safe"});
  CHECK(raced.exit_code == 3);
  auto safe = ticketsim_cli(
      {"run", "--mode", "flock", "--schedule", "lockstep", "--latency", "0", "--expect-safe"});
  CHECK(safe.exit_code == 0);
}

TEST_CASE("cli: a stalled trial is reported and the run still exits 0", "[cli]") {
  auto result = ticketsim_cli({"run", "--mode", "named-mutex", "--procs", "3", "--latency", "20s",
                               "--trial-timeout", "200ms", "--json"});
  REQUIRE(result.exit_code == 0);
  auto json = nlohmann::json::parse(result.out);
  CHECK(json["stalled"] == true);
  CHECK(json["trials"][0]["verdict"] == "STALLED");
}

TEST_CASE("cli: killing ticketsim kills its customers too so no orphan remains", "[cli]") {
  TempDir dir;
  pid_t cli = ticketsim::testing::start_command(
      {ticketsim::testing::ticketsim_binary(), "run", "--procs", "4", "--latency", "30s"},
      dir.file("out"), dir.file("err"));
  // Wait until all four customers exist.
  std::vector<pid_t> customers;
  for (int i = 0; i < 500 && customers.size() < 4; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
    customers = ticketsim::testing::children_of(cli);
  }
  REQUIRE(customers.size() == 4);
  ::kill(cli, SIGKILL);
  CHECK(ticketsim::testing::wait_command(cli) == 128 + SIGKILL);
  // PR_SET_PDEATHSIG kills them; give the kernel a moment to deliver it.
  std::vector<pid_t> running = customers;
  for (int i = 0; i < 500 && !running.empty(); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
    running = ticketsim::testing::running_among(customers);
  }
  CHECK(running.empty());
}

TEST_CASE(
    "cli: --in-place writes back only if the store is unchanged: two runs never lose "
    "a sale",
    "[cli]") {
  TempDir dir, slow_workdir;
  write_file(dir.file("s.json"), "{\"count\": 100}\n");
  // The slow run reads 100, and its customer stops itself holding the lock (--pause-holder):
  // it stays stopped until the test lets it go. Meanwhile the fast run reads 100, sells 10 and
  // writes 90 back. The slow run then finds 90, not the 100 it read.
  pid_t slow = ticketsim::testing::start_command(
      {ticketsim::testing::ticketsim_binary(), "run", "--mode", "flock", "--store",
       dir.file("s.json"), "--procs", "1", "--latency", "0", "--pause-holder", "60min",
       "--in-place", "--workdir", slow_workdir.path()},
      dir.file("slow.out"), dir.file("slow.err"));
  const pid_t holder = ticketsim::testing::wait_for_stopped_child(slow, std::chrono::seconds(60));
  REQUIRE(holder > 0);
  auto fast = ticketsim_cli({"run", "--mode", "flock", "--store", dir.file("s.json"), "--procs",
                             "10", "--latency", "0", "--in-place"});
  REQUIRE(fast.exit_code == 0);
  CHECK(read_file(dir.file("s.json")) == "{\"count\": 90}\n");
  REQUIRE(::kill(holder, SIGCONT) == 0);
  CHECK(ticketsim::testing::wait_command(slow) == 1);
  CHECK_THAT(read_file(dir.file("slow.err")),
             Catch::Contains("--in-place") && Catch::Contains("changed while the run was running"));
  CHECK(read_file(dir.file("s.json")) == "{\"count\": 90}\n");  // the fast run's sales kept
}

TEST_CASE(
    "cli: --in-place says why it did not write back, and refuses an unwritable "
    "directory before running",
    "[cli]") {
  TempDir dir;
  write_file(dir.file("s.json"), "{\"count\": 10}\n");
  // Every customer dies mid-write: the last trial's store is torn, nothing sound to write.
  auto torn = ticketsim_cli({"run", "--mode", "join", "--store", dir.file("s.json"), "--procs", "2",
                             "--latency", "0", "--crash-prob", "1", "--crash-at", "mid-write",
                             "--in-place"});
  CHECK(torn.exit_code == 0);
  CHECK_THAT(torn.err, Catch::Contains("--in-place: the store was not written back: the last "
                                       "trial's final store did not parse"));
  CHECK(read_file(dir.file("s.json")) == "{\"count\": 10}\n");

  // A directory others may read but not write (as root, permissions mean nothing: the run
  // drops to nobody).
  TempDir readonly;
  write_file(readonly.file("s.json"), "{\"count\": 10}\n");
  REQUIRE(::chmod(readonly.path().c_str(), 0555) == 0);
  auto restricted = ticketsim::testing::run_restricted(
      {ticketsim::testing::ticketsim_binary(), "run", "--store", readonly.file("s.json"), "--procs",
       "2", "--latency", "0", "--in-place"},
      {});
  ::chmod(readonly.path().c_str(), 0755);
  CHECK(restricted.exit_code == 2);
  CHECK_THAT(restricted.err, Catch::Contains("--in-place") && Catch::Contains("not writable"));
}

TEST_CASE("cli: a report may not overwrite the store or another report of the run", "[cli]") {
  TempDir dir;
  write_file(dir.file("store.json"), "{\"count\": 2}");
  auto onto_store = ticketsim_cli({"run", "--store", dir.file("store.json"), "--latency", "0",
                                   "--procs", "2", "--html", dir.file("store.json")});
  CHECK(onto_store.exit_code == 2);
  CHECK_THAT(onto_store.err, Catch::Contains("--html") && Catch::Contains("is the store"));
  CHECK(read_file(dir.file("store.json")) == "{\"count\": 2}");

  auto twice = ticketsim_cli({"run", "--latency", "0", "--procs", "2", "--html", dir.file("r.html"),
                              "--trace", dir.file("r.html")});
  CHECK(twice.exit_code == 2);
  CHECK_THAT(twice.err, Catch::Contains("is also the --html file"));
  CHECK(dir.entries().size() == 1);  // only the store: nothing ran
}

TEST_CASE("cli: compare with several trials states each mode's statistics in --json", "[cli]") {
  auto three =
      ticketsim_cli({"compare", "--modes", "none,flock", "--schedule", "lockstep", "--procs", "4",
                     "--tickets", "1", "--latency", "0", "--trials", "3", "--json"});
  REQUIRE(three.exit_code == 0);
  auto results = nlohmann::json::parse(three.out).at("results");
  const auto& none = results.at(0);
  CHECK(none.at("unsafe_p") == 1.0);
  CHECK(none.at("unsafe_p_low").get<double>() == Approx(0.4385).margin(1e-4));
  CHECK(none.at("unsafe_p_high") == 1.0);
  CHECK(none.at("oversold_min") == 3.0);  // lockstep: procs - tickets, every time
  CHECK(none.at("oversold_median") == 3.0);
  CHECK(none.at("oversold_p95") == 3.0);
  CHECK(none.at("oversold_mean") == 3.0);
  CHECK(none.at("median_interval_coverage").get<double>() == Approx(0.75));
  CHECK(none.at("wall_ms_median_low").get<double>() <= none.at("wall_ms_median").get<double>());
  CHECK(none.at("wall_ms_median").get<double>() <= none.at("wall_ms_median_high").get<double>());
  const auto& flock = results.at(1);
  CHECK(flock.at("unsafe_p") == 0.0);
  CHECK(flock.at("unsafe_p_low") == 0.0);
  CHECK(flock.at("unsafe_p_high").get<double>() == Approx(0.5615).margin(1e-4));

  auto one = ticketsim_cli(
      {"compare", "--modes", "none", "--procs", "2", "--latency", "0", "--trials", "1", "--json"});
  REQUIRE(one.exit_code == 0);
  CHECK_FALSE(nlohmann::json::parse(one.out).at("results").at(0).contains("unsafe_p"));
}

TEST_CASE("cli: --until-ci runs trials until the unsafe probability's interval is that narrow",
          "[cli]") {
  // Lockstep makes every trial of none unsafe and every trial of flock safe, so the Wilson
  // interval after n trials is known: its width first falls below 0.2 at n = 16
  // (15 of 15: [0.796, 1], width 0.204; 16 of 16: [0.806, 1]).
  for (const char* mode : {"none", "flock"}) {
    CAPTURE(mode);
    auto result = ticketsim_cli({"run", "--mode", mode, "--schedule", "lockstep", "--procs", "3",
                                 "--latency", "0", "--until-ci", "0.2", "--json"});
    REQUIRE(result.exit_code == 0);
    auto json = nlohmann::json::parse(result.out);
    CHECK(json.at("trials").size() == 16);
    CHECK(json.at("ci_reached") == true);
    CHECK(json.at("summary").at("unsafe_p_high").get<double>() -
              json.at("summary").at("unsafe_p_low").get<double>() <
          0.2);
  }
  auto bounded =
      ticketsim_cli({"run", "--mode", "none", "--schedule", "lockstep", "--procs", "3", "--latency",
                     "0", "--until-ci", "0.2", "--max-trials", "5", "--json"});
  REQUIRE(bounded.exit_code == 0);
  auto json = nlohmann::json::parse(bounded.out);
  CHECK(json.at("trials").size() == 5);
  CHECK(json.at("ci_reached") == false);

  auto stray = ticketsim_cli({"run", "--max-trials", "5"});
  CHECK(stray.exit_code == 2);
  CHECK_THAT(stray.err, Catch::Contains("--max-trials") && Catch::Contains("--until-ci"));
}
