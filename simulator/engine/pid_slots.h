// PidSlots: which position a child's pid has in a list, found in constant time.
#pragma once

#include <sys/types.h>

#include <cstddef>
#include <vector>

namespace ticketsim {

// A map pid -> position (open addressing, linear probing) whose storage is allocated once
// for the number of pids it is sized for: recording a child between two forks allocates
// nothing and touches one cache line, where a node-based map would grow the parent's heap,
// and every heap page the parent holds is copied into the page tables of every later fork.
// Grows (allocating) only when more pids than it was sized for are stored at once.
class PidSlots {
 public:
  explicit PidSlots(std::size_t expected = 0) { reserve(expected); }

  // Sizes the table for `expected` pids stored at once (drops what it holds).
  void reserve(std::size_t expected);
  // Records (or updates) `pid` (> 0) at `position`.
  void put(pid_t pid, std::size_t position);
  // The position of `pid`, or -1 when it is not stored.
  long find(pid_t pid) const;
  // Forgets `pid` (nothing when it is not stored).
  void erase(pid_t pid);
  void clear();
  std::size_t size() const { return size_; }

 private:
  struct Entry {
    pid_t pid = 0;  // 0: empty
    std::size_t position = 0;
  };
  std::size_t home(pid_t pid) const;
  std::vector<Entry> entries_;  // a power of two, at least twice the pids stored
  std::size_t size_ = 0;
};

}  // namespace ticketsim
