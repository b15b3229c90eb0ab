// The customer's run, step by step (engine-internal): the search, and the purchase under each
// protocol. The pessimistic purchase (hold the lock from read to write) is in customer.cc;
// the optimistic one (think unlocked, then check and write under the lock) in
// optimistic_purchase.cc. run_customer (customer.h) is the only entry point.
#pragma once

#include <signal.h>
#include <sys/prctl.h>
#include <unistd.h>

#include <exception>
#include <optional>
#include <stdexcept>
#include <utility>

#include <fmt/format.h>

#include "simulator/engine/clock.h"
#include "simulator/engine/customer.h"
#include "simulator/engine/random.h"
#include "simulator/engine/ticket_server.h"
#include "storage/ticket_store.h"

namespace ticketsim::customer_detail {

// The customer waited longer than the lock timeout.
class LockTimedOut : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// The parent broke the lockstep barriers to stop the trial (stall or interrupt): the
// customer leaves quietly. This is the run's decision, not a failure of the customer.
class StoppedByRun : public std::exception {};

// Holds a CustomerLock until release() or destruction, so that an exception between
// acquire and release never leaves a lock held by a customer that goes on living.
class HeldLock {
 public:
  HeldLock() = default;
  ~HeldLock() {
    try {
      release();
    } catch (...) {
    }
  }
  HeldLock(const HeldLock&) = delete;
  HeldLock& operator=(const HeldLock&) = delete;

  // Acquires `lock` (reader mode when `shared`) before `deadline_ns` (0: no deadline).
  Acquisition acquire(CustomerLock& lock, bool shared, std::int64_t deadline_ns) {
    Acquisition result = shared ? lock.lock_shared(deadline_ns) : lock.lock(deadline_ns);
    if (result != Acquisition::kTimedOut) {
      lock_ = &lock;
      shared_ = shared;
    }
    return result;
  }

  void release() {
    if (lock_ == nullptr) return;
    CustomerLock* lock = std::exchange(lock_, nullptr);
    shared_ ? lock->unlock_shared() : lock->unlock();
  }

 private:
  CustomerLock* lock_ = nullptr;
  bool shared_ = false;
};

// One customer's run; throws on failure, which run_customer records.
class Customer {
 public:
  explicit Customer(const CustomerPlan& plan)
      : plan_(plan),
        config_(*plan.config),
        slot_(plan.table->slot(plan.index)),
        header_(plan.table->header()),
        latency_random_(plan.seed),
        crash_random_(plan.seed ^ 0xC3A5C85C97CB3127ull),
        lock_timeout_(effective_lock_timeout(config_)),
        honours_deadline_(plan.locks->honours_deadline()) {}

  void run() {
    slot_.pid = ::getpid();
    slot_.ppid = ::getppid();
    slot_.t_spawn = now();
    // Latencies of a few hundred microseconds need the timer slack off (default 50 us).
    if (config_.latency.max.count() > 0 || config_.search_latency.count() > 0 ||
        config_.hold.count() > 0) {
      ::prctl(PR_SET_TIMERSLACK, 1UL);
    }
    // Own descriptors, opened after fork: nothing here is shared with another customer.
    store_ = &plan_.store->open_for_customer(store_slot_);
    lock_ = &plan_.locks->open_for_customer(lock_slot_, *store_);
    journal_ = plan_.locks->reports_dead_owner();
    if (config_.mode == Mode::kServer) server_.emplace(*plan_.server_socket);
    if (server_) {
      search_via_server();
    } else {
      try {
        search();
      } catch (const StoreUnavailable& e) {
        if (!survives_failures()) throw;
        record_failure(e.what(), slot_.search.outcome);
      }
    }
    for (int attempt = 0; attempt < config_.attempts; ++attempt) {
      current_ = &plan_.table->purchase(plan_.index, attempt);
      try {
        purchase_by_mode(attempt);
      } catch (const StoreUnavailable& e) {
        if (!survives_failures()) throw;
        record_failure(e.what(), current_->outcome);
      } catch (const LockError& e) {
        if (!survives_failures() || config_.mode != Mode::kRedisLock) throw;
        record_failure(e.what(), current_->outcome);  // the lock service did not answer
      }
      current_ = nullptr;
      ++slot_.purchases_done;
    }
    slot_.t_exit = now();
  }

