// SharedBarrier: a reusable barrier for processes, living in a shared mapping.
#pragma once

#include <atomic>
#include <cstdint>

namespace ticketsim {

// A cyclic barrier for `parties` processes. It must live in memory mapped MAP_SHARED
// before fork (it uses a process-shared futex, not std::atomic::wait, whose libstdc++
// implementation uses private futexes that do not cross processes).
//
// The parent can shrink it with leave() when a party died and will never arrive again
// (the remaining parties go on in lockstep), or break() it, e.g. when the trial is being
// stopped: every waiter returns false at once, and so does every later wait.
class SharedBarrier {
 public:
  // Prepares the barrier for `parties` arrivals per round. Call before fork.
  void init(std::uint32_t parties);

  // Blocks until every remaining party has arrived in this round. Returns false when the
  // barrier is (or becomes) broken.
  bool arrive_and_wait();

  // One party will never arrive again. Call only for a party that is not counted in the
  // current round (it died outside the barrier); releases the round if it was the last
  // one missing.
  void leave();

  // Wakes every waiter and makes all current and future waits return false.
  void break_barrier();

  bool broken() const { return broken_.load() != 0; }

 private:
  // Releases the round `generation` if everyone remaining has arrived in it.
  void release_if_complete(std::uint32_t generation);

  // (generation << 32) | arrived, changed only by compare-and-swap.
  std::atomic<std::uint64_t> state_{0};
  std::atomic<std::uint32_t> parties_{0};
  std::atomic<std::uint32_t> generation_word_{0};  // the futex word: the current generation
  std::atomic<std::uint32_t> broken_{0};
};

static_assert(std::atomic<std::uint32_t>::is_always_lock_free &&
                  std::atomic<std::uint64_t>::is_always_lock_free,
              "a process-shared barrier needs lock-free atomics");

}  // namespace ticketsim
