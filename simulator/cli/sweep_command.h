// `ticketsim sweep`: the experiment at every point of a grid of one or two varied parameters.
#pragma once

#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "simulator/cli/cli_flags.h"

namespace ticketsim {

// The flags only `sweep` has.
struct SweepFlags {
  std::vector<std::string> vary;  // "procs=2,4,8", at most two
  std::string csv;
  std::string jsonl;
  std::string resume;
};

// Adds `sweep`'s own flags to `command` (the common ones come from add_common_flags).
void add_sweep_flags(CLI::App& command, SweepFlags& sweep_flags);

// Runs the sweep: every mode at every point, `--trials` trials each, one experiment at a time.
// Each finished point is appended to --jsonl and --csv at once (an interrupt keeps them);
// --resume FILE.jsonl skips the points FILE already holds and appends the rest to it. Prints
// the table (or --json) and writes --html at the end. Progress and an estimate of the time
// left go to stderr. Returns the exit status; throws UsageError/ConfigError for bad flags.
int sweep_command(const Flags& flags, const SweepFlags& sweep_flags, const CLI::App& command);

}  // namespace ticketsim
