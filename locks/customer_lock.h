// CustomerLock: one customer's handle on the purchase lock, and where lock objects live.
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>
#include <utility>

#include "storage/inline_slot.h"
#include "storage/ticket_store.h"

namespace ticketsim {

// A lock operation failed for a reason other than contention (a broken lock object).
class LockError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// How an acquisition ended.
enum class Acquisition {
  kAcquired,           // the caller holds the lock
  kPreviousOwnerDied,  // the caller holds the lock, whose previous holder died holding it
                       // (robust mutexes only): repair what it protects, then mark_consistent()
  kTimedOut,           // the deadline passed first; the caller does not hold the lock
  kBusy,               // try_acquire(): somebody holds it; the caller does not hold the lock
};

// One process's handle on the lock that protects purchases. Each customer opens its own
// handle after fork and never shares it: flock and OFD locks belong to the open file
// description, so an inherited descriptor would share the parent's lock and exclude nothing.
// Methods throw LockError when the mechanism fails; contention is not an error.
class CustomerLock {
 public:
  virtual ~CustomerLock() = default;

  // Blocks until this process holds the lock exclusively. `deadline_ns` is a
  // CLOCK_MONOTONIC time after which to give up (0: never), honoured by mechanisms whose
  // provider says honours_deadline(); the others wait for as long as it takes.
  virtual Acquisition lock(std::int64_t deadline_ns) = 0;
  // Takes the lock exclusively if nobody holds it; never blocks. Returns whether it did.
  virtual bool try_lock() = 0;
  // Releases the exclusive lock held by this process.
  virtual void unlock() = 0;

  // Reader lock for search: excludes writers, admits other readers. Mechanisms without a
  // reader mode take the exclusive lock instead, which is stricter and equally safe.
  virtual Acquisition lock_shared(std::int64_t deadline_ns) { return lock(deadline_ns); }
  virtual void unlock_shared() { unlock(); }
  // Takes the reader lock if no writer holds it; never blocks. Returns whether it did.
  virtual bool try_lock_shared() { return try_lock(); }
  // try_lock() (or try_lock_shared()) that also says how: kAcquired, kPreviousOwnerDied
  // (robust mutexes: repair, then mark_consistent()), or kBusy when somebody holds it.
  virtual Acquisition try_acquire(bool shared) {
    return (shared ? try_lock_shared() : try_lock()) ? Acquisition::kAcquired : Acquisition::kBusy;
  }

  // After Acquisition::kPreviousOwnerDied and the repair: the protected state is consistent
  // again, so the lock stays usable. A no-op for mechanisms that never report a dead owner.
  virtual void mark_consistent() {}

  // A lock with leases (redis-lock): the fencing token of the current grant (0 when the
  // lock hands out none), and whether the last unlock() found the lock no longer this
  // holder's (its lease had run out, so another customer may have held it meanwhile).
  virtual std::int64_t fencing_token() const { return 0; }
  virtual bool lease_expired() const { return false; }
};

// Room for one CustomerLock inside its owner (a customer keeps it on its own stack).
using LockSlot = InlineSlot<CustomerLock, 1024>;  // redis-lock's client is the largest

// Where one trial's lock objects live. Both are private to the trial, so runs side by side
// never share them.
struct LockSite {
  std::string lock_file;  // a dedicated file beside the store copy; never renamed or rewritten
  std::string
      object_name;  // a name for kernel objects (e.g. /dev/shm/sem.<name>), unique per trial
  // Mode redis-lock: the server, the lease and whether grants carry fencing tokens.
  std::string redis_url;
  std::int64_t lease_ms = 0;
  bool fencing = false;
  bool shared = false;  // --hosts: object_name is shared with other hosts' trials
};

// Creates one mode's shared lock objects in the parent, before fork, and removes them
// when destroyed, after every customer has been reaped.
class LockProvider {
 public:
  virtual ~LockProvider() = default;
  // Opens this process's own handle in `slot`. Called in each customer after fork. The
  // handle may refer to the provider's names, so the provider must outlive it (a forked
  // customer's copy of the provider lives until the customer exits). Throws LockError.
  virtual CustomerLock& open_for_customer(LockSlot& slot) const = 0;
  // The same, for a lock that lives in the customer's own store handle `store` (a database's
  // row and advisory locks, a transaction): customers call this one. The default ignores
  // the store.
  virtual CustomerLock& open_for_customer(LockSlot& slot, TicketStore& store) const {
    (void)store;
    return open_for_customer(slot);
  }
  // True when CustomerLock::lock_shared() admits several readers at once.
  virtual bool readers_share() const = 0;
  // True when CustomerLock::lock() gives up at its deadline. Kernel file locks (flock,
  // fcntl, OFD) do not need one: the kernel releases them when their holder dies.
  virtual bool honours_deadline() const { return false; }
  // True when lock() can return Acquisition::kPreviousOwnerDied (robust mutexes), so
  // holders keep a write journal for the repair.
  virtual bool reports_dead_owner() const { return false; }
  // True when a holder's death frees the lock for the next taker: the kernel drops file
  // locks with their holder's descriptors, and a robust mutex passes to the next locker
  // (kPreviousOwnerDied). False when it stays taken for ever (a named semaphore).
  virtual bool released_when_holder_dies() const { return true; }
};

}  // namespace ticketsim
