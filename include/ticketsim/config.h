// ExperimentConfig: everything that defines an experiment, and its validation.
#pragma once

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "ticketsim/duration.h"
#include "ticketsim/errors.h"
#include "ticketsim/mode.h"
#include "ticketsim/step.h"

namespace ticketsim {

// How customers interleave.
enum class Schedule {
  kFree,      // the OS decides; latency widens the race window; outcomes are statistical
  kLockstep,  // every customer has read the store before any customer may write
  // Controlled: the parent lets exactly one step (search, acquire, read, write, release)
  // happen at a time, so an interleaving is exact and repeatable. Latency is not used.
  kScript,      // the steps of ExperimentConfig::script, in that order
  kRandom,      // the next step drawn by a generator seeded with ExperimentConfig::seed
  kRoundRobin,  // customers in turn, each taking its next step (blocked ones try anyway)
};

// True for the schedules in which the parent grants every step.
bool is_controlled(Schedule schedule);

std::string_view schedule_name(Schedule schedule);
std::optional<Schedule> parse_schedule(std::string_view name);

// Where an injected crash kills a customer (SIGKILL, which no handler can intercept).
enum class CrashPoint {
  kAfterAcquire,   // holding the lock, before reading
  kMidWrite,       // half-way through writing the store (only purchases that write)
  kBeforeRelease,  // after the write and the sale, still holding the lock
  // A controlled schedule's crash step (`N:crash`) where the customer holds no lock: killed
  // between two of its steps. Not a --crash-at point.
  kBetweenSteps,
};

std::string_view crash_point_name(CrashPoint point);
std::optional<CrashPoint> parse_crash_point(std::string_view name);

// How a customer rewrites the store.
enum class WriteStrategy {
  kInPlace,  // pwrite at offset 0, then ftruncate: about 7 us, not atomic to readers
  kAtomic,   // temporary file, fsync, rename over the store, fsync the directory
};

std::string_view write_strategy_name(WriteStrategy strategy);
std::optional<WriteStrategy> parse_write_strategy(std::string_view name);

// Which trials keep their customers' step-by-step history.
enum class HistoryKept {
  kEveryTrial,
  kExplainedTrial,  // the first trial that raced or stalled, else the last one
  kNone,
};

// Limits enforced by validate(); each is far above what a demo or benchmark needs.
inline constexpr int kMaxProcs = 10000;
inline constexpr int kMaxAttempts = 1'000'000;
inline constexpr std::int64_t kMaxPurchasesPerTrial = 4'000'000;
inline constexpr int kMaxTrials = 100'000;

// One experiment: `trials` independent trials, each running `procs` customers against a
// fresh copy of the store. Defaults reproduce the lesson's shape at 1/100 of its times: 15
// customers race for 1 ticket; each waits 10 ms for the network before searching, thinks
// 10 ms between reading and writing the store, and a buyer holds the store 15 ms after
// writing (the lesson: 1 s, 1 s, 1.5 s). So a lock serialises only the purchases, and join
// the searches too.
struct ExperimentConfig {
  Mode mode = Mode::kNone;
  Schedule schedule = Schedule::kFree;
  std::vector<StepToken> script;  // Schedule::kScript: the interleaving to run
  int procs = 15;
  // Overrides the store's count; without a store file, the count of a fresh {"count": N}
  // store (1 when unset).
  std::optional<std::int64_t> tickets;
  int attempts = 1;  // purchases per customer
  // 0: every customer is its own process, forked for it. K > 0: K long-lived worker processes
  // run the customers as tasks, one after another (the lessons' Pool(K)), so process creation
  // is paid K times, not procs times. A crash kills the worker and the task it was running;
  // the others take the remaining tasks. Free schedule only.
  int pool = 0;
  // Think time inside each purchase, between reading and writing: the race window.
  DurationRange latency{std::chrono::milliseconds(10), std::chrono::milliseconds(10)};
  // Network time before each customer's search reads the store (outside any lock).
  Nanoseconds search_latency{std::chrono::milliseconds(10)};
  // Time a buyer keeps the store (and the lock) after writing, before releasing it: the
  // lesson's sleep inside `with open(...)` after json.dump. Purchases that find the tickets
  // sold out write nothing and do not hold.
  Nanoseconds hold{std::chrono::milliseconds(15)};
  int trials = 1;
  // Keep running trials, at least `trials` and at least 2, until the 95% interval of the
  // probability that a trial is unsafe is narrower than this (0 < until_ci < 1), or until
  // max_trials have run. Unset: exactly `trials` trials.
  std::optional<double> until_ci;
  int max_trials = 1000;   // with until_ci only
  std::string store_path;  // the user's store; never modified. Empty: a fresh store.
  std::uint64_t seed = 1;  // seeds latency drawn from a range
  std::string workdir;     // parent of trial directories; empty: $TMPDIR, else /tmp
  // A trial still running after this long is killed and reported stalled. Unset: derived
  // from the workload (see default_trial_timeout).
  std::optional<Nanoseconds> trial_timeout;
  // Whose step-by-step history the result keeps (TrialResult::customers). Counts,
  // witnesses and the mutual-exclusion check are computed for every trial either way.
  HistoryKept keep_history = HistoryKept::kEveryTrial;
  // Record a CLOCK_MONOTONIC time for every step. Off, customers skip the clock reads
  // (the bench measures what they cost): values and outcomes are still recorded, but the
  // mutual-exclusion check, lost-update witnesses and timelines need the times.
  bool record_times = true;
  // Write the last trial's final store back to store_path (atomically). Off by default:
  // the user's store is read-only to ticketsim unless they ask.
  bool in_place = false;

