#include "locks/fcntl_lock.h"

#include <boost/interprocess/exceptions.hpp>

#include "locks/lock_file.h"

namespace ticketsim {
namespace {

// Runs one file_lock operation, turning Boost's exception into a LockError naming the file.
template <typename Operation>
auto guarded(std::string_view lock_file, const char* what, Operation operation) {
  try {
    return operation();
  } catch (const boost::interprocess::interprocess_exception& e) {
    throw LockError(std::string("fcntl ") + what + " " + std::string(lock_file) + ": " + e.what());
  }
}

}  // namespace

FcntlLock::FcntlLock(const std::string& lock_file)
    : lock_file_(lock_file), lock_(guarded(lock_file, "open", [&] {
        return boost::interprocess::file_lock(lock_file.c_str());
      })) {}

void FcntlLock::lock() {
  guarded(lock_file_, "exclusive", [&] { lock_.lock(); });
}
bool FcntlLock::try_lock() {
  return guarded(lock_file_, "exclusive", [&] { return lock_.try_lock(); });
}
void FcntlLock::unlock() {
  guarded(lock_file_, "unlock", [&] { lock_.unlock(); });
}
void FcntlLock::lock_shared() {
  guarded(lock_file_, "shared", [&] { lock_.lock_sharable(); });
}
void FcntlLock::unlock_shared() {
  guarded(lock_file_, "unlock", [&] { lock_.unlock_sharable(); });
}

FcntlProvider::FcntlProvider(const LockSite& site) : lock_file_(site.lock_file) {
  ensure_lock_file(lock_file_);
}

CustomerLock& FcntlProvider::open_for_customer(LockSlot& slot) const {
  return slot.emplace<FcntlLock>(lock_file_);
}

}  // namespace ticketsim
