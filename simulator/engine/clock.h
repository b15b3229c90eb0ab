// Sleeping on the monotonic clock (monotonic_ns itself is in locks/deadline.h).
#pragma once

#include <time.h>

#include <cerrno>
#include <cstdint>

#include "locks/deadline.h"

namespace ticketsim {

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
