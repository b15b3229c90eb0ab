// FlockLock: BSD flock(2) on the trial's dedicated lock file.
#pragma once

#include <string>
#include <string_view>

#include "locks/customer_lock.h"
#include "locks/lock_file.h"
#include "storage/unique_fd.h"

namespace ticketsim {

// flock(2) locks belong to the open file description: this handle opens the lock file
// itself, so two handles (even in one process) exclude each other, and a descriptor
// inherited across fork would not. The kernel drops the lock when the holder dies.
// Offers a shared mode (LOCK_SH) for readers.
class FlockLock : public CustomerLock {
 public:
  // Opens `lock_file`, which must exist and outlive the handle. Throws LockError.
  explicit FlockLock(const std::string& lock_file);

  // Blocks until acquired (a deadline is not needed: see LockProvider::honours_deadline).
  Acquisition lock(std::int64_t deadline_ns) override;
  bool try_lock() override;
  void unlock() override;
  Acquisition lock_shared(std::int64_t deadline_ns) override;
  void unlock_shared() override;
  bool try_lock_shared() override;

 private:
  // flock(fd_, operation), retried on EINTR. Returns false only for EWOULDBLOCK under LOCK_NB.
  bool apply(int operation, const char* what);

  std::string_view lock_file_;
  UniqueFd fd_;
};

// Creates the lock file in the parent; each customer opens its own FlockLock on it.
using FlockProvider = LockFileProvider<FlockLock>;

}  // namespace ticketsim
