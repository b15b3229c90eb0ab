// TransactionLock: a lock mode that lives in the database, as a transaction around the
// purchase. The database's own modes (row-lock, advisory, serializable) are its subclasses.
#pragma once

#include <cstdint>

#include "locks/customer_lock.h"
#include "storage/postgres/postgres_store.h"

namespace ticketsim {

// lock() begins a transaction on the customer's own connection and takes the mode's
// database lock in it (take()); the purchase's read and write then run in the transaction,
// and unlock() commits it, which is when the write takes effect and the database lock is
// released. Searches take no lock: they read committed data. unlock() throws
// TransactionConflict when the database aborted the transaction (nothing took effect) and
// StoreUnavailable when the COMMIT's answer was lost (kIndeterminate) or it never went out.
class TransactionLock : public CustomerLock {
 public:
  TransactionLock(PostgresTicketStore& store, TransactionIsolation isolation)
      : store_(store), isolation_(isolation) {}

  Acquisition lock(std::int64_t deadline_ns) override;
  bool try_lock() override;
  void unlock() override;
  Acquisition lock_shared(std::int64_t) override { return Acquisition::kAcquired; }
  void unlock_shared() override {}
  bool try_lock_shared() override { return true; }

 protected:
  // Takes the mode's lock inside the open transaction, waiting until `deadline_ns` unless
  // not `wait`: kOk, kConflict (held by another: the transaction was rolled back), kTimeout
  // or a failure.
  virtual StoreReply take(bool wait, std::int64_t deadline_ns) = 0;
  PostgresTicketStore& store_;

 private:
  TransactionIsolation isolation_;
};

// Hands out one kind of TransactionLock over each customer's PostgreSQL store; creates
// nothing itself (the lock is the database's, keyed by the trial's row).
template <typename Lock>
class TransactionLockProvider : public LockProvider {
 public:
  CustomerLock& open_for_customer(LockSlot& slot) const override;
  CustomerLock& open_for_customer(LockSlot& slot, TicketStore& store) const override {
    auto* database = dynamic_cast<PostgresTicketStore*>(&store);
    if (database == nullptr) open_for_customer(slot);  // throws: not a database store
    return slot.emplace<Lock>(*database);
  }
  bool readers_share() const override { return true; }
  bool honours_deadline() const override { return true; }
};

// Thrown by the one-argument open_for_customer: these modes need the customer's store.
[[noreturn]] void throw_needs_database_store();

template <typename Lock>
CustomerLock& TransactionLockProvider<Lock>::open_for_customer(LockSlot&) const {
  throw_needs_database_store();
}

}  // namespace ticketsim
