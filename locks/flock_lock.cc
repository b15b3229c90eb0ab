#include "locks/flock_lock.h"

#include <fcntl.h>
#include <sys/file.h>

#include <cerrno>
#include <cstring>

#include "storage/posix_io.h"

namespace ticketsim {

FlockLock::FlockLock(const std::string& lock_file) : lock_file_(lock_file) {
  try {
    fd_ = open_or_throw(lock_file, O_RDWR);
  } catch (const SystemError& e) {
    throw LockError(e.what());
  }
}

bool FlockLock::apply(int operation, const char* what) {
  for (;;) {
    if (::flock(fd_.get(), operation) == 0) return true;
    if (errno == EINTR) continue;
    if (errno == EWOULDBLOCK && (operation & LOCK_NB) != 0) return false;
    throw LockError(std::string("flock ") + what + " " + std::string(lock_file_) + ": " +
                    std::strerror(errno));
  }
}

Acquisition FlockLock::lock(std::int64_t) {
  apply(LOCK_EX, "exclusive");
  return Acquisition::kAcquired;
}
bool FlockLock::try_lock() { return apply(LOCK_EX | LOCK_NB, "exclusive"); }
void FlockLock::unlock() { apply(LOCK_UN, "unlock"); }
Acquisition FlockLock::lock_shared(std::int64_t) {
  apply(LOCK_SH, "shared");
  return Acquisition::kAcquired;
}
void FlockLock::unlock_shared() { apply(LOCK_UN, "unlock"); }
bool FlockLock::try_lock_shared() { return apply(LOCK_SH | LOCK_NB, "shared"); }

}  // namespace ticketsim
