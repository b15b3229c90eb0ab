// happens_before: the order a schedule's dependent moves impose on each other.
#pragma once

#include <cstdint>
#include <vector>

#include "simulator/explore/execution.h"

namespace ticketsim {

// A set of move positions (0-based within one execution), as bits.
class MoveSet {
 public:
  explicit MoveSet(std::size_t size = 0) : words_((size + 63) / 64, 0) {}
  void insert(std::size_t i) { words_[i / 64] |= std::uint64_t{1} << (i % 64); }
  bool contains(std::size_t i) const { return (words_[i / 64] >> (i % 64)) & 1; }
  // Whether this set and `other` (of the same size) share a position.
  bool meets(const MoveSet& other) const {
    for (std::size_t w = 0; w < words_.size(); ++w) {
      if ((words_[w] & other.words_[w]) != 0) return true;
    }
    return false;
  }
  void merge(const MoveSet& other) {
    for (std::size_t w = 0; w < words_.size(); ++w) words_[w] |= other.words_[w];
  }

 private:
  std::vector<std::uint64_t> words_;
};

// For each move l of `execution`, the moves that happen before it: those it depends on
// (dependent(): the same customer, or touching the store or lock in a conflicting way) and,
// transitively, everything they depend on. Any order of the moves that keeps these is an
// equivalent schedule (the same Mazurkiewicz trace): it reaches the same state.
std::vector<MoveSet> happens_before(const Execution& execution);

// How many schedules are equivalent to `execution` (itself included): the orders of its
// moves that keep happens_before, counted over per-customer progress. nullopt when that
// would visit more than `max_states` states.
std::optional<long double> count_equivalents(const Execution& execution,
                                             const std::vector<MoveSet>& before,
                                             std::size_t max_states = 200'000);

}  // namespace ticketsim
