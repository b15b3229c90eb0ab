// NamedMutexLock: boost::interprocess::named_mutex, a POSIX named semaphore in /dev/shm.
#pragma once

#include <string>
#include <string_view>

#include <boost/interprocess/sync/named_mutex.hpp>

#include "locks/customer_lock.h"

namespace ticketsim {

// On Linux, Boost 1.74's named_mutex is a POSIX named semaphore (/dev/shm/sem.<name>):
// it has no owner and is not robust. A holder killed while holding it leaves it taken for
// every later process until it is removed. It has no reader mode, so search takes it
// exclusively.
class NamedMutexLock : public CustomerLock {
 public:
  // Opens the existing mutex `name`, which must outlive the handle. Throws LockError.
  explicit NamedMutexLock(const std::string& name);

  // Waits until `deadline_ns` at most (timed_lock, with an absolute UTC time as Boost 1.74
  // requires): a holder that died leaves the semaphore taken for ever.
  Acquisition lock(std::int64_t deadline_ns) override;
  bool try_lock() override;
  void unlock() override;

 private:
  std::string_view name_;
  boost::interprocess::named_mutex mutex_;
};

// Creates the named mutex (failing if the name exists: names are unique per trial) and
// removes it from /dev/shm when destroyed.
class NamedMutexProvider : public LockProvider {
 public:
  explicit NamedMutexProvider(const LockSite& site);
  ~NamedMutexProvider() override;
  NamedMutexProvider(const NamedMutexProvider&) = delete;
  NamedMutexProvider& operator=(const NamedMutexProvider&) = delete;

  CustomerLock& open_for_customer(LockSlot& slot) const override;
  bool readers_share() const override { return false; }
  bool honours_deadline() const override { return true; }
  // A POSIX semaphore has no owner: a holder's death leaves it taken for ever.
  bool released_when_holder_dies() const override { return false; }

 private:
  std::string name_;
};

}  // namespace ticketsim
