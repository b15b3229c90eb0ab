// The dedicated lock file that file-based lock modes lock, and their shared provider.
#pragma once

#include <string>

#include "locks/customer_lock.h"

namespace ticketsim {

// Creates `path` (empty, mode 0644) if it does not exist. The store is replaced by rename
// in some write strategies, so locks are taken on this separate file, which is never
// rewritten. Throws LockError.
void ensure_lock_file(const std::string& path);

// The provider of every mode that locks the trial's lock file: creates the file in the
// parent; each customer opens its own `Lock` on it (Lock(const std::string& lock_file)).
// File locks offer a reader mode. The file itself is removed with the trial directory.
template <typename Lock>
class LockFileProvider : public LockProvider {
 public:
  explicit LockFileProvider(const LockSite& site) : lock_file_(site.lock_file) {
    ensure_lock_file(lock_file_);
  }
  CustomerLock& open_for_customer(LockSlot& slot) const override {
    return slot.emplace<Lock>(lock_file_);
  }
  bool readers_share() const override { return true; }

 private:
  std::string lock_file_;
};

}  // namespace ticketsim
