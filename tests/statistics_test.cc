// The estimators behind every experiment of two or more trials, against known values.
#include "simulator/experiment/statistics.h"

#include <catch2/catch.hpp>

#include <vector>

using Catch::Detail::Approx;
using ticketsim::wilson_interval;

TEST_CASE("the Wilson interval matches published values at 0, half and all", "[statistics]") {
  auto none = wilson_interval(0, 30);
  CHECK(none.p == 0);
  CHECK(none.low == 0);
  CHECK(none.high == Approx(0.1135).margin(1e-4));
  auto half = wilson_interval(15, 30);
  CHECK(half.p == 0.5);
  CHECK(half.low == Approx(0.3315).margin(1e-4));
  CHECK(half.high == Approx(0.6685).margin(1e-4));
  auto all = wilson_interval(30, 30);
  CHECK(all.low == Approx(0.8865).margin(1e-4));
  CHECK(all.high == 1);
  auto three = wilson_interval(3, 3);
  CHECK(three.low == Approx(0.4385).margin(1e-4));
}

TEST_CASE("quantiles interpolate between order statistics as R and NumPy do", "[statistics]") {
  const std::vector<double> values{7, 1, 3, 5, 9};  // sorted: 1 3 5 7 9
  CHECK(ticketsim::quantile(values, 0) == 1);
  CHECK(ticketsim::quantile(values, 0.5) == 5);
  CHECK(ticketsim::quantile(values, 1) == 9);
  CHECK(ticketsim::quantile(values, 0.95) == Approx(8.6));  // 0.95 x 4 = 3.8: 7 + 0.8 x 2
  CHECK(ticketsim::quantile({4, 2}, 0.5) == 3);
  CHECK(ticketsim::quantile({42}, 0.95) == 42);
}

TEST_CASE("a distribution is described by min, median, p95, max and mean", "[statistics]") {
  auto d = ticketsim::describe_distribution({14, 14, 13, 14});
  CHECK(d.min == 13);
  CHECK(d.median == 14);
  CHECK(d.p95 == 14);
  CHECK(d.max == 14);
  CHECK(d.mean == Approx(13.75));
}

TEST_CASE("the median's interval uses the order statistics with at least 95% coverage",
          "[statistics]") {
  // n = 10: [x(2), x(9)] covers 1 - 2 x 11/1024 = 97.85%; [x(3), x(8)] only 89.06%.
  auto ten = ticketsim::median_interval({10, 9, 8, 7, 6, 5, 4, 3, 2, 1});
  CHECK(ten.low == 2);
  CHECK(ten.high == 9);
  CHECK(ten.coverage == Approx(1 - 2 * 11.0 / 1024));
  // n = 3: no interval reaches 95%; the whole sample covers 1 - 2^-2 = 75%.
  auto three = ticketsim::median_interval({5, 1, 3});
  CHECK(three.low == 1);
  CHECK(three.high == 5);
  CHECK(three.coverage == Approx(0.75));
  // n = 100: the classical x(40), x(61).
  std::vector<double> hundred;
  for (int i = 1; i <= 100; ++i) hundred.push_back(i);
  auto large = ticketsim::median_interval(hundred);
  CHECK(large.low == 40);
  CHECK(large.high == 61);
  CHECK(large.coverage >= 0.95);
}
