// The command line's flags: their raw values and how they become an ExperimentConfig.
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include <CLI/CLI.hpp>

#include "simulator/report/report_text.h"
#include "ticketsim/config.h"
#include "ticketsim/mode.h"

namespace ticketsim {

// A flag's value is unusable. what() is the message; flag() the flag as typed.
class UsageError : public std::runtime_error {
 public:
  UsageError(const std::string& flag, const std::string& problem)
      : std::runtime_error(flag + ": " + problem) {}
};

// Raw flag values, as CLI11 fills them; turned into an ExperimentConfig by make_config().
struct Flags {
  std::string mode = "none";
  std::string modes = "all";
  int procs = 15;
  std::int64_t tickets = 0;
  int attempts = 1;
  int pool = 0;
  std::string latency = "10ms";
  std::string search_latency = "10ms";
  std::string hold = "15ms";
  std::string schedule = "free";
  int trials = 1;
  double until_ci = 0;
  int max_trials = 1000;
  std::string store;
  std::string seed = "1";
  std::string trial_timeout;
  std::string workdir;
  bool json = false;
  bool expect_safe = false;
  bool customers = false;
  bool in_place = false;
  bool timeline = false;
  bool no_times = false;
  double crash_prob = 0;
  std::string crash_at = "after-acquire";
  std::string pause_holder;
  std::string lock_timeout;
  std::string redis;
  std::string lease;
  bool fencing = false;
  int hosts = 1;           // run only
  std::string experiment;  // run only
  std::string write = "inplace";
  std::string html;
  std::string history;
  std::string trace;
};

// Whether the user typed flag `name` (e.g. "--latency") on `command`'s line; false for a
// flag the command does not have.
bool flag_given(const CLI::App& command, const char* name);

// Which workload flags the user typed (a replayed report fills in the others).
struct GivenFlags {
  bool mode = false, procs = false, tickets = false, attempts = false;
};

// Adds the flags `run` and `compare` share to `command`, bound to `flags`.
void add_common_flags(CLI::App& command, Flags& flags);

// Parses a duration flag; throws UsageError naming `flag`.
Nanoseconds duration_flag(const std::string& flag, const std::string& text);

// Parses a mode name; throws UsageError naming `flag` and listing the modes.
Mode mode_flag(const std::string& flag, const std::string& text);

// --schedule NAME | script:"1:search 2:search ..." | file:PATH | replay:REPORT.json. A
// replayed report (ticketsim run --json) also supplies the workload flags not given.
// Throws UsageError.
void apply_schedule_flag(const std::string& value, ExperimentConfig& config,
                         const GivenFlags& given);

// The experiment `flags` describe (`command` tells which flags were typed). Throws
// UsageError for a malformed value; ExperimentConfig::validate judges the ranges.
ExperimentConfig make_config(const Flags& flags, const CLI::App& command);

// --modes: a comma list or "all" (the modes of config's store; join left out, into
// `skipped`, under lockstep).
std::vector<Mode> modes_flag(const std::string& text, const ExperimentConfig& config,
                             std::vector<SkippedMode>& skipped);

}  // namespace ticketsim
