// Durations as users type them: "50ms", "200us", "1.5s", "0", and ranges "10ms..50ms".
#pragma once

#include <chrono>
#include <stdexcept>
#include <string>
#include <string_view>

#include "ticketsim/errors.h"

namespace ticketsim {

using Nanoseconds = std::chrono::nanoseconds;

// Parses a non-negative duration: a decimal number followed by ns, us, µs, ms, s or min,
// or a bare "0". Rejects negatives, missing or unknown units and values above one hour.
Nanoseconds parse_duration(std::string_view text);

// A latency that is either fixed ("50ms") or drawn uniformly per purchase ("10ms..50ms").
struct DurationRange {
  Nanoseconds min{0};
  Nanoseconds max{0};
  // A fixed latency: DurationRange::exactly(std::chrono::milliseconds(1)).
  static DurationRange exactly(Nanoseconds duration) { return DurationRange{duration, duration}; }
  bool fixed() const { return min == max; }
};

// Parses "D" or "D..D" (min <= max). Throws DurationError.
DurationRange parse_duration_range(std::string_view text);

// Shortest exact human form: "0", "200us", "50ms", "1.5s".
std::string format_duration(Nanoseconds duration);
std::string format_duration_range(const DurationRange& range);

}  // namespace ticketsim
