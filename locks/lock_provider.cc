#include "locks/lock_provider.h"

#include "locks/database_locks.h"
#include "locks/fcntl_lock.h"
#include "locks/flock_lock.h"
#include "locks/named_mutex_lock.h"
#include "locks/no_lock.h"
#include "locks/ofd_lock.h"
#include "locks/redis_lock.h"
#include "locks/robust_mutex_lock.h"

namespace ticketsim {

std::unique_ptr<LockProvider> make_lock_provider(Mode mode, const LockSite& site) {
  switch (mode) {
    case Mode::kNone:
    case Mode::kJoin:
    case Mode::kAtomic:  // one statement, atomic in the database
    case Mode::kServer:  // the server process is the only one that touches the store
      return std::make_unique<NoLockProvider>();
    case Mode::kFlock:
    case Mode::kOptimistic:  // its brief check-and-write takes the flock lock
      return std::make_unique<FlockProvider>(site);
    case Mode::kFcntl:
      return std::make_unique<FcntlProvider>(site);
    case Mode::kOfd:
      return std::make_unique<OfdProvider>(site);
    case Mode::kNamedMutex:
      return std::make_unique<NamedMutexProvider>(site);
    case Mode::kRobustMutex:
      return std::make_unique<RobustMutexProvider>(site);
    case Mode::kRowLock:
      return make_row_lock_provider();
    case Mode::kAdvisory:
      return make_advisory_lock_provider();
    case Mode::kSerializable:
      return make_serializable_provider();
    case Mode::kRedisLock:
      return make_redis_lock_provider(site);
  }
  throw LockError("unknown mode");
}

}  // namespace ticketsim
