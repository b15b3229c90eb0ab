// explore: run a workload under every distinct interleaving of its customers' steps.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "ticketsim/config.h"
#include "ticketsim/duration.h"

namespace ticketsim {

// What to explore and within which bounds.
struct ExploreConfig {
  // The workload: mode, procs, attempts, tickets, store_path, write, workdir. Times
  // (latency, hold) do not apply: every step is granted by the explorer.
  ExperimentConfig workload;
  // Dynamic partial-order reduction with sleep sets: schedules that differ only in the
  // order of steps that commute run once. Off: every schedule runs.
  bool reduction = true;
  int crashes = 0;  // up to this many customers may die (SIGKILL) at any step
  std::optional<std::int64_t> max_schedules;  // stop after this many schedules
  std::optional<Nanoseconds> max_time;        // stop after this long
  // Only schedules with at most this many preemptions (switches away from a customer whose
  // next step could happen), as CHESS bounds them. The search then runs without reduction.
  std::optional<int> preemptions;
  int jobs = 0;  // worker processes running schedules side by side; 0: one per core

  // Throws ConfigError naming the first unusable value (e.g. a mode whose steps cannot be
  // granted one at a time).
  void validate() const;
};

// What tells one outcome of a schedule from another.
struct OutcomeFigures {
  std::int64_t sold = 0;
  std::int64_t oversold = 0;
  std::optional<std::int64_t> lost_updates;  // nullopt: unknown (the final store is torn)
  std::int64_t torn_reads = 0;
  std::optional<std::int64_t> final_count;  // nullopt: the final store does not parse
  bool stalled = false;  // customers left waiting for ever (a lock its dead holder kept)
  int crashed = 0;       // customers that died
  bool unsafe = false;   // oversold, lost updates, torn reads or an unreadable store
  std::string verdict;   // UNSAFE, STALLED, safe or unprotected (none without a race)
  auto operator<=>(const OutcomeFigures&) const = default;
};

// One distinct outcome, and the schedules that reach it.
struct ExploredOutcome : OutcomeFigures {
  std::int64_t count = 0;  // schedules that reached it
  // The interleavings those schedules stand for: each schedule run with reduction stands for
  // every order of its steps that keeps its dependent steps in order (its equivalents, which
  // reach the same outcome). nullopt when too many to count.
  std::optional<long double> interleavings;
  // The shortest of them (fewest steps, then fewest preemptions), as a script that
  // `ticketsim run --schedule script:"..."` replays to this outcome.
  std::string script;
  int script_steps = 0;
  int script_preemptions = 0;
};

struct ExploreResult {
  ExploreConfig config;            // as run (workload.tickets filled in from the store)
  std::string store_label;         // the store's path, or "(fresh store)"
  std::int64_t schedules_run = 0;  // complete schedules
  // Schedules the reduction started and stopped early because every move left was covered
  // by another schedule (sleep-set blocked); not in schedules_run.
  std::int64_t redundant = 0;
  // How many schedules the unreduced search holds (within the preemption bound, with the
  // crashes allowed), counted on a model of the steps; nullopt when too many to count.
  std::optional<long double> interleavings_total;
  // The interleavings the schedules run stand for (the sum over outcomes); equal to
  // interleavings_total when the search is complete (the suite checks it).
  std::optional<long double> interleavings_covered;
  bool complete = false;   // every schedule (or its equivalent) ran: no bound cut the search
  std::string stopped_by;  // why not: "max-schedules", "max-time", "preemptions", a signal,
                           // "coverage" (the reduced search stood for fewer than the model counts)
  int interrupted_by = 0;  // SIGINT/SIGTERM that stopped the search, or 0
  int jobs = 0;            // worker processes used
  double elapsed_s = 0;
  std::int64_t pending = 0;               // branches left when the search stopped (the frontier)
  std::vector<ExploredOutcome> outcomes;  // unsafe first, then stalled, then by count

  // Proven safe: no schedule explored was unsafe or stalled, and the search covered every
  // interleaving (complete), or every one within the preemption bound (the only cut).
  bool safe() const;
  // Some schedule was unsafe or stalled (a finding, however much of the space ran).
  bool found_unsafe() const;
  // The search covered everything the bound asked for: complete, or cut by the preemption
  // bound alone.
  bool covered_bound() const { return complete || (stopped_by == "preemptions" && pending == 0); }
  // The shortest unsafe outcome's schedule, or nullptr when none was unsafe.
  const ExploredOutcome* shortest_unsafe() const;
};

// What the explorer reports as it goes (about every 200 ms).
struct ExploreProgress {
  std::int64_t schedules = 0;
  std::int64_t frontier = 0;  // branches not yet run
  int outcomes = 0;
  double elapsed_s = 0;
};
using ExploreObserver = std::function<void(const ExploreProgress&)>;

// Explores config.workload: runs the customers, each schedule on fresh real processes (its
// own trial directory, lock objects and shared table, removed after it), under every
// distinct interleaving of their steps and crashes, within the bounds. On return no
// process it started is alive and nothing it created remains. An interrupt (SIGINT,
// SIGTERM; see interrupt.h) ends the search with what was found. Throws ConfigError,
// StoreError, RunError.
ExploreResult explore(const ExploreConfig& config, const ExploreObserver& observer = {});

}  // namespace ticketsim
