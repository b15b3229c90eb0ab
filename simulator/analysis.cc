#include "simulator/analysis.h"

#include <algorithm>

#include <fmt/format.h>

namespace ticketsim {

void analyse_trial(TrialResult& result, const std::vector<CustomerHistory>& customers,
                   bool search_is_shared) {
  result.sold = result.torn_reads = result.purchases = 0;
  result.errors = 0;
  result.first_error.clear();
  for (const CustomerHistory& customer : customers) {
    if (customer.search.outcome == Outcome::kTornRead) ++result.torn_reads;
    if (!customer.error.empty() && !customer.lock_timed_out) {  // a timeout is a stall
      if (result.errors == 0) {
        result.first_error = fmt::format("customer {}: {}", customer.index + 1, customer.error);
      }
      ++result.errors;
    }
    for (const PurchaseRecord& purchase : customer.purchases) {
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
        default:
          break;
      }
    }
  }
  result.oversold = std::max<std::int64_t>(0, result.sold - result.tickets);
  result.lost_updates =
      result.final_count ? result.sold - (result.tickets - *result.final_count) : 0;
  result.mutex = check_mutual_exclusion(customers, search_is_shared);
  result.mutex_violations = result.mutex.violations;
  result.witnesses = find_witnesses(customers, result.tickets);
}

}  // namespace ticketsim
