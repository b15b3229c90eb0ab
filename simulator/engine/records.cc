#include "ticketsim/records.h"

namespace ticketsim {

std::string_view outcome_name(Outcome outcome) {
  switch (outcome) {
    case Outcome::kNotRun:
      return "not_run";
    case Outcome::kBought:
      return "bought";
    case Outcome::kSoldOut:
      return "sold_out";
    case Outcome::kTornRead:
      return "torn_read";
    case Outcome::kError:
      return "error";
    case Outcome::kSeen:
      return "seen";
    case Outcome::kFencedOff:
      return "fenced_off";
  }
  return "unknown";
}

std::string_view write_state_name(WriteState state) {
  switch (state) {
    case WriteState::kNone:
      return "none";
    case WriteState::kBegun:
      return "begun";
    case WriteState::kDone:
      return "done";
  }
  return "unknown";
}

}  // namespace ticketsim
