// explore: every interleaving of real customer processes, with and without reduction.
#include <fmt/format.h>
#include <signal.h>
#include <unistd.h>
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <map>
#include <set>
#include <string>
#include <thread>
#include <tuple>
#include <vector>

#include "simulator/explore/happens_before.h"
#include "simulator/explore/interleaving_count.h"
#include "simulator/text/display_width.h"
#include "tests/explore_checks.h"
#include "tests/test_support.h"
#include "ticketsim/experiment.h"
#include "ticketsim/explore.h"

using ticketsim::ExploreConfig;
using ticketsim::ExploredOutcome;
using ticketsim::ExploreResult;
using ticketsim::Mode;
using ticketsim::testing::check_reduction_against_everything;
using ticketsim::testing::explore;
using ticketsim::testing::Search;
using ticketsim::testing::TempDir;

TEST_CASE(
    "explore: with and without reduction, the same outcomes from the same interleavings, "
    "2 and 3 customers in none, flock and robust-mutex",
    "[explore]") {
  for (Mode mode : {Mode::kNone, Mode::kFlock, Mode::kRobustMutex}) {
    check_reduction_against_everything(Search{mode, 2});
  }
  // Three customers of none would run 756,756 schedules unreduced: see the check below.
  for (Mode mode : {Mode::kFlock, Mode::kRobustMutex}) {
    check_reduction_against_everything(Search{mode, 3});
  }
  check_reduction_against_everything(Search{Mode::kFlock, 2, 2, 2});
}

TEST_CASE("explore: crashes are further branches, and the reduction still finds every outcome",
          "[explore]") {
  check_reduction_against_everything(Search{Mode::kNone, 2, 1, 1, 1});
  check_reduction_against_everything(Search{Mode::kFlock, 2, 1, 1, 1});
  check_reduction_against_everything(Search{Mode::kNamedMutex, 2, 1, 1, 2});
  check_reduction_against_everything(Search{Mode::kRobustMutex, 3, 1, 1, 1});
  check_reduction_against_everything(Search{Mode::kJoin, 2, 1, 1, 1});
}

TEST_CASE("explore: the unreduced count for none is the multinomial count of its step sequences",
          "[explore]") {
  TempDir workdir;
  const ExploreResult everything = explore(Search{Mode::kNone, 2, 1, 1, 0, false}, workdir);
  CHECK(everything.schedules_run == 252);  // 10! / (5! 5!)
  CHECK(static_cast<long double>(everything.schedules_run) == ticketsim::multinomial(2, 5));
  // Three customers: the reduced search's schedules stand for exactly 15! / (5!)^3.
  const ExploreResult three = explore(Search{Mode::kNone, 3}, workdir);
  REQUIRE(three.complete);
  CHECK(three.interleavings_total == ticketsim::multinomial(3, 5));
  CHECK(three.interleavings_covered == ticketsim::multinomial(3, 5));
  CHECK(ticketsim::multinomial(3, 5) == 756756.0L);
  // The model counts none's space as the multinomial, however many customers.
  ticketsim::ExperimentConfig fifteen;
  fifteen.procs = 15;
  fifteen.tickets = 1;
  // No time limit to speak of: this checks the model, not its speed (ASan is slow).
  const auto counted = ticketsim::count_interleavings(fifteen, 0, std::nullopt, 0, 3600);
  REQUIRE(counted.has_value());
  CHECK(*counted / ticketsim::multinomial(15, 5) == Approx(1.0).epsilon(1e-12));
}

TEST_CASE("explore: every lock mode is safe in every interleaving, and says how many",
          "[explore]") {
  TempDir workdir;
  for (Mode mode : {Mode::kFlock, Mode::kFcntl, Mode::kOfd, Mode::kNamedMutex, Mode::kRobustMutex,
                    Mode::kOptimistic, Mode::kServer, Mode::kJoin}) {
    for (int procs : {2, 3}) {
      CAPTURE(ticketsim::mode_name(mode), procs);
      const ExploreResult result = explore(Search{mode, procs}, workdir);
      CHECK(result.complete);
      CHECK(result.safe());
      REQUIRE(result.outcomes.size() == 1);
      CHECK(result.outcomes[0].verdict == "safe");
      CHECK(result.outcomes[0].sold == 1);
      CHECK(result.interleavings_covered == result.interleavings_total);
    }
  }
  CHECK(workdir.entries().empty());
}

