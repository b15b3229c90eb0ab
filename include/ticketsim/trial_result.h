// TrialResult: what one trial measured and found, customer by customer and in total.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ticketsim/config.h"
#include "ticketsim/findings.h"
#include "ticketsim/mode.h"
#include "ticketsim/records.h"
#include "ticketsim/step.h"

namespace ticketsim {

// One customer's record, copied out of the shared table after it was reaped.
struct CustomerHistory {
  int index = 0;
  pid_t pid = 0;
  pid_t ppid = 0;
  std::int64_t t_spawn = 0;
  std::int64_t t_exit = 0;
  SearchRecord search;
  std::vector<PurchaseRecord> purchases;
  int wait_status = 0;                   // as waitpid reported it
  bool killed_by_run = false;            // SIGKILLed by the parent (stall or interrupt)
  std::string error;                     // the customer's own error message, if any
  std::optional<CrashPoint> crashed_at;  // an injected crash (SIGKILL it sent itself) ...
  int crash_attempt = 0;                 // ... in this purchase (0-based)
  bool died_holding_lock = false;        // it died (crash or signal) inside a critical section
  int repairs = 0;                       // stores it repaired after a holder died mid-write
  bool lock_timed_out = false;           // it gave up waiting for the lock
  bool stopped_by_run = false;           // it left a barrier the run broke to stop the trial
  std::int64_t t_paused = 0;             // pause_holder: stopped holding the lock ...
  std::int64_t t_resumed = 0;            // ... until here (0: never resumed)
  int lease_expired_attempt = -1;        // redis-lock: first purchase that outlived its lease
  int fenced_attempt = -1;               // --fencing: first purchase whose write was refused,
  std::int64_t fenced_token = 0;         // ... the token it carried
  std::int64_t fenced_by = 0;            // ... and the newer one the store had accepted
};

// What became of one step a controlled schedule asked for.
enum class StepOutcome {
  kDone,     // it happened
  kBlocked,  // it could not happen now (the lock was taken; join: an earlier customer runs)
  kSkipped,  // it was not this customer's next step (e.g. a read after a blocked acquire)
  kFailed,   // the store could not answer it (timeout, lost connection, unknown result):
             // the customer recorded the error, released what it held and exited
};
std::string_view step_outcome_name(StepOutcome outcome);

struct StepRecord {
  int customer = 0;  // 0-based
  Step step = Step::kSearch;
  StepOutcome outcome = StepOutcome::kDone;
  std::int64_t value = -1;  // the count seen (search), read (read) or written (write)
  std::string note;         // why it was blocked or skipped; what the write did
};

// A customer that died from a signal the run did not send, as a report names it.
struct CrashedCustomer {
  int customer = 0;
  pid_t pid = 0;
  std::optional<CrashPoint> crashed_at;  // injected; empty: killed by some other signal
  int attempt = 0;                       // the purchase it died in (0-based)
  bool held_lock = false;                // it died inside a critical section
};

// "customer 3 (pid 4102, crashed after-acquire in purchase 1)", "... killed by signal 9".
std::string describe(const CrashedCustomer& crash);

// The oracle's findings for one trial (see README "How a race is counted").
struct TrialResult {
  int index = 0;  // 0-based trial number within the experiment
  Mode mode = Mode::kNone;
  Schedule schedule = Schedule::kFree;
  int procs = 0;
  int attempts = 0;
  std::int64_t tickets = 0;  // the count the trial started with

