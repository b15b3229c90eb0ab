#include "simulator/experiment/statistics.h"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace ticketsim {
namespace {

constexpr double kZ95 = 1.959963984540054;  // the standard normal's 97.5% quantile

}  // namespace

Proportion wilson_interval(int successes, int trials) {
  const double n = trials;
  const double p = successes / n;
  const double z2 = kZ95 * kZ95;
  const double denominator = 1 + z2 / n;
  const double center = (p + z2 / (2 * n)) / denominator;
  const double half = kZ95 * std::sqrt(p * (1 - p) / n + z2 / (4 * n * n)) / denominator;
  // At 0 and n successes the bound is exactly 0 or 1; rounding must not move it.
  return Proportion{p, successes == 0 ? 0 : std::max(0.0, center - half),
                    successes == trials ? 1 : std::min(1.0, center + half)};
}

double quantile(std::vector<double> values, double q) {
  std::sort(values.begin(), values.end());
  const double position = q * static_cast<double>(values.size() - 1);
  const auto below = static_cast<std::size_t>(std::floor(position));
  const std::size_t above = std::min(below + 1, values.size() - 1);
  const double fraction = position - static_cast<double>(below);
  return values[below] + fraction * (values[above] - values[below]);
}

Distribution describe_distribution(const std::vector<double>& values) {
  Distribution distribution;
  distribution.min = *std::min_element(values.begin(), values.end());
  distribution.max = *std::max_element(values.begin(), values.end());
  distribution.median = quantile(values, 0.5);
  distribution.p95 = quantile(values, 0.95);
  distribution.mean =
      std::accumulate(values.begin(), values.end(), 0.0) / static_cast<double>(values.size());
  return distribution;
}

MedianInterval median_interval(std::vector<double> values) {
  std::sort(values.begin(), values.end());
  const int n = static_cast<int>(values.size());
  // below[k] = P(Binomial(n, 1/2) < k), accumulated in log space so that large n is exact.
  auto probability_below = [n](int k) {
    double total = 0;
    for (int i = 0; i < k; ++i) {
      total += std::exp(std::lgamma(n + 1) - std::lgamma(i + 1) - std::lgamma(n - i + 1) -
                        n * std::log(2.0));
    }
    return total;
  };
  int best = 1;  // [x(1), x(n)]: the whole sample
  for (int j = 2; 2 * j <= n + 1; ++j) {
    if (1 - 2 * probability_below(j) < 0.95) break;
    best = j;
  }
  return MedianInterval{values[static_cast<std::size_t>(best - 1)],
                        values[static_cast<std::size_t>(n - best)],
                        1 - 2 * probability_below(best)};
}

}  // namespace ticketsim