TEST_CASE("explore: none oversells, and each outcome's script replays to it with ticketsim run",
          "[explore]") {
  TempDir workdir;
  auto result = ticketsim::testing::ticketsim_cli(
      {"explore", "--procs", "3", "--tickets", "2", "--workdir", workdir.path(), "--json"});
  REQUIRE(result.exit_code == 0);
  const auto json = nlohmann::json::parse(result.out);
  CHECK(json["complete"] == true);
  CHECK(json["safe"] == false);
  CHECK(json["interleavings_total"] == 756756);
  REQUIRE(json["outcomes"].size() >= 2);
  CHECK(json["outcomes"][0]["verdict"] == "UNSAFE");
  std::set<std::int64_t> oversold;
  for (const auto& outcome : json["outcomes"]) {
    CAPTURE(outcome.dump());
    oversold.insert(outcome["oversold"].get<std::int64_t>());
    auto replay = ticketsim::testing::ticketsim_cli(
        {"run", "--mode", "none", "--procs", "3", "--tickets", "2", "--workdir", workdir.path(),
         "--schedule", "script:" + outcome["script"].get<std::string>(), "--json"});
    REQUIRE(replay.exit_code == 0);
    const auto trial = nlohmann::json::parse(replay.out)["trials"][0];
    CHECK(trial["sold"] == outcome["sold"]);
    CHECK(trial["oversold"] == outcome["oversold"]);
    CHECK(trial["lost_updates"] == outcome["lost_updates"]);
    CHECK(trial["final_count"] == outcome["final_count"]);
    CHECK(trial["verdict"] == outcome["verdict"]);
  }
  CHECK(oversold == std::set<std::int64_t>{0, 1});  // 3 customers, 2 tickets: at most 1 over
  CHECK(workdir.entries().empty());
}

TEST_CASE(
    "explore --crashes: named-mutex deadlocks, robust-mutex and the kernel file locks "
    "never do, and none's in-place writes tear the store",
    "[explore]") {
  TempDir workdir;
  auto stalled_outcomes = [&](Mode mode) {
    const ExploreResult result = explore(Search{mode, 2, 1, 1, 1}, workdir);
    REQUIRE(result.complete);
    std::int64_t stalled = 0;
    for (const ExploredOutcome& outcome : result.outcomes) stalled += outcome.stalled ? 1 : 0;
    return stalled;
  };
  CHECK(stalled_outcomes(Mode::kNamedMutex) > 0);
  for (Mode mode : {Mode::kRobustMutex, Mode::kFlock, Mode::kFcntl, Mode::kOfd}) {
    CAPTURE(ticketsim::mode_name(mode));
    CHECK(stalled_outcomes(mode) == 0);
  }
  // A stalled outcome names a dead holder and ends: the search does not hang on it.
  const ExploreResult named = explore(Search{Mode::kNamedMutex, 2, 1, 1, 1}, workdir);
  bool holder_died = false;
  for (const ExploredOutcome& outcome : named.outcomes) {
    if (outcome.stalled) {
      CHECK((outcome.verdict == "STALLED" || outcome.unsafe));  // a torn store outranks it
      CHECK(outcome.crashed == 1);
      holder_died = holder_died || outcome.script.find(":crash") != std::string::npos;
    }
  }
  CHECK(holder_died);
  // Robust-mutex repairs what a holder that died mid-write left: never torn.
  const ExploreResult robust = explore(Search{Mode::kRobustMutex, 2, 1, 1, 1}, workdir);
  CHECK(robust.safe());
  auto torn = [](const ExploreResult& result) {
    for (const ExploredOutcome& outcome : result.outcomes) {
      if (outcome.torn_reads > 0 || !outcome.final_count) return true;
    }
    return false;
  };
  CHECK(torn(explore(Search{Mode::kNone, 2, 1, 1, 1}, workdir)));
  Search atomic{Mode::kNone, 2, 1, 1, 1};
  atomic.write = ticketsim::WriteStrategy::kAtomic;
  CHECK_FALSE(torn(explore(atomic, workdir)));
  CHECK(workdir.entries().empty());
}

