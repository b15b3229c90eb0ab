// What each customer records about itself: the raw material of every report.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <cstring>
#include <string_view>

namespace ticketsim {

// How one purchase (or search) ended.
enum class Outcome : std::uint8_t {
  kNotRun = 0,  // never reached (the customer died or the trial was stopped first)
  kBought,      // the customer was told "you bought a ticket"
  kSoldOut,     // the customer read count == 0
  kTornRead,    // the read found a half-written, empty or unparseable file
  kError,       // the step failed (I/O or lock error, broken barrier)
  kSeen,        // search only: read a valid store and saw value_seen tickets
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
};

// Longest error message a customer can leave for the parent (truncated beyond).
inline constexpr std::size_t kCustomerErrorBytes = 160;

// One customer's slot in the shared table. Written only by that customer (after fork)
// and read by the parent only after the customer has been reaped.
struct CustomerSlot {
  pid_t pid = 0;
  pid_t ppid = 0;
  std::int64_t t_spawn = 0;  // first instruction of the child
  std::int64_t t_exit = 0;   // just before _exit
  SearchRecord search;
  std::int32_t purchases_done = 0;
  std::int32_t holding = 0;              // 1 while inside a critical section (names dead holders)
  std::int32_t crash_point = 0;          // 1 + CrashPoint of an injected crash, set just before it
  std::int32_t crash_attempt = 0;        // the purchase it crashed in
  std::int32_t repairs = 0;              // stores repaired after a holder died mid-write
  std::int32_t lock_timed_out = 0;       // 1 when it gave up waiting for the lock
  std::int32_t stopped_by_run = 0;       // 1 when it left because the run stopped the trial
  std::int64_t t_paused = 0;             // SIGSTOPped holding the lock (pause_holder) ...
  std::int64_t t_resumed = 0;            // ... until here
  char error[kCustomerErrorBytes] = {};  // NUL-terminated; empty when no error

  // Leaves `message` for the parent, truncated to fit and always NUL-terminated.
  void set_error(const char* message) {
    std::strncpy(error, message, kCustomerErrorBytes - 1);
    error[kCustomerErrorBytes - 1] = '\0';
  }
};

}  // namespace ticketsim
