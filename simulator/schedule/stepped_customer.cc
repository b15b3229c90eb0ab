#include "simulator/schedule/stepped_customer.h"

#include <signal.h>
#include <unistd.h>

#include <exception>
#include <optional>
#include <stdexcept>
#include <utility>

#include "simulator/engine/clock.h"
#include "simulator/engine/database_purchase.h"
#include "simulator/engine/futex.h"
#include "simulator/engine/ticket_server.h"
#include "simulator/schedule/step_sequence.h"
#include "storage/postgres/postgres_store.h"
#include "storage/ticket_store.h"

namespace ticketsim {
namespace {

constexpr std::uint8_t kDone = 0;
constexpr std::uint8_t kBlocked = 1;
constexpr std::uint8_t kFailed = 2;    // the store did not answer: the customer exits
constexpr std::uint8_t kConflict = 3;  // the store undid the try: the purchase starts over
// How long a step may wait for a database lock the parent knows to be free: a customer
// killed holding it leaves it to the server, which rolls its transaction back a moment later.
constexpr std::int64_t kDeadHolderGraceNs = 5'000'000'000;

class SteppedCustomer {
 public:
  explicit SteppedCustomer(const CustomerPlan& plan)
      : plan_(plan),
        config_(*plan.config),
        slot_(plan.table->slot(plan.index)),
        mailbox_(plan.table->mailbox(plan.index)),
        database_(is_postgres_url(config_.store_path)),
        sequence_(config_.mode, config_.attempts, database_) {}

  void run() {
    slot_.pid = ::getpid();
    slot_.ppid = ::getppid();
    slot_.t_spawn = now();
    if (config_.mode == Mode::kServer) {
      server_.emplace(*plan_.server_socket);  // it never opens the store: the server does
    } else {
      store_ = &plan_.store->open_for_customer(store_slot_);
    }
    lock_ = store_ != nullptr ? &plan_.locks->open_for_customer(lock_slot_, *store_)
                              : &plan_.locks->open_for_customer(lock_slot_);
    journal_ = plan_.locks->reports_dead_owner();
    std::uint32_t seen = 0;
    for (;;) {
      // Sleep until the parent grants the next step.
      std::uint32_t granted;
      while ((granted = mailbox_.granted.load()) == seen) futex_wait(&mailbox_.granted, seen);
      seen = granted;
      auto step = static_cast<Step>(mailbox_.step.load());
      std::int64_t value = -1;
      std::uint8_t outcome = perform_or_fail(step, value);
      if (outcome == kDone && step != Step::kExit) sequence_.advance(value);
      if (outcome == kConflict) sequence_.conflict();
      mailbox_.value.store(value);
      mailbox_.outcome.store(outcome);
      mailbox_.finished.store(seen);
      futex_wake_all(&mailbox_.finished);
      if (step == Step::kExit || outcome == kFailed || (outcome == kDone && finished())) break;
    }
    slot_.t_exit = now();
  }

  CustomerSlot& slot() { return slot_; }

 private:
  std::int64_t now() const { return config_.record_times ? monotonic_ns() : 0; }
  bool finished() const { return attempt_ >= config_.attempts; }
  PurchaseRecord& purchase() { return plan_.table->purchase(plan_.index, attempt_); }

  // perform(), except that a store that could not answer fails the customer: the error goes
  // into its slot and its current search or purchase, it lets go of the lock, and the
  // parent hears kFailed (a remote store's failure is an outcome, not a crash). A database
  // that aborted the purchase's transaction (a serialization failure) undid the try: the
  // parent hears kConflict and the purchase starts over.
  std::uint8_t perform_or_fail(Step step, std::int64_t& value) {
    try {
      return perform(step, value);
    } catch (const TransactionConflict& e) {
      start_over();
      return kConflict;
    } catch (const StoreUnavailable& e) {
      slot_.set_error(e.what());
      if (step == Step::kSearch) {
        slot_.search.outcome = Outcome::kError;
      } else {
        purchase().outcome = Outcome::kError;
      }
      slot_.holding = 0;
      if (holding_) lock_->unlock();
      holding_ = false;
      return kFailed;
    }
  }

