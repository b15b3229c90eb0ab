#include "locks/lock_file.h"

#include <fcntl.h>

#include "locks/customer_lock.h"
#include "storage/posix_io.h"

namespace ticketsim {

void ensure_lock_file(const std::string& path) {
  try {
    open_or_throw(path, O_RDWR | O_CREAT, 0644);
  } catch (const SystemError& e) {
    throw LockError(e.what());
  }
}

}  // namespace ticketsim
