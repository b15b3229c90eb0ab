// Mode atomic: the store sells a ticket in one statement (UPDATE ... SET count = count - 1
// WHERE count > 0 RETURNING count), so there is no read-then-write for anyone to come between.
#include "simulator/engine/customer_run.h"
#include "simulator/engine/database_purchase.h"

namespace ticketsim::customer_detail {

// One request, recorded as a read of the count before it and a write of the count it left,
// both at the instant the store answered (its critical section has no width: the database
// holds the row only for the statement). No think time: the decision and the write are one.
void Customer::purchase_atomically(PurchaseRecord& record, int attempt) {
  draw_crash();
  if (lockstep() && !meet(header_.round_start)) throw StoppedByRun();
  record.t_lock_requested = now();
  maybe_crash(CrashPoint::kAfterAcquire, attempt);
  take_one_recorded(*store_, record, [this] { return now(); });
  if (record.outcome == Outcome::kBought) {
    maybe_crash(CrashPoint::kBeforeRelease, attempt);
    sleep_for_ns(config_.hold.count());
  }
}

}  // namespace ticketsim::customer_detail
