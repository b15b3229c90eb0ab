#include "simulator/analysis.h"

#include <algorithm>
#include <functional>
#include <queue>
#include <utility>

namespace ticketsim {
namespace {

struct Interval {
  std::int64_t begin;
  std::int64_t end;
};

// Pairs of intervals that overlap (a.begin < b.end && b.begin < a.end), by a sweep over
// begins with a min-heap of the ends still open: O(n log n), even when all overlap.
std::int64_t count_overlapping_pairs(std::vector<Interval> intervals) {
  std::sort(intervals.begin(), intervals.end(),
            [](const Interval& a, const Interval& b) { return a.begin < b.begin; });
  std::priority_queue<std::int64_t, std::vector<std::int64_t>, std::greater<>> open_ends;
  std::int64_t pairs = 0;
  for (const Interval& interval : intervals) {
    while (!open_ends.empty() && open_ends.top() <= interval.begin) open_ends.pop();
    pairs += static_cast<std::int64_t>(open_ends.size());
    open_ends.push(interval.end);
  }
  return pairs;
}

bool held(std::int64_t acquired, std::int64_t released) {
  return acquired != 0 && released != 0 && released >= acquired;
}

}  // namespace

std::int64_t count_mutex_violations(const std::vector<CustomerHistory>& customers,
                                    bool search_is_shared) {
  std::vector<Interval> all, shared;
  for (const CustomerHistory& customer : customers) {
    const SearchRecord& search = customer.search;
    if (held(search.t_lock_acquired, search.t_released)) {
      Interval interval{search.t_lock_acquired, search.t_released};
      all.push_back(interval);
      if (search_is_shared) shared.push_back(interval);
    }
    for (const PurchaseRecord& purchase : customer.purchases) {
      if (held(purchase.t_lock_acquired, purchase.t_released)) {
        all.push_back(Interval{purchase.t_lock_acquired, purchase.t_released});
      }
    }
  }
  return count_overlapping_pairs(std::move(all)) - count_overlapping_pairs(std::move(shared));
}

void analyse_trial(TrialResult& result, const std::vector<CustomerHistory>& customers,
                   bool search_is_shared) {
  result.sold = result.torn_reads = result.purchases = 0;
  result.errors = 0;
  for (const CustomerHistory& customer : customers) {
    if (customer.search.outcome == Outcome::kTornRead) ++result.torn_reads;
    if (!customer.error.empty()) ++result.errors;
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
  result.mutex_violations = count_mutex_violations(customers, search_is_shared);
}

}  // namespace ticketsim
