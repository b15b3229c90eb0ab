#include "simulator/engine/pid_slots.h"

#include <bit>
#include <cstdint>

namespace ticketsim {

void PidSlots::reserve(std::size_t expected) {
  entries_.assign(std::bit_ceil(2 * expected + 16), Entry{});
  size_ = 0;
}

std::size_t PidSlots::home(pid_t pid) const {
  // Fibonacci hashing: consecutive pids (the usual case) land far apart.
  return static_cast<std::size_t>((static_cast<std::uint64_t>(pid) * 0x9E3779B97F4A7C15ull) >> 16) &
         (entries_.size() - 1);
}

void PidSlots::put(pid_t pid, std::size_t position) {
  if (2 * (size_ + 1) > entries_.size()) {
    std::vector<Entry> old = std::move(entries_);
    reserve(size_ + 1 + old.size() / 2);
    for (const Entry& entry : old) {
      if (entry.pid != 0) put(entry.pid, entry.position);
    }
  }
  std::size_t mask = entries_.size() - 1;
  for (std::size_t i = home(pid);; i = (i + 1) & mask) {
    if (entries_[i].pid == pid) {
      entries_[i].position = position;
      return;
    }
    if (entries_[i].pid == 0) {
      entries_[i] = Entry{pid, position};
      ++size_;
      return;
    }
  }
}

long PidSlots::find(pid_t pid) const {
  std::size_t mask = entries_.size() - 1;
  for (std::size_t i = home(pid);; i = (i + 1) & mask) {
    if (entries_[i].pid == pid) return static_cast<long>(entries_[i].position);
    if (entries_[i].pid == 0) return -1;
  }
}

void PidSlots::erase(pid_t pid) {
  std::size_t mask = entries_.size() - 1;
  std::size_t hole = home(pid);
  while (entries_[hole].pid != pid) {
    if (entries_[hole].pid == 0) return;
    hole = (hole + 1) & mask;
  }
  // Backward-shift deletion: move later entries of the probe run into the hole, so that
  // lookups never need tombstones.
  for (std::size_t next = (hole + 1) & mask; entries_[next].pid != 0; next = (next + 1) & mask) {
    std::size_t wanted = home(entries_[next].pid);
    // The entry may move into the hole if its home is not in (hole, next].
    bool between =
        hole <= next ? (hole < wanted && wanted <= next) : (hole < wanted || wanted <= next);
    if (!between) {
      entries_[hole] = entries_[next];
      hole = next;
    }
  }
  entries_[hole] = Entry{};
  --size_;
}

void PidSlots::clear() {
  for (Entry& entry : entries_) entry = Entry{};
  size_ = 0;
}

}  // namespace ticketsim
