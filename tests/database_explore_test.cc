// explore on a database store: every interleaving of the customers' statements, run on real
// processes against the private cluster (tests/CMakeLists.txt), checked against the model's
// count of them and against the unreduced search.
#include <catch2/catch.hpp>

#include <string>

#include "tests/explore_checks.h"
#include "tests/test_support.h"
#include "ticketsim/explore.h"

using ticketsim::ExploredOutcome;
using ticketsim::ExploreResult;
using ticketsim::Mode;
using ticketsim::testing::check_reduction_against_everything;
using ticketsim::testing::explore;
using ticketsim::testing::Search;
using ticketsim::testing::TempDir;
using ticketsim::testing::ticketsim_cli;

namespace {

const std::string kStore = "postgresql://";

// A search of `mode` on the private cluster, with explore's own choice of workers.
Search on_database(Mode mode, std::int64_t tickets = 1, int crashes = 0) {
  Search search;
  search.mode = mode;
  search.tickets = tickets;
  search.crashes = crashes;
  search.store = kStore;
  search.jobs = 0;  // serializable: one at a time
  return search;
}

// ticketsim's rows in the cluster: "0" when every search cleaned up after itself.
std::string trial_rows() {
  auto result = ticketsim::testing::run_command(
      {"/usr/bin/psql", "-X", "-A", "-t", "-q", "-c",
       "SELECT count(*) FROM ticketsim.trial_stores WHERE to_regclass('ticketsim.trial_stores') "
       "IS NOT NULL"});
  REQUIRE(result.exit_code == 0);
  if (!result.out.empty() && result.out.back() == '\n') result.out.pop_back();
  return result.out;
}

}  // namespace

TEST_CASE(
    "explore on a database: with and without reduction, the same outcomes from the same "
    "interleavings, as many as the model counts, in every database mode",
    "[database][explore]") {
  for (const Search& search :
       {on_database(Mode::kNone), on_database(Mode::kRowLock, 1, 1), on_database(Mode::kAdvisory),
        on_database(Mode::kOptimistic), on_database(Mode::kAtomic, 1, 1),
        on_database(Mode::kSerializable, 2)}) {
    check_reduction_against_everything(search);
  }
  CHECK(trial_rows() == "0");
}

TEST_CASE(
    "explore on a database: a local lock around the SQL, with a crash, is covered whole by the "
    "reduced search",
    "[database][explore]") {
  // The smallest workload where the reduction once missed interleavings: a holder's crash
  // spent the budget another customer's crash needed, at a point where that customer's steps
  // were asleep (its search takes no lock on a database), so that customer never died there.
  check_reduction_against_everything(on_database(Mode::kRobustMutex, 1, 1));
  TempDir workdir;
  Search three = on_database(Mode::kFlock, 1, 1);
  three.procs = 3;
  three.jobs = 1;  // schedules come back in one order, so the search tree is the same every run
  const ExploreResult reduced = explore(three, workdir);
  REQUIRE(reduced.complete);
  CHECK(reduced.safe());
  REQUIRE(reduced.interleavings_total.has_value());
  REQUIRE(reduced.interleavings_covered.has_value());
  CHECK(*reduced.interleavings_covered == *reduced.interleavings_total);  // 4,800
  CHECK(trial_rows() == "0");
}

TEST_CASE(
    "explore on a database: serializable runs one schedule at a time, and none's oversell "
    "replays with run",
    "[database][explore]") {
  TempDir workdir;
  const ExploreResult serializable = explore(on_database(Mode::kSerializable), workdir);
  REQUIRE(serializable.safe());
  CHECK(serializable.jobs == 1);  // predicate locks: one schedule at a time
  const ExploreResult none = explore(on_database(Mode::kNone), workdir);
  REQUIRE(none.found_unsafe());
  const ExploredOutcome* unsafe = none.shortest_unsafe();
  REQUIRE(unsafe != nullptr);
  auto replay =
      ticketsim_cli({"run", "--store", kStore, "--mode", "none", "--procs", "2", "--tickets", "1",
                     "--schedule", "script:" + unsafe->script, "--json"});
  INFO(replay.out << replay.err);
  REQUIRE(replay.exit_code == 0);
  CHECK(replay.out.find("\"sold\": " + std::to_string(unsafe->sold)) != std::string::npos);
  CHECK(replay.out.find("\"oversold\": " + std::to_string(unsafe->oversold)) != std::string::npos);
}

TEST_CASE(
    "explore refuses redis-lock, serializable side by side and --write on a database, and "
    "database modes without one",
    "[database][explore]") {
  auto redis = ticketsim_cli({"explore", "--store", kStore, "--mode", "redis-lock"});
  REQUIRE(redis.exit_code == 2);
  REQUIRE(redis.err.find("leases run out by the clock") != std::string::npos);
  auto jobs =
      ticketsim_cli({"explore", "--store", kStore, "--mode", "serializable", "--jobs", "2"});
  REQUIRE(jobs.exit_code == 2);
  REQUIRE(jobs.err.find("--jobs") != std::string::npos);
  REQUIRE(jobs.err.find("predicate locks") != std::string::npos);
  // A database mode needs a database; a database has no --write to choose.
  auto no_database = ticketsim_cli({"explore", "--mode", "row-lock"});
  REQUIRE(no_database.exit_code == 2);
  REQUIRE(no_database.err.find("needs a database store") != std::string::npos);
  auto write = ticketsim_cli({"explore", "--store", kStore, "--mode", "none", "--write", "atomic"});
  REQUIRE(write.exit_code == 2);
  REQUIRE(write.err.find("--write") != std::string::npos);
}
