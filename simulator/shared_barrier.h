// SharedBarrier: a reusable barrier for processes, living in a shared mapping.
#pragma once

#include <atomic>
#include <cstdint>

namespace ticketsim {

// A cyclic barrier for `parties` processes. It must live in memory mapped MAP_SHARED
// before fork (it uses a process-shared futex, not std::atomic::wait, whose libstdc++
// implementation uses private futexes that do not cross processes).
//
// The parent can break() the barrier, e.g. when a customer died and will never arrive:
// every waiter returns false at once, and so does every later wait.
class SharedBarrier {
 public:
  // Prepares the barrier for `parties` arrivals per round. Call before fork.
  void init(std::uint32_t parties);

  // Blocks until `parties` processes have arrived in this round. Returns false when the
  // barrier is (or becomes) broken.
  bool arrive_and_wait();

  // Wakes every waiter and makes all current and future waits return false.
  void break_barrier();

  bool broken() const { return broken_.load(std::memory_order_acquire) != 0; }

 private:
  std::atomic<std::uint32_t> arrived_{0};
  std::atomic<std::uint32_t> generation_{0};  // the futex word: changes when a round ends
  std::atomic<std::uint32_t> broken_{0};
  std::uint32_t parties_ = 0;
};

static_assert(std::atomic<std::uint32_t>::is_always_lock_free,
              "a futex needs a lock-free 32-bit atomic");

}  // namespace ticketsim
