// explore on a database store: every interleaving of the customers' statements, run on real
// processes against the private cluster (tests/CMakeLists.txt), checked against the model's
// count of them and against the unreduced search.
#include <catch2/catch.hpp>

#include <map>
#include <string>
#include <tuple>

#include "tests/test_support.h"
#include "ticketsim/errors.h"
#include "ticketsim/explore.h"

using ticketsim::ExploreConfig;
using ticketsim::ExploredOutcome;
using ticketsim::ExploreResult;
using ticketsim::Mode;
using ticketsim::testing::TempDir;
using ticketsim::testing::ticketsim_cli;

namespace {

const std::string kStore = "postgresql://";

struct Search {
  Mode mode = Mode::kNone;
  int procs = 2;
  std::int64_t tickets = 1;
  int crashes = 0;
};

ExploreResult explore(const Search& search, bool reduction, const TempDir& workdir) {
  ExploreConfig config;
  config.workload.store_path = kStore;
  config.workload.mode = search.mode;
  config.workload.procs = search.procs;
  config.workload.tickets = search.tickets;
  config.workload.workdir = workdir.path();
  config.crashes = search.crashes;
  config.reduction = reduction;
  return ticketsim::explore(config);
}

using Figures =
    std::tuple<std::string, std::int64_t, std::int64_t, std::int64_t, std::int64_t, bool, int>;

// Each outcome's figures, with the interleavings it stands for.
std::map<Figures, long double> outcome_weights(const ExploreResult& result) {
  std::map<Figures, long double> weights;
  for (const ExploredOutcome& o : result.outcomes) {
    REQUIRE(o.interleavings.has_value());
    weights[{o.verdict, o.sold, o.oversold, o.lost_updates.value_or(-1), o.final_count.value_or(-1),
             o.stalled, o.crashed}] = *o.interleavings;
  }
  return weights;
}

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
       {Search{Mode::kNone}, Search{Mode::kRowLock, 2, 1, 1}, Search{Mode::kAdvisory},
        Search{Mode::kOptimistic, 2, 1, 1}, Search{Mode::kAtomic, 2, 1, 1},
        Search{Mode::kSerializable, 2, 2}, Search{Mode::kFlock, 2, 1, 1}}) {
    CAPTURE(mode_name(search.mode), search.tickets, search.crashes);
    TempDir workdir;
    const ExploreResult reduced = explore(search, true, workdir);
    const ExploreResult everything = explore(search, false, workdir);
    REQUIRE(reduced.complete);
    REQUIRE(everything.complete);
    REQUIRE(everything.interleavings_total.has_value());
    CHECK(static_cast<long double>(everything.schedules_run) == *everything.interleavings_total);
    CHECK(reduced.interleavings_covered == everything.interleavings_total);
    CHECK(outcome_weights(reduced) == outcome_weights(everything));
    CHECK(reduced.schedules_run <= everything.schedules_run);
    CHECK(reduced.found_unsafe() == (search.mode == Mode::kNone));
    CHECK(workdir.entries().empty());
  }
  CHECK(trial_rows() == "0");
}

TEST_CASE(
    "explore on a database: serializable runs one schedule at a time, and none's oversell "
    "replays with run",
    "[database][explore]") {
  TempDir workdir;
  const ExploreResult serializable = explore(Search{Mode::kSerializable}, true, workdir);
  REQUIRE(serializable.safe());
  CHECK(serializable.jobs == 1);  // predicate locks: one schedule at a time
  const ExploreResult none = explore(Search{Mode::kNone}, true, workdir);
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

TEST_CASE("explore refuses redis-lock, and serializable side by side on a database",
          "[database][explore]") {
  auto redis = ticketsim_cli({"explore", "--store", kStore, "--mode", "redis-lock"});
  REQUIRE(redis.exit_code == 2);
  REQUIRE(redis.err.find("leases run out by the clock") != std::string::npos);
  auto jobs =
      ticketsim_cli({"explore", "--store", kStore, "--mode", "serializable", "--jobs", "2"});
  REQUIRE(jobs.exit_code == 2);
  REQUIRE(jobs.err.find("--jobs") != std::string::npos);
  REQUIRE(jobs.err.find("predicate locks") != std::string::npos);
}
