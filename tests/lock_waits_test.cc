// Lock waits and fairness: what each purchase waited, and how evenly the lock was shared.
#include "simulator/oracle/lock_waits.h"
#include "simulator/oracle/fairness.h"

#include <catch2/catch.hpp>

#include <vector>

#include "tests/test_support.h"
#include "ticketsim/experiment.h"
#include "ticketsim/trial_result.h"

using ticketsim::CustomerHistory;
using ticketsim::PurchaseRecord;

namespace {

// A customer whose purchases asked at `requested[i]` and got the lock at `acquired[i]`.
CustomerHistory customer(int index, std::vector<std::int64_t> requested,
                         std::vector<std::int64_t> acquired) {
  CustomerHistory history;
  history.index = index;
  for (std::size_t i = 0; i < requested.size(); ++i) {
    PurchaseRecord purchase;
    purchase.t_lock_requested = requested[i];
    purchase.t_lock_acquired = acquired[i];
    history.purchases.push_back(purchase);
  }
  return history;
}

}  // namespace

TEST_CASE("lock waits are each purchase's acquired minus requested, by nearest rank",
          "[lock-waits]") {
  // Waits 0, 10, 20, ..., 990 ns (100 purchases over 4 customers); one never got the lock.
  std::vector<CustomerHistory> customers(4);
  for (int i = 0; i < 100; ++i) {
    PurchaseRecord purchase;
    purchase.t_lock_requested = 1000;
    purchase.t_lock_acquired = 1000 + 10 * i;
    customers[static_cast<std::size_t>(i % 4)].purchases.push_back(purchase);
  }
  customers[0].purchases.push_back(PurchaseRecord{});  // no times: not a wait
  auto waits = ticketsim::measure_lock_waits(customers);
  CHECK(waits.count == 100);
  CHECK(waits.p50_ns == 490);  // rank 50
  CHECK(waits.p99_ns == 980);  // rank 99
  CHECK(waits.max_ns == 990);
  CHECK(waits.histogram.count() == 100);
  CHECK(ticketsim::measure_lock_waits({}).count == 0);
}

TEST_CASE("a lock that takes turns is perfectly fair, one that is taken straight back is not",
          "[fairness]") {
  // Two customers, two purchases each. Turns: A B A B. Straight back: A A B B.
  auto turns =
      ticketsim::check_fairness({customer(0, {1, 1}, {10, 30}), customer(1, {2, 2}, {20, 40})});
  REQUIRE(turns.checked);
  CHECK(turns.window_grants == 2);
  CHECK(turns.jain == Approx(1.0));
  auto hogged =
      ticketsim::check_fairness({customer(0, {1, 11}, {10, 20}), customer(1, {2, 2}, {30, 40})});
  REQUIRE(hogged.checked);
  CHECK(hogged.jain == Approx(0.5));  // (2 + 0)^2 / (2 * (4 + 0))
  // Four customers, three purchases each, the first half (6 grants) shared 3, 2, 1, 0.
  auto skewed = ticketsim::check_fairness(
      {customer(0, {1, 1, 1}, {1, 2, 3}), customer(1, {1, 1, 1}, {4, 5, 20}),
       customer(2, {1, 1, 1}, {6, 21, 22}), customer(3, {1, 1, 1}, {23, 24, 25})});
  REQUIRE(skewed.checked);
  CHECK(skewed.jain == Approx(36.0 / (4 * 14)));
}

TEST_CASE("fairness is not judged with one purchase per customer or one customer", "[fairness]") {
  CHECK_FALSE(ticketsim::check_fairness({customer(0, {1}, {10}), customer(1, {2}, {20})}).checked);
  CHECK_FALSE(ticketsim::check_fairness({customer(0, {1, 2}, {10, 20})}).checked);
}

TEST_CASE("a mode summary pools lock waits over trials and averages the fairness index",
          "[lock-waits]") {
  ticketsim::ExperimentResult result;
  result.config.mode = ticketsim::Mode::kFlock;
  // Both trials wait 1, 2, 3 and 4 us; the first takes turns (fairness 1), the second lets
  // customer 1 take the lock straight back (0.5).
  const std::vector<std::vector<CustomerHistory>> trials = {
      {customer(0, {1, 1}, {1001, 3001}), customer(1, {1, 1}, {2001, 4001})},
      {customer(0, {1, 1}, {1001, 2001}), customer(1, {1, 1}, {3001, 4001})}};
  for (const auto& customers : trials) {
    ticketsim::TrialResult trial;
    trial.mode = ticketsim::Mode::kFlock;
    trial.lock_waits = ticketsim::measure_lock_waits(customers);
    trial.lock_waits.checked = true;
    trial.fairness = ticketsim::check_fairness(customers);
    result.trials.push_back(trial);
  }
  auto summary = ticketsim::summarize(result);
  CHECK(summary.lock_waits == 8);
  CHECK(summary.lock_wait_us_p50 == Approx(2.0).epsilon(1.0 / 128));  // rank 4 of 8
  CHECK(summary.lock_wait_us_max == Approx(4.0));
  CHECK(summary.fairness_trials == 2);
  CHECK(summary.jain_mean == Approx(0.75));
  CHECK(summary.jain_min == Approx(0.5));
}

TEST_CASE("real lock modes report lock waits and fairness, mode none reports neither",
          "[lock-waits]") {
  ticketsim::ExperimentConfig config;
  config.mode = ticketsim::Mode::kFlock;
  config.procs = 3;
  config.attempts = 2;
  config.tickets = 6;
  config.schedule = ticketsim::Schedule::kRoundRobin;
  auto trial = ticketsim::run_experiment(config).trials.at(0);
  CHECK(trial.lock_waits.checked);
  CHECK(trial.lock_waits.count == 6);
  CHECK(trial.fairness.checked);
  CHECK(trial.fairness.window_grants == 3);
  config.mode = ticketsim::Mode::kNone;
  trial = ticketsim::run_experiment(config).trials.at(0);
  CHECK_FALSE(trial.lock_waits.checked);
  CHECK_FALSE(trial.fairness.checked);
}
