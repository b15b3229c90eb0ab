#include "simulator/customer.h"

#include <sys/prctl.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <exception>
#include <optional>
#include <utility>

#include "simulator/clock.h"
#include "storage/store_file.h"

namespace ticketsim {
namespace {

// splitmix64: a tiny, well-mixed generator whose sequence is the same on every platform,
// so a seed reproduces the same latencies anywhere.
std::uint64_t next_random(std::uint64_t& state) {
  std::uint64_t z = (state += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

std::int64_t draw_latency_ns(const DurationRange& range, std::uint64_t& state) {
  std::int64_t min = range.min.count();
  if (range.fixed()) return min;
  auto span = static_cast<std::uint64_t>(range.max.count() - min) + 1;
  return min + static_cast<std::int64_t>(next_random(state) % span);
}

void record_error(CustomerSlot& slot, const char* message) {
  std::strncpy(slot.error, message, kCustomerErrorBytes - 1);
  slot.error[kCustomerErrorBytes - 1] = '\0';
}

// Holds a CustomerLock until release() or destruction, so that an exception between
// acquire and release never leaves a lock held by a customer that goes on living.
class HeldLock {
 public:
  HeldLock(CustomerLock& lock, bool shared) : lock_(&lock), shared_(shared) {
    shared_ ? lock_->lock_shared() : lock_->lock();
  }
  ~HeldLock() {
    try {
      release();
    } catch (...) {
    }
  }
  HeldLock(const HeldLock&) = delete;
  HeldLock& operator=(const HeldLock&) = delete;

  void release() {
    if (lock_ == nullptr) return;
    CustomerLock* lock = std::exchange(lock_, nullptr);
    shared_ ? lock->unlock_shared() : lock->unlock();
  }

 private:
  CustomerLock* lock_;
  bool shared_;
};

// One customer's run; throws on failure, which run_customer records.
class Customer {
 public:
  explicit Customer(const CustomerPlan& plan)
      : plan_(plan),
        config_(*plan.config),
        slot_(plan.table->slot(plan.index)),
        header_(plan.table->header()),
        random_state_(plan.latency_seed) {}

  void run() {
    slot_.pid = ::getpid();
    slot_.ppid = ::getppid();
    slot_.t_spawn = now();
    // Latencies of a few hundred microseconds need the timer slack off (default 50 us).
    if (config_.latency.max.count() > 0 || config_.search_latency.count() > 0) {
      ::prctl(PR_SET_TIMERSLACK, 1UL);
    }
    // Own descriptors, opened after fork: nothing here is shared with another customer.
    store_.emplace(plan_.store_path);
    lock_ = &plan_.locks->open_for_customer(lock_slot_);
    search();
    for (int attempt = 0; attempt < config_.attempts; ++attempt) {
      current_ = &plan_.table->purchase(plan_.index, attempt);
      purchase(*current_);
      current_ = nullptr;
      ++slot_.purchases_done;
    }
    slot_.t_exit = now();
  }

  // The purchase in progress when an exception escaped, if any.
  PurchaseRecord* current() { return current_; }
  CustomerSlot& slot() { return slot_; }

 private:
  bool lockstep() const { return config_.schedule == Schedule::kLockstep; }
  // The time of a step, or 0 when the experiment does not record times.
  std::int64_t now() const { return config_.record_times ? monotonic_ns() : 0; }

  // Reads the store the way a customer checks availability: under the reader lock.
  void search() {
    SearchRecord& search = slot_.search;
    search.t_lock_requested = now();
    HeldLock held(*lock_, /*shared=*/true);
    search.t_lock_acquired = now();
    StoreFile::ReadResult read = store_->read();
    search.t_read = now();
    search.t_released = now();
    held.release();
    if (read.torn) {
      search.outcome = Outcome::kTornRead;
    } else {
      search.value_seen = read.count;
      search.outcome = Outcome::kSeen;
    }
    sleep_for_ns(config_.search_latency.count());
  }

  // acquire -> read -> think -> write if count > 0 -> release.
  void purchase(PurchaseRecord& record) {
    if (lockstep() && !header_.round_start.arrive_and_wait()) {
      record.outcome = Outcome::kError;
      throw std::runtime_error("lockstep barrier broken: another customer stopped");
    }
    record.t_lock_requested = now();
    HeldLock held(*lock_, /*shared=*/false);
    record.t_lock_acquired = now();
    StoreFile::ReadResult read = store_->read();
    record.t_read = now();
    if (!read.torn) record.value_read = read.count;
    // Mode none under lockstep: nobody writes until everybody has read. (Lock modes wait
    // at round_start instead, before the lock, so this barrier can never deadlock.)
    if (lockstep() && config_.mode == Mode::kNone && !header_.race_point.arrive_and_wait()) {
      record.outcome = Outcome::kError;
      throw std::runtime_error("lockstep barrier broken: another customer stopped");
    }
    sleep_for_ns(draw_latency_ns(config_.latency, random_state_));
    record.t_write_begin = now();
    if (read.torn) {
      record.outcome = Outcome::kTornRead;
    } else if (record.value_read > 0) {
      store_->write_count(record.value_read - 1);
      record.t_written = now();
      record.value_written = record.value_read - 1;
      record.outcome = Outcome::kBought;
    } else {
      record.outcome = Outcome::kSoldOut;
    }
    record.t_released = now();
    held.release();
  }

  const CustomerPlan& plan_;
  const ExperimentConfig& config_;
  CustomerSlot& slot_;
  TableHeader& header_;
  std::uint64_t random_state_;
  std::optional<StoreFile> store_;
  LockSlot lock_slot_;  // on this customer's stack: opening the lock allocates nothing
  CustomerLock* lock_ = nullptr;
  PurchaseRecord* current_ = nullptr;
};

}  // namespace

int run_customer(const CustomerPlan& plan) noexcept {
  Customer customer(plan);
  try {
    customer.run();
    return 0;
  } catch (const std::exception& e) {
    record_error(customer.slot(), e.what());
  } catch (...) {
    record_error(customer.slot(), "unknown exception");
  }
  if (PurchaseRecord* record = customer.current()) record->outcome = Outcome::kError;
  if (plan.config->record_times) customer.slot().t_exit = monotonic_ns();
  return 1;
}

}  // namespace ticketsim
