#include "simulator/oracle/lock_order.h"

#include <algorithm>
#include <cstdint>
#include <utility>

#include "ticketsim/trial_result.h"

namespace ticketsim {
namespace {

// Sorts `values` and returns the pairs i < j with values[i] > values[j] (merge sort).
std::int64_t count_inversions(std::vector<std::int64_t>& values, std::vector<std::int64_t>& tmp,
                              std::size_t begin, std::size_t end) {
  if (end - begin < 2) return 0;
  const std::size_t middle = begin + (end - begin) / 2;
  std::int64_t count =
      count_inversions(values, tmp, begin, middle) + count_inversions(values, tmp, middle, end);
  std::size_t left = begin, right = middle, out = begin;
  while (left < middle && right < end) {
    if (values[right] < values[left]) {
      count += static_cast<std::int64_t>(middle - left);  // every left one is greater
      tmp[out++] = values[right++];
    } else {
      tmp[out++] = values[left++];
    }
  }
  while (left < middle) tmp[out++] = values[left++];
  while (right < end) tmp[out++] = values[right++];
  std::copy(tmp.begin() + static_cast<std::ptrdiff_t>(begin),
            tmp.begin() + static_cast<std::ptrdiff_t>(end),
            values.begin() + static_cast<std::ptrdiff_t>(begin));
  return count;
}

}  // namespace

LockOrder check_lock_order(const std::vector<CustomerHistory>& customers) {
  std::vector<std::pair<std::int64_t, std::int64_t>> grants;  // (requested, acquired)
  for (const CustomerHistory& customer : customers) {
    for (const PurchaseRecord& purchase : customer.purchases) {
      if (purchase.t_lock_requested != 0 && purchase.t_lock_acquired != 0) {
        grants.emplace_back(purchase.t_lock_requested, purchase.t_lock_acquired);
      }
    }
  }
  // In request order (ties by acquisition, so that equal requests never count), the
  // acquisitions out of order are the overtakes.
  std::sort(grants.begin(), grants.end());
  std::vector<std::int64_t> acquired, tmp(grants.size());
  acquired.reserve(grants.size());
  for (const auto& grant : grants) acquired.push_back(grant.second);
  LockOrder order;
  order.grants = static_cast<std::int64_t>(grants.size());
  // A grant overtook a waiter when someone who asked strictly earlier got the lock later.
  std::int64_t latest_earlier = 0;  // the latest acquisition among strictly earlier requests
  for (std::size_t group = 0; group < grants.size();) {
    std::size_t end = group;
    while (end < grants.size() && grants[end].first == grants[group].first) ++end;
    for (std::size_t i = group; i < end; ++i) {
      if (grants[i].second < latest_earlier) ++order.overtaking_grants;
    }
    for (std::size_t i = group; i < end; ++i) {
      latest_earlier = std::max(latest_earlier, grants[i].second);
    }
    group = end;
  }
  order.overtakes = count_inversions(acquired, tmp, 0, acquired.size());
  return order;
}

}  // namespace ticketsim
