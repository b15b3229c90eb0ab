// Choice and Footprint: one move the explorer may grant, and what it touches.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "ticketsim/mode.h"
#include "ticketsim/step.h"

namespace ticketsim {

// One move at one point of a schedule: a customer (0-based) takes its next step, or dies
// there (Step::kCrash, Step::kCrashMidWrite). A customer's next step is fixed by what it
// has done, so (customer, step) names the move exactly.
struct Choice {
  std::int32_t customer = 0;
  Step step = Step::kSearch;
  bool operator==(const Choice&) const = default;
};

// What a move touches, for deciding which moves commute. Two moves of different customers
// are dependent when one writes the store and the other reads or writes it, or both
// operate the purchase lock (a shared search against an exclusive acquire, release or a
// holder's death; two searches commute: each takes and drops the reader lock within its
// step), or either is `serial` (mode join, where one customer's exit lets the next start),
// or both are crashes (they share the --crashes budget: one can use up what the other
// needed). Two moves of one customer are always dependent.
struct Footprint {
  bool reads_store = false;
  bool writes_store = false;
  bool exclusive_lock = false;  // acquire, release, or the death of the lock's holder
  bool shared_lock = false;     // a search under the reader (or exclusive) lock
  bool serial = false;          // join: every move is ordered with every other
  bool crash = false;           // a death, which spends the crash budget
  // What the move needs of the lock to be offered at all: 0 nothing, 1 the reader lock (a
  // search), 2 the lock itself (an acquire). A crash needs what its customer's next step
  // needs. Used to find lock races (see SearchTree); not part of dependent().
  std::uint8_t waits_for_lock = 0;
  bool operator==(const Footprint&) const = default;
};

// A move and its footprint, as a schedule offers it.
struct Move {
  Choice choice;
  Footprint footprint;
  bool operator==(const Move&) const = default;
};

// Whether `a` and `b` may not be swapped: see Footprint.
bool dependent(const Move& a, const Move& b);

// The footprint of a customer taking `step` in `mode` (on a database store when `database`);
// `holds_lock` says whether it holds the purchase lock exclusively before the move (its death
// then frees or poisons the lock; serializable: the row its open transaction wrote). A crash
// is offered only where the customer's `next` step could happen, so it carries that step's
// footprint too: whatever could stop the step from happening stops the crash.
Footprint footprint_of(Mode mode, bool database, Step step, bool holds_lock, Step next);

// "2:write", as a script names the move.
std::string choice_name(const Choice& choice);

// The script that replays `choices` (format_script of their tokens).
std::string script_of(const std::vector<Choice>& choices);

}  // namespace ticketsim
