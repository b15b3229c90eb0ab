// run_trial: one trial under whichever schedule its config names.
#pragma once

#include "simulator/engine/trial.h"

namespace ticketsim {

// Runs one trial: free and lockstep schedules in the engine (run_free_trial), the schedules
// whose steps the parent grants through the step driver (run_controlled_trial). The
// guarantees are theirs: on return no customer is alive and nothing the trial created
// remains. Throws RunError.
TrialResult run_trial(const TrialInput& input);

}  // namespace ticketsim
