#include "locks/robust_mutex_lock.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "locks/deadline.h"
#include "storage/unique_fd.h"

namespace ticketsim {
namespace {

[[noreturn]] void fail(const char* what, std::string_view name, int error) {
  throw LockError(std::string("robust mutex ") + what + " " + std::string(name) + ": " +
                  std::strerror(error));
}

RobustMutexShared* map_object(int fd, std::string_view name) {
  void* mapping =
      ::mmap(nullptr, sizeof(RobustMutexShared), PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
  if (mapping == MAP_FAILED) fail("map", name, errno);
  return static_cast<RobustMutexShared*>(mapping);
}

}  // namespace

RobustMutexLock::RobustMutexLock(const std::string& name) : name_(name) {
  UniqueFd fd(::shm_open(name.c_str(), O_RDWR | O_CLOEXEC, 0));
  if (!fd.valid()) fail("open", name, errno);
  shared_ = map_object(fd.get(), name);  // the mapping outlives the descriptor
}

RobustMutexLock::~RobustMutexLock() {
  if (shared_ != nullptr) ::munmap(shared_, sizeof(RobustMutexShared));
}

Acquisition RobustMutexLock::lock(std::int64_t deadline_ns) {
  int rc;
  if (deadline_ns == 0) {
    rc = ::pthread_mutex_lock(&shared_->mutex);
  } else {
    timespec at = realtime_deadline(deadline_ns);
    rc = ::pthread_mutex_timedlock(&shared_->mutex, &at);
  }
  switch (rc) {
    case 0:
      return Acquisition::kAcquired;
    case EOWNERDEAD:
      return Acquisition::kPreviousOwnerDied;
    case ETIMEDOUT:
      return Acquisition::kTimedOut;
    default:
      fail("lock", name_, rc);
  }
}

bool RobustMutexLock::try_lock() { return try_acquire(false) != Acquisition::kBusy; }

Acquisition RobustMutexLock::try_acquire(bool /*shared: no reader mode*/) {
  int rc = ::pthread_mutex_trylock(&shared_->mutex);
  if (rc == 0) return Acquisition::kAcquired;
  if (rc == EOWNERDEAD) return Acquisition::kPreviousOwnerDied;
  if (rc == EBUSY) return Acquisition::kBusy;
  fail("lock", name_, rc);
}

void RobustMutexLock::unlock() {
  int rc = ::pthread_mutex_unlock(&shared_->mutex);
  if (rc != 0) fail("unlock", name_, rc);
}

void RobustMutexLock::mark_consistent() {
  int rc = ::pthread_mutex_consistent(&shared_->mutex);
  if (rc != 0) fail("mark consistent", name_, rc);
}

RobustMutexProvider::RobustMutexProvider(const LockSite& site) : name_("/" + site.object_name) {
  UniqueFd fd(::shm_open(name_.c_str(), O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600));
  if (!fd.valid()) fail("create", name_, errno);
  if (::ftruncate(fd.get(), sizeof(RobustMutexShared)) != 0) {
    int error = errno;
    ::shm_unlink(name_.c_str());
    fail("size", name_, error);
  }
  shared_ = map_object(fd.get(), name_);
  pthread_mutexattr_t attributes;
  ::pthread_mutexattr_init(&attributes);
  ::pthread_mutexattr_setpshared(&attributes, PTHREAD_PROCESS_SHARED);
  ::pthread_mutexattr_setrobust(&attributes, PTHREAD_MUTEX_ROBUST);
  int rc = ::pthread_mutex_init(&shared_->mutex, &attributes);
  ::pthread_mutexattr_destroy(&attributes);
  if (rc != 0) {
    ::munmap(shared_, sizeof(RobustMutexShared));
    ::shm_unlink(name_.c_str());
    fail("init", name_, rc);
  }
}

RobustMutexProvider::~RobustMutexProvider() {
  ::pthread_mutex_destroy(&shared_->mutex);
  ::munmap(shared_, sizeof(RobustMutexShared));
  ::shm_unlink(name_.c_str());
}

CustomerLock& RobustMutexProvider::open_for_customer(LockSlot& slot) const {
  return slot.emplace<RobustMutexLock>(name_);
}

}  // namespace ticketsim
