// What each customer records about its search and purchases: the raw material of every
// report and of the oracle.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <string_view>

#include "ticketsim/version.h"  // the C++20 check

namespace ticketsim {

// How one purchase (or search) ended.
enum class Outcome : std::uint8_t {
  kNotRun = 0,  // never reached (the customer died or the trial was stopped first)
  kBought,      // the customer was told "you bought a ticket"
  kSoldOut,     // the customer read count == 0
  kTornRead,    // the read found a half-written, empty or unparseable file
  kError,       // the step failed (I/O or lock error, broken barrier)
  kSeen,        // search only: read a valid store and saw value_seen tickets
  kFencedOff,   // its write carried a fencing token older than one the store had accepted:
                // refused, nothing written, the customer told it did not buy
};

std::string_view outcome_name(Outcome outcome);

// How far a purchase got with its write, recorded around the write itself so that the
// oracle knows whether a customer that died there changed the store.
enum class WriteState : std::uint8_t {
  kNone = 0,  // it never began to write (no effect on the store)
  kBegun,     // it began to write and never recorded the end: its effect is unknown
  kDone,      // the write completed (the store holds it), whether or not the customer was told
};

std::string_view write_state_name(WriteState state);

// Times are CLOCK_MONOTONIC nanoseconds (comparable across processes); 0 means "did not
// happen". Values are ticket counts; -1 means "none" (torn read, or nothing written).
struct SearchRecord {
  std::int64_t t_lock_requested = 0;
  std::int64_t t_lock_acquired = 0;
  std::int64_t t_read = 0;
  std::int64_t t_released = 0;
  std::int64_t value_seen = -1;
  Outcome outcome = Outcome::kNotRun;

  // The search read without taking a lock (a database store's reads see committed data):
  // it waited for no lock and is no critical section.
  bool unlocked() const { return t_lock_acquired == 0 && t_read != 0; }
};

// One purchase: acquire, read, think (latency), write if count > 0, release.
struct PurchaseRecord {
  std::int64_t t_lock_requested = 0;
  std::int64_t t_lock_acquired = 0;
  std::int64_t t_read = 0;
  std::int64_t t_write_begin = 0;  // end of the think time; write starts
  std::int64_t t_written = 0;
  std::int64_t t_released = 0;
  std::int64_t value_read = -1;
  std::int64_t value_written = -1;
  Outcome outcome = Outcome::kNotRun;
  WriteState write_state = WriteState::kNone;
  // Mode optimistic: times the count had changed between the unlocked read and the check
  // under the lock, so the purchase started over.
  // (At most kOptimisticRetries, then one more try that cannot fail: a 16-bit count fits, and
  // with the next field keeps the record at 72 bytes, which a million purchases notice.)
  std::int16_t retries = 0;
  // ... and how long, in microseconds, the checks it started over after waited for the lock
  // (the wait of the last check is t_lock_acquired - t_lock_requested).
  std::int32_t earlier_lock_waits_us = 0;
};
static_assert(sizeof(PurchaseRecord) == 72, "a purchase record is 72 bytes");

}  // namespace ticketsim
