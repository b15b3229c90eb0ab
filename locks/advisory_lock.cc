// Mode advisory: the purchase's transaction takes PostgreSQL's transaction-scoped advisory
// lock keyed by the trial's row name; it protects the row only because every customer asks
// for it (the database never checks), and it is released at COMMIT.
#include "locks/database_locks.h"
#include "locks/transaction_lock.h"

namespace ticketsim {
namespace {

class AdvisoryLock final : public TransactionLock {
 public:
  explicit AdvisoryLock(PostgresTicketStore& store)
      : TransactionLock(store, TransactionIsolation::kReadCommitted) {}

 private:
  // pg_advisory_xact_lock waits; pg_try_advisory_xact_lock answers false when it is taken.
  StoreReply take(bool wait, std::int64_t deadline_ns) override {
    return store_.lock_advisory(wait, deadline_ns);
  }
};

}  // namespace

std::unique_ptr<LockProvider> make_advisory_lock_provider() {
  return std::make_unique<TransactionLockProvider<AdvisoryLock>>();
}

}  // namespace ticketsim
