// LogHistogram: a mergeable distribution of non-negative durations, 0.8% resolution.
#pragma once

#include <cstdint>
#include <utility>
#include <vector>

#include "ticketsim/version.h"  // the C++20 check

namespace ticketsim {

// Counts values (e.g. nanoseconds) in logarithmic buckets: exact below 128, then 128 buckets
// per power of two, so a quantile is off by less than 1/128 (0.8%) of its value. Sparse: it
// holds only the buckets that were hit, so a trial of 15 purchases keeps at most 15 entries
// and a million purchases a few thousand. Histograms of many trials merge exactly.
class LogHistogram {
 public:
  // Adds `values` (each >= 0; negatives count as 0), in time linear in their number.
  void add(const std::vector<std::int64_t>& values);
  // Adds every value counted in `other`.
  void merge(const LogHistogram& other);

  std::int64_t count() const { return count_; }
  std::int64_t max() const { return max_; }  // the exact largest value; 0 when empty
  // The nearest-rank q-quantile (0 < q <= 1): the upper edge of the bucket holding the value
  // of rank ceil(q * count), never above max(). 0 when empty.
  std::int64_t quantile(double q) const;

  // The bucket that holds `value`, and the largest value bucket `index` holds.
  static std::uint32_t bucket_of(std::int64_t value);
  static std::int64_t bucket_upper(std::uint32_t index);

 private:
  std::vector<std::pair<std::uint32_t, std::int64_t>> buckets_;  // (index, count), ascending
  std::int64_t count_ = 0;
  std::int64_t max_ = 0;
};

}  // namespace ticketsim
