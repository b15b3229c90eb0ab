#include <fmt/format.h>

#include "simulator/text/translate.h"
#include "ticketsim/explore.h"

#include "simulator/explore/worker_pool.h"
#include "storage/postgres/postgres_store.h"

namespace ticketsim {

// Beyond these, an exhaustive search is not what the user wants: the space is astronomical
// and the bounds (--max-schedules, --max-time, --preemptions) are the tool.
inline constexpr int kMaxExploreProcs = 64;
inline constexpr int kMaxExploreAttempts = 64;
inline constexpr int kMaxExploreJobs = 256;
// The steps of one schedule (every customer's 1 + 4 x attempts, more with retries): the
// race analysis after each schedule grows with their square.
inline constexpr int kMaxExploreSteps = 1000;

void ExploreConfig::validate() const {
  if (workload.mode == Mode::kRedisLock) {
    // A lease runs out by the clock, which no interleaving of steps decides.
    throw ConfigError("mode", tr("explore runs every interleaving of the customers' steps, and "
                                 "redis-lock's leases run out by the clock; run it with `run` "
                                 "(any schedule, a script included) or `step`"));
  }
  const bool database = is_postgres_url(workload.store_path);
  if (mode_needs_database(workload.mode) && !database) {
    throw ConfigError("mode", trf("{} is the database's own protection: it needs a database "
                                  "store (--store postgresql://...)",
                                  mode_name(workload.mode)));
  }
  if (database && workload.write == WriteStrategy::kAtomic) {
    throw ConfigError("write", tr("chooses how a store file is rewritten; a database writes "
                                  "each row atomically already"));
  }
  if (workload.procs < 1 || workload.procs > kMaxExploreProcs) {
    throw ConfigError(
        "procs", trf("explore takes 1 to {} customers (got {})", kMaxExploreProcs, workload.procs));
  }
  if (workload.attempts < 1 || workload.attempts > kMaxExploreAttempts) {
    throw ConfigError("attempts", trf("explore takes 1 to {} attempts per customer (got {})",
                                      kMaxExploreAttempts, workload.attempts));
  }
  if (const int steps = workload.procs * steps_per_customer(workload.attempts);
      steps > kMaxExploreSteps) {
    throw ConfigError("procs", trf("explore runs schedules of at most {} steps; {} customers x {} "
                                   "attempts take {} (1 + 4 x attempts each): fewer customers "
                                   "or attempts",
                                   kMaxExploreSteps, workload.procs, workload.attempts, steps));
  }
  if (workload.tickets && (*workload.tickets < 0 || *workload.tickets > (std::int64_t{1} << 53))) {
    throw ConfigError("tickets", trf("must be between 0 and 2^53 (got {})", *workload.tickets));
  }
  if (crashes < 0 || crashes > workload.procs) {
    throw ConfigError("crashes", trf("must be between 0 and the number of customers, {} (got {})",
                                     workload.procs, crashes));
  }
  if (max_schedules && *max_schedules < 1) {
    throw ConfigError("max-schedules", trf("must be at least 1 (got {})", *max_schedules));
  }
  if (max_time && max_time->count() <= 0) {
    throw ConfigError("max-time", tr("must be longer than 0"));
  }
  if (preemptions && *preemptions < 0) {
    throw ConfigError("preemptions", trf("must be 0 or more (got {})", *preemptions));
  }
  if (runs_alone(workload) && jobs > 1) {
    throw ConfigError("jobs", tr("serializable on a database runs its schedules one at a time: "
                                 "PostgreSQL's predicate locks can cover a page or the whole "
                                 "table, so trials side by side would abort each other"));
  }
  if (jobs < 0 || jobs > kMaxExploreJobs) {
    throw ConfigError(
        "jobs", trf("must be between 0 (one per core) and {} (got {})", kMaxExploreJobs, jobs));
  }
}

}  // namespace ticketsim
