// Creation of the dedicated lock file that file-based lock modes lock.
#pragma once

#include <string>

namespace ticketsim {

// Creates `path` (empty, mode 0644) if it does not exist. The store is replaced by rename
// in some write strategies, so locks are taken on this separate file, which is never
// rewritten. Throws LockError.
void ensure_lock_file(const std::string& path);

}  // namespace ticketsim
