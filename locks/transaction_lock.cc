#include "locks/transaction_lock.h"

namespace ticketsim {

void throw_needs_database_store() {
  throw LockError("this mode's lock lives in the database: it needs a PostgreSQL store");
}

Acquisition TransactionLock::lock(std::int64_t deadline_ns) {
  require_answer(store_.begin(isolation_), "begin");
  StoreReply taken = take(/*wait=*/true, deadline_ns);
  if (taken.status == StoreStatus::kTimeout) {
    store_.rollback();
    return Acquisition::kTimedOut;
  }
  require_answer(taken, "lock");
  return Acquisition::kAcquired;
}

bool TransactionLock::try_lock() {
  require_answer(store_.begin(isolation_), "begin");
  StoreReply taken = take(/*wait=*/false, 0);
  if (taken.status == StoreStatus::kConflict) return false;  // rolled back by take()
  require_answer(taken, "lock");
  return true;
}

void TransactionLock::unlock() { require_answer(store_.commit(), "commit"); }

}  // namespace ticketsim
