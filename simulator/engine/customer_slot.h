// CustomerSlot: one customer's record in the shared table, as the customer writes it.
#pragma once

#include <sys/types.h>

#include <cstddef>
#include <cstdint>
#include <cstring>

#include "ticketsim/records.h"

namespace ticketsim {

// Longest error message a customer can leave for the parent (truncated beyond).
inline constexpr std::size_t kCustomerErrorBytes = 512;

// One customer's slot in the shared table. Written only by that customer (after fork)
// and read by the parent only after the customer has been reaped.
struct CustomerSlot {
  pid_t pid = 0;
  pid_t ppid = 0;
  std::int64_t t_spawn = 0;  // first instruction of the child
  std::int64_t t_exit = 0;   // just before _exit
  SearchRecord search;
  std::int32_t purchases_done = 0;
  std::int32_t holding = 0;         // 1 while inside a critical section (names dead holders)
  std::int32_t crash_point = 0;     // 1 + CrashPoint of an injected crash, set just before it
  std::int32_t crash_attempt = 0;   // the purchase it crashed in
  std::int32_t repairs = 0;         // stores repaired after a holder died mid-write
  std::int32_t lock_timed_out = 0;  // 1 when it gave up waiting for the lock
  std::int32_t stopped_by_run = 0;  // 1 when it left because the run stopped the trial
  std::int64_t t_paused = 0;        // SIGSTOPped holding the lock (pause_holder) ...
  std::int64_t t_resumed = 0;       // ... until here
  std::int32_t pool_status = -1;    // --pool: the customer's exit status, set by its worker
  std::int32_t lease_expired_attempt = -1;  // redis-lock: first purchase whose lease ran out
  std::int32_t fenced_attempt = -1;         // --fencing: first purchase whose write was refused,
  std::int64_t fenced_token = 0;            // ... the token it carried
  std::int64_t fenced_by = 0;               // ... and the newer token the store had accepted
  char error[kCustomerErrorBytes] = {};     // NUL-terminated; empty when no error

  // Leaves `message` for the parent, always NUL-terminated, truncated to fit without
  // splitting a UTF-8 character (a server's message may be in the user's language).
  void set_error(const char* message) {
    std::size_t length = ::strnlen(message, kCustomerErrorBytes);
    if (length == kCustomerErrorBytes) {
      length = kCustomerErrorBytes - 1;
      // Back to the start of the character the cut fell in (continuation bytes are 10xxxxxx).
      while (length > 0 && (static_cast<unsigned char>(message[length]) & 0xC0) == 0x80) --length;
    }
    std::memcpy(error, message, length);
    error[length] = '\0';
  }
};

}  // namespace ticketsim
