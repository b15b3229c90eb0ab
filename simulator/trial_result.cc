#include "simulator/trial_result.h"

namespace ticketsim {

std::string_view TrialResult::verdict() const {
  if (interrupted_by != 0) return "INTERRUPTED";
  if (stalled) return "STALLED";
  if (unsafe()) return "UNSAFE";
  if (errors > 0 || crashed > 0) return "ERROR";
  return "safe";
}

}  // namespace ticketsim
