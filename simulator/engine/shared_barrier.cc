#include "simulator/engine/shared_barrier.h"

#include "simulator/engine/futex.h"

namespace ticketsim {
namespace {

constexpr std::uint32_t generation_of(std::uint64_t state) {
  return static_cast<std::uint32_t>(state >> 32);
}
constexpr std::uint32_t arrived_of(std::uint64_t state) {
  return static_cast<std::uint32_t>(state);
}
constexpr std::uint64_t pack(std::uint32_t generation, std::uint32_t arrived) {
  return (static_cast<std::uint64_t>(generation) << 32) | arrived;
}

}  // namespace

void SharedBarrier::init(std::uint32_t parties) {
  state_.store(0);
  parties_.store(parties);
  generation_word_.store(0);
  broken_.store(0);
}

void SharedBarrier::release_if_complete(std::uint32_t generation) {
  // Sequentially consistent: a concurrent leave() and arrival each re-check after their
  // own update, so whichever comes second sees the round complete.
  std::uint64_t state = state_.load();
  while (generation_of(state) == generation && arrived_of(state) >= parties_.load()) {
    if (state_.compare_exchange_weak(state, pack(generation + 1, 0))) {
      generation_word_.store(generation + 1);
      futex_wake_all(&generation_word_);
      return;
    }
  }
}

bool SharedBarrier::arrive_and_wait() {
  if (broken()) return false;
  std::uint64_t state = state_.load();
  while (!state_.compare_exchange_weak(state, state + 1)) {
  }
  const std::uint32_t generation = generation_of(state);
  release_if_complete(generation);
  // The word reaches generation + 1 when this round is released. It cannot go further
  // without this party arriving again (only a broken barrier jumps, and that is checked).
  for (;;) {
    if (broken()) return false;
    std::uint32_t current = generation_word_.load();
    if (current == generation + 1) return true;
    futex_wait(&generation_word_, current);  // returns at once if the word already changed
  }
}

void SharedBarrier::leave() {
  parties_.fetch_sub(1);
  release_if_complete(generation_of(state_.load()));
}

void SharedBarrier::break_barrier() {
  broken_.store(1);
  generation_word_.fetch_add(1);
  futex_wake_all(&generation_word_);
}

}  // namespace ticketsim
