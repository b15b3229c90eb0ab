// Mode serializable: the purchase runs in a SERIALIZABLE transaction and takes no lock.
// Two purchases that read the same count and both write cannot be serialised: PostgreSQL
// aborts the second writer (SQLSTATE 40001, at its UPDATE or at COMMIT), the store throws
// TransactionConflict, and the customer starts the purchase over
// (simulator/engine/serializable_purchase.cc).
#include "locks/database_locks.h"
#include "locks/transaction_lock.h"

namespace ticketsim {
namespace {

class SerializableTransaction final : public TransactionLock {
 public:
  explicit SerializableTransaction(PostgresTicketStore& store)
      : TransactionLock(store, TransactionIsolation::kSerializable) {}

 private:
  StoreReply take(bool, std::int64_t) override { return StoreReply{}; }  // nothing to wait for
};

// Never blocks, so it honours no deadline; purchases overlap, so no mutual exclusion.
class SerializableProvider final : public TransactionLockProvider<SerializableTransaction> {
 public:
  bool honours_deadline() const override { return false; }
};

}  // namespace

std::unique_ptr<LockProvider> make_serializable_provider() {
  return std::make_unique<SerializableProvider>();
}

}  // namespace ticketsim
