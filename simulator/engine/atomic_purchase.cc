// Mode atomic: the store sells a ticket in one statement (UPDATE ... SET count = count - 1
// WHERE count > 0 RETURNING count), so there is no read-then-write for anyone to come between.
#include "simulator/engine/customer_run.h"

namespace ticketsim::customer_detail {

// One request, recorded as a read of the count before it and a write of the count it left,
// both at the instant the store answered (its critical section has no width: the database
// holds the row only for the statement). No think time: the decision and the write are one.
void Customer::purchase_atomically(PurchaseRecord& record, int attempt) {
  draw_crash();
  if (lockstep() && !meet(header_.round_start)) throw StoppedByRun();
  record.t_lock_requested = now();
  maybe_crash(CrashPoint::kAfterAcquire, attempt);
  record.write_state = WriteState::kBegun;
  const StoreReply taken = store_->take_one();
  if (taken.failed()) {
    if (taken.status != StoreStatus::kIndeterminate) record.write_state = WriteState::kNone;
    require_answer(taken, "write");  // throws StoreUnavailable
  }
  const std::int64_t answered = now();
  record.t_lock_acquired = record.t_read = record.t_write_begin = answered;
  record.t_written = record.t_released = answered;
  if (taken.ok()) {
    record.value_read = taken.count + 1;
    record.value_written = taken.count;
    record.write_state = WriteState::kDone;
    record.outcome = Outcome::kBought;
    maybe_crash(CrashPoint::kBeforeRelease, attempt);
    sleep_for_ns(config_.hold.count());
  } else {
    record.value_read = 0;
    record.write_state = WriteState::kNone;
    record.outcome = Outcome::kSoldOut;
  }
}

}  // namespace ticketsim::customer_detail
