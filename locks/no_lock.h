// NoLock: the "lock" of modes none and join, which protects nothing.
#pragma once

#include "locks/customer_lock.h"

namespace ticketsim {

// Every operation succeeds at once. In mode none the race is therefore open; in mode join
// the parent, not a lock, keeps customers apart.
class NoLock : public CustomerLock {
 public:
  Acquisition lock(std::int64_t) override { return Acquisition::kAcquired; }
  bool try_lock() override { return true; }
  void unlock() override {}
  Acquisition lock_shared(std::int64_t) override { return Acquisition::kAcquired; }
  void unlock_shared() override {}
  bool try_lock_shared() override { return true; }
};

// Hands out NoLock; creates no kernel objects.
class NoLockProvider : public LockProvider {
 public:
  CustomerLock& open_for_customer(LockSlot& slot) const override { return slot.emplace<NoLock>(); }
  bool readers_share() const override { return true; }
};

}  // namespace ticketsim
