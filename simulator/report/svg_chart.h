// SVG charts for the reports: the safety/throughput tradeoff and line charts for sweeps.
#pragma once

#include <string>
#include <vector>

namespace ticketsim {

// One mode as a point of the tradeoff chart: its probability of an unsafe trial (with the 95%
// interval drawn as a horizontal bar) against its median purchases per second.
struct TradeoffPoint {
  std::string label;  // the mode, or "mode, procs=8" in a sweep
  double unsafe_p = 0, unsafe_low = 0, unsafe_high = 0;
  double purchases_per_s = 0;
  std::string mode;  // colours the point as every chart colours this mode
};

// The colour every chart gives `mode` ("none" red, "flock" blue, ...); another name gets a
// neutral grey.
std::string mode_color(const std::string& mode);

// An inline <svg class="tradeoff"> with one <g class="tradeoff-point" data-mode="LABEL"> per
// point: P(unsafe) from 0 to 1 across, purchases/s up (from 0 to the largest, rounded up).
std::string tradeoff_chart(const std::vector<TradeoffPoint>& points);

// One line of a line chart: y at each x position (NaN: no value there), and optionally a band
// from low to high around it (the interval of each value).
struct ChartSeries {
  std::string name;
  std::string mode;  // its colour (mode_color)
  std::vector<double> y;
  std::vector<double> low, high;  // empty, or one per y
};

// A line chart against the values a sweep ran (`x`, labelled `x_ticks`), placed to scale: on a
// logarithmic axis when all are positive and span a factor of 20 or more (the axis label then
// says so), else on a linear one. <svg class="line-chart"> with one <g class="series-line"
// data-series="NAME"> per series, each with one <circle> per value. y runs from 0 to `y_max`,
// or to the largest value when y_max is 0.
std::string line_chart(const std::string& title, const std::string& x_label,
                       const std::vector<double>& x, const std::vector<std::string>& x_ticks,
                       const std::vector<ChartSeries>& series, double y_max = 0);

}  // namespace ticketsim
