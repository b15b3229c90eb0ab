#include "locks/ofd_lock.h"

#include <fcntl.h>

#include <cerrno>
#include <cstring>

#include "storage/posix_io.h"

namespace ticketsim {

OfdLock::OfdLock(const std::string& lock_file) : lock_file_(lock_file) {
  try {
    fd_ = open_or_throw(lock_file, O_RDWR);
  } catch (const SystemError& e) {
    throw LockError(e.what());
  }
}

bool OfdLock::apply(short type, bool wait, const char* what) {
  struct flock request {};
  request.l_type = type;
  request.l_whence = SEEK_SET;
  request.l_start = 0;
  request.l_len = 0;  // the whole file
  request.l_pid = 0;  // required for OFD locks
  for (;;) {
    if (::fcntl(fd_.get(), wait ? F_OFD_SETLKW : F_OFD_SETLK, &request) == 0) return true;
    if (errno == EINTR) continue;
    if (!wait && (errno == EAGAIN || errno == EACCES)) return false;
    throw LockError(std::string("ofd ") + what + " " + std::string(lock_file_) + ": " +
                    std::strerror(errno));
  }
}

Acquisition OfdLock::lock(std::int64_t) {
  apply(F_WRLCK, true, "exclusive");
  return Acquisition::kAcquired;
}
bool OfdLock::try_lock() { return apply(F_WRLCK, false, "exclusive"); }
void OfdLock::unlock() { apply(F_UNLCK, false, "unlock"); }
Acquisition OfdLock::lock_shared(std::int64_t) {
  apply(F_RDLCK, true, "shared");
  return Acquisition::kAcquired;
}
void OfdLock::unlock_shared() { apply(F_UNLCK, false, "unlock"); }
bool OfdLock::try_lock_shared() { return apply(F_RDLCK, false, "shared"); }

}  // namespace ticketsim
