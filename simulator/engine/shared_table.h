// SharedTable: the shared-memory table where customers record what they did.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>

#include "simulator/engine/customer_slot.h"
#include "simulator/engine/shared_barrier.h"

namespace ticketsim {

// Coordination state shared by all customers of one trial.
struct TableHeader {
  SharedBarrier round_start;   // lockstep: everyone arrives before any purchase of a round
  SharedBarrier race_point;    // lockstep in mode none: everyone has read before anyone writes
  SharedBarrier host_release;  // --hosts: this host's customers wait here while customer 0
                               // meets the other hosts' customers in the database
  // The write journal of locks that report a dead owner (robust-mutex): the count of the
  // last completed write, and whether a write is under way. A holder that finds its
  // predecessor died mid-write restores the store to `committed_count`.
  std::atomic<std::int64_t> committed_count{0};
  std::atomic<std::int32_t> write_in_progress{0};
  std::atomic<std::int32_t> pause_taken{0};  // pause_holder: the first holder claims it
  std::atomic<std::int32_t> next_task{0};    // --pool: the next customer a worker runs
};

// The parent's word to one customer under a controlled schedule, and the customer's answer.
// The parent writes `step`, then increments `granted` and wakes it; the customer performs
// the step, writes `outcome` and `value`, then sets `finished` to `granted` and wakes it.
struct StepMailbox {
  std::atomic<std::uint32_t> granted{0};   // futex word the customer sleeps on
  std::atomic<std::uint32_t> finished{0};  // futex word the parent sleeps on
  std::atomic<std::uint8_t> step{0};       // the Step granted
  std::atomic<std::uint8_t> outcome{0};    // 0: done, 1: blocked (the lock was taken), 2: failed
  std::atomic<std::int64_t> value{-1};     // the count seen, read or written, when any
};

// An anonymous MAP_SHARED mapping created by the parent before fork, so that every
// customer writes into the same physical pages. Layout: header, one CustomerSlot per
// customer, then procs x attempts PurchaseRecords. The store is under attack and cannot
// be its own witness; this table is the witness. Unmapped on destruction (in the parent;
// children leave with _exit).
class SharedTable {
 public:
  // Maps and zero-fills a table. Throws SystemError.
  SharedTable(int procs, int attempts);
  ~SharedTable();
  SharedTable(const SharedTable&) = delete;
  SharedTable& operator=(const SharedTable&) = delete;

  TableHeader& header() { return *header_; }
  StepMailbox& mailbox(int customer) { return mailboxes_[customer]; }
  CustomerSlot& slot(int customer) { return slots_[customer]; }
  const CustomerSlot& slot(int customer) const { return slots_[customer]; }
  PurchaseRecord& purchase(int customer, int attempt) {
    return purchases_[static_cast<std::size_t>(customer) * static_cast<std::size_t>(attempts_) +
                      static_cast<std::size_t>(attempt)];
  }
  int procs() const { return procs_; }
  int attempts() const { return attempts_; }

 private:
  int procs_;
  int attempts_;
  void* mapping_ = nullptr;
  std::size_t bytes_ = 0;
  TableHeader* header_ = nullptr;
  CustomerSlot* slots_ = nullptr;
  PurchaseRecord* purchases_ = nullptr;
  StepMailbox* mailboxes_ = nullptr;
};

}  // namespace ticketsim
