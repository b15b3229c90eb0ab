// Process-shared futex waits and wakes on 32-bit atomics in MAP_SHARED memory.
#pragma once

#include <atomic>
#include <cstdint>

namespace ticketsim {

// Sleeps while `*word == expected`, for at most `timeout_ns` (0: no limit). Returns at once
// if the word already differs; may return early (signals, spurious wakes): callers re-check.
// Uses FUTEX_WAIT without FUTEX_PRIVATE_FLAG, so the word may be shared between processes
// (libstdc++'s std::atomic::wait uses private futexes, which do not cross processes).
void futex_wait(std::atomic<std::uint32_t>* word, std::uint32_t expected,
                std::int64_t timeout_ns = 0);

// Wakes every process sleeping on `word`.
void futex_wake_all(std::atomic<std::uint32_t>* word);

}  // namespace ticketsim
