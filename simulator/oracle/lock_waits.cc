#include "simulator/oracle/lock_waits.h"

#include <algorithm>
#include <cmath>
#include <cstdint>

#include "ticketsim/trial_result.h"

namespace ticketsim {
namespace {

// The value of rank ceil(q * n) (nearest rank), by selection: O(n), no sort. Reorders
// `values`.
std::int64_t nearest_rank(std::vector<std::int64_t>& values, double q) {
  const auto n = static_cast<std::int64_t>(values.size());
  const auto rank = std::clamp<std::int64_t>(
      static_cast<std::int64_t>(std::ceil(q * static_cast<double>(n))), 1, n);
  auto at = values.begin() + (rank - 1);
  std::nth_element(values.begin(), at, values.end());
  return *at;
}

}  // namespace

LockWaits measure_lock_waits(const std::vector<CustomerHistory>& customers) {
  std::vector<std::int64_t> waits;
  for (const CustomerHistory& customer : customers) {
    for (const PurchaseRecord& purchase : customer.purchases) {
      if (purchase.t_lock_requested != 0 && purchase.t_lock_acquired != 0) {
        waits.push_back(
            std::max<std::int64_t>(0, purchase.t_lock_acquired - purchase.t_lock_requested +
                                          std::int64_t{purchase.earlier_lock_waits_us} * 1000));
      }
    }
  }
  LockWaits result;
  if (waits.empty()) return result;
  result.count = static_cast<std::int64_t>(waits.size());
  result.p50_ns = nearest_rank(waits, 0.50);
  result.p99_ns = nearest_rank(waits, 0.99);
  result.max_ns = *std::max_element(waits.begin(), waits.end());
  result.histogram.add(waits);
  return result;
}

}  // namespace ticketsim
