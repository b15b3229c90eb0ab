// Findings: what the oracle names when a trial raced (witnesses: who raced with whom, and
// how) and the mutual-exclusion check (critical sections that overlapped in time).
#pragma once

#include <sys/types.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "ticketsim/histogram.h"
#include "ticketsim/version.h"  // the C++20 check

namespace ticketsim {

// One purchase, as a witness cites it. Times are CLOCK_MONOTONIC ns (0: not recorded).
struct PurchaseRef {
  int customer = 0;  // index in the trial (0-based; reports print it 1-based)
  pid_t pid = 0;
  int attempt = 0;
  std::int64_t read_value = -1;
  std::int64_t read_ns = 0;
  std::int64_t wrote_value = -1;
  std::int64_t wrote_ns = 0;
};

// A write based on a stale read: `writer` read a count that another customer's write had
// already replaced, and wrote over it. `overwritten` is the write it landed on (the one
// just before it, in the order writes completed); `erased` is how many earlier decrements
// the write undid (its read value minus the count it overwrote). Together these witnesses
// account for every lost update: the sum of `erased` is at least lost_updates.
struct LostUpdateWitness {
  PurchaseRef writer;
  PurchaseRef overwritten;
  std::int64_t erased = 0;
};

// One ticket sold more than once: every buyer in `buyers` read the same count `ticket`
// (so each was sold the same seat) and was told "you bought a ticket".
struct DoubleSaleWitness {
  std::int64_t ticket = 0;
  std::vector<PurchaseRef> buyers;  // in the order they read
};

// How many witnesses of each kind are listed at most; the rest are counted. A run of a
// million purchases can have hundreds of thousands, and no reader needs them all.
inline constexpr std::size_t kListedWitnesses = 100;

// Every witness is counted; the first kListedWitnesses lost updates (in the order the writes
// completed) and the kListedWitnesses largest double sales (most buyers first) are listed.
struct Witnesses {
  std::vector<LostUpdateWitness> lost_updates;
  std::vector<DoubleSaleWitness> double_sales;
  std::int64_t lost_update_count = 0;  // every lost-update witness, listed or not
  std::int64_t double_sale_count = 0;  // every ticket sold more than once
  std::int64_t erased_total = 0;       // sum of `erased` over every lost-update witness
  bool empty() const { return lost_update_count == 0 && double_sale_count == 0; }
  std::int64_t count() const { return lost_update_count + double_sale_count; }
  // The customers any witness names (0-based, sorted, unique).
  std::vector<int> customers_named() const;
};

// "pid 4102 and pid 4107 both read count=1 (3.2 ms, 3.4 ms); 4107 wrote count=0 at 9.1 ms
// over 4102's count=0 at 8.8 ms: one ticket sold twice". Times relative to `t_start_ns`.
std::string describe(const LostUpdateWitness& witness, std::int64_t t_start_ns);
// "ticket 1 (count=1) was sold 15 times: pids 4102, 4103, ... ".
std::string describe(const DoubleSaleWitness& witness, std::int64_t t_start_ns);

// One held lock: a search (reader) or a purchase, from lock acquired to just before release.
struct CriticalSection {
  int customer = 0;
  pid_t pid = 0;
  bool search = false;  // a search; otherwise purchase `attempt`
  int attempt = 0;
  bool shared = false;  // held in reader mode: may overlap other shared sections
  std::int64_t acquired_ns = 0;
  std::int64_t released_ns = 0;
};

// Two sections that overlapped, at least one of them exclusive.
struct MutexViolation {
  CriticalSection first;  // the one acquired first
  CriticalSection second;
};

// What the check found. `checked` is false when times were not recorded.
struct MutexCheck {
  bool checked = false;
  std::int64_t violations = 0;         // every overlapping pair
  std::vector<MutexViolation> listed;  // the first of them, in time order, up to a cap
};

// The order in which the purchase lock was granted: how often a customer that asked later got
// it before one that was already waiting (A asked before B, B got it before A). Lock kinds
// differ here: a FIFO queue never overtakes, a lock that wakes every waiter to race does.
struct LockOrder {
  bool checked = false;        // the mode takes a lock and step times were recorded
  std::int64_t grants = 0;     // purchases that got the lock
  std::int64_t overtakes = 0;  // pairs granted out of request order
  // Grants that went to a customer while one that asked earlier was still waiting: how often
  // the lock was not first come, first served (at most `grants`).
  std::int64_t overtaking_grants = 0;
};

// How long purchases waited for the lock (requested to acquired), exactly, and as a histogram
// that merges across trials (ModeSummary pools every trial's).
struct LockWaits {
  bool checked = false;    // the mode takes a lock and step times were recorded
  std::int64_t count = 0;  // purchases that got the lock
  std::int64_t p50_ns = 0, p99_ns = 0, max_ns = 0;  // nearest rank, exact
  LogHistogram histogram;
};

// Jain's fairness index of lock grants across customers, J = (sum x)^2 / (n * sum x^2) for
// x_i the grants customer i got, between 1/n (one customer got them all) and 1 (equal shares).
// Counted over the first half of the trial's grants, in the order they were granted: a fair
// lock shares them out (each of n customers with k purchases gets about k/2), a lock that
// lets its releaser take it straight back gives them to the first customers in whole. Over a
// whole trial every customer gets all its purchases, which would make J = 1 whatever the lock.
struct Fairness {
  bool checked = false;            // a lock, times recorded, 2+ customers with 2+ grants each
  int customers = 0;               // n: the customers that got the lock
  std::int64_t window_grants = 0;  // the first half of the grants
  double jain = 0;
};

}  // namespace ticketsim