TEST_CASE("explore: --max-schedules and --max-time cut the search and say it is incomplete",
          "[explore]") {
  TempDir workdir;
  ExploreConfig config;
  config.workload.procs = 3;
  config.workload.tickets = 1;
  config.workload.workdir = workdir.path();
  config.reduction = false;
  config.max_schedules = 7;
  ExploreResult cut = ticketsim::explore(config);
  CHECK(cut.schedules_run == 7);
  CHECK_FALSE(cut.complete);
  CHECK(cut.stopped_by == "max-schedules");
  CHECK(cut.pending > 0);
  config.max_schedules.reset();
  config.max_time = std::chrono::milliseconds(1);
  cut = ticketsim::explore(config);
  CHECK_FALSE(cut.complete);
  CHECK(cut.stopped_by == "max-time");
  CHECK(cut.schedules_run < 756756);
  CHECK(workdir.entries().empty());
  CHECK(ticketsim::testing::children_of(::getpid()).empty());
}

TEST_CASE("explore --preemptions: every schedule within the bound, as many as the model counts",
          "[explore]") {
  TempDir workdir;
  for (Mode mode : {Mode::kNone, Mode::kFlock}) {
    for (int bound : {0, 1, 2}) {
      CAPTURE(ticketsim::mode_name(mode), bound);
      ExploreConfig config;
      config.workload.mode = mode;
      config.workload.procs = 2;
      config.workload.tickets = 1;
      config.workload.workdir = workdir.path();
      config.preemptions = bound;
      const ExploreResult result = ticketsim::explore(config);
      REQUIRE(result.interleavings_total.has_value());
      CHECK(static_cast<long double>(result.schedules_run) == *result.interleavings_total);
      for (const ExploredOutcome& outcome : result.outcomes) {
        CHECK(outcome.script_preemptions <= bound);
      }
      // A bound that leaves schedules out says so.
      const auto unbounded = ticketsim::count_interleavings(config.workload, 0, std::nullopt);
      CHECK(result.complete == (*result.interleavings_total == *unbounded));
    }
  }
  // With no preemption at all, none never oversells: the race needs a switch mid-purchase.
  ExploreConfig none;
  none.workload.procs = 2;
  none.workload.tickets = 1;
  none.workload.workdir = workdir.path();
  none.preemptions = 0;
  CHECK(ticketsim::explore(none).safe());  // but one preemption already races:
  none.preemptions = 1;
  CHECK_FALSE(ticketsim::explore(none).safe());
}

TEST_CASE("explore: the equivalents of a schedule are the orders that keep its dependent steps",
          "[explore]") {
  using ticketsim::ExecutedStep;
  using ticketsim::Execution;
  using ticketsim::Footprint;
  using ticketsim::Move;
  using ticketsim::Step;
  auto execution = [](const std::vector<std::pair<int, Footprint>>& moves) {
    Execution e;
    for (const auto& [customer, footprint] : moves) {
      e.steps.push_back(ExecutedStep{{Move{{customer, Step::kRead}, footprint}}, 0});
    }
    return e;
  };
  const Footprint nothing{};
  Footprint writes{};
  writes.writes_store = true;
  // Two customers of five moves touching nothing: every interleaving is equivalent.
  std::vector<std::pair<int, Footprint>> free_moves;
  for (int i = 0; i < 5; ++i) free_moves.push_back({0, nothing});
  for (int i = 0; i < 5; ++i) free_moves.push_back({1, nothing});
  const Execution independent = execution(free_moves);
  CHECK(ticketsim::count_equivalents(independent, ticketsim::happens_before(independent)) ==
        252.0L);
  // Writes on both sides: the first write of 1 waits for 0's, the rest are free around it.
  const Execution ordered = execution({{0, writes}, {1, writes}, {1, nothing}});
  CHECK(ticketsim::count_equivalents(ordered, ticketsim::happens_before(ordered)) == 1.0L);
  const Execution half = execution({{0, nothing}, {0, writes}, {1, nothing}, {1, writes}});
  // 1's first move may go anywhere before 1's write; 0's first anywhere before 0's write:
  // orders of {a0 < w0 < w1, a1 < w1} = 3.
  CHECK(ticketsim::count_equivalents(half, ticketsim::happens_before(half)) == 3.0L);
}

