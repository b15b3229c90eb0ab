// The one clock every customer and the parent use: CLOCK_MONOTONIC, in nanoseconds.
#pragma once

#include <time.h>

#include <cerrno>
#include <cstdint>

namespace ticketsim {

// CLOCK_MONOTONIC now, in nanoseconds. Comparable across processes on one machine.
inline std::int64_t monotonic_ns() {
  timespec ts{};
  ::clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<std::int64_t>(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec;
}

// Sleeps until CLOCK_MONOTONIC reaches `deadline_ns`, resuming after signals.
inline void sleep_until_ns(std::int64_t deadline_ns) {
  timespec ts{static_cast<time_t>(deadline_ns / 1'000'000'000),
              static_cast<long>(deadline_ns % 1'000'000'000)};
  while (::clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, nullptr) == EINTR) {
  }
}

// Sleeps for `duration_ns` (no-op when <= 0).
inline void sleep_for_ns(std::int64_t duration_ns) {
  if (duration_ns > 0) sleep_until_ns(monotonic_ns() + duration_ns);
}

}  // namespace ticketsim