  std::uint8_t perform(Step step, std::int64_t& value) {
    switch (step) {
      case Step::kSearch:
        return search(value);
      case Step::kAcquire:
        return acquire();
      case Step::kRead:
        return read(value);
      case Step::kWrite:
        return write(value);
      case Step::kRelease:
        release();
        return kDone;
      case Step::kExit:
        // A transaction the schedule left before its COMMIT is undone, not committed: what
        // it wrote never took effect, as the records say.
        if (store_ != nullptr && store_->in_transaction()) {
          store_->rollback();
        } else if (holding_) {
          lock_->unlock();
        }
        holding_ = false;
        return kDone;
      case Step::kCrash:
        crash(std::nullopt);
      case Step::kCrashMidWrite:
        crash_mid_write();
      case Step::kBuy:
        return buy(value);
    }
    throw std::logic_error("unknown step");
  }

  std::uint8_t search(std::int64_t& value) {
    SearchRecord& search = slot_.search;
    if (server_) {  // the server reads and records the search in this slot
      search.t_lock_requested = now();
      value = server_->ask({kServerSearch, plan_.index, 0}).count;
      return kDone;
    }
    if (search.t_lock_requested == 0) search.t_lock_requested = now();
    // A store whose reads see only committed counts (a database) is searched unlocked, as
    // run_customer searches it: no critical section (its lock times stay 0).
    const bool locked = store_->reads_need_lock();
    if (locked) {
      if (!take_lock(/*shared=*/true)) return kBlocked;
      search.t_lock_acquired = now();
    }
    const StoreReply read = require_answer(store_->read_count(), "read");
    search.t_read = now();
    if (locked) {
      search.t_released = now();
      lock_->unlock_shared();
    }
    if (read.status == StoreStatus::kTorn) {
      search.outcome = Outcome::kTornRead;
    } else {
      search.value_seen = value = read.count;
      search.outcome = Outcome::kSeen;
    }
    return kDone;
  }

  std::uint8_t acquire() {
    PurchaseRecord& record = purchase();
    if (record.t_lock_requested == 0) record.t_lock_requested = now();
    if (mode_needs_database(config_.mode)) {
      // The parent grants a database lock's acquire only when it knows it free (it sees
      // every holder's steps), so this waits only for a killed holder's rollback.
      if (lock_->lock(monotonic_ns() + kDeadHolderGraceNs) != Acquisition::kAcquired) {
        throw StoreUnavailable("lock", StoreReply{StoreStatus::kTimeout, 0,
                                                  "a killed holder's transaction never ended"});
      }
    } else if (!take_lock(/*shared=*/false)) {
      return kBlocked;
    }
    record.t_lock_acquired = now();
    holding_ = true;
    slot_.holding = 1;
    return kDone;
  }

  std::uint8_t read(std::int64_t& value) {
    if (sequence_.looking()) {
      // Mode optimistic's look: the count, read holding nothing, to be checked later.
      const StoreReply look = require_answer(store_->read_count(), "read");
      if (look.status != StoreStatus::kTorn) value = look.count;
      return kDone;
    }
    PurchaseRecord& record = purchase();
    // A compare-and-set purchase takes no lock: its try begins with this read.
    if (sequence_.shape() == PurchaseSteps::kCompareAndSet) record.t_lock_requested = now();
    last_read_ = require_answer(store_->read_count(), "read");
    record.t_read = now();
    if (!torn_read()) record.value_read = value = last_read_.count;
    return kDone;
  }