  std::int64_t sold = 0;      // purchases whose customer was told "you bought a ticket"
  std::int64_t oversold = 0;  // max(0, sold - tickets)
  // Decrements that vanished: writes_made - (tickets - final_count). Empty when the final
  // store is unreadable (then nobody knows). When some writes are indeterminate this is the
  // least it can be, and lost_updates_max the most; equal otherwise.
  std::optional<std::int64_t> lost_updates;
  std::optional<std::int64_t> lost_updates_max;
  std::int64_t writes_made = 0;    // writes known to have completed (told or not)
  std::int64_t indeterminate = 0;  // writes begun by a customer that died before it ended
  std::int64_t torn_reads = 0;     // reads (search or purchase) that found a torn file
  std::int64_t purchases = 0;      // purchases that completed (bought, sold out or torn read)
  std::int64_t retries = 0;  // optimistic, serializable: purchases started over after a conflict
  std::int64_t mutex_violations = 0;        // pairs of overlapping critical sections
  int errors = 0;                           // customers that reported an error
  std::int64_t failed_purchases = 0;        // purchases that ended in an error (a store or lock
                                            // service that did not answer, ...)
  std::string first_error;                  // "customer N: <message>" of the first, when errors > 0
  int crashed = 0;                          // customers killed by a signal the run did not send
  int injected_crashes = 0;                 // ... of which this many were injected (--crash-prob)
  std::optional<std::int64_t> final_count;  // empty when the final store does not parse
  std::string final_store;                  // the trial store's bytes at the end

  bool stalled = false;      // the trial timeout or a lock timeout expired; all were killed
  std::string stall_reason;  // why it stalled, naming the dead holder(s) when there were any
  std::vector<CrashedCustomer> crashes;  // every customer that died (see `crashed`)
  int repairs = 0;                // stores repaired by a holder that found its predecessor dead
  int leases_expired = 0;         // redis-lock: purchases whose lease ran out while they held it
  int fenced_off = 0;             // --fencing: writes the store refused for a stale token
  int lock_timeouts = 0;          // customers that gave up waiting for the lock
  std::int64_t lock_wait_ns = 0;  // total time customers waited for any lock (search, purchase)
  std::int64_t paused_ns = 0;     // pause_holder: how long the holder was stopped
  int interrupted_by = 0;         // SIGINT/SIGTERM that stopped the trial, or 0
  std::int64_t t_start = 0;       // CLOCK_MONOTONIC when the first customer was forked
  std::int64_t wall_ns = 0;       // first fork to last reap
  double purchases_per_s = 0;

  Witnesses witnesses;   // who raced with whom (empty for a safe trial)
  MutexCheck mutex;      // overlapping critical sections (mutex_violations is mutex.violations)
  LockOrder lock_order;  // purchase locks granted out of request order
  LockWaits lock_waits;  // how long purchases waited for the lock
  Fairness fairness;     // how evenly the lock was shared while everyone competed
  bool times_recorded = true;
  bool readers_share = true;    // searches held a reader lock that admits other readers
  bool database_store = false;  // the store was a database's row (--store postgresql://...)
  bool fencing = false;         // redis-lock --fencing: the store refused writes with stale tokens

  // Controlled schedules: every step asked for, in order; the schedule that ran (every step
  // granted, blocked ones included), which `--schedule script:"..."` replays exactly; and
  // the customers it left unfinished, with why.
  std::vector<StepRecord> steps;
  std::string schedule_ran;
  std::vector<std::string> unfinished;

  // Every customer's record; empty unless config.keep_history keeps this trial's.
  std::vector<CustomerHistory> customers;

  // A race was observed in the data (oversold, lost updates, torn reads, a final store
  // that does not parse), or a lock let two critical sections overlap. Mode none has no
  // lock, so its overlaps alone are no finding: a trial of none without a data race is
  // `unprotected`, never `safe`.
  // Unsafe: the data went wrong, or critical sections overlapped under a lock that promised
  // they would not. With fencing, overlapping holders are expected (a lease can run out) and
  // the store's token check, not the lock, keeps the data right: the counts decide.
  bool unsafe() const {
    return oversold > 0 || lost_updates.value_or(0) > 0 || torn_reads > 0 || !final_count ||
           (mutex_violations > 0 && mode_promises_mutual_exclusion(mode) && !fencing);
  }
  // One word for tables, the first that applies: INTERRUPTED, UNSAFE, STALLED, ERROR,
  // unprotected (mode none, no race seen) or safe.
  std::string_view verdict() const;
  double wall_ms() const { return static_cast<double>(wall_ns) / 1e6; }
};

}  // namespace ticketsim
