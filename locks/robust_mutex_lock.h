// RobustMutexLock: a process-shared PTHREAD_MUTEX_ROBUST mutex in a named shared-memory object.
#pragma once

#include <pthread.h>

#include <cstdint>
#include <string>
#include <string_view>

#include "locks/customer_lock.h"

namespace ticketsim {

// The named shared-memory object (/dev/shm/<name>) of mode robust-mutex.
struct RobustMutexShared {
  pthread_mutex_t mutex;
};

// A robust mutex has an owner: when its holder dies, the next lock() succeeds with
// EOWNERDEAD (Acquisition::kPreviousOwnerDied) instead of blocking for ever. The new holder
// repairs what the lock protects and calls mark_consistent(); a mutex unlocked without
// that becomes unusable (ENOTRECOVERABLE). No reader mode: search takes it exclusively.
class RobustMutexLock : public CustomerLock {
 public:
  // Maps the existing object `name`, which must outlive the handle. Throws LockError.
  explicit RobustMutexLock(const std::string& name);
  ~RobustMutexLock() override;
  RobustMutexLock(const RobustMutexLock&) = delete;
  RobustMutexLock& operator=(const RobustMutexLock&) = delete;

  // Waits until `deadline_ns` at most (pthread_mutex_timedlock, CLOCK_REALTIME).
  Acquisition lock(std::int64_t deadline_ns) override;
  // True also when the previous owner died (the caller then holds an inconsistent mutex
  // and must mark_consistent() before unlocking).
  bool try_lock() override;
  Acquisition try_acquire(bool shared) override;
  void unlock() override;
  void mark_consistent() override;

 private:
  std::string_view name_;
  RobustMutexShared* shared_ = nullptr;
};

// Creates the shared-memory object and initialises the mutex in the parent; unmaps and
// unlinks it (/dev/shm) when destroyed.
class RobustMutexProvider : public LockProvider {
 public:
  explicit RobustMutexProvider(const LockSite& site);
  ~RobustMutexProvider() override;
  RobustMutexProvider(const RobustMutexProvider&) = delete;
  RobustMutexProvider& operator=(const RobustMutexProvider&) = delete;

  CustomerLock& open_for_customer(LockSlot& slot) const override;
  bool readers_share() const override { return false; }
  bool honours_deadline() const override { return true; }
  bool reports_dead_owner() const override { return true; }

 private:
  std::string name_;  // "/ticketsim...." as shm_open wants it
  RobustMutexShared* shared_ = nullptr;
};

}  // namespace ticketsim
