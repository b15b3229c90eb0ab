// TicketStore: one customer's handle on the store, the purchase path's only way to it, and
// StoreProvider, where a trial's store lives. The JSON file (file_store.h) is the default; a
// database or a store served by another process implements the same two classes.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>

#include "storage/inline_slot.h"
#include "ticketsim/config.h"

namespace ticketsim {

// How one store operation ended. A file answers kOk, kTorn or kConflict, or throws
// SystemError when the disk fails; a remote store also times out and loses connections.
enum class StoreStatus : std::uint8_t {
  kOk,              // done; `count` is the count read, written or (compare-and-set) replaced
  kTorn,            // the store held no valid count (half-written, empty or unparseable)
  kConflict,        // compare_and_set: the count was not the expected one; nothing written
  kTimeout,         // no answer in time, and the request is known not to have taken effect
  kConnectionLost,  // the connection broke before the request reached the store
  kIndeterminate,   // a write was sent and no answer came back (it timed out or the
                    // connection broke): it may or may not have taken effect
};

// "ok", "torn", "conflict", "timeout", "connection-lost", "indeterminate".
std::string_view store_status_name(StoreStatus status);

// What the store answered. `count` is meaningful for kOk and, when known, kConflict.
struct StoreReply {
  StoreReply(StoreStatus status_ = StoreStatus::kOk, std::int64_t count_ = 0,
             std::string detail_ = {})
      : status(status_), count(count_), detail(std::move(detail_)) {}

  StoreStatus status;
  std::int64_t count;
  std::string detail;  // a failure's cause, for the customer's error (empty: none; an empty
                       // string allocates nothing, so the purchase path stays malloc-free)

  bool ok() const { return status == StoreStatus::kOk; }
  // The store could not answer (timeout, lost connection, unknown result): a failure of the
  // store, not a finding about the data.
  bool failed() const {
    return status == StoreStatus::kTimeout || status == StoreStatus::kConnectionLost ||
           status == StoreStatus::kIndeterminate;
  }
};

// The store could not answer a customer (timeout, lost connection, unknown result). For a
// write, status() says whether it may have taken effect (kIndeterminate) or not.
class StoreUnavailable : public std::runtime_error {
 public:
  StoreUnavailable(std::string_view operation, const StoreReply& reply);
  StoreStatus status() const { return status_; }

 private:
  StoreStatus status_;
};

// The store aborted the transaction a purchase ran in (a serialization failure, a deadlock):
// nothing the transaction wrote took effect, and the purchase may start over.
class TransactionConflict : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Returns `reply`, or throws StoreUnavailable naming `operation` ("read", "write") when the
// store failed to answer.
StoreReply require_answer(const StoreReply& reply, std::string_view operation);

// One customer's handle, opened in the customer after fork and never shared. Methods return
// the store's answer; they throw SystemError only when the local machine fails (the disk).
class TicketStore {
 public:
  virtual ~TicketStore() = default;

  // The store's current count (kOk), or kTorn, or a failure.
  virtual StoreReply read_count() = 0;
  // Replaces the count with `count`. Customers always read first (a file store rewrites the
  // text it last read, keeping every other byte).
  virtual StoreReply write_count(std::int64_t count) = 0;
  // Writes `desired` only if the count is `expected`, as one atomic step: kOk, or kConflict
  // with the count found, or kTorn, or a failure.
  virtual StoreReply compare_and_set(std::int64_t expected, std::int64_t desired) = 0;
  // True when compare_and_set() is atomic against every other customer by itself (a
  // database's UPDATE ... WHERE): mode optimistic then needs no lock around it. A file's
  // compare-and-write is atomic only under the lock.
  virtual bool compare_and_set_is_atomic() const { return false; }
  // True while a transaction is open (a database lock mode's purchase): writes take effect
  // only when it commits. Stores without transactions are never in one.
  virtual bool in_transaction() const { return false; }
  // Undoes the open transaction, if any, and the locks it held: nothing it wrote takes
  // effect (a customer a controlled schedule leaves before its COMMIT).
  virtual void rollback() {}
  // True when a reader must hold the reader lock to see a whole count (a file can be read
  // half-written). A database's reads see committed data, so its searches take no lock.
  virtual bool reads_need_lock() const { return true; }
  // Sells one ticket in one atomic step if any is left (mode atomic): kOk with the count
  // left, or kConflict with count 0 when none was. Stores without such a step throw
  // std::logic_error (the mode is refused for them before any trial runs).
  virtual StoreReply take_one();
  // Writes `count` only if `token` is at least the newest fencing token the store has
  // accepted, and makes `token` the newest (one atomic step): kOk, or kConflict with the
  // newer token in `count`. Stores without fencing throw std::logic_error (--fencing is
  // refused for them before any trial runs).
  virtual StoreReply write_count_fenced(std::int64_t count, std::int64_t token);
  // --hosts: arrives at this trial's cross-host barrier `point` and waits until `hosts`
  // hosts have (each host's customer 0 comes for its host). False when the deadline
  // passed or the store failed. Stores that no other host can reach throw std::logic_error.
  virtual bool meet_other_hosts(const std::string& point, int hosts, std::int64_t deadline_ns);

  // Fault injection: leaves the store as a writer killed half-way through
  // write_count(count) would, right before the caller dies. A no-op for stores whose writes
  // are atomic.
  virtual void write_count_partially(std::int64_t count) { (void)count; }
  // A repair after a writer died mid-write: makes the store hold `count` again, whatever
  // state the dead writer left it in.
  virtual void restore(std::int64_t count) = 0;
};

// Room for one TicketStore inside its owner (a customer keeps it on its own stack).
using StoreSlot = InlineSlot<TicketStore, 2048>;

// The store at the end of a trial, as the oracle reads it.
struct StoreSnapshot {
  std::optional<std::int64_t> count;  // nullopt: the store holds no valid count
  std::string bytes;                  // the store's content, for reports and the write-back
};

// Where one trial's store lives and what it starts from, as LockSite says where its lock
// lives. A provider uses what fits its kind and ignores the rest.
struct StoreSite {
  std::string file;         // the trial's private copy of the store (the file store's home)
  std::string object_name;  // unique to this trial: a key for a remote store's row or object
  const std::string* initial_store = nullptr;     // the starting store, canonical JSON
  std::int64_t tickets = 0;                       // its count
  WriteStrategy write = WriteStrategy::kInPlace;  // how a file store rewrites itself
  std::int64_t timeout_ns = 30'000'000'000;       // a remote store's bound on each request
  // --hosts: object_name is a row every host's trial shares; the first host creates it
  // and the last one to finish removes it (storage/postgres/shared_experiment.h).
  bool shared = false;
};

// One trial's store, created by the parent before fork from the trial's starting content and
// removed (or left to the trial directory's removal) when destroyed, after every customer
// has been reaped. Nothing a provider holds may be shared across fork that the customers
// would then share by accident (a database connection, a socket): customers open their own
// in open_for_customer(), as they open their own lock handles.
class StoreProvider {
 public:
  virtual ~StoreProvider() = default;
  // Opens this process's own handle in `slot`. Called in each customer after fork; the
  // provider outlives it (a forked customer's copy lives until the customer exits).
  virtual TicketStore& open_for_customer(StoreSlot& slot) const = 0;
  // Parent, after every customer is gone: what the store holds.
  virtual StoreSnapshot snapshot() const = 0;
  // Parent, after every customer is gone: makes the store hold `count` again (the last
  // holder died mid-write with nobody after it to repair the store).
  virtual void restore(std::int64_t count) const = 0;
};

}  // namespace ticketsim
