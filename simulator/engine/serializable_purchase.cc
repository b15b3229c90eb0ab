// Mode serializable: the pessimistic purchase inside a SERIALIZABLE transaction, without a
// lock; the database aborts a purchase that would not serialise and the customer retries it.
#include "simulator/engine/customer_run.h"

namespace ticketsim::customer_detail {

// begin -> read -> think -> write if count > 0 -> commit. When two purchases read the same
// count, the second to write is aborted (SQLSTATE 40001, at its UPDATE or its COMMIT):
// nothing it wrote took effect, so its record is cleared, a retry counted, and it starts
// over. Under lockstep every customer reads before anyone writes, so all but one retry.
void Customer::purchase_serializably(PurchaseRecord& record, int attempt) {
  draw_crash();
  if (lockstep() && !meet(header_.round_start)) throw StoppedByRun();
  for (;;) {
    try {
      HeldLock held;
      const bool torn = lock_and_read(record, held, attempt);
      if (lockstep() && record.retries == 0 && !meet(header_.race_point)) {
        throw StoppedByRun();
      }
      sleep_for_ns(draw_latency_ns(config_.latency, latency_random_));
      finish_purchase(record, held, torn, attempt);
      return;
    } catch (const TransactionConflict&) {
      slot_.holding = 0;
      record.write_state = WriteState::kNone;
      record.outcome = Outcome::kNotRun;
      record.value_written = -1;
      record.t_written = 0;
      record.earlier_lock_waits_us +=
          static_cast<std::int32_t>((record.t_lock_acquired - record.t_lock_requested) / 1000);
      if (record.retries < INT16_MAX) ++record.retries;
    }
  }
}

}  // namespace ticketsim::customer_detail
