// The recorded critical sections of lock modes never overlap; in mode none they do.
#include <catch2/catch.hpp>

#include <chrono>
#include <vector>

#include "simulator/oracle/mutual_exclusion.h"
#include "ticketsim/experiment.h"

using namespace std::chrono_literals;
using ticketsim::CustomerHistory;
using ticketsim::ExperimentConfig;
using ticketsim::Mode;
using ticketsim::Schedule;

namespace {

struct Section {
  std::int64_t begin, end;
  bool exclusive;
};

// Every critical section of a trial, straight from the customers' records.
std::vector<Section> sections_of(const std::vector<CustomerHistory>& customers,
                                 bool readers_share) {
  std::vector<Section> sections;
  for (const auto& customer : customers) {
    sections.push_back(
        {customer.search.t_lock_acquired, customer.search.t_released, !readers_share});
    for (const auto& purchase : customer.purchases) {
      sections.push_back({purchase.t_lock_acquired, purchase.t_released, true});
    }
  }
  return sections;
}

// Brute force: pairs overlapping in time where at least one side is exclusive.
int overlapping_pairs(const std::vector<Section>& sections) {
  int pairs = 0;
  for (std::size_t i = 0; i < sections.size(); ++i) {
    for (std::size_t j = i + 1; j < sections.size(); ++j) {
      const Section& a = sections[i];
      const Section& b = sections[j];
      if ((a.exclusive || b.exclusive) && a.begin < b.end && b.begin < a.end) ++pairs;
    }
  }
  return pairs;
}

ExperimentConfig contended(Mode mode) {
  ExperimentConfig config;
  config.mode = mode;
  config.schedule = Schedule::kLockstep;
  config.procs = 12;
  config.attempts = 3;
  config.tickets = 100;
  config.latency = ticketsim::DurationRange::exactly(300us);
  config.hold = {};  // think time only: no hold, no network before searching
  config.search_latency = {};
  config.trials = 10;
  return config;
}

}  // namespace

TEST_CASE("critical sections of lock modes never overlap in time", "[mutex]") {
  auto mode =
      GENERATE(Mode::kFlock, Mode::kFcntl, Mode::kOfd, Mode::kNamedMutex, Mode::kRobustMutex);
  CAPTURE(ticketsim::mode_name(mode));
  auto result = ticketsim::run_experiment(contended(mode));
  bool readers_share = mode != Mode::kNamedMutex && mode != Mode::kRobustMutex;
  for (const auto& trial : result.trials) {
    auto sections = sections_of(trial.customers, readers_share);
    REQUIRE(sections.size() == 12 * 4);
    for (const auto& section : sections) REQUIRE(section.begin > 0);
    REQUIRE(overlapping_pairs(sections) == 0);
    REQUIRE(trial.mutex_violations == 0);
  }
}

TEST_CASE("critical sections of mode none overlap under lockstep", "[mutex]") {
  ExperimentConfig config = contended(Mode::kNone);
  config.attempts = 1;
  auto result = ticketsim::run_experiment(config);
  for (const auto& trial : result.trials) {
    // All 12 purchases hold their read across the race point: every pair overlaps. Searches
    // all end before the first purchase starts (round-start barrier) and share with each other.
    REQUIRE(trial.mutex_violations == 12 * 11 / 2);
    REQUIRE(overlapping_pairs(sections_of(trial.customers, true)) == 12 * 11 / 2);
  }
}

TEST_CASE("the violation count matches brute force on synthetic sections", "[mutex]") {
  std::vector<CustomerHistory> customers(3);
  for (int i = 0; i < 3; ++i) customers[i].index = i;
  // Customer 0: search [10, 20] shared; purchase [30, 40].
  customers[0].search.t_lock_acquired = 10;
  customers[0].search.t_released = 20;
  customers[0].purchases.push_back({});
  customers[0].purchases[0].t_lock_acquired = 30;
  customers[0].purchases[0].t_released = 40;
  // Customer 1: search [15, 25] (overlaps search 0: fine when shared); purchase [40, 50]
  // (touches purchase 0 at 40: not an overlap).
  customers[1].search.t_lock_acquired = 15;
  customers[1].search.t_released = 25;
  customers[1].purchases.push_back({});
  customers[1].purchases[0].t_lock_acquired = 40;
  customers[1].purchases[0].t_released = 50;
  // Customer 2: purchase [12, 35] overlaps both searches and purchase 0.
  customers[2].purchases.push_back({});
  customers[2].purchases[0].t_lock_acquired = 12;
  customers[2].purchases[0].t_released = 35;
  auto shared = ticketsim::check_mutual_exclusion(customers, /*search_is_shared=*/true);
  CHECK(shared.violations == 3);
  REQUIRE(shared.listed.size() == 3);
  // Listed in time order of the later section's acquisition, each with its earlier partner.
  CHECK(shared.listed[0].first.customer == 0);   // search 0 [10, 20] ...
  CHECK(shared.listed[0].second.customer == 2);  // ... and purchase 2 [12, 35]
  CHECK(shared.listed[1].first.customer == 2);   // purchase 2 and search 1 [15, 25]
  CHECK(shared.listed[1].second.search);
  CHECK(shared.listed[2].first.customer == 2);  // purchase 2 and purchase 0 [30, 40]
  CHECK(shared.listed[2].second.customer == 0);
  CHECK_FALSE(shared.listed[2].second.search);
  auto exclusive = ticketsim::check_mutual_exclusion(customers, /*search_is_shared=*/false);
  CHECK(exclusive.violations == 4);
  CHECK(ticketsim::check_mutual_exclusion(customers, false, /*max_listed=*/2).listed.size() == 2);
}
