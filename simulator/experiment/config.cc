#include "ticketsim/config.h"

#include <fmt/format.h>

#include "simulator/engine/trial_workspace.h"

#include "locks/redis/redis_client.h"
#include "simulator/text/translate.h"
#include "storage/postgres/postgres_store.h"
#include "storage/store_document.h"

namespace ticketsim {
namespace {

// What a database store (--store postgresql://...) can and cannot be combined with.
void validate_database_store(const ExperimentConfig& config) {
  const bool database = is_postgres_url(config.store_path);
  if (!database) {
    if (mode_needs_database(config.mode)) {
      throw ConfigError("mode", trf("{} is the database's own protection: it needs a "
                                    "database store (--store postgresql://...)",
                                    mode_name(config.mode)));
    }
    return;
  }
  if (config.in_place) {
    throw ConfigError("in-place", tr("writes a store file back; a database store's rows are "
                                     "the trial's own and are removed after it"));
  }
  if (config.write == WriteStrategy::kAtomic) {
    throw ConfigError("write", tr("chooses how a store file is rewritten; a database writes "
                                  "each row atomically already"));
  }
}

// What an experiment on several hosts (--hosts N --experiment NAME) needs.
void validate_hosts(const ExperimentConfig& config) {
  if (config.hosts < 1 || config.hosts > 64) {
    throw ConfigError("hosts", trf("is a number of hosts from 1 to 64 (got {})", config.hosts));
  }
  if (config.hosts == 1) {
    if (!config.experiment.empty()) {
      throw ConfigError("experiment", tr("names an experiment several hosts join; add --hosts N "
                                         "(N > 1)"));
    }
    return;
  }
  if (config.experiment.empty()) {
    throw ConfigError("hosts", tr("needs --experiment NAME, the name every host joins"));
  }
  if (config.experiment.size() > 100 ||
      config.experiment.find_first_of("/%") != std::string::npos) {
    throw ConfigError("experiment", tr("is at most 100 characters, without '/' or '%'"));
  }
  if (!is_postgres_url(config.store_path)) {
    throw ConfigError("hosts", tr("hosts meet and share the store in a database: add --store "
                                  "postgresql://..."));
  }
  if (is_controlled(config.schedule)) {
    // Each host's parent grants its own customers' steps; nothing orders them across hosts.
    throw ConfigError("schedule", tr("a controlled schedule orders the steps of one host's "
                                     "customers, and nothing orders them across hosts: with "
                                     "--hosts, use free or lockstep"));
  }
  if (config.mode == Mode::kJoin || config.pool > 0 || config.until_ci || config.in_place) {
    throw ConfigError("hosts", tr("runs the free and lockstep schedules of a fixed number of "
                                  "trials; it cannot be combined with mode join, --pool or "
                                  "--until-ci"));
  }
}

// What mode redis-lock's settings must be, and what they cannot be combined with.
void validate_redis_lock(const ExperimentConfig& config) {
  if (config.mode != Mode::kRedisLock) {
    if (config.fencing || config.lease) {
      throw ConfigError(config.fencing ? "fencing" : "lease",
                        tr("belongs to mode redis-lock (the lock Redis serves)"));
    }
    return;
  }
  RedisAddress::parse(config.redis_url);  // throws ConfigError("redis", ...)
  if (config.lease && config.lease->count() <= 0) {
    throw ConfigError("lease", tr("must be a positive duration"));
  }
  if (config.fencing && !is_postgres_url(config.store_path)) {
    throw ConfigError("fencing", tr("needs a store that checks each write's token: a database "
                                    "store (--store postgresql://...)"));
  }
}

// The steps a script names must be the mode's: a purchase is one buy in mode server and a
// database's atomic, read and write in a database's optimistic, and acquire, read, write
// and release elsewhere; a database writes a row whole, so nothing dies half-way through.
void validate_script_steps(const ExperimentConfig& config) {
  const bool database = is_postgres_url(config.store_path);
  const Mode mode = config.mode;
  const auto& script = config.script;
  for (std::size_t i = 0; i < script.size(); ++i) {
    const Step step = script[i].step;
    const bool purchase_step = step == Step::kAcquire || step == Step::kRead ||
                               step == Step::kWrite || step == Step::kRelease ||
                               step == Step::kCrashMidWrite;
    const std::string token = fmt::format("{}:{}", script[i].customer + 1, step_name(step));
    if (mode == Mode::kServer && purchase_step) {
      throw ConfigError("schedule", trf("token {} '{}': in mode server a purchase is one "
                                        "step, buy (the server reads and writes)",
                                        i + 1, token));
    }
    if (mode == Mode::kAtomic && purchase_step) {
      throw ConfigError("schedule", trf("token {} '{}': in mode atomic a purchase is one step, "
                                        "buy (one UPDATE ... WHERE count > 0)",
                                        i + 1, token));
    }
    if (step == Step::kBuy && mode != Mode::kServer && mode != Mode::kAtomic) {
      throw ConfigError("schedule",
                        database && mode == Mode::kOptimistic
                            ? trf("token {} '{}': buy is the step of modes server and atomic; "
                                  "mode optimistic on a database buys with read and write",
                                  i + 1, token)
                            : trf("token {} '{}': buy is the step of modes server and atomic; "
                                  "mode {} buys with acquire, read, write and release",
                                  i + 1, token, mode_name(mode)));
    }
    if (database && step == Step::kCrashMidWrite) {
      throw ConfigError("schedule", trf("token {} '{}': a database writes a row whole, so no "
                                        "customer dies half-way through a write; use crash",
                                        i + 1, token));
    }
    if (database && mode == Mode::kOptimistic &&
        (step == Step::kAcquire || step == Step::kRelease)) {
      throw ConfigError("schedule",
                        trf("token {} '{}': mode optimistic on a database takes no lock: a "
                            "purchase is read, then write (one UPDATE ... WHERE count = <read>)",
                            i + 1, token));
    }
  }
}

}  // namespace

std::string_view schedule_name(Schedule schedule) {
  switch (schedule) {
    case Schedule::kFree:
      return "free";
    case Schedule::kLockstep:
      return "lockstep";
    case Schedule::kScript:
      return "script";
    case Schedule::kRandom:
      return "random";
    case Schedule::kRoundRobin:
      return "round-robin";
  }
  return "unknown";
}

std::optional<Schedule> parse_schedule(std::string_view name) {
  for (Schedule schedule : {Schedule::kFree, Schedule::kLockstep, Schedule::kScript,
                            Schedule::kRandom, Schedule::kRoundRobin}) {
    if (schedule_name(schedule) == name) return schedule;
  }
  return std::nullopt;
}

bool is_controlled(Schedule schedule) {
  return schedule == Schedule::kScript || schedule == Schedule::kRandom ||
         schedule == Schedule::kRoundRobin;
}

std::string_view crash_point_name(CrashPoint point) {
  switch (point) {
    case CrashPoint::kAfterAcquire:
      return "after-acquire";
    case CrashPoint::kMidWrite:
      return "mid-write";
    case CrashPoint::kBeforeRelease:
      return "before-release";
    case CrashPoint::kBetweenSteps:
      return "between-steps";
  }
  return "unknown";
}

std::optional<CrashPoint> parse_crash_point(std::string_view name) {
  for (CrashPoint point :
       {CrashPoint::kAfterAcquire, CrashPoint::kMidWrite, CrashPoint::kBeforeRelease}) {
    if (crash_point_name(point) == name) return point;
  }
  return std::nullopt;
}

std::string_view write_strategy_name(WriteStrategy strategy) {
  return strategy == WriteStrategy::kAtomic ? "atomic" : "inplace";
}

std::optional<WriteStrategy> parse_write_strategy(std::string_view name) {
  if (name == "atomic") return WriteStrategy::kAtomic;
  if (name == "inplace") return WriteStrategy::kInPlace;
  return std::nullopt;
}

ConfigError::ConfigError(std::string field, const std::string& problem)
    : std::invalid_argument(field + ": " + problem), field_(std::move(field)), problem_(problem) {}

void ExperimentConfig::validate() const {
  if (procs < 1 || procs > kMaxProcs) {
    throw ConfigError("procs", trf("must be between 1 and {} (got {})", kMaxProcs, procs));
  }
  if (attempts < 1 || attempts > kMaxAttempts) {
    throw ConfigError("attempts", trf("must be between 1 and {} (got {})", kMaxAttempts, attempts));
  }
  if (static_cast<std::int64_t>(procs) * attempts > kMaxPurchasesPerTrial) {
    throw ConfigError("attempts",
                      trf("procs x attempts = {} exceeds {} purchases per trial",
                          static_cast<std::int64_t>(procs) * attempts, kMaxPurchasesPerTrial));
  }
  if (trials < 1 || trials > kMaxTrials) {
    throw ConfigError("trials", trf("must be between 1 and {} (got {})", kMaxTrials, trials));
  }
  if (until_ci) {
    if (!(*until_ci > 0 && *until_ci < 1)) {
      throw ConfigError("until-ci", trf("is the width of an interval of a probability: "
                                        "between 0 and 1, exclusive (got {})",
                                        *until_ci));
    }
    if (max_trials < std::max(trials, 2) || max_trials > kMaxTrials) {
      throw ConfigError("max-trials", trf("must be between {} (--trials, and at least 2) and {} "
                                          "(got {})",
                                          std::max(trials, 2), kMaxTrials, max_trials));
    }
    if (in_place) {
      throw ConfigError("in-place", tr("writes one trial's result back to the store; it cannot "
                                       "be combined with --until-ci"));
    }
  }
  if (tickets && (*tickets < 0 || *tickets > kMaxTicketCount)) {
    throw ConfigError("tickets",
                      trf("must be between 0 and 2^53 ({}) (got {})", kMaxTicketCount, *tickets));
  }
  if (latency.min.count() < 0 || latency.min > latency.max) {
    throw ConfigError("latency", tr("must be a non-negative duration or a range MIN..MAX"));
  }
  if (search_latency.count() < 0) {
    throw ConfigError("search-latency", tr("must be a non-negative duration"));
  }
  if (hold.count() < 0) {
    throw ConfigError("hold", tr("must be a non-negative duration"));
  }
  if (trial_timeout && trial_timeout->count() <= 0) {
    throw ConfigError("trial-timeout", tr("must be a positive duration"));
  }
  if (!(crash_probability >= 0 && crash_probability <= 1)) {
    throw ConfigError("crash-prob",
                      trf("must be a probability between 0 and 1 (got {})", crash_probability));
  }
  if (pause_holder && (pause_holder->count() <= 0)) {
    throw ConfigError("pause-holder", tr("must be a positive duration"));
  }
  if (lock_timeout && lock_timeout->count() <= 0) {
    throw ConfigError("lock-timeout", tr("must be a positive duration"));
  }
  if (in_place && store_path.empty()) {
    throw ConfigError("in-place", tr("needs a store file to write back to (--store PATH)"));
  }
  if (in_place && trials != 1) {
    throw ConfigError("in-place",
                      tr("writes one trial's result back to the store; use --trials 1"));
  }
  if (schedule == Schedule::kScript) {
    if (script.empty()) throw ConfigError("schedule", tr("the script has no steps"));
    try {
      validate_script(script, procs, attempts);
    } catch (const std::invalid_argument& e) {
      throw ConfigError("schedule", e.what());
    }
    validate_script_steps(*this);
  }
  if (is_controlled(schedule) && (crash_probability > 0 || pause_holder)) {
    throw ConfigError("schedule",
                      tr("crash injection and --pause-holder run under the free and "
                         "lockstep schedules; a controlled schedule moves one step at a time"));
  }
  if (pool < 0 || pool > procs) {
    throw ConfigError("pool", trf("is a number of worker processes, 1 to --procs ({}), "
                                  "or 0 for a process per customer (got {})",
                                  procs, pool));
  }
  if (pool > 0 && schedule != Schedule::kFree) {
    throw ConfigError("pool", trf("runs customers one after another in each worker, so "
                                  "{} could never bring them together; use --schedule "
                                  "free",
                                  schedule_name(schedule)));
  }
  if (pool > 0 && mode == Mode::kJoin) {
    throw ConfigError("pool", tr("join already runs one customer at a time; a pool adds nothing"));
  }
  if (mode == Mode::kServer) {
    // The server's socket is WORKDIR/ticketsim-<pid>-XXXXXX/server.sock, and a Unix socket's
    // path holds at most 107 bytes (sockaddr_un); a pid has at most 7 digits.
    const std::string base = workdir.empty() ? default_workdir() : workdir;
    const std::size_t longest =
        base.size() + std::string("/ticketsim-1234567-XXXXXX/server.sock").size();
    if (longest > 107) {
      throw ConfigError("workdir", trf("'{}' is too long for mode server: its socket's "
                                       "path would exceed the 107 bytes a Unix socket "
                                       "allows; use a work directory of at most {} bytes",
                                       base, base.size() - (longest - 107)));
    }
  }
  if (mode == Mode::kAtomic && pause_holder) {
    throw ConfigError("pause-holder", tr("stops a customer holding a lock, and in mode atomic "
                                         "nobody holds one: each purchase is one statement"));
  }
  if (mode == Mode::kServer && (crash_probability > 0 || pause_holder)) {
    throw ConfigError(crash_probability > 0 ? "crash-prob" : "pause-holder",
                      tr("strikes a customer holding a lock, and in mode server no customer holds "
                         "one: the server process makes every purchase"));
  }
  if (mode == Mode::kJoin && schedule == Schedule::kLockstep) {
    throw ConfigError(
        "schedule", tr("lockstep has no meaning with mode join: join runs one customer at a time, "
                       "so no customer can wait for another to read; use --schedule free"));
  }
  validate_database_store(*this);
  validate_redis_lock(*this);
  validate_hosts(*this);
}

Nanoseconds default_trial_timeout(const ExperimentConfig& config) {
  using std::chrono::seconds;
  Nanoseconds serial_work =
      ((config.latency.max + config.hold + config.write_cost.value_or(Nanoseconds(0))) *
           config.attempts +
       config.search_latency) *
      config.procs;
  // Forking and reaping cost about 0.1 ms per customer; allow 1 ms.
  Nanoseconds process_work = std::chrono::milliseconds(1) * config.procs;
  // Longer than any lock timeout, so that a dead lock holder is reported as such.
  return seconds(30) + 3 * (serial_work + process_work) +
         config.lock_timeout.value_or(Nanoseconds(0)) +
         config.pause_holder.value_or(Nanoseconds(0));
}

Nanoseconds effective_trial_timeout(const ExperimentConfig& config) {
  return config.trial_timeout.value_or(default_trial_timeout(config));
}

Nanoseconds default_lock_timeout(const ExperimentConfig& config) {
  Nanoseconds serial_purchases = (config.latency.max + config.hold + std::chrono::milliseconds(1) +
                                  config.write_cost.value_or(Nanoseconds(0))) *
                                 config.attempts * config.procs;
  return std::chrono::seconds(5) + 2 * serial_purchases +
         config.pause_holder.value_or(Nanoseconds(0));
}

Nanoseconds effective_lock_timeout(const ExperimentConfig& config) {
  return config.lock_timeout.value_or(default_lock_timeout(config));
}

Nanoseconds effective_lease(const ExperimentConfig& config) {
  return config.lease.value_or(effective_lock_timeout(config));
}

}  // namespace ticketsim