  std::uint8_t write(std::int64_t& value) {
    PurchaseRecord& record = purchase();
    record.t_write_begin = now();
    if (sequence_.shape() == PurchaseSteps::kCompareAndSet) return compare_and_set(value);
    if (torn_read()) {
      record.outcome = Outcome::kTornRead;
    } else if (record.value_read > 0) {
      if (journal_) plan_.table->header().write_in_progress.store(1);
      write_recorded(*store_, record.value_read - 1, record);
      if (journal_) {
        plan_.table->header().committed_count.store(record.value_read - 1);
        plan_.table->header().write_in_progress.store(0);
      }
      record.t_written = now();
      record.value_written = value = record.value_read - 1;
      if (store_->in_transaction()) {
        // A database lock mode: the write takes effect at the COMMIT that releases the lock;
        // a customer that dies before it leaves nothing (the server rolls it back).
        record.write_state = WriteState::kNone;
        commit_pending_ = true;
      } else {
        record.outcome = Outcome::kBought;
      }
    } else {
      record.outcome = Outcome::kSoldOut;
      value = record.value_read;
    }
    return kDone;
  }

  // A database's optimistic write: UPDATE ... WHERE count = <the count read>, one statement
  // that needs no lock (as purchase_by_compare_and_set records it). kConflict when the count
  // had changed: nothing written, a retry counted, and the purchase reads again.
  std::uint8_t compare_and_set(std::int64_t& value) {
    PurchaseRecord& record = purchase();
    if (torn_read() || record.value_read <= 0) {
      record.t_lock_acquired = record.t_released = now();
      record.outcome = torn_read() ? Outcome::kTornRead : Outcome::kSoldOut;
      value = record.value_read;
      finish_purchase();
      return kDone;
    }
    if (!compare_and_set_recorded(*store_, record, [this] { return now(); })) {
      start_over();
      return kConflict;
    }
    value = record.value_written;
    finish_purchase();
    return kDone;
  }

  // A purchase in one step. Mode server asks the server, which reads, writes and records the
  // purchase in this customer's slot before it answers; a database's atomic sends one
  // UPDATE ... WHERE count > 0 (as purchase_atomically records it).
  std::uint8_t buy(std::int64_t& value) {
    PurchaseRecord& record = purchase();
    record.t_lock_requested = now();
    if (server_) {
      value = server_->ask({kServerBuy, plan_.index, attempt_}).count;
    } else {
      take_one_recorded(*store_, record, [this] { return now(); });
      value = record.outcome == Outcome::kBought ? record.value_written : 0;
    }
    finish_purchase();
    return kDone;
  }

  // The purchase under way is over: the next step belongs to the next one.
  void finish_purchase() {
    ++attempt_;
    ++slot_.purchases_done;
  }

  // The store undid the purchase's try (a serialization failure rolled its transaction
  // back, or a compare-and-set found another count): nothing it wrote took effect, so the
  // record forgets the try, keeps its wait, and counts a retry (as purchase_serializably).
  void start_over() {
    PurchaseRecord& record = purchase();
    slot_.holding = 0;
    holding_ = false;  // the rolled-back transaction was the lock
    commit_pending_ = false;
    record.write_state = WriteState::kNone;
    record.outcome = Outcome::kNotRun;
    record.value_written = -1;
    record.t_written = 0;
    if (record.t_lock_acquired != 0) {
      record.earlier_lock_waits_us +=
          static_cast<std::int32_t>((record.t_lock_acquired - record.t_lock_requested) / 1000);
    }
    record.t_lock_requested = 0;
    if (record.retries < INT16_MAX) ++record.retries;
  }

  // Takes the lock without waiting; false when somebody holds it. A robust mutex whose
  // holder died is taken over: the store it may have left half-written is restored from
  // the journal first, then the mutex is marked consistent (as run_customer does).
  bool take_lock(bool shared) {
    const Acquisition acquisition = lock_->try_acquire(shared);
    if (acquisition == Acquisition::kBusy) return false;
    if (acquisition == Acquisition::kPreviousOwnerDied) {
      TableHeader& header = plan_.table->header();
      if (journal_ && header.write_in_progress.load() != 0) {
        store_->restore(header.committed_count.load());
        header.write_in_progress.store(0);
        ++slot_.repairs;
      }
      lock_->mark_consistent();
    }
    return true;
  }