  // One purchase, by the mode's protocol.
  void purchase_by_mode(int attempt) {
    if (server_) {
      purchase_from_server(*current_, attempt);
    } else if (config_.mode == Mode::kOptimistic && store_->compare_and_set_is_atomic()) {
      purchase_by_compare_and_set(*current_, attempt);
    } else if (config_.mode == Mode::kOptimistic) {
      purchase_optimistically(*current_, attempt);
    } else if (config_.mode == Mode::kAtomic) {
      purchase_atomically(*current_, attempt);
    } else if (config_.mode == Mode::kSerializable) {
      purchase_serializably(*current_, attempt);
    } else {
      purchase(*current_, attempt);
    }
  }

  // A remote store or lock service failed the search or one purchase: under the free
  // schedule the customer records it (the first message; `outcome`, the search's or the
  // purchase's, an error, a purchase's write state saying whether it may have taken effect)
  // and goes on to its next purchase, as a client would. Under
  // lockstep it stops, so that the barriers never wait for a customer out of step.
  bool survives_failures() const { return config_.schedule == Schedule::kFree; }
  void record_failure(const char* message, Outcome& outcome) {
    if (slot_.error[0] == '\0') slot_.set_error(message);
    slot_.holding = 0;
    outcome = Outcome::kError;
  }

  // The purchase in progress when an exception escaped, if any.
  PurchaseRecord* current() { return current_; }
  CustomerSlot& slot() { return slot_; }

 private:
  bool lockstep() const { return config_.schedule == Schedule::kLockstep; }

  // A lockstep barrier: every customer of this host arrives at `local`; with --hosts,
  // customer 0 then meets the other hosts in the database while the others wait at
  // host_release. False when the run broke a barrier (or the hosts never all came).
  bool meet(SharedBarrier& local) {
    if (!local.arrive_and_wait()) return false;
    if (config_.hosts <= 1) return true;
    const std::string point = "m" + std::to_string(++meetings_);
    if (plan_.index == 0 &&
        !store_->meet_other_hosts(point, config_.hosts,
                                  monotonic_ns() + effective_trial_timeout(config_).count())) {
      header_.host_release.break_barrier();
      return false;
    }
    return header_.host_release.arrive_and_wait();
  }
  // The time of a step, or 0 when the experiment does not record times.
  std::int64_t now() const { return config_.record_times ? monotonic_ns() : 0; }

  // When to give up waiting for the lock: only for locks that honour deadlines.
  std::int64_t lock_deadline() const {
    return honours_deadline_ ? monotonic_ns() + lock_timeout_.count() : 0;
  }

  // Takes the lock, or records the timeout and throws LockTimedOut. Repairs the store
  // when the previous holder died holding it.
  void acquire(HeldLock& held, bool shared) {
    Acquisition acquisition = held.acquire(*lock_, shared, lock_deadline());
    if (acquisition == Acquisition::kTimedOut) {
      slot_.lock_timed_out = 1;
      throw LockTimedOut(fmt::format("gave up waiting for the {} lock after {}",
                                     mode_name(config_.mode), format_duration(lock_timeout_)));
    }
    slot_.holding = 1;
    if (acquisition == Acquisition::kPreviousOwnerDied) {
      repair();
      lock_->mark_consistent();
    }
  }

  void release(HeldLock& held) {
    slot_.holding = 0;
    held.release();
  }

  // The previous holder died holding the lock. If it died writing, the store may be
  // half-written: rebuild it from the initial store and the journal's committed count.
  void repair() {
    if (!journal_ || header_.write_in_progress.load() == 0) return;
    store_->restore(header_.committed_count.load());
    header_.write_in_progress.store(0);
    ++slot_.repairs;
  }

  // Dies here if this purchase was chosen to crash at `point`: SIGKILL, recorded first.
  void maybe_crash(CrashPoint point, int attempt) {
    if (!crash_this_purchase_ || config_.crash_at != point) return;
    slot_.crash_point = 1 + static_cast<int>(point);
    slot_.crash_attempt = attempt;
    ::raise(SIGKILL);
  }

  // pause_holder: the first customer to hold the lock for a purchase stops itself; the
  // parent resumes it (SIGCONT) after the configured pause.
  void maybe_pause() {
    if (!config_.pause_holder || header_.pause_taken.exchange(1) != 0) return;
    slot_.t_paused = monotonic_ns();
    ::raise(SIGSTOP);
    slot_.t_resumed = monotonic_ns();
  }

