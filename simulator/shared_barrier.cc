#include "simulator/shared_barrier.h"

#include <linux/futex.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <climits>

namespace ticketsim {
namespace {

// FUTEX_WAIT without FUTEX_PRIVATE_FLAG: the word is shared between processes.
void futex_wait(std::atomic<std::uint32_t>* word, std::uint32_t expected) {
  ::syscall(SYS_futex, reinterpret_cast<std::uint32_t*>(word), FUTEX_WAIT, expected, nullptr,
            nullptr, 0);
}

void futex_wake_all(std::atomic<std::uint32_t>* word) {
  ::syscall(SYS_futex, reinterpret_cast<std::uint32_t*>(word), FUTEX_WAKE, INT_MAX, nullptr,
            nullptr, 0);
}

}  // namespace

void SharedBarrier::init(std::uint32_t parties) {
  arrived_.store(0);
  generation_.store(0);
  broken_.store(0);
  parties_ = parties;
}

bool SharedBarrier::arrive_and_wait() {
  if (broken()) return false;
  std::uint32_t generation = generation_.load(std::memory_order_acquire);
  if (arrived_.fetch_add(1, std::memory_order_acq_rel) + 1 == parties_) {
    // Last to arrive: reset for the next round before releasing this one, so that no
    // process of the next round can arrive before the count is back to zero.
    arrived_.store(0, std::memory_order_relaxed);
    generation_.fetch_add(1, std::memory_order_acq_rel);
    futex_wake_all(&generation_);
    return true;
  }
  while (generation_.load(std::memory_order_acquire) == generation) {
    if (broken()) return false;
    futex_wait(&generation_, generation);  // returns at once if the word already changed
  }
  return !broken();
}

void SharedBarrier::break_barrier() {
  broken_.store(1, std::memory_order_release);
  generation_.fetch_add(1, std::memory_order_acq_rel);
  futex_wake_all(&generation_);
}

}  // namespace ticketsim
