// make_lock_provider: the one place that maps a Mode to its lock implementation.
#pragma once

#include <memory>

#include "locks/customer_lock.h"
#include "ticketsim/mode.h"

namespace ticketsim {

// Creates the lock objects for `mode` at `site`. The provider owns them and removes them
// when destroyed. Throws LockError.
std::unique_ptr<LockProvider> make_lock_provider(Mode mode, const LockSite& site);

}  // namespace ticketsim
