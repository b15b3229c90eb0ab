// Witnesses name who raced and how; locked modes have none.
#include "simulator/oracle/witnesses.h"

#include <catch2/catch.hpp>

#include <chrono>
#include <numeric>
#include <set>

#include "ticketsim/experiment.h"

using namespace std::chrono_literals;
using ticketsim::ExperimentConfig;
using ticketsim::Mode;
using ticketsim::Schedule;

namespace {

std::set<int> buyers_of(const ticketsim::TrialResult& trial) {
  std::set<int> buyers;
  for (const auto& customer : trial.customers) {
    for (const auto& purchase : customer.purchases) {
      if (purchase.outcome == ticketsim::Outcome::kBought) buyers.insert(customer.index);
    }
  }
  return buyers;
}

}  // namespace

TEST_CASE("a forced race yields witnesses naming exactly the customers that bought", "[witness]") {
  auto [procs, tickets, attempts] =
      GENERATE(table<int, std::int64_t, int>({{15, 1, 1}, {8, 3, 1}, {6, 10, 3}}));
  CAPTURE(procs, tickets, attempts);
  ExperimentConfig config;
  config.mode = Mode::kNone;
  config.schedule = Schedule::kLockstep;
  config.procs = procs;
  config.tickets = tickets;
  config.attempts = attempts;
  config.latency = ticketsim::DurationRange::exactly(200us);
  config.hold = {};  // think time only: no hold, no network before searching
  config.search_latency = {};
  config.trials = 10;
  for (const auto& trial : ticketsim::run_experiment(config).trials) {
    REQUIRE(trial.lost_updates > 0);
    auto named = trial.witnesses.customers_named();
    std::set<int> witnessed(named.begin(), named.end());
    REQUIRE(witnessed == buyers_of(trial));
    // Every lost update is covered by some witness.
    std::int64_t erased = 0;
    for (const auto& witness : trial.witnesses.lost_updates) {
      REQUIRE(witness.erased > 0);
      REQUIRE(witness.writer.read_value > witness.overwritten.wrote_value);
      REQUIRE(witness.writer.wrote_ns >= witness.overwritten.wrote_ns);
      REQUIRE(witness.writer.customer != witness.overwritten.customer);
      erased += witness.erased;
    }
    REQUIRE(erased >= trial.lost_updates);
    // Every round, all customers read the same count: each round's ticket sold to all.
    REQUIRE(trial.witnesses.double_sales.size() == static_cast<std::size_t>(attempts));
    for (const auto& sale : trial.witnesses.double_sales) {
      REQUIRE(sale.buyers.size() == static_cast<std::size_t>(procs));
    }
  }
}

TEST_CASE("a locked mode's history has no witnesses and no overlapping critical sections",
          "[witness]") {
  auto mode = GENERATE(Mode::kFlock, Mode::kFcntl, Mode::kOfd, Mode::kNamedMutex,
                       Mode::kRobustMutex, Mode::kJoin);
  CAPTURE(ticketsim::mode_name(mode));
  ExperimentConfig config;
  config.mode = mode;
  config.schedule = mode == Mode::kJoin ? Schedule::kFree : Schedule::kLockstep;
  config.procs = 12;
  config.attempts = 2;
  config.tickets = 15;
  config.latency = ticketsim::DurationRange::exactly(200us);
  config.hold = {};  // think time only: no hold, no network before searching
  config.search_latency = {};
  config.trials = 10;
  for (const auto& trial : ticketsim::run_experiment(config).trials) {
    REQUIRE(trial.sold == 15);
    REQUIRE(trial.witnesses.empty());
    REQUIRE(trial.mutex.checked);
    REQUIRE(trial.mutex.violations == 0);
    REQUIRE(trial.mutex.listed.empty());
  }
}

TEST_CASE("lost-update witnesses replay writes in completion order", "[witness]") {
  // A reads 5, B reads 5, B writes 4, C reads 4, C writes 3, D reads 3, A writes 4 (stale:
  // erases B's and C's sales), D writes 2 over A's 4. Sold 4, final 2: lost 1.
  std::vector<ticketsim::CustomerHistory> customers(4);
  struct Step {
    std::int64_t read_value, read_ns, wrote_ns;
  };
  const Step steps[4] = {{5, 10, 70}, {5, 20, 30}, {4, 40, 50}, {3, 60, 80}};
  for (int i = 0; i < 4; ++i) {
    customers[i].index = i;
    customers[i].pid = 100 + i;
    ticketsim::PurchaseRecord purchase;
    purchase.outcome = ticketsim::Outcome::kBought;
    purchase.value_read = steps[i].read_value;
    purchase.value_written = steps[i].read_value - 1;
    purchase.t_read = steps[i].read_ns;
    purchase.t_written = steps[i].wrote_ns;
    customers[i].purchases.push_back(purchase);
  }
  auto witnesses = ticketsim::find_witnesses(customers, 5);
  REQUIRE(witnesses.lost_updates.size() == 1);
  CHECK(witnesses.lost_updates[0].writer.customer == 0);       // A's stale write ...
  CHECK(witnesses.lost_updates[0].overwritten.customer == 2);  // ... landed on C's 3
  CHECK(witnesses.lost_updates[0].erased == 2);
  REQUIRE(witnesses.double_sales.size() == 1);  // A and B both read 5
  CHECK(witnesses.double_sales[0].ticket == 5);
  CHECK(ticketsim::describe(witnesses.lost_updates[0], 0) ==
        "pid 100 read count=5 at 0.00 ms, but pid 102 had written count=3 at 0.00 ms before 100 "
        "wrote count=4 at 0.00 ms: the stale write erased 2 sales");
}

TEST_CASE("a witness reads like the lesson's story", "[witness]") {
  ticketsim::LostUpdateWitness witness;
  witness.overwritten = {1, 4102, 0, 1, 3'200'000, 0, 8'800'000};
  witness.writer = {6, 4107, 0, 1, 3'400'000, 0, 9'100'000};
  witness.erased = 1;
  CHECK(ticketsim::describe(witness, 0) ==
        "pid 4102 and pid 4107 both read count=1 (3.20 ms, 3.40 ms); 4107 wrote count=0 at "
        "9.10 ms over 4102's count=0 at 8.80 ms: one ticket sold twice");
}
