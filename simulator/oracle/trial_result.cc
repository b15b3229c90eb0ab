#include "ticketsim/trial_result.h"

#include <fmt/format.h>

#include "simulator/text/translate.h"

namespace ticketsim {

std::string_view step_outcome_name(StepOutcome outcome) {
  switch (outcome) {
    case StepOutcome::kDone:
      return "done";
    case StepOutcome::kBlocked:
      return "blocked";
    case StepOutcome::kSkipped:
      return "skipped";
    case StepOutcome::kFailed:
      return "failed";
  }
  return "unknown";
}

std::string describe(const CrashedCustomer& crash) {
  std::string how =
      !crash.crashed_at ? std::string(tr("killed by a signal it did not send itself"))
      : *crash.crashed_at == CrashPoint::kBetweenSteps
          ? trf("crashed between two steps of purchase {}, holding nothing", crash.attempt + 1)
          : trf("crashed {} in purchase {}", crash_point_name(*crash.crashed_at),
                crash.attempt + 1);
  return trf("customer {} (pid {}, {})", crash.customer + 1, crash.pid, how);
}

std::string_view TrialResult::verdict() const {
  // A race found is the finding even when the trial then stalled (a dead holder left its
  // lock and a torn store, say): the same order as a summary's verdict.
  if (interrupted_by != 0) return "INTERRUPTED";
  if (unsafe()) return "UNSAFE";
  if (stalled) return "STALLED";
  if (errors > 0 || crashed > injected_crashes) return "ERROR";
  if (mode == Mode::kNone) return "unprotected";
  return "safe";
}

}  // namespace ticketsim
