#include "simulator/report/svg_chart.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <utility>

#include <fmt/format.h>

#include "simulator/report/html_page.h"
#include "simulator/text/translate.h"

namespace ticketsim {
namespace {

constexpr std::array<const char*, 10> kPalette = {"#d7263d", "#4a78c2", "#2e9e5b", "#f29e4c",
                                                  "#8e5bc2", "#1b998b", "#c2185b", "#6d6875",
                                                  "#b5838d", "#3d5a80"};

const char* color(std::size_t i) { return kPalette[i % kPalette.size()]; }

// More points than this are drawn without their names, which would stack into a column.
constexpr std::size_t kMaxLabelledPoints = 10;

}  // namespace

std::string mode_color(const std::string& mode) {
  static const std::vector<std::pair<std::string, std::string>> colors = {
      {"none", "#d7263d"},       {"flock", "#4a78c2"},       {"fcntl", "#2e9e5b"},
      {"ofd", "#f29e4c"},        {"named-mutex", "#8e5bc2"}, {"robust-mutex", "#1b998b"},
      {"optimistic", "#3d5a80"}, {"server", "#b08d57"},      {"join", "#6d6875"}};
  for (const auto& [name, color] : colors) {
    if (name == mode) return color;
  }
  return "#888888";
}

namespace {

// The smallest of 1, 2, 5 x 10^k at or above `value`: a round top for an axis.
double nice_ceiling(double value) {
  if (!(value > 0)) return 1;
  const double power = std::pow(10.0, std::floor(std::log10(value)));
  for (double step : {1.0, 2.0, 5.0, 10.0}) {
    if (value <= step * power) return step * power;
  }
  return 10 * power;
}

std::string number(double value) {
  if (value >= 1000) return fmt::format("{:.0f}", value);
  if (value >= 10) return fmt::format("{:.0f}", value);
  return fmt::format("{:g}", std::round(value * 100) / 100);
}

}  // namespace

std::string tradeoff_chart(const std::vector<TradeoffPoint>& points) {
  const double left = 60, top = 20, width = 520, height = 260, bottom = 40;
  double y_top = 0;
  for (const TradeoffPoint& p : points) y_top = std::max(y_top, p.purchases_per_s);
  y_top = nice_ceiling(y_top);
  auto x = [&](double p) { return left + p * width; };
  auto y = [&](double rate) { return top + height - rate / y_top * height; };
  std::string svg = fmt::format(
      "<svg class=\"chart tradeoff\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {0:.0f} "
      "{1:.0f}\" width=\"{0:.0f}\">\n",
      left + width + 200, top + height + bottom);
  for (int tick = 0; tick <= 4; ++tick) {
    const double p = tick / 4.0, rate = y_top * tick / 4.0;
    svg += fmt::format(
        "<line class=\"grid\" x1=\"{0:.1f}\" y1=\"{1:.1f}\" x2=\"{0:.1f}\" y2=\"{2:.1f}\"/>"
        "<text class=\"axis\" x=\"{0:.1f}\" y=\"{3:.1f}\" text-anchor=\"middle\">{4:g}</text>\n"
        "<line class=\"grid\" x1=\"{5:.1f}\" y1=\"{6:.1f}\" x2=\"{7:.1f}\" y2=\"{6:.1f}\"/>"
        "<text class=\"axis\" x=\"{8:.1f}\" y=\"{9:.1f}\" text-anchor=\"end\">{10}</text>\n",
        x(p), top, top + height, top + height + 14, p, left, y(rate), left + width, left - 6,
        y(rate) + 3, number(rate));
  }
  svg += fmt::format(
      "<text class=\"axis\" x=\"{:.1f}\" y=\"{:.1f}\" text-anchor=\"middle\">{}</text>"
      "<text class=\"axis\" x=\"12\" y=\"{:.1f}\" transform=\"rotate(-90 12 {:.1f})\" "
      "text-anchor=\"middle\">{}</text>\n",
      left + width / 2, top + height + 32,
      escape(tr("P(a trial is unsafe), with its 95% interval")), top + height / 2, top + height / 2,
      escape(tr("purchases/s (median)")));
  // Labels right of each interval, moved away from the nearer edge until they collide with no
  // earlier label (modes that cost the same sit on one spot).
  const bool labelled = points.size() <= kMaxLabelledPoints;
  std::vector<std::pair<double, double>> labels;  // (x, y) of each label's baseline
  for (const TradeoffPoint& p : points) {
    std::pair<double, double> at{x(p.unsafe_high) + 8, y(p.purchases_per_s) + 4};
    const double step = at.second > top + height / 2 ? -12 : 12;
    for (bool moved = true; moved;) {
      moved = false;
      for (const auto& other : labels) {
        if (std::abs(other.first - at.first) < 90 && std::abs(other.second - at.second) < 12) {
          at.second = other.second + step;
          moved = true;
        }
      }
    }
    labels.push_back(at);
  }
  for (std::size_t i = 0; i < points.size(); ++i) {
    const TradeoffPoint& p = points[i];
    const double cy = y(p.purchases_per_s);
    svg += fmt::format(
        "<g class=\"tradeoff-point\" data-mode=\"{0}\"><title>{11}</title>"
        "<line class=\"point-interval\" stroke=\"{5}\" x1=\"{6:.1f}\" y1=\"{7:.1f}\" "
        "x2=\"{8:.1f}\" y2=\"{7:.1f}\"/>"
        "<circle cx=\"{9:.1f}\" cy=\"{7:.1f}\" r=\"5\" fill=\"{5}\"/>{10}</g>\n",
        escape(p.label), p.unsafe_p, p.unsafe_low, p.unsafe_high, number(p.purchases_per_s),
        p.mode.empty() ? std::string(color(i)) : mode_color(p.mode), x(p.unsafe_low), cy,
        x(p.unsafe_high), x(p.unsafe_p),
        labelled ? fmt::format("<text class=\"chart-key\" x=\"{:.1f}\" y=\"{:.1f}\">{}</text>",
                               labels[i].first, labels[i].second, escape(p.label))
                 : std::string(),
        escape(trf("{}: P(unsafe) {:.2f} [{:.2f}, {:.2f}], {} purchases/s", p.label, p.unsafe_p,
                   p.unsafe_low, p.unsafe_high, number(p.purchases_per_s))));
  }
  if (!labelled) {
    // Too many points to name each (hovering one names it): a key of the modes instead.
    std::vector<std::string> modes;
    for (const TradeoffPoint& p : points) {
      if (std::find(modes.begin(), modes.end(), p.mode) == modes.end()) modes.push_back(p.mode);
    }
    for (std::size_t m = 0; m < modes.size(); ++m) {
      svg += fmt::format(
          "<rect x=\"{0:.1f}\" y=\"{1:.1f}\" width=\"12\" height=\"4\" fill=\"{2}\"/>"
          "<text class=\"chart-key\" x=\"{3:.1f}\" y=\"{4:.1f}\">{5}</text>\n",
          left + width + 40, top + 14.0 * m + 2, mode_color(modes[m]), left + width + 56,
          top + 14.0 * m + 7, escape(modes[m]));
    }
  }
  return svg + "</svg>\n";
}

std::string line_chart(const std::string& title, const std::string& x_label,
                       const std::vector<double>& x_values, const std::vector<std::string>& x_ticks,
                       const std::vector<ChartSeries>& series, double y_max) {
  const double left = 60, top = 28, width = 560, height = 220, bottom = 44, key_width = 220;
  double y_top = y_max;
  if (y_top <= 0) {
    for (const ChartSeries& s : series) {
      for (std::size_t i = 0; i < s.y.size(); ++i) {
        if (std::isfinite(s.y[i])) y_top = std::max(y_top, s.y[i]);
        if (i < s.high.size() && std::isfinite(s.high[i])) y_top = std::max(y_top, s.high[i]);
      }
    }
    y_top = nice_ceiling(y_top);
  }
  const std::size_t n = x_ticks.size();
  double x_min = n > 0 ? *std::min_element(x_values.begin(), x_values.end()) : 0;
  double x_max = n > 0 ? *std::max_element(x_values.begin(), x_values.end()) : 1;
  const bool log_scale = x_min > 0 && x_max / x_min >= 20;
  auto scaled = [&](double v) { return log_scale ? std::log10(v) : v; };
  auto x = [&](std::size_t i) {
    if (n <= 1 || x_max == x_min) return left + width / 2;
    return left + width * (scaled(x_values[i]) - scaled(x_min)) / (scaled(x_max) - scaled(x_min));
  };
  auto y = [&](double value) {
    return top + height - std::clamp(value / y_top, 0.0, 1.0) * height;
  };
  std::string svg = fmt::format(
      "<svg class=\"chart line-chart\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 "
      "{0:.0f} {1:.0f}\" width=\"{0:.0f}\">\n<text class=\"axis\" x=\"4\" y=\"14\">{2}</text>\n",
      left + width + key_width, top + height + bottom, escape(title));
  for (int tick = 0; tick <= 4; ++tick) {
    const double value = y_top * tick / 4.0;
    svg += fmt::format(
        "<line class=\"grid\" x1=\"{0:.1f}\" y1=\"{1:.1f}\" x2=\"{2:.1f}\" y2=\"{1:.1f}\"/>"
        "<text class=\"axis\" x=\"{3:.1f}\" y=\"{4:.1f}\" text-anchor=\"end\">{5}</text>\n",
        left, y(value), left + width, left - 6, y(value) + 3, number(value));
  }
  for (std::size_t i = 0; i < n; ++i) {
    svg += fmt::format(
        "<text class=\"axis\" x=\"{:.1f}\" y=\"{:.1f}\" text-anchor=\"middle\">{}</text>\n", x(i),
        top + height + 14, escape(x_ticks[i]));
  }
  svg += fmt::format(
      "<text class=\"axis\" x=\"{:.1f}\" y=\"{:.1f}\" text-anchor=\"middle\">{}</text>\n",
      left + width / 2, top + height + 34,
      escape(log_scale ? trf("{} (log scale)", x_label) : x_label));
  for (std::size_t s = 0; s < series.size(); ++s) {
    const ChartSeries& line = series[s];
    const std::string stroke = line.mode.empty() ? std::string(color(s)) : mode_color(line.mode);
    std::string band_upper, band_lower, path, dots;
    for (std::size_t i = 0; i < line.y.size() && i < n; ++i) {
      if (!std::isfinite(line.y[i])) continue;
      path += fmt::format("{}{:.1f},{:.1f}", path.empty() ? "M" : " L", x(i), y(line.y[i]));
      dots += fmt::format(
          "<circle cx=\"{:.1f}\" cy=\"{:.1f}\" r=\"3\" fill=\"{}\"><title>{}: {}</title></circle>",
          x(i), y(line.y[i]), stroke, escape(line.name), number(line.y[i]));
      if (i < line.low.size() && i < line.high.size()) {
        band_upper +=
            fmt::format("{}{:.1f},{:.1f}", band_upper.empty() ? "M" : " L", x(i), y(line.high[i]));
        band_lower = fmt::format(" L{:.1f},{:.1f}", x(i), y(line.low[i])) + band_lower;
      }
    }
    svg += fmt::format("<g class=\"series-line\" data-series=\"{}\">", escape(line.name));
    if (!band_upper.empty()) {
      svg += fmt::format("<path class=\"band\" fill=\"{}\" d=\"{}{} Z\"/>", stroke, band_upper,
                         band_lower);
    }
    if (!path.empty()) {
      svg += fmt::format("<path class=\"series\" stroke=\"{}\" d=\"{}\"/>", stroke, path);
    }
    svg += dots;
    svg += fmt::format(
        "<rect x=\"{0:.1f}\" y=\"{1:.1f}\" width=\"12\" height=\"4\" fill=\"{2}\"/>"
        "<text class=\"chart-key\" x=\"{3:.1f}\" y=\"{4:.1f}\">{5}</text></g>\n",
        left + width + 16, top + 14.0 * s + 2, stroke, left + width + 32, top + 14.0 * s + 7,
        escape(line.name));
  }
  return svg + "</svg>\n";
}

}  // namespace ticketsim
