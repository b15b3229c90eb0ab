// What machine a benchmark ran on, for the heading of its table.
#pragma once

#include <string>

namespace ticketsim::bench {

// "2 cores, AMD EPYC ..., Linux 6.18.0": online cores, the CPU model from /proc/cpuinfo
// ("unknown CPU" when it names none) and the kernel release.
std::string machine_description();

}  // namespace ticketsim::bench