  // How customers rewrite the store: kInPlace (pwrite + ftruncate: fast, but a crash or
  // an unlocked reader can see a half-written file) or kAtomic (temporary file, fsync,
  // rename, directory fsync: readers and crashes see the old store or the new one).
  WriteStrategy write = WriteStrategy::kInPlace;
  // What one store write costs, for the default timeouts. Unset: a few microseconds in
  // place; run_experiment measures it for atomic writes (two fsyncs: up to tens of ms).
  std::optional<Nanoseconds> write_cost;

  // Fault injection. Each purchase dies by SIGKILL at `crash_at` with this probability,
  // drawn from a generator seeded by `seed` (so a seed reproduces the same crashes).
  double crash_probability = 0;
  CrashPoint crash_at = CrashPoint::kAfterAcquire;
  // Stops (SIGSTOP) the first customer to hold the lock for a purchase, for this long.
  std::optional<Nanoseconds> pause_holder;
  // Mode redis-lock: the Redis server that serves the lock (redis://HOST[:PORT] or
  // unix:///PATH), how long a grant lasts before Redis drops it (the lease), and whether each
  // grant carries an increasing fencing token that the store checks on every write (needs a
  // database store; a write with a token older than the last accepted one is refused).
  // Customers on several hosts, one experiment: `hosts` ticketsim processes with the same
  // workload and `experiment` name (and a database store) join one trial through the
  // database, `procs` customers each, and the last host to finish reports on all of them.
  int hosts = 1;
  std::string experiment;
  std::string redis_url = "redis://127.0.0.1:6379";
  std::optional<Nanoseconds> lease;  // unset: default_lease()
  bool fencing = false;
  // How long a customer waits for a lock that honours deadlines (named-mutex,
  // robust-mutex) before giving up, which stalls the trial. Unset: default_lock_timeout.
  std::optional<Nanoseconds> lock_timeout;

  // Throws ConfigError for the first unusable value.
  void validate() const;
};

// The time a trial may take before it counts as stalled: 30 s plus three times the time
// the workload needs when run one purchase at a time (think times, process creation and
// config.write_cost per purchase).
Nanoseconds default_trial_timeout(const ExperimentConfig& config);

// The trial timeout in force: config.trial_timeout or default_trial_timeout().
Nanoseconds effective_trial_timeout(const ExperimentConfig& config);

// The longest a customer may wait for a lock before it counts as stuck: 5 s plus twice the
// time all customers' purchases take one at a time, writes included (a legitimate wait is
// never longer).
Nanoseconds default_lock_timeout(const ExperimentConfig& config);

// Mode redis-lock's lease when --lease is not given: as long as the lock timeout, so that
// only a holder stopped or dead for longer than any legitimate wait loses its lease.
Nanoseconds effective_lease(const ExperimentConfig& config);
Nanoseconds effective_lock_timeout(const ExperimentConfig& config);

}  // namespace ticketsim
