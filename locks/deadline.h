// The monotonic clock, and deadlines on it converted for APIs that want wall-clock time.
#pragma once

#include <time.h>

#include <cstdint>

#include <boost/date_time/posix_time/posix_time_types.hpp>

namespace ticketsim {

// CLOCK_MONOTONIC now, in nanoseconds: the one clock every customer and the parent use
// (comparable across processes on one machine), and the clock of every deadline.
inline std::int64_t monotonic_ns() {
  timespec now{};
  ::clock_gettime(CLOCK_MONOTONIC, &now);
  return static_cast<std::int64_t>(now.tv_sec) * 1'000'000'000 + now.tv_nsec;
}

// The CLOCK_REALTIME time at which CLOCK_MONOTONIC will read `deadline_ns`, for
// pthread_mutex_timedlock and friends.
inline timespec realtime_deadline(std::int64_t deadline_ns) {
  timespec now{};
  ::clock_gettime(CLOCK_REALTIME, &now);
  std::int64_t at = static_cast<std::int64_t>(now.tv_sec) * 1'000'000'000 + now.tv_nsec +
                    (deadline_ns - monotonic_ns());
  return timespec{static_cast<time_t>(at / 1'000'000'000), static_cast<long>(at % 1'000'000'000)};
}

// The same, as the absolute UTC ptime Boost.Interprocess 1.74's timed_lock wants
// (universal_time, never local time: README "Pitfalls").
inline boost::posix_time::ptime utc_deadline(std::int64_t deadline_ns) {
  return boost::posix_time::microsec_clock::universal_time() +
         boost::posix_time::microseconds((deadline_ns - monotonic_ns()) / 1000);
}

}  // namespace ticketsim
