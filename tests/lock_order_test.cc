// The lock-order check: grants to a later requester before an earlier, waiting one.
#include "simulator/oracle/lock_order.h"

#include <catch2/catch.hpp>

#include <vector>

#include "tests/test_support.h"
#include "ticketsim/experiment.h"
#include "ticketsim/trial_result.h"

using ticketsim::CustomerHistory;
using ticketsim::PurchaseRecord;

namespace {

CustomerHistory asked_and_got(int index, std::int64_t requested, std::int64_t acquired) {
  CustomerHistory customer;
  customer.index = index;
  PurchaseRecord purchase;
  purchase.t_lock_requested = requested;
  purchase.t_lock_acquired = acquired;
  customer.purchases.push_back(purchase);
  return customer;
}

}  // namespace

TEST_CASE("grants in request order overtake nobody", "[lock-order]") {
  auto order = ticketsim::check_lock_order(
      {asked_and_got(0, 1, 10), asked_and_got(1, 2, 20), asked_and_got(2, 3, 30)});
  CHECK(order.grants == 3);
  CHECK(order.overtakes == 0);
}

TEST_CASE("each pair granted against request order is one overtake", "[lock-order]") {
  // Requests 1, 2, 3, 4; grants in the order 3, 1, 4, 2 (as times 10, 20, 30, 40):
  // 3 overtook 1 and 2; 4 overtook 2: three pairs.
  auto order = ticketsim::check_lock_order({asked_and_got(0, 1, 20), asked_and_got(1, 2, 40),
                                            asked_and_got(2, 3, 10), asked_and_got(3, 4, 30)});
  CHECK(order.grants == 4);
  CHECK(order.overtakes == 3);
  CHECK(order.overtaking_grants == 2);  // 3 and 4 passed a waiter; 1 and 2 did not
  // The same request time never counts; a purchase that never got the lock is no grant.
  CHECK(ticketsim::check_lock_order({asked_and_got(0, 5, 20), asked_and_got(1, 5, 10)}).overtakes ==
        0);
  CHECK(ticketsim::check_lock_order({asked_and_got(0, 5, 0)}).grants == 0);
}

TEST_CASE("a script that lets a later requester in first is counted as one overtake",
          "[lock-order]") {
  ticketsim::ExperimentConfig config;
  config.mode = ticketsim::Mode::kFlock;
  config.procs = 3;
  config.tickets = 3;
  config.schedule = ticketsim::Schedule::kScript;
  // 2 and 3 wait while 1 holds the lock; then 3, who asked after 2, gets it first.
  config.script = ticketsim::parse_script(
      "1:search 2:search 3:search 1:acquire 2:acquire 3:acquire 1:read 1:write 1:release "
      "3:acquire 3:read 3:write 3:release 2:acquire 2:read 2:write 2:release");
  auto result = ticketsim::run_experiment(config);
  const auto& trial = result.trials.at(0);
  CHECK(trial.lock_order.checked);
  CHECK(trial.lock_order.grants == 3);
  CHECK(trial.lock_order.overtakes == 1);
  CHECK(trial.lock_order.overtaking_grants == 1);
  CHECK(ticketsim::summarize(result).lock_overtakes_total == 1);

  config.mode = ticketsim::Mode::kNone;  // no lock: no lock order to speak of
  CHECK_FALSE(ticketsim::run_experiment(config).trials.at(0).lock_order.checked);
}
