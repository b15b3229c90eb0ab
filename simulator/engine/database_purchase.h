// The database's one-statement purchase steps, recorded the same way by the free-running
// customer (atomic_purchase.cc, optimistic_purchase.cc) and the stepped one.
#pragma once

#include "storage/ticket_store.h"
#include "ticketsim/records.h"

namespace ticketsim {

// Mode atomic's one statement (UPDATE ... SET count = count - 1 WHERE count > 0 RETURNING
// count), recorded in `record` as a read of the count before it and a write of the count it
// left, both at `clock()` when the store answered: bought, or sold out. Throws
// StoreUnavailable when the store did not answer (the write state then says whether the
// statement may have taken effect).
template <typename Clock>
void take_one_recorded(TicketStore& store, PurchaseRecord& record, Clock clock) {
  record.write_state = WriteState::kBegun;
  const StoreReply taken = store.take_one();
  if (taken.failed()) {
    if (taken.status != StoreStatus::kIndeterminate) record.write_state = WriteState::kNone;
    require_answer(taken, "write");  // throws StoreUnavailable
  }
  const std::int64_t answered = clock();
  record.t_lock_acquired = record.t_read = record.t_write_begin = answered;
  record.t_written = record.t_released = answered;
  if (taken.ok()) {
    record.value_read = taken.count + 1;
    record.value_written = taken.count;
    record.write_state = WriteState::kDone;
    record.outcome = Outcome::kBought;
  } else {
    record.value_read = 0;
    record.write_state = WriteState::kNone;
    record.outcome = Outcome::kSoldOut;
  }
}

// A database's optimistic write: compare_and_set(read, read - 1) for the count `record`
// read, one statement that needs no lock, its critical section the instant (`clock()`) the
// store answered. True when it wrote (bought); false when the count had changed (nothing
// written, the record's write undone). Throws StoreUnavailable as take_one_recorded() does.
template <typename Clock>
bool compare_and_set_recorded(TicketStore& store, PurchaseRecord& record, Clock clock) {
  record.write_state = WriteState::kBegun;
  const StoreReply swapped = store.compare_and_set(record.value_read, record.value_read - 1);
  if (swapped.failed()) {
    if (swapped.status != StoreStatus::kIndeterminate) record.write_state = WriteState::kNone;
    require_answer(swapped, "write");  // throws StoreUnavailable
  }
  record.t_lock_acquired = record.t_written = record.t_released = clock();
  if (!swapped.ok()) {
    record.write_state = WriteState::kNone;  // kConflict: nothing written
    return false;
  }
  record.write_state = WriteState::kDone;
  record.value_written = record.value_read - 1;
  record.outcome = Outcome::kBought;
  return true;
}

}  // namespace ticketsim
