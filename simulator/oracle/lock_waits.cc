#include "simulator/oracle/lock_waits.h"

#include <algorithm>
#include <cmath>
#include <cstdint>

#include "ticketsim/trial_result.h"

namespace ticketsim {
namespace {

// The value of rank ceil(q * n) in sorted `values` (nearest rank).
std::int64_t nearest_rank(const std::vector<std::int64_t>& sorted, double q) {
  const auto n = static_cast<std::int64_t>(sorted.size());
  const auto rank = std::clamp<std::int64_t>(
      static_cast<std::int64_t>(std::ceil(q * static_cast<double>(n))), 1, n);
  return sorted[static_cast<std::size_t>(rank - 1)];
}

}  // namespace

LockWaits measure_lock_waits(const std::vector<CustomerHistory>& customers) {
  std::vector<std::int64_t> waits;
  for (const CustomerHistory& customer : customers) {
    for (const PurchaseRecord& purchase : customer.purchases) {
      if (purchase.t_lock_requested != 0 && purchase.t_lock_acquired != 0) {
        waits.push_back(std::max<std::int64_t>(
            0,
            purchase.t_lock_acquired - purchase.t_lock_requested + purchase.earlier_lock_waits_ns));
      }
    }
  }
  LockWaits result;
  if (waits.empty()) return result;
  std::sort(waits.begin(), waits.end());
  result.count = static_cast<std::int64_t>(waits.size());
  result.p50_ns = nearest_rank(waits, 0.50);
  result.p99_ns = nearest_rank(waits, 0.99);
  result.max_ns = waits.back();
  result.histogram.add(std::move(waits));
  return result;
}

}  // namespace ticketsim
