#include "simulator/explore/choice.h"

#include <fmt/format.h>

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

Footprint footprint_of(Mode mode, Step step, bool holds_lock, Step next) {
  if (mode == Mode::kServer && !is_crash(step)) {
    // No lock: the server answers one request at a time, each one whole. A search reads the
    // store; a purchase reads and writes it.
    Footprint footprint;
    footprint.reads_store = step == Step::kSearch || step == Step::kBuy;
    footprint.writes_store = step == Step::kBuy;
    return footprint;
  }
  if (is_crash(step)) {
    Footprint footprint = footprint_of(mode, next, holds_lock, next);
    const Footprint death = footprint_of(mode, Step::kExit, holds_lock, next);
    footprint.exclusive_lock = footprint.exclusive_lock || death.exclusive_lock;
    footprint.writes_store = footprint.writes_store || step == Step::kCrashMidWrite;
    footprint.crash = true;
    return footprint;
  }
  Footprint footprint;
  footprint.serial = mode == Mode::kJoin;
  const bool locked = mode_takes_lock(mode);
  switch (step) {
    case Step::kSearch:
      footprint.reads_store = true;
      footprint.shared_lock = locked;
      footprint.waits_for_lock = locked ? 1 : 0;
      break;
    case Step::kAcquire:
      footprint.exclusive_lock = locked;
      footprint.waits_for_lock = locked ? 2 : 0;
      break;
    case Step::kRelease:
      footprint.exclusive_lock = locked;
      break;
    case Step::kRead:
      footprint.reads_store = true;
      break;
    case Step::kWrite:
    case Step::kBuy:
      footprint.writes_store = true;
      break;
    case Step::kCrashMidWrite:
    case Step::kCrash:
    case Step::kExit:
      footprint.exclusive_lock = locked && holds_lock;
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