  // Waits for the network, then reads the store the way a customer checks availability:
  // under the reader lock.
  void search() {
    sleep_for_ns(config_.search_latency.count());
    SearchRecord& search = slot_.search;
    search.t_lock_requested = now();
    HeldLock held;
    // A store whose reads see only committed counts (a database) is searched unlocked: the
    // search is then no critical section (its lock times stay 0).
    const bool locked = store_->reads_need_lock();
    if (locked) {
      acquire(held, /*shared=*/true);
      search.t_lock_acquired = now();
    }
    const StoreReply read = require_answer(store_->read_count(), "read");
    search.t_read = now();
    if (locked) {
      search.t_released = now();
      release(held);
    }
    if (read.status == StoreStatus::kTorn) {
      search.outcome = Outcome::kTornRead;
    } else {
      search.value_seen = read.count;
      search.outcome = Outcome::kSeen;
    }
  }

  // Writes `read - 1` for a purchase holding the lock, recorded around the write (and the
  // journal, and an injected mid-write crash), then holds the store for config.hold.
  void commit_purchase(PurchaseRecord& record, std::int64_t read, int attempt) {
    const std::int64_t next = read - 1;
    if (journal_) header_.write_in_progress.store(1);
    // Recorded around the write: a customer that dies in between leaves its effect
    // unknown (indeterminate), one that dies after it leaves a known write.
    record.write_state = WriteState::kBegun;
    if (crash_this_purchase_ && config_.crash_at == CrashPoint::kMidWrite) {
      store_->write_count_partially(next);
      maybe_crash(CrashPoint::kMidWrite, attempt);
    }
    if (config_.fencing && !write_fenced(record, next, attempt)) return;
    if (!config_.fencing) write_recorded(*store_, next, record);
    if (journal_) {
      header_.committed_count.store(next);
      header_.write_in_progress.store(0);
    }
    record.t_written = now();
    record.value_written = next;
    if (store_->in_transaction()) {
      // The write takes effect at the COMMIT that releases the lock (finish_purchase): until
      // then a customer that dies leaves nothing behind (the server rolls it back).
      record.write_state = WriteState::kNone;
      commit_pending_ = true;
    } else {
      record.outcome = Outcome::kBought;
    }
    sleep_for_ns(config_.hold.count());
  }

  // --fencing: writes `next` only if this grant's fencing token is at least the newest the
  // store has accepted. Returns false, with the purchase recorded as fenced off (nothing
  // written, no ticket), when the store refused it.
  bool write_fenced(PurchaseRecord& record, std::int64_t next, int attempt) {
    const std::int64_t token = lock_->fencing_token();
    StoreReply reply = store_->write_count_fenced(next, token);
    if (reply.failed()) {
      if (reply.status != StoreStatus::kIndeterminate) record.write_state = WriteState::kNone;
      require_answer(reply, "write");  // throws StoreUnavailable
    }
    if (reply.status == StoreStatus::kConflict) {
      record.write_state = WriteState::kNone;
      record.outcome = Outcome::kFencedOff;
      record.value_written = next;  // what it tried to write
      record.t_written = now();
      if (slot_.fenced_attempt < 0) {
        slot_.fenced_attempt = attempt;
        slot_.fenced_token = token;
        slot_.fenced_by = reply.count;
      }
      return false;
    }
    record.write_state = WriteState::kDone;
    return true;
  }

  // The start of a purchase's critical section, whatever its protocol: take the lock (with
  // the injected pause and after-acquire crash), then read the count into `record`. Returns
  // whether the read was torn.
  bool lock_and_read(PurchaseRecord& record, HeldLock& held, int attempt) {
    record.t_lock_requested = now();
    acquire(held, /*shared=*/false);
    record.t_lock_acquired = now();
    maybe_crash(CrashPoint::kAfterAcquire, attempt);
    const StoreReply read = require_answer(store_->read_count(), "read");
    const bool torn = read.status == StoreStatus::kTorn;
    record.t_read = now();
    record.value_read = torn ? -1 : read.count;
    // After the read, as a process paused by the scheduler or a garbage collector is: it
    // goes on to write what it read before it stopped.
    maybe_pause();
    return torn;
  }