TEST_CASE("explore: optimistic and server are explorable too, and safe in every interleaving",
          "[explore]") {
  for (Mode mode : {Mode::kOptimistic, Mode::kServer}) {
    check_reduction_against_everything(Search{mode, 2});
    check_reduction_against_everything(Search{mode, 2, 1, 1, 1});
    TempDir workdir;
    const ExploreResult three = explore(Search{mode, 3}, workdir);
    CHECK(three.complete);
    CHECK(three.safe());
  }
  auto bad = ticketsim::testing::ticketsim_cli({"explore", "--crashes", "3", "--procs", "2"});
  CHECK(bad.exit_code == 2);
  CHECK(bad.err.find("--crashes") != std::string::npos);
  CHECK(bad.out.empty());
}

TEST_CASE("explore: SIGINT ends the search with what was found, complete false, nothing left",
          "[explore]") {
  TempDir workdir;
  TempDir out;
  const pid_t pid = ticketsim::testing::start_command(
      {ticketsim::testing::ticketsim_binary(), "explore", "--procs", "3", "--no-reduction",
       "--workdir", workdir.path(), "--json"},
      out.file("out"), out.file("err"));
  // Wait until a schedule has run (its trial directory came and went), then stop it.
  std::string first;
  for (int i = 0; i < 6000 && first.empty(); ++i) {
    for (const std::string& entry : workdir.entries()) first = entry;
    if (first.empty()) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  REQUIRE_FALSE(first.empty());
  for (int i = 0; i < 6000 && std::ranges::count(workdir.entries(), first) > 0; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  ::kill(pid, SIGINT);
  const int status = ticketsim::testing::wait_command(pid);
  CHECK(status == 130);
  const auto json = nlohmann::json::parse(ticketsim::testing::read_file(out.file("out")));
  CHECK(json["complete"] == false);
  CHECK(json["stopped_by"] == "SIGINT");
  CHECK(json["schedules_run"].get<std::int64_t>() > 0);
  CHECK(workdir.entries().empty());
}

TEST_CASE("explore's wrapped replay commands paste into a shell as they are, at 60 columns",
          "[explore]") {
  TempDir dir;
  const std::string store = dir.file("it's here.json");  // a quote the command must survive
  ticketsim::testing::write_file(store, "{\"count\": 1}");
  for (const char* mode : {"none", "flock", "optimistic", "server"}) {
    CAPTURE(mode);
    auto text = ticketsim::testing::ticketsim_cli_env(
        {"COLUMNS=60"}, {"explore", "--mode", mode, "--store", store, "--workdir", dir.path()});
    REQUIRE(text.exit_code == 0);
    // Each command runs from its "ticketsim run" line to the line that closes its quotes.
    std::vector<std::string> commands;
    std::string current;
    for (const std::string& line : ticketsim::testing::lines_of(text.out)) {
      const std::size_t start = line.find_first_not_of(' ');
      if (start != std::string::npos && line.compare(start, 13, "ticketsim run") == 0) {
        current = line.substr(start);
      } else if (!current.empty()) {
        current += "\n" + line;
      }
      if (!current.empty() && !line.empty() && line.back() == '"') {
        commands.push_back(current);
        current.clear();
      }
      CHECK(ticketsim::display_width(line) <= 60);
    }
    REQUIRE_FALSE(commands.empty());
    for (std::string command : commands) {
      CAPTURE(command);
      command.replace(0, 13, "'" + ticketsim::testing::ticketsim_binary() + "' run --json");
      auto ran = ticketsim::testing::run_command({"/bin/bash", "-c", command});
      CHECK(ran.exit_code == 0);
      CHECK(ran.out.find("\"sold\"") != std::string::npos);
    }
  }
}
