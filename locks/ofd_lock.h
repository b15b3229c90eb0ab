// OfdLock: a Linux open-file-description lock (fcntl F_OFD_SETLKW) on the lock file.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "locks/customer_lock.h"
#include "locks/lock_file.h"
#include "storage/unique_fd.h"

namespace ticketsim {

// OFD locks are record locks owned by the open file description, like flock(2) and unlike
// fcntl(F_SETLKW): closing another descriptor of the file does not drop them, and each
// handle (even two in one process) excludes the others. A descriptor inherited across fork
// would share the lock, so every customer opens its own. The kernel drops the lock when the
// last descriptor of the description closes, e.g. when the holder dies. Offers F_RDLCK.
class OfdLock : public CustomerLock {
 public:
  // Opens `lock_file`, which must exist and outlive the handle. Throws LockError.
  explicit OfdLock(const std::string& lock_file);

  // Blocks until acquired (a deadline is not needed: see LockProvider::honours_deadline).
  Acquisition lock(std::int64_t deadline_ns) override;
  bool try_lock() override;
  void unlock() override;
  Acquisition lock_shared(std::int64_t deadline_ns) override;
  void unlock_shared() override;
  bool try_lock_shared() override;

 private:
  // fcntl(F_OFD_SETLKW or F_OFD_SETLK) on the whole file, retried on EINTR. Returns false
  // only when a non-blocking request finds the lock taken.
  bool apply(short type, bool wait, const char* what);

  std::string_view lock_file_;
  UniqueFd fd_;
};

// Creates the lock file in the parent; each customer opens its own OfdLock on it.
using OfdProvider = LockFileProvider<OfdLock>;

}  // namespace ticketsim