  // The end of a purchase holding the lock, whatever its protocol: write if there is a ticket
  // (or record the torn read, or the sell-out), die here if chosen to crash before release,
  // and release.
  void finish_purchase(PurchaseRecord& record, HeldLock& held, bool torn, int attempt) {
    record.t_write_begin = now();
    if (torn) {
      record.outcome = Outcome::kTornRead;
    } else if (record.value_read > 0) {
      commit_purchase(record, record.value_read, attempt);
    } else {
      record.outcome = Outcome::kSoldOut;
    }
    maybe_crash(CrashPoint::kBeforeRelease, attempt);
    record.t_released = now();
    const bool committing = std::exchange(commit_pending_, false);
    // A database lock's release is the transaction's COMMIT, and the write takes effect
    // there: once COMMIT is on its way the write's effect is unknown until it answers.
    if (committing) record.write_state = WriteState::kBegun;
    try {
      release(held);
    } catch (const StoreUnavailable& e) {
      // An answer lost after COMMIT was sent leaves the write unknown (kBegun stays); a
      // COMMIT never sent leaves it undone.
      if (committing && e.status() != StoreStatus::kIndeterminate) {
        record.write_state = WriteState::kNone;
      }
      throw;
    } catch (const LockError& e) {
      // A lock service that stopped answering (redis-lock) after the write was done: the
      // purchase stands; the lock is left to its lease. Its next purchase will fail to
      // acquire and be counted.
      if (committing || config_.mode != Mode::kRedisLock || !survives_failures()) throw;
      slot_.holding = 0;
      if (slot_.error[0] == '\0') slot_.set_error(e.what());
    }
    if (committing) {
      record.write_state = WriteState::kDone;
      record.outcome = Outcome::kBought;
    }
    if (lock_->lease_expired() && slot_.lease_expired_attempt < 0) {
      slot_.lease_expired_attempt = attempt;
    }
  }

  // Whether this purchase is one of those config.crash_probability kills.
  void draw_crash() {
    crash_this_purchase_ =
        config_.crash_probability > 0 && next_unit(crash_random_) < config_.crash_probability;
  }

  // The pessimistic purchase (customer.cc): acquire -> read -> think -> write if count > 0,
  // then hold -> release.
  void purchase(PurchaseRecord& record, int attempt);
  // The optimistic purchase (optimistic_purchase.cc): read and think holding nothing, then
  // take the lock, re-read, and write only if the count is unchanged; else retry.
  void purchase_optimistically(PurchaseRecord& record, int attempt);
  // Mode optimistic on a store whose compare-and-set is atomic by itself (a database;
  // optimistic_purchase.cc): read and think holding nothing, then write only if the count
  // is unchanged, in one statement; else retry.
  void purchase_by_compare_and_set(PurchaseRecord& record, int attempt);
  // Mode atomic (atomic_purchase.cc): one statement that sells a ticket if one is left.
  void purchase_atomically(PurchaseRecord& record, int attempt);
  // Mode serializable (serializable_purchase.cc): the pessimistic purchase in a
  // SERIALIZABLE transaction, started over whenever the database aborts it.
  void purchase_serializably(PurchaseRecord& record, int attempt);
  // Mode server (server_purchase.cc): ask the ticket server, which records the steps.
  void search_via_server();
  void purchase_from_server(PurchaseRecord& record, int attempt);

  const CustomerPlan& plan_;
  const ExperimentConfig& config_;
  CustomerSlot& slot_;
  TableHeader& header_;
  std::uint64_t latency_random_;
  std::uint64_t crash_random_;
  const Nanoseconds lock_timeout_;  // Computed once: acquire() is on the purchase path.
  const bool honours_deadline_;
  bool crash_this_purchase_ = false;
  bool journal_ = false;
  StoreSlot store_slot_;  // on this customer's stack, as the lock is: opening allocates nothing
  TicketStore* store_ = nullptr;
  LockSlot lock_slot_;  // on this customer's stack: opening the lock allocates nothing
  CustomerLock* lock_ = nullptr;
  PurchaseRecord* current_ = nullptr;
  int meetings_ = 0;             // --hosts: lockstep barriers met so far (every host counts alike)
  bool commit_pending_ = false;  // the write waits for the COMMIT that releases the lock
  std::optional<ServerConnection> server_;  // mode server: this customer's connection
};

}  // namespace ticketsim::customer_detail
