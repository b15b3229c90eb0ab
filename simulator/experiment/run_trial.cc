#include "simulator/experiment/run_trial.h"

#include "simulator/schedule/controlled_trial.h"

namespace ticketsim {

TrialResult run_trial(const TrialInput& input) {
  if (is_controlled(input.config->schedule)) return run_controlled_trial(input);
  return run_free_trial(input);
}

}  // namespace ticketsim
