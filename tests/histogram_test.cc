// LogHistogram: buckets, quantiles within 0.8%, and exact merging.
#include "ticketsim/histogram.h"

#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <random>
#include <vector>

using ticketsim::LogHistogram;

TEST_CASE("every value falls in the bucket whose range holds it, exactly below 128",
          "[histogram]") {
  for (std::int64_t value : {0LL, 1LL, 127LL}) {
    CHECK(LogHistogram::bucket_upper(LogHistogram::bucket_of(value)) == value);
  }
  std::mt19937_64 random(7);
  for (int i = 0; i < 100000; ++i) {
    const auto value = static_cast<std::int64_t>(random() >> (1 + random() % 62));
    const std::uint32_t bucket = LogHistogram::bucket_of(value);
    const std::int64_t upper = LogHistogram::bucket_upper(bucket);
    const std::int64_t lower = bucket == 0 ? 0 : LogHistogram::bucket_upper(bucket - 1) + 1;
    REQUIRE(lower <= value);
    REQUIRE(value <= upper);
    REQUIRE(static_cast<double>(upper - lower) <= static_cast<double>(lower) / 128.0 + 1e-9);
  }
}

TEST_CASE("quantiles are the nearest rank to within 1/128 and the max is exact", "[histogram]") {
  std::mt19937_64 random(11);
  std::lognormal_distribution<double> wait(10.0, 2.0);
  std::vector<std::int64_t> values;
  for (int i = 0; i < 20000; ++i) values.push_back(static_cast<std::int64_t>(wait(random)));
  LogHistogram histogram;
  histogram.add(values);
  std::sort(values.begin(), values.end());
  CHECK(histogram.count() == 20000);
  CHECK(histogram.max() == values.back());
  for (double q : {0.01, 0.5, 0.9, 0.99, 0.999, 1.0}) {
    const auto rank = static_cast<std::size_t>(std::ceil(q * 20000));
    const std::int64_t exact = values[rank - 1];
    const std::int64_t estimate = histogram.quantile(q);
    CHECK(estimate >= exact);
    CHECK(static_cast<double>(estimate - exact) <= static_cast<double>(exact) / 128.0);
  }
  CHECK(LogHistogram().quantile(0.5) == 0);
}

TEST_CASE("histograms of parts merge into the histogram of the whole", "[histogram]") {
  std::vector<std::int64_t> a = {5, 900, 900, 1'000'000, 3}, b = {900, 70'000'000, 4, 5};
  LogHistogram merged, whole;
  LogHistogram part_a, part_b;
  part_a.add(a);
  part_b.add(b);
  merged.merge(part_a);
  merged.merge(part_b);
  std::vector<std::int64_t> all = a;
  all.insert(all.end(), b.begin(), b.end());
  whole.add(all);
  CHECK(merged.count() == whole.count());
  CHECK(merged.max() == 70'000'000);
  for (double q : {0.1, 0.25, 0.5, 0.75, 0.9, 1.0}) CHECK(merged.quantile(q) == whole.quantile(q));
  // Rank 5 of 9 (3 4 5 5 [900] 900 900 ...): the upper edge of 900's bucket, 896..903.
  CHECK(merged.quantile(0.5) == 903);
}
