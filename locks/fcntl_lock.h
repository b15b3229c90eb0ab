// FcntlLock: a POSIX record lock (fcntl F_SETLKW) through boost::interprocess::file_lock.
#pragma once

#include <string>
#include <string_view>

#include <boost/interprocess/sync/file_lock.hpp>

#include "locks/customer_lock.h"
#include "locks/lock_file.h"

namespace ticketsim {

// POSIX record locks belong to the *process*: two handles in one process do not exclude
// each other, and closing ANY descriptor of the lock file drops the lock silently (see
// SQLite's os_unix.c). Customers therefore never open the lock file except through this
// handle. The kernel drops the lock when the holder dies. Offers a shared mode (F_RDLCK).
class FcntlLock : public CustomerLock {
 public:
  // Opens `lock_file`, which must exist and outlive the handle. Throws LockError.
  explicit FcntlLock(const std::string& lock_file);

  // Blocks until acquired (a deadline is not needed: see LockProvider::honours_deadline).
  Acquisition lock(std::int64_t deadline_ns) override;
  bool try_lock() override;
  void unlock() override;
  Acquisition lock_shared(std::int64_t deadline_ns) override;
  void unlock_shared() override;
  bool try_lock_shared() override;

 private:
  std::string_view lock_file_;
  boost::interprocess::file_lock lock_;
};

// Creates the lock file in the parent; each customer opens its own FcntlLock on it.
using FcntlProvider = LockFileProvider<FcntlLock>;

}  // namespace ticketsim
