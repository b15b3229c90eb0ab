// Searches of one workload, with and without reduction, and what they must agree on: shared
// by the explore tests on files (explore_test.cc) and on a database (database_explore_test.cc).
#pragma once

#include <fmt/format.h>
#include <catch2/catch.hpp>

#include <map>
#include <string>
#include <tuple>

#include "tests/test_support.h"
#include "ticketsim/explore.h"

namespace ticketsim::testing {

// An outcome's figures, to compare the outcome sets of two searches.
using Figures = std::tuple<std::string, std::int64_t, std::int64_t, std::int64_t, std::int64_t,
                           std::int64_t, bool, int>;

inline Figures figures_of(const ticketsim::ExploredOutcome& o) {
  return {o.verdict,    o.sold,
          o.oversold,   o.lost_updates.value_or(-1),
          o.torn_reads, o.final_count.value_or(-1),
          o.stalled,    o.crashed};
}

struct Search {
  ticketsim::Mode mode = ticketsim::Mode::kNone;
  int procs = 2;
  int attempts = 1;
  std::int64_t tickets = 1;
  int crashes = 0;
  bool reduction = true;
  ticketsim::WriteStrategy write = ticketsim::WriteStrategy::kInPlace;
  std::string store = "";  // empty: a fresh file; "postgresql://": the private cluster
  int jobs = 2;            // 0: explore's default
};

inline ticketsim::ExploreResult explore(const Search& search, const TempDir& workdir) {
  ticketsim::ExploreConfig config;
  config.workload.store_path = search.store;
  config.workload.mode = search.mode;
  config.workload.procs = search.procs;
  config.workload.attempts = search.attempts;
  config.workload.tickets = search.tickets;
  config.workload.write = search.write;
  config.workload.workdir = workdir.path();
  config.crashes = search.crashes;
  config.reduction = search.reduction;
  config.jobs = search.jobs;
  return ticketsim::explore(config);
}

// The outcomes, each with the interleavings it stands for (with reduction: its schedules'
// equivalents; without: its schedules).
inline std::map<Figures, long double> outcome_weights(const ticketsim::ExploreResult& result) {
  std::map<Figures, long double> weights;
  for (const ticketsim::ExploredOutcome& outcome : result.outcomes) {
    REQUIRE(outcome.interleavings.has_value());
    weights[figures_of(outcome)] = *outcome.interleavings;
  }
  return weights;
}

inline std::string name_of(const Search& s) {
  return fmt::format("{} procs {} attempts {} tickets {} crashes {}", ticketsim::mode_name(s.mode),
                     s.procs, s.attempts, s.tickets, s.crashes);
}

// Both searches of `search`: the same outcomes, reached by the same number of interleavings,
// all of those the model counts; and nothing left in the work directory.
inline void check_reduction_against_everything(Search search) {
  CAPTURE(name_of(search));
  TempDir workdir;
  search.reduction = true;
  const ticketsim::ExploreResult reduced = explore(search, workdir);
  search.reduction = false;
  const ticketsim::ExploreResult everything = explore(search, workdir);
  REQUIRE(reduced.complete);
  REQUIRE(everything.complete);
  REQUIRE(everything.interleavings_total.has_value());
  CHECK(static_cast<long double>(everything.schedules_run) == *everything.interleavings_total);
  CHECK(reduced.interleavings_covered == everything.interleavings_total);
  CHECK(outcome_weights(reduced) == outcome_weights(everything));
  CHECK(reduced.schedules_run <= everything.schedules_run);
  CHECK(workdir.entries().empty());
}

}  // namespace ticketsim::testing
