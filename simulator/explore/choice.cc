#include "simulator/explore/choice.h"

#include <fmt/format.h>

#include "simulator/schedule/step_sequence.h"

namespace ticketsim {

bool dependent(const Move& a, const Move& b) {
  if (a.choice.customer == b.choice.customer) return true;
  const Footprint& x = a.footprint;
  const Footprint& y = b.footprint;
  if (x.serial || y.serial || (x.crash && y.crash)) return true;
  if (x.writes_store && (y.reads_store || y.writes_store)) return true;
  if (y.writes_store && x.reads_store) return true;
  if (x.exclusive_lock && (y.exclusive_lock || y.shared_lock)) return true;
  return y.exclusive_lock && x.shared_lock;
}

Footprint footprint_of(Mode mode, bool database, Step step, bool holds_lock, Step next) {
  if ((mode == Mode::kServer || mode == Mode::kAtomic) && !is_crash(step)) {
    // No lock: the server answers one request at a time, each one whole, and atomic's one
    // statement is one instant in the database. A search reads the store; a purchase reads
    // and writes it.
    Footprint footprint;
    footprint.reads_store = step == Step::kSearch || step == Step::kBuy;
    footprint.writes_store = step == Step::kBuy;
    return footprint;
  }
  if (is_crash(step)) {
    Footprint footprint = footprint_of(mode, database, next, holds_lock, next);
    const Footprint death = footprint_of(mode, database, Step::kExit, holds_lock, next);
    footprint.exclusive_lock = footprint.exclusive_lock || death.exclusive_lock;
    footprint.writes_store = footprint.writes_store || step == Step::kCrashMidWrite;
    footprint.crash = true;
    return footprint;
  }
  Footprint footprint;
  footprint.serial = mode == Mode::kJoin;
  // A database's optimistic purchase takes no lock (one UPDATE ... WHERE count = <read>);
  // serializable takes none either, but its write holds the row until COMMIT, as a lock.
  const bool compare_and_set = purchase_steps(mode, database) == PurchaseSteps::kCompareAndSet;
  const bool locked = mode_takes_lock(mode) && !compare_and_set;
  const bool row_held = mode == Mode::kSerializable;
  // In a transaction (the database's lock modes) the write takes effect at the COMMIT.
  const bool commits = mode == Mode::kRowLock || mode == Mode::kAdvisory || row_held;
  switch (step) {
    case Step::kSearch:
      footprint.reads_store = true;
      footprint.shared_lock = locked && !database;  // a database's searches take no lock
      footprint.waits_for_lock = footprint.shared_lock ? 1 : 0;
      break;
    case Step::kAcquire:
      footprint.exclusive_lock = locked;
      footprint.waits_for_lock = locked ? 2 : 0;
      break;
    case Step::kRelease:
      footprint.exclusive_lock = locked || row_held;
      footprint.writes_store = commits;
      break;
    case Step::kRead:
      footprint.reads_store = true;
      break;
    case Step::kWrite:
    case Step::kBuy:
      footprint.writes_store = true;
      // compare-and-set reads the count it compares; serializable's UPDATE waits for
      // another open writer's row and fails on a commit since its snapshot.
      footprint.reads_store = compare_and_set || row_held;
      footprint.exclusive_lock = row_held;
      footprint.waits_for_lock = row_held ? 2 : 0;
      break;
    case Step::kCrashMidWrite:
    case Step::kCrash:
    case Step::kExit:
      footprint.exclusive_lock = (locked || row_held) && holds_lock;
      break;
  }
  return footprint;
}

std::string choice_name(const Choice& choice) {
  return fmt::format("{}:{}", choice.customer + 1, step_name(choice.step));
}

std::string script_of(const std::vector<Choice>& choices) {
  std::vector<StepToken> tokens;
  tokens.reserve(choices.size());
  for (const Choice& choice : choices) tokens.push_back(StepToken{choice.customer, choice.step});
  return format_script(tokens);
}

}  // namespace ticketsim
