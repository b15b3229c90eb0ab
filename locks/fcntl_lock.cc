#include "locks/fcntl_lock.h"

#include "locks/boost_call.h"

namespace ticketsim {

FcntlLock::FcntlLock(const std::string& lock_file)
    : lock_file_(lock_file), lock_(boost_call("fcntl", "open", lock_file, [&] {
        return boost::interprocess::file_lock(lock_file.c_str());
      })) {}

Acquisition FcntlLock::lock(std::int64_t) {
  boost_call("fcntl", "exclusive", lock_file_, [&] { lock_.lock(); });
  return Acquisition::kAcquired;
}
bool FcntlLock::try_lock() {
  return boost_call("fcntl", "exclusive", lock_file_, [&] { return lock_.try_lock(); });
}
void FcntlLock::unlock() {
  boost_call("fcntl", "unlock", lock_file_, [&] { lock_.unlock(); });
}
Acquisition FcntlLock::lock_shared(std::int64_t) {
  boost_call("fcntl", "shared", lock_file_, [&] { lock_.lock_sharable(); });
  return Acquisition::kAcquired;
}
bool FcntlLock::try_lock_shared() {
  return boost_call("fcntl", "shared", lock_file_, [&] { return lock_.try_lock_sharable(); });
}
void FcntlLock::unlock_shared() {
  boost_call("fcntl", "unlock", lock_file_, [&] { lock_.unlock_sharable(); });
}

}  // namespace ticketsim
