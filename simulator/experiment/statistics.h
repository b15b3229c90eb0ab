// Estimators for experiments of several trials: proportions with Wilson intervals, quantiles,
// distributions and a distribution-free interval for a median.
#pragma once

#include <vector>

namespace ticketsim {

// A proportion and its two-sided 95% interval.
struct Proportion {
  double p = 0;
  double low = 0;
  double high = 0;
};

// successes / trials with the 95% Wilson score interval (z = 1.96), which stays inside
// [0, 1] and is sensible at 0 and at `trials` successes, where the normal interval
// collapses. trials > 0.
Proportion wilson_interval(int successes, int trials);

// The q-quantile (0 <= q <= 1) of `values`, interpolating linearly between order statistics
// (Hyndman and Fan's type 7, the default of R and NumPy). `values` not empty.
double quantile(std::vector<double> values, double q);

// Five numbers that describe a sample. `values` not empty.
struct Distribution {
  double min = 0, median = 0, p95 = 0, max = 0, mean = 0;
};
Distribution describe_distribution(const std::vector<double>& values);

// A distribution-free interval for the median: the order statistics x(j) and x(n+1-j) with
// the largest j whose coverage, 1 - 2 P(Binomial(n, 1/2) < j), is at least 95%. Below 6
// values no such j exists and the interval is [min, max], whose coverage (1 - 2^(1-n)) is
// reported. `values` not empty.
struct MedianInterval {
  double low = 0;
  double high = 0;
  double coverage = 0;  // the interval's exact coverage probability
};
MedianInterval median_interval(std::vector<double> values);

}  // namespace ticketsim
