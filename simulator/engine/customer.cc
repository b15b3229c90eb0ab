#include "simulator/engine/customer.h"

#include "simulator/engine/customer_run.h"

#include <signal.h>
#include <sys/prctl.h>
#include <unistd.h>

#include <exception>
#include <optional>
#include <stdexcept>
#include <utility>

#include <fmt/format.h>

#include "simulator/engine/clock.h"
#include "simulator/engine/random.h"
#include "storage/ticket_store.h"

namespace ticketsim {

namespace customer_detail {

void Customer::purchase(PurchaseRecord& record, int attempt) {
  draw_crash();
  if (lockstep() && !meet(header_.round_start)) throw StoppedByRun();
  HeldLock held;
  const bool torn = lock_and_read(record, held, attempt);
  // Mode none under lockstep: nobody writes until everybody has read. (Lock modes wait
  // at round_start instead, before the lock, so this barrier can never deadlock.)
  if (lockstep() && config_.mode == Mode::kNone && !meet(header_.race_point)) {
    throw StoppedByRun();
  }
  sleep_for_ns(draw_latency_ns(config_.latency, latency_random_));
  finish_purchase(record, held, torn, attempt);
}

}  // namespace customer_detail

using customer_detail::Customer;
using customer_detail::LockTimedOut;
using customer_detail::StoppedByRun;

void write_recorded(TicketStore& store, std::int64_t count, PurchaseRecord& record) {
  record.write_state = WriteState::kBegun;
  StoreReply reply = store.write_count(count);
  if (reply.failed()) {
    if (reply.status != StoreStatus::kIndeterminate) record.write_state = WriteState::kNone;
    require_answer(reply, "write");  // throws StoreUnavailable
  }
  record.write_state = WriteState::kDone;
}

int run_customer(const CustomerPlan& plan) noexcept {
  Customer customer(plan);
  int status = kCustomerExitError;
  try {
    customer.run();
    return kCustomerExitOk;
  } catch (const StoppedByRun&) {
    customer.slot().stopped_by_run = 1;
    status = kCustomerExitStopped;
  } catch (const LockTimedOut& e) {
    customer.slot().set_error(e.what());
    status = kCustomerExitLockTimeout;
  } catch (const std::exception& e) {
    customer.slot().set_error(e.what());
  } catch (...) {
    customer.slot().set_error("unknown exception");
  }
  PurchaseRecord* record = customer.current();
  if (record != nullptr && status != kCustomerExitStopped) record->outcome = Outcome::kError;
  if (plan.config->record_times) customer.slot().t_exit = monotonic_ns();
  return status;
}

}  // namespace ticketsim
