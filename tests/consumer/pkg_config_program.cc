// The smallest program built with `pkg-config --cflags --libs ticketsim`: four customers
// buy two tickets under flock; exits 0 when the oracle found the trial safe.
#include <cstdio>

#include <ticketsim/ticketsim.h>

int main() {
  ticketsim::ExperimentConfig config;
  config.mode = ticketsim::Mode::kFlock;
  config.procs = 4;
  config.tickets = 2;
  config.latency = {};
  const ticketsim::ExperimentResult result = ticketsim::run_experiment(config);
  const ticketsim::TrialResult& trial = result.trials.at(0);
  std::printf("ticketsim %s: sold %lld of %lld, %s\n", ticketsim::kVersion,
              static_cast<long long>(trial.sold), static_cast<long long>(trial.tickets),
              std::string(trial.verdict()).c_str());
  return trial.verdict() == "safe" && trial.sold == 2 ? 0 : 1;
}