  // Step::kCrash: dies by SIGKILL where it stands, holding whatever it holds. The crash is
  // recorded first as an injected one would be: at the nearest crash point when it holds
  // the purchase lock (after-acquire before its write, before-release after it), else
  // between steps.
  [[noreturn]] void crash(std::optional<CrashPoint> point) {
    if (!point) {
      point = !holding_                                     ? CrashPoint::kBetweenSteps
              : purchase().write_state == WriteState::kNone ? CrashPoint::kAfterAcquire
                                                            : CrashPoint::kBeforeRelease;
    }
    slot_.crash_point = 1 + static_cast<int>(*point);
    slot_.crash_attempt = attempt_ < config_.attempts ? attempt_ : config_.attempts - 1;
    ::raise(SIGKILL);
    ::_exit(kCustomerExitError);  // not reached: SIGKILL cannot be caught
  }

  // Step::kCrashMidWrite: begins the write its read calls for, leaves the store as a
  // writer killed half-way would (write_count_partially), and dies. A purchase that would
  // write nothing (sold out, torn read) just dies.
  [[noreturn]] void crash_mid_write() {
    PurchaseRecord& record = purchase();
    if (!torn_read() && record.value_read > 0) {
      record.t_write_begin = now();
      if (journal_) plan_.table->header().write_in_progress.store(1);
      record.write_state = WriteState::kBegun;
      store_->write_count_partially(record.value_read - 1);
      crash(CrashPoint::kMidWrite);
    }
    crash(std::nullopt);
  }

  void release() {
    PurchaseRecord& record = purchase();
    slot_.holding = 0;
    const bool committing = std::exchange(commit_pending_, false);
    if (committing) record.write_state = WriteState::kBegun;  // COMMIT on its way
    if (holding_) {
      try {
        lock_->unlock();
      } catch (const StoreUnavailable& e) {
        // A COMMIT never sent left the write undone; a lost answer leaves it unknown.
        if (committing && e.status() != StoreStatus::kIndeterminate) {
          record.write_state = WriteState::kNone;
        }
        holding_ = false;
        throw;
      }
    }
    holding_ = false;
    if (committing) {
      record.write_state = WriteState::kDone;
      record.outcome = Outcome::kBought;
    }
    if (sequence_.conflicted()) {
      // Mode optimistic found the count changed since it looked: it gives this try up and
      // starts over (the record keeps the wait, as run_customer's does).
      ++record.retries;
      record.earlier_lock_waits_us +=
          static_cast<std::int32_t>((record.t_lock_acquired - record.t_lock_requested) / 1000);
      record.t_lock_requested = 0;
      return;
    }
    record.t_released = now();
    finish_purchase();
  }

  const CustomerPlan& plan_;
  const ExperimentConfig& config_;
  CustomerSlot& slot_;
  StepMailbox& mailbox_;
  bool torn_read() const { return last_read_.status == StoreStatus::kTorn; }
  bool commit_pending_ = false;  // a database lock mode's write waits for the COMMIT
  bool database_;                // the store is a database (its own lock modes, its steps)

  StoreSlot store_slot_;
  TicketStore* store_ = nullptr;
  LockSlot lock_slot_;
  CustomerLock* lock_ = nullptr;
  StepSequence sequence_;                   // which step comes next, as the parent's copy says too
  std::optional<ServerConnection> server_;  // mode server: this customer's connection
  bool holding_ = false;
  bool journal_ = false;  // the lock reports a dead owner: keep the write journal
  int attempt_ = 0;
  StoreReply last_read_{StoreStatus::kTorn};
};

}  // namespace

int run_stepped_customer(const CustomerPlan& plan) noexcept {
  SteppedCustomer customer(plan);
  try {
    customer.run();
    return kCustomerExitOk;
  } catch (const std::exception& e) {
    customer.slot().set_error(e.what());
  } catch (...) {
    customer.slot().set_error("unknown exception");
  }
  return kCustomerExitError;
}

}  // namespace ticketsim
