// splitmix64: the one random generator of ticketsim, the same sequence on every platform.
#pragma once

#include <cstdint>

#include "ticketsim/duration.h"

namespace ticketsim {

// Advances `state` and returns the next value. Tiny and well mixed (Steele, Lea, Flood
// 2014); with a seed, latencies, crashes and random schedules repeat exactly anywhere.
inline std::uint64_t next_random(std::uint64_t& state) {
  std::uint64_t z = (state += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

// Uniform in [0, 1), from the top 53 bits.
inline double next_unit(std::uint64_t& state) {
  return static_cast<double>(next_random(state) >> 11) * 0x1.0p-53;
}

// A think time from `range`: its fixed value, or one drawn uniformly (in ns) from `state`.
inline std::int64_t draw_latency_ns(const DurationRange& range, std::uint64_t& state) {
  const std::int64_t min = range.min.count();
  if (range.fixed()) return min;
  const auto span = static_cast<std::uint64_t>(range.max.count() - min) + 1;
  return min + static_cast<std::int64_t>(next_random(state) % span);
}

}  // namespace ticketsim
