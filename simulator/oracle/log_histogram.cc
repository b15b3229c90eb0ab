#include <algorithm>
#include <bit>
#include <cmath>
#include <limits>

#include "ticketsim/histogram.h"

namespace ticketsim {
namespace {

constexpr int kSubBits = 7;  // 128 buckets per power of two
constexpr std::int64_t kSub = std::int64_t{1} << kSubBits;

}  // namespace

std::uint32_t LogHistogram::bucket_of(std::int64_t value) {
  if (value < kSub) return static_cast<std::uint32_t>(std::max<std::int64_t>(value, 0));
  const int exponent = std::bit_width(static_cast<std::uint64_t>(value)) - 1;  // >= kSubBits
  const int shift = exponent - kSubBits;
  return static_cast<std::uint32_t>((shift + 1) * kSub + ((value >> shift) - kSub));
}

std::int64_t LogHistogram::bucket_upper(std::uint32_t index) {
  if (index < kSub) return index;
  const int shift = static_cast<int>(index / kSub) - 1;
  const auto mantissa = static_cast<std::uint64_t>(kSub + index % kSub);
  // Unsigned: the top bucket's edge is 2^63 - 1, one short of what int64 cannot hold.
  const std::uint64_t upper = ((mantissa + 1) << shift) - 1;
  return static_cast<std::int64_t>(
      std::min<std::uint64_t>(upper, std::numeric_limits<std::int64_t>::max()));
}

void LogHistogram::add(const std::vector<std::int64_t>& values) {
  if (values.empty()) return;
  // Counted into dense buckets (a few thousand at most: 128 per power of two up to the
  // largest value), then kept sparse.
  std::int64_t largest = 0;
  for (std::int64_t value : values) largest = std::max(largest, value);
  std::vector<std::int64_t> dense(bucket_of(largest) + 1, 0);
  for (std::int64_t value : values) ++dense[bucket_of(value)];
  LogHistogram counted;
  for (std::size_t bucket = 0; bucket < dense.size(); ++bucket) {
    if (dense[bucket] != 0) {
      counted.buckets_.emplace_back(static_cast<std::uint32_t>(bucket), dense[bucket]);
    }
  }
  counted.count_ = static_cast<std::int64_t>(values.size());
  counted.max_ = largest;
  merge(counted);
}

void LogHistogram::merge(const LogHistogram& other) {
  if (other.count_ == 0) return;
  std::vector<std::pair<std::uint32_t, std::int64_t>> merged;
  merged.reserve(buckets_.size() + other.buckets_.size());
  auto mine = buckets_.cbegin();
  auto theirs = other.buckets_.cbegin();
  while (mine != buckets_.cend() || theirs != other.buckets_.cend()) {
    if (theirs == other.buckets_.cend() ||
        (mine != buckets_.cend() && mine->first < theirs->first)) {
      merged.push_back(*mine++);
    } else if (mine == buckets_.cend() || theirs->first < mine->first) {
      merged.push_back(*theirs++);
    } else {
      merged.emplace_back(mine->first, mine->second + theirs->second);
      ++mine;
      ++theirs;
    }
  }
  buckets_ = std::move(merged);
  count_ += other.count_;
  max_ = std::max(max_, other.max_);
}

std::int64_t LogHistogram::quantile(double q) const {
  if (count_ == 0) return 0;
  const auto rank = std::clamp<std::int64_t>(
      static_cast<std::int64_t>(std::ceil(q * static_cast<double>(count_))), 1, count_);
  std::int64_t seen = 0;
  for (const auto& [bucket, count] : buckets_) {
    seen += count;
    if (seen >= rank) return std::min(bucket_upper(bucket), max_);
  }
  return max_;
}

}  // namespace ticketsim
