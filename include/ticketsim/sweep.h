// Sweeps: one experiment per point of a grid of one or two varied parameters, per mode.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "ticketsim/config.h"
#include "ticketsim/experiment.h"
#include "ticketsim/mode.h"

namespace ticketsim {

// A workload parameter a sweep can vary, named as its flag without the dashes.
enum class SweepParameter { kProcs, kTickets, kAttempts, kLatency, kSearchLatency, kHold };

std::string_view sweep_parameter_name(SweepParameter parameter);  // "procs", "search-latency"
// Every parameter, in flag order: procs, tickets, attempts, latency, search-latency, hold.
const std::vector<SweepParameter>& sweep_parameters();
bool is_duration(SweepParameter parameter);

// One varied parameter and the values it takes, in order: counts, or durations in ns.
struct SweepAxis {
  SweepParameter parameter = SweepParameter::kProcs;
  std::vector<std::int64_t> values;
};

// Parses --vary "NAME=LIST|RANGE": a comma list ("procs=2,4,8", "latency=0,100us,1ms"), an
// arithmetic range "A..B:STEP" ("tickets=1..5:1", "latency=0..1ms:250us") or a geometric one
// "A..B*F" ("procs=2..32*2", "latency=10us..10ms*10"). At most kMaxSweepValues values, no
// repeats. Throws ConfigError naming "vary".
SweepAxis parse_sweep_axis(std::string_view text);
inline constexpr std::size_t kMaxSweepValues = 1000;

// A value as the flag would be typed: "8", "100us".
std::string sweep_value_label(SweepParameter parameter, std::int64_t value);

// `base` with `parameter` set to `value` (a latency becomes fixed).
ExperimentConfig with_parameter(ExperimentConfig base, SweepParameter parameter,
                                std::int64_t value);

// The value of `parameter` in `config`, as a label ("15", "10ms", "10ms..50ms"); tickets
// left to the store's own count are "store".
std::string parameter_label(const ExperimentConfig& config, SweepParameter parameter);

// One experiment of a sweep: a mode at one point of the grid.
struct SweepPoint {
  Mode mode = Mode::kNone;
  std::vector<std::int64_t> values;  // one per axis
  ExperimentConfig config;           // base with the values and the mode applied
};

// Every point, the first axis varying slowest, then the second, then the modes: so that the
// modes of one point run side by side, as compare runs them. Each config is validated (a point
// that cannot run throws ConfigError naming the varied parameter and its value).
std::vector<SweepPoint> sweep_points(const ExperimentConfig& base, const std::vector<Mode>& modes,
                                     const std::vector<SweepAxis>& axes);

}  // namespace ticketsim
