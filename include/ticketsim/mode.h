// Mode: how purchases are protected, and the names users type for each mode.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "ticketsim/version.h"  // the C++20 check

namespace ticketsim {

// The protection a trial applies to purchases. See README "Modes".
enum class Mode {
  kNone,         // nothing: the race is on
  kFlock,        // BSD flock(2) on a dedicated lock file
  kFcntl,        // POSIX record lock (boost::interprocess::file_lock) on the lock file
  kOfd,          // Linux open-file-description lock (F_OFD_SETLKW) on the lock file
  kNamedMutex,   // boost::interprocess::named_mutex (a POSIX named semaphore)
  kRobustMutex,  // a process-shared PTHREAD_MUTEX_ROBUST mutex in named shared memory
  // Optimistic concurrency: read and think holding nothing, then take a flock lock briefly,
  // re-read, and write only if the count is unchanged; otherwise retry (bounded, see
  // kOptimisticRetries).
  kOptimistic,
  // One owner process sells every ticket; customers ask it over a Unix-domain socket and only
  // it touches the store (the lessons' socket server and Queue). No lock.
  kServer,
  kJoin,  // no lock: the parent runs one customer at a time (start; join)
  // The database's own ways (a PostgreSQL store only; README "Database modes"):
  kRowLock,       // SELECT ... FOR UPDATE in the purchase's transaction
  kAdvisory,      // pg_advisory_xact_lock in the purchase's transaction
  kAtomic,        // one UPDATE ... SET count = count - 1 WHERE count > 0 RETURNING
  kSerializable,  // a SERIALIZABLE transaction, retried when the database aborts it
  // A lock served over the network: Redis SET key token NX PX lease, released by a script
  // that deletes only its own token (locks/redis_lock.h). Works with any store.
  kRedisLock,
};

// The CLI/JSON name of `mode`, e.g. "named-mutex".
std::string_view mode_name(Mode mode);

// Parses a CLI name; nullopt when `name` is not a mode.
std::optional<Mode> parse_mode(std::string_view name);

// Every mode, in the order reports list them.
std::span<const Mode> all_modes();

// True for the modes that only a database store has (row-lock, advisory, atomic,
// serializable).
bool mode_needs_database(Mode mode);

// Every mode's name, comma-separated in all_modes() order ("none, flock, fcntl, ..."):
// for help texts and error messages.
std::string mode_names_for_humans();

// Conflicts an optimistic purchase retries before it holds the lock across its think time
// (the pessimistic way), which always succeeds: a purchase never starves.
inline constexpr int kOptimisticRetries = 64;

// True for modes that serialise each purchase (not none, not join): the lock modes, and
// server, whose one process is the lock (waiting for it is waiting in its queue).
bool mode_takes_lock(Mode mode);

// True when no two purchases' critical sections (acquire..release) may overlap, so that an
// overlap is a finding: every mode but none (no protection), serializable (transactions
// overlap, and the database aborts those that would not serialise) and atomic (one
// statement, no critical section of its own).
bool mode_promises_mutual_exclusion(Mode mode);

}  // namespace ticketsim
