#include "simulator/experiment/write_cost.h"

#include <algorithm>

#include "simulator/engine/clock.h"
#include "simulator/engine/trial.h"
#include "simulator/engine/trial_workspace.h"
#include "storage/posix_io.h"
#include "storage/store_file.h"

namespace ticketsim {

Nanoseconds measure_atomic_write_cost(const std::string& directory) {
  constexpr int kSamples = 3;
  const std::string store = "{\"count\": 1000000}\n";
  try {
    TrialWorkspace scratch(directory, store);  // named like a trial: cleanup knows it
    std::int64_t slowest = 0;
    for (int i = 0; i < kSamples; ++i) {
      std::int64_t start = monotonic_ns();
      write_file_atomically(scratch.store_path(), store);
      slowest = std::max(slowest, monotonic_ns() - start);
    }
    return Nanoseconds(slowest);
  } catch (const SystemError& e) {
    throw RunError(std::string("cannot measure what an atomic write costs: ") + e.what());
  }
}

}  // namespace ticketsim
