#include "ticketsim/sweep.h"
#include "simulator/text/translate.h"

#include <algorithm>
#include <charconv>
#include <climits>
#include <set>

#include <fmt/format.h>

namespace ticketsim {
namespace {

std::int64_t parse_count(std::string_view text, SweepParameter parameter) {
  std::int64_t value = 0;
  const char* end = text.data() + text.size();
  auto [ptr, error] = std::from_chars(text.data(), end, value);
  if (error != std::errc() || ptr != end || text.empty()) {
    throw ConfigError("vary",
                      trf("{}: '{}' is not a whole number", sweep_parameter_name(parameter), text));
  }
  return value;
}

std::int64_t parse_value(std::string_view text, SweepParameter parameter) {
  if (!is_duration(parameter)) return parse_count(text, parameter);
  try {
    return parse_duration(text).count();
  } catch (const DurationError& e) {
    throw ConfigError("vary", trf("{}: {}", sweep_parameter_name(parameter), e.what()));
  }
}

std::vector<std::string_view> split(std::string_view text, char separator) {
  std::vector<std::string_view> parts;
  while (true) {
    const std::size_t at = text.find(separator);
    parts.push_back(text.substr(0, at));
    if (at == std::string_view::npos) return parts;
    text.remove_prefix(at + 1);
  }
}

// "A..B:STEP" or "A..B*F" into values; throws ConfigError.
std::vector<std::int64_t> parse_range(std::string_view text, SweepParameter parameter) {
  const std::string_view name = sweep_parameter_name(parameter);
  const std::size_t dots = text.find("..");
  const std::size_t step_at = text.find_first_of(":*", dots);
  if (step_at == std::string_view::npos) {
    throw ConfigError("vary", trf("{}: a range needs a step, '{}:STEP' (arithmetic) or "
                                  "'{}*FACTOR' (geometric)",
                                  name, text, text));
  }
  const std::int64_t from = parse_value(text.substr(0, dots), parameter);
  const std::int64_t to = parse_value(text.substr(dots + 2, step_at - dots - 2), parameter);
  const std::string_view step_text = text.substr(step_at + 1);
  if (from > to) {
    throw ConfigError("vary", trf("{}: the range {} runs backwards", name, text));
  }
  std::vector<std::int64_t> values;
  if (text[step_at] == ':') {
    const std::int64_t step = parse_value(step_text, parameter);
    if (step <= 0) throw ConfigError("vary", trf("{}: the step must be positive", name));
    for (std::int64_t v = from; v <= to; v += step) {
      values.push_back(v);
      if (values.size() > kMaxSweepValues) break;
    }
  } else {
    const std::int64_t factor = parse_count(step_text, parameter);
    if (factor < 2) {
      throw ConfigError("vary", trf("{}: the factor after * must be 2 or more", name));
    }
    if (from <= 0) {
      throw ConfigError("vary", trf("{}: a geometric range starts above 0", name));
    }
    for (std::int64_t v = from; v <= to; v *= factor) {
      values.push_back(v);
      if (v > to / factor) break;
    }
  }
  return values;
}

}  // namespace

std::string_view sweep_parameter_name(SweepParameter parameter) {
  switch (parameter) {
    case SweepParameter::kProcs:
      return "procs";
    case SweepParameter::kTickets:
      return "tickets";
    case SweepParameter::kAttempts:
      return "attempts";
    case SweepParameter::kLatency:
      return "latency";
    case SweepParameter::kSearchLatency:
      return "search-latency";
    case SweepParameter::kHold:
      return "hold";
  }
  return "?";
}

const std::vector<SweepParameter>& sweep_parameters() {
  static const std::vector<SweepParameter> all = {
      SweepParameter::kProcs,   SweepParameter::kTickets,       SweepParameter::kAttempts,
      SweepParameter::kLatency, SweepParameter::kSearchLatency, SweepParameter::kHold};
  return all;
}

bool is_duration(SweepParameter parameter) {
  return parameter == SweepParameter::kLatency || parameter == SweepParameter::kSearchLatency ||
         parameter == SweepParameter::kHold;
}

SweepAxis parse_sweep_axis(std::string_view text) {
  const std::size_t equals = text.find('=');
  std::vector<std::string> names;
  for (SweepParameter p : sweep_parameters()) names.emplace_back(sweep_parameter_name(p));
  if (equals == std::string_view::npos) {
    throw ConfigError(
        "vary", trf("'{}' is not NAME=VALUES (NAME one of {})", text, fmt::join(names, ", ")));
  }
  const std::string_view name = text.substr(0, equals);
  const auto& all = sweep_parameters();
  auto found = std::find_if(all.begin(), all.end(),
                            [&](SweepParameter p) { return sweep_parameter_name(p) == name; });
  if (found == all.end()) {
    throw ConfigError(
        "vary", trf("unknown parameter '{}'; expected one of {}", name, fmt::join(names, ", ")));
  }
  SweepAxis axis;
  axis.parameter = *found;
  const std::string_view values = text.substr(equals + 1);
  if (values.empty()) throw ConfigError("vary", trf("{}: no values", name));
  if (values.find("..") != std::string_view::npos) {
    if (values.find(',') != std::string_view::npos) {
      throw ConfigError("vary", trf("{}: give a list or a range, not both", name));
    }
    axis.values = parse_range(values, axis.parameter);
  } else {
    for (std::string_view part : split(values, ',')) {
      axis.values.push_back(parse_value(part, axis.parameter));
    }
  }
  if (axis.values.size() > kMaxSweepValues) {
    throw ConfigError("vary", trf("{}: more than {} values", name, kMaxSweepValues));
  }
  std::set<std::int64_t> seen;
  for (std::int64_t value : axis.values) {
    if (!seen.insert(value).second) {
      throw ConfigError(
          "vary", trf("{}: {} is listed twice", name, sweep_value_label(axis.parameter, value)));
    }
  }
  return axis;
}

std::string sweep_value_label(SweepParameter parameter, std::int64_t value) {
  return is_duration(parameter) ? format_duration(Nanoseconds(value)) : std::to_string(value);
}

ExperimentConfig with_parameter(ExperimentConfig base, SweepParameter parameter,
                                std::int64_t value) {
  switch (parameter) {
    case SweepParameter::kProcs:
      base.procs = static_cast<int>(std::clamp<std::int64_t>(value, INT_MIN, INT_MAX));
      break;
    case SweepParameter::kTickets:
      base.tickets = value;
      break;
    case SweepParameter::kAttempts:
      base.attempts = static_cast<int>(std::clamp<std::int64_t>(value, INT_MIN, INT_MAX));
      break;
    case SweepParameter::kLatency:
      base.latency = DurationRange::exactly(Nanoseconds(value));
      break;
    case SweepParameter::kSearchLatency:
      base.search_latency = Nanoseconds(value);
      break;
    case SweepParameter::kHold:
      base.hold = Nanoseconds(value);
      break;
  }
  return base;
}

std::string parameter_label(const ExperimentConfig& config, SweepParameter parameter) {
  switch (parameter) {
    case SweepParameter::kProcs:
      return std::to_string(config.procs);
    case SweepParameter::kTickets:
      if (config.tickets) return std::to_string(*config.tickets);
      return config.store_path.empty() ? "1" : "store";  // a fresh store holds 1 ticket
    case SweepParameter::kAttempts:
      return std::to_string(config.attempts);
    case SweepParameter::kLatency:
      return format_duration_range(config.latency);
    case SweepParameter::kSearchLatency:
      return format_duration(config.search_latency);
    case SweepParameter::kHold:
      return format_duration(config.hold);
  }
  return "?";
}

std::vector<SweepPoint> sweep_points(const ExperimentConfig& base, const std::vector<Mode>& modes,
                                     const std::vector<SweepAxis>& axes) {
  std::vector<std::vector<std::int64_t>> grid = {{}};
  for (const SweepAxis& axis : axes) {
    std::vector<std::vector<std::int64_t>> next;
    for (const auto& prefix : grid) {
      for (std::int64_t value : axis.values) {
        next.push_back(prefix);
        next.back().push_back(value);
      }
    }
    grid = std::move(next);
  }
  std::vector<SweepPoint> points;
  for (const auto& values : grid) {
    ExperimentConfig config = base;
    for (std::size_t a = 0; a < axes.size(); ++a) {
      config = with_parameter(config, axes[a].parameter, values[a]);
    }
    for (Mode mode : modes) {
      SweepPoint point{mode, values, config};
      point.config.mode = mode;
      try {
        point.config.validate();
      } catch (const ConfigError& e) {
        // A setting nobody varies is wrong at every point: say so as its own flag would.
        const bool varied_field = std::any_of(axes.begin(), axes.end(), [&](const SweepAxis& a) {
          return sweep_parameter_name(a.parameter) == e.field();
        });
        if (!varied_field) {
          ExperimentConfig unvaried = base;
          unvaried.mode = mode;
          unvaried.validate();  // throws the setting's own error when the base is at fault
        }
        std::string where;
        for (std::size_t a = 0; a < axes.size(); ++a) {
          where +=
              fmt::format("{}{}={}", a == 0 ? "" : ", ", sweep_parameter_name(axes[a].parameter),
                          sweep_value_label(axes[a].parameter, values[a]));
        }
        throw ConfigError("vary", trf("at {} (mode {}): --{}: {}", where, mode_name(mode),
                                      e.field(), e.problem()));
      }
      points.push_back(std::move(point));
    }
  }
  return points;
}

}  // namespace ticketsim
