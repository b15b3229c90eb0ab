// The database's own ways to protect a purchase, as lock modes (README "Database modes").
#pragma once

#include <memory>

#include "locks/customer_lock.h"

namespace ticketsim {

// row-lock: SELECT ... FOR UPDATE on the trial's row inside a READ COMMITTED transaction.
std::unique_ptr<LockProvider> make_row_lock_provider();
// advisory: pg_advisory_xact_lock keyed by the row's name, inside a transaction.
std::unique_ptr<LockProvider> make_advisory_lock_provider();
// serializable: a SERIALIZABLE transaction and no lock at all; the database aborts one of
// two purchases that would not serialise, and the customer retries it.
std::unique_ptr<LockProvider> make_serializable_provider();

}  // namespace ticketsim
