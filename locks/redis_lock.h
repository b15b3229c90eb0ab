// Mode redis-lock: a lock served over the network by Redis, with a lease.
#pragma once

#include <memory>

#include "locks/customer_lock.h"

namespace ticketsim {

// Grants are SET <key> <token> NX PX <lease>: Redis drops the key when the lease runs out,
// whether or not the holder is done (a holder stopped longer than its lease loses the lock
// without knowing, and another customer takes it: two "holders" at once). Release is a
// script that deletes the key only if it still holds this holder's token. With
// site.fencing, each grant also INCRements a counter in the same script and the grant's
// number is its fencing token (CustomerLock::fencing_token), which a store that checks it
// uses to refuse a stale holder's write. The provider checks the server answers (throws
// LockError naming it) and deletes the trial's keys when destroyed.
std::unique_ptr<LockProvider> make_redis_lock_provider(const LockSite& site);

}  // namespace ticketsim
