// `ticketsim explore`: every interleaving of the customers' steps, on real processes.
#pragma once

#include <cstdint>
#include <string>

#include <CLI/CLI.hpp>

namespace ticketsim {

// The flags of `explore`: the workload flags of `run` that a controlled schedule uses, and
// the search's own.
struct ExploreFlags {
  std::string mode = "none";
  int procs = 2;
  std::int64_t tickets = 1;
  int attempts = 1;
  std::string store;
  std::string write = "inplace";
  std::string workdir;
  int crashes = 0;
  bool no_reduction = false;
  std::int64_t max_schedules = 0;
  std::string max_time;
  int preemptions = -1;
  int jobs = 0;
  bool json = false;
  bool expect_safe = false;
  std::string html;
};

// Adds the flags to `command`.
void add_explore_flags(CLI::App& command, ExploreFlags& flags);

// Runs the exploration and prints its report (or --json), with a progress line on a
// terminal's stderr. Exit 0; 3 with --expect-safe when some schedule was unsafe or stalled;
// 128 + signal when interrupted (after printing what was found). Throws UsageError,
// ConfigError, StoreError, RunError.
int explore_command(const ExploreFlags& flags, const CLI::App& command);

}  // namespace ticketsim
