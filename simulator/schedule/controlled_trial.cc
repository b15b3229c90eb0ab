#include "simulator/schedule/controlled_trial.h"

#include <fmt/format.h>

#include "simulator/engine/random.h"
#include "simulator/schedule/step_driver.h"
#include "ticketsim/interrupt.h"

namespace ticketsim {
namespace {

void run_script(StepDriver& driver, const std::vector<StepToken>& script) {
  for (const StepToken& token : script) {
    if (interrupt_signal() != 0) return;
    driver.step(token.customer, token.step);
  }
}

void run_random(StepDriver& driver, std::uint64_t seed) {
  std::uint64_t state = seed;
  std::vector<int> movable;
  while (!driver.all_finished() && interrupt_signal() == 0) {
    movable.clear();
    for (int customer = 0; customer < driver.procs(); ++customer) {
      if (!driver.finished(customer) && driver.blocker(customer).empty())
        movable.push_back(customer);
    }
    if (movable.empty()) return;  // nobody can move: finish() lists who waits for what
    driver.step(movable[next_random(state) % movable.size()]);
  }
}

void run_round_robin(StepDriver& driver) {
  while (!driver.all_finished() && interrupt_signal() == 0) {
    bool progress = false;
    for (int customer = 0; customer < driver.procs(); ++customer) {
      if (driver.finished(customer)) continue;
      progress = driver.step(customer).outcome == StepOutcome::kDone || progress;
    }
    if (!progress) return;  // a whole round and nobody moved
  }
}

}  // namespace

TrialResult run_controlled_trial(const TrialInput& input) {
  const ExperimentConfig& config = *input.config;
  StepDriver driver(input);
  switch (config.schedule) {
    case Schedule::kScript:
      run_script(driver, config.script);
      break;
    case Schedule::kRandom:
      run_random(driver,
                 config.seed * 0x9E3779B97F4A7C15ull + static_cast<std::uint64_t>(input.index));
      break;
    default:
      run_round_robin(driver);
      break;
  }
  return driver.finish();
}

}  // namespace ticketsim
