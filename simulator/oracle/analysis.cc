#include "simulator/oracle/analysis.h"

#include <algorithm>

#include <fmt/format.h>

#include "simulator/oracle/fairness.h"
#include "simulator/oracle/lock_order.h"
#include "simulator/oracle/lock_waits.h"
#include "simulator/oracle/mutual_exclusion.h"
#include "simulator/oracle/witnesses.h"

namespace ticketsim {
namespace {

// Time spent waiting for a lock requested at `requested`: until it was acquired, or, for a
// customer that never got it (killed while waiting), until the trial ended.
std::int64_t wait_ns(std::int64_t requested, std::int64_t acquired, std::int64_t trial_end) {
  if (requested == 0) return 0;
  std::int64_t until = acquired != 0 ? acquired : trial_end;
  return until > requested ? until - requested : 0;
}

}  // namespace

void analyse_trial(TrialResult& result, const std::vector<CustomerHistory>& customers,
                   bool search_is_shared) {
  result.sold = result.torn_reads = result.purchases = result.retries = 0;
  result.writes_made = result.indeterminate = result.lock_wait_ns = 0;
  result.errors = 0;
  result.failed_purchases = 0;
  result.first_error.clear();
  const std::int64_t trial_end = result.t_start + result.wall_ns;
  for (const CustomerHistory& customer : customers) {
    if (customer.search.outcome == Outcome::kTornRead) ++result.torn_reads;
    // A search that read without a lock (a database's) never waited for one.
    if (!customer.search.unlocked()) {
      result.lock_wait_ns +=
          wait_ns(customer.search.t_lock_requested, customer.search.t_lock_acquired, trial_end);
    }
    // A lock timeout is a stall, and leaving a barrier the run broke is the run's doing.
    if (!customer.error.empty() && !customer.lock_timed_out && !customer.stopped_by_run) {
      if (result.errors == 0) {
        result.first_error = fmt::format("customer {}: {}", customer.index + 1, customer.error);
      }
      ++result.errors;
    }
    for (const PurchaseRecord& purchase : customer.purchases) {
      result.lock_wait_ns +=
          wait_ns(purchase.t_lock_requested, purchase.t_lock_acquired, trial_end) +
          std::int64_t{purchase.earlier_lock_waits_us} * 1000;
      result.retries += purchase.retries;
      if (purchase.write_state == WriteState::kDone) ++result.writes_made;
      if (purchase.write_state == WriteState::kBegun) ++result.indeterminate;
      switch (purchase.outcome) {
        case Outcome::kBought:
          ++result.sold;
          ++result.purchases;
          break;
        case Outcome::kSoldOut:
          ++result.purchases;
          break;
        case Outcome::kTornRead:
          ++result.torn_reads;
          ++result.purchases;
          break;
        case Outcome::kError:
          ++result.failed_purchases;
          break;
        default:
          break;
      }
    }
  }
  result.oversold = std::max<std::int64_t>(0, result.sold - result.tickets);
  // The store went down by `dropped`; every write known to have landed took it down by one
  // unless another write erased it. Writes of unknown effect widen the answer to a range.
  result.lost_updates.reset();
  result.lost_updates_max.reset();
  if (result.final_count) {
    std::int64_t dropped = result.tickets - *result.final_count;
    result.lost_updates = std::max<std::int64_t>(0, result.writes_made - dropped);
    result.lost_updates_max =
        std::max<std::int64_t>(0, result.writes_made + result.indeterminate - dropped);
  }
  result.mutex = check_mutual_exclusion(customers, search_is_shared);
  result.mutex_violations = result.mutex.violations;
  result.witnesses = find_witnesses(customers, result.tickets);
  result.lock_order = LockOrder{};
  result.lock_waits = LockWaits{};
  result.fairness = Fairness{};
  // A database's optimistic purchase is one UPDATE ... WHERE count = <read>: it takes no
  // lock, so there is no wait or grant order to measure.
  const bool compare_and_set = result.database_store && result.mode == Mode::kOptimistic;
  if (mode_takes_lock(result.mode) && !compare_and_set && result.times_recorded) {
    result.lock_order = check_lock_order(customers);
    result.lock_order.checked = true;
    result.lock_waits = measure_lock_waits(customers);
    result.lock_waits.checked = true;
    result.fairness = check_fairness(customers);
  }
}

}  // namespace ticketsim
