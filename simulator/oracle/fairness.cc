#include "simulator/oracle/fairness.h"

#include <algorithm>
#include <cstdint>
#include <utility>

#include "ticketsim/trial_result.h"

namespace ticketsim {

Fairness check_fairness(const std::vector<CustomerHistory>& customers) {
  std::vector<std::pair<std::int64_t, int>> grants;  // (acquired, customer)
  int customers_granted = 0;
  bool every_customer_twice = true;
  for (std::size_t c = 0; c < customers.size(); ++c) {
    int granted = 0;
    for (const PurchaseRecord& purchase : customers[c].purchases) {
      if (purchase.t_lock_requested == 0 || purchase.t_lock_acquired == 0) continue;
      grants.emplace_back(purchase.t_lock_acquired, static_cast<int>(c));
      ++granted;
    }
    if (granted > 0) ++customers_granted;
    // With one purchase each, the first half of the grants is half the customers whatever
    // the lock does: there is nothing to share out.
    if (granted == 1) every_customer_twice = false;
  }
  Fairness fairness;
  if (customers_granted < 2 || !every_customer_twice) return fairness;
  // The first half of the grants, by selection rather than a sort (a million purchases).
  const std::size_t window = (grants.size() + 1) / 2;
  std::nth_element(grants.begin(), grants.begin() + static_cast<std::ptrdiff_t>(window - 1),
                   grants.end());
  std::vector<std::int64_t> share(customers.size(), 0);
  for (std::size_t g = 0; g < window; ++g) ++share[static_cast<std::size_t>(grants[g].second)];
  double sum = 0, sum_of_squares = 0;
  for (std::int64_t x : share) {
    sum += static_cast<double>(x);
    sum_of_squares += static_cast<double>(x) * static_cast<double>(x);
  }
  fairness.checked = true;
  fairness.customers = customers_granted;
  fairness.window_grants = static_cast<std::int64_t>(window);
  fairness.jain = sum * sum / (customers_granted * sum_of_squares);
  return fairness;
}

}  // namespace ticketsim
