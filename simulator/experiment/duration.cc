#include "ticketsim/duration.h"
#include "simulator/text/translate.h"

#include <array>
#include <cctype>
#include <charconv>
#include <cmath>

#include <fmt/format.h>

namespace ticketsim {
namespace {

struct Unit {
  std::string_view suffix;
  double nanoseconds;
};

constexpr std::array<Unit, 6> kUnits{{
    {"ns", 1.0},
    {"us", 1e3},
    {"\xC2\xB5s", 1e3},  // µs
    {"ms", 1e6},
    {"s", 1e9},
    {"min", 60e9},
}};

constexpr double kMaxNanoseconds = 3600e9;

std::string_view trim(std::string_view text) {
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front()))) {
    text.remove_prefix(1);
  }
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) {
    text.remove_suffix(1);
  }
  return text;
}

}  // namespace

Nanoseconds parse_duration(std::string_view raw) {
  std::string_view text = trim(raw);
  const std::string expected = tr("expected a duration such as 50ms, 200us, 1.5s or 0");
  if (text.empty()) throw DurationError(trf("empty; {}", expected));
  if (text.front() == '-') throw DurationError(trf("'{}' is negative; {}", raw, expected));
  std::size_t digits_end = 0;
  while (digits_end < text.size() &&
         (std::isdigit(static_cast<unsigned char>(text[digits_end])) || text[digits_end] == '.')) {
    ++digits_end;
  }
  std::string_view number = text.substr(0, digits_end);
  std::string_view suffix = trim(text.substr(digits_end));
  double value = 0;
  auto [end, error] = std::from_chars(number.data(), number.data() + number.size(), value,
                                      std::chars_format::fixed);
  if (number.empty() || error != std::errc() || end != number.data() + number.size()) {
    throw DurationError(trf("'{}' is not a number with a unit; {}", raw, expected));
  }
  if (suffix.empty()) {
    if (value == 0) return Nanoseconds(0);
    throw DurationError(trf("'{}' has no unit; {}", raw, expected));
  }
  for (const auto& unit : kUnits) {
    if (unit.suffix == suffix) {
      double ns = value * unit.nanoseconds;
      if (ns > kMaxNanoseconds) {
        throw DurationError(trf("'{}' is longer than one hour", raw));
      }
      return Nanoseconds(static_cast<std::int64_t>(std::llround(ns)));
    }
  }
  throw DurationError(trf("'{}' has an unknown unit '{}'; use ns, us, ms, s or min", raw, suffix));
}

DurationRange parse_duration_range(std::string_view text) {
  auto dots = text.find("..");
  if (dots == std::string_view::npos) {
    Nanoseconds d = parse_duration(text);
    return DurationRange{d, d};
  }
  DurationRange range{parse_duration(text.substr(0, dots)), parse_duration(text.substr(dots + 2))};
  if (range.min > range.max) {
    throw DurationError(trf("range '{}' ends before it starts; expected MIN..MAX", text));
  }
  return range;
}

std::string format_duration(Nanoseconds duration) {
  std::int64_t ns = duration.count();
  if (ns == 0) return "0";
  struct Scale {
    std::int64_t factor;
    const char* suffix;
  };
  constexpr std::array<Scale, 4> kScales{
      {{1'000'000'000, "s"}, {1'000'000, "ms"}, {1'000, "us"}, {1, "ns"}}};
  for (const auto& scale : kScales) {
    if (ns >= scale.factor) {
      if (ns % scale.factor == 0) return fmt::format("{}{}", ns / scale.factor, scale.suffix);
      return fmt::format("{:g}{}", static_cast<double>(ns) / static_cast<double>(scale.factor),
                         scale.suffix);
    }
  }
  return fmt::format("{}ns", ns);
}

std::string format_duration_range(const DurationRange& range) {
  if (range.fixed()) return format_duration(range.min);
  return format_duration(range.min) + ".." + format_duration(range.max);
}

}  // namespace ticketsim
