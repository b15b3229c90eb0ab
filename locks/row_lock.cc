// Mode row-lock: the purchase's transaction locks the trial's row with SELECT ... FOR UPDATE
// before reading it; another purchase's FOR UPDATE waits until this one commits.
#include "locks/database_locks.h"
#include "locks/transaction_lock.h"

namespace ticketsim {
namespace {

class RowLock final : public TransactionLock {
 public:
  explicit RowLock(PostgresTicketStore& store)
      : TransactionLock(store, TransactionIsolation::kReadCommitted) {}

 private:
  // FOR UPDATE waits for the row; FOR UPDATE NOWAIT fails at once (55P03) when it is taken.
  StoreReply take(bool wait, std::int64_t deadline_ns) override {
    return store_.lock_row(wait, deadline_ns);
  }
};

}  // namespace

std::unique_ptr<LockProvider> make_row_lock_provider() {
  return std::make_unique<TransactionLockProvider<RowLock>>();
}

}  // namespace ticketsim
