// Mode optimistic: the purchase thinks without holding anything and takes the lock only to
// check that the count it read is still the count, and to write.
#include "simulator/engine/customer_run.h"
#include "simulator/engine/database_purchase.h"

namespace ticketsim::customer_detail {

// read (no lock) -> think -> acquire -> re-read -> if unchanged: write (and hold) -> release;
// if changed (another customer bought meanwhile) or torn: release, count a retry, start over.
// After kOptimisticRetries conflicts the purchase thinks holding the lock, as flock does, so
// it always ends. The critical section the oracle checks is acquire..release: only the
// re-read and the write are protected, which is all that safety needs.
void Customer::purchase_optimistically(PurchaseRecord& record, int attempt) {
  draw_crash();
  if (lockstep() && !meet(header_.round_start)) throw StoppedByRun();
  for (;;) {
    const bool pessimistic = record.retries >= kOptimisticRetries;
    std::int64_t seen = -1;  // -1: the unlocked read was torn, so it cannot match
    if (!pessimistic) {
      const StoreReply first = require_answer(store_->read_count(), "read");
      if (first.status != StoreStatus::kTorn) seen = first.count;
      // Lockstep: everyone has read before anyone checks, so all but one must retry.
      if (lockstep() && record.retries == 0 && !meet(header_.race_point)) {
        throw StoppedByRun();
      }
      // Nothing left to buy: no reason to think; confirm under the lock.
      if (seen != 0) sleep_for_ns(draw_latency_ns(config_.latency, latency_random_));
    }
    HeldLock held;
    const bool torn = lock_and_read(record, held, attempt);
    if (pessimistic) {
      sleep_for_ns(draw_latency_ns(config_.latency, latency_random_));
    } else if (torn || record.value_read != seen) {
      record.t_released = now();
      release(held);
      record.earlier_lock_waits_us +=
          static_cast<std::int32_t>((record.t_lock_acquired - record.t_lock_requested) / 1000);
      ++record.retries;
      continue;
    }
    finish_purchase(record, held, torn, attempt);
    return;
  }
}

}  // namespace ticketsim::customer_detail

namespace ticketsim::customer_detail {

// read (no lock) -> think -> compare-and-set(read, read - 1) as one statement -> if the
// count had changed: count a retry and start over. No lock is taken: the store's
// compare-and-set is atomic by itself (a database's UPDATE ... WHERE count = <read>), so the
// check and the write are one instant in the store, recorded as a critical section that
// begins and ends when the store answered.
void Customer::purchase_by_compare_and_set(PurchaseRecord& record, int attempt) {
  draw_crash();
  if (lockstep() && !meet(header_.round_start)) throw StoppedByRun();
  for (;;) {
    record.t_lock_requested = now();
    const StoreReply first = require_answer(store_->read_count(), "read");
    record.t_read = now();
    record.value_read = first.status == StoreStatus::kTorn ? -1 : first.count;
    if (lockstep() && record.retries == 0 && !meet(header_.race_point)) {
      throw StoppedByRun();
    }
    if (record.value_read <= 0) {
      record.t_lock_acquired = record.t_write_begin = record.t_released = now();
      record.outcome = record.value_read == 0 ? Outcome::kSoldOut : Outcome::kTornRead;
      return;
    }
    sleep_for_ns(draw_latency_ns(config_.latency, latency_random_));
    maybe_crash(CrashPoint::kAfterAcquire, attempt);
    record.t_write_begin = now();
    if (compare_and_set_recorded(*store_, record, [this] { return now(); })) {
      maybe_crash(CrashPoint::kBeforeRelease, attempt);
      sleep_for_ns(config_.hold.count());
      return;
    }
    if (record.retries < INT16_MAX) ++record.retries;
  }
}

}  // namespace ticketsim::customer_detail
