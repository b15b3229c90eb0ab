#include "simulator/experiment_config.h"

#include <fmt/format.h>

#include "storage/store_document.h"

namespace ticketsim {

std::string_view schedule_name(Schedule schedule) {
  switch (schedule) {
    case Schedule::kFree:
      return "free";
    case Schedule::kLockstep:
      return "lockstep";
  }
  return "unknown";
}

std::optional<Schedule> parse_schedule(std::string_view name) {
  if (name == "free") return Schedule::kFree;
  if (name == "lockstep") return Schedule::kLockstep;
  return std::nullopt;
}

ConfigError::ConfigError(std::string field, const std::string& problem)
    : std::invalid_argument(field + ": " + problem), field_(std::move(field)), problem_(problem) {}

void ExperimentConfig::validate() const {
  if (procs < 1 || procs > kMaxProcs) {
    throw ConfigError("procs", fmt::format("must be between 1 and {} (got {})", kMaxProcs, procs));
  }
  if (attempts < 1 || attempts > kMaxAttempts) {
    throw ConfigError("attempts",
                      fmt::format("must be between 1 and {} (got {})", kMaxAttempts, attempts));
  }
  if (static_cast<std::int64_t>(procs) * attempts > kMaxPurchasesPerTrial) {
    throw ConfigError(
        "attempts",
        fmt::format("procs x attempts = {} exceeds {} purchases per trial",
                    static_cast<std::int64_t>(procs) * attempts, kMaxPurchasesPerTrial));
  }
  if (trials < 1 || trials > kMaxTrials) {
    throw ConfigError("trials",
                      fmt::format("must be between 1 and {} (got {})", kMaxTrials, trials));
  }
  if (tickets && (*tickets < 0 || *tickets > kMaxTicketCount)) {
    throw ConfigError("tickets", fmt::format("must be between 0 and 2^53 ({}) (got {})",
                                             kMaxTicketCount, *tickets));
  }
  if (latency.min.count() < 0 || latency.min > latency.max) {
    throw ConfigError("latency", "must be a non-negative duration or a range MIN..MAX");
  }
  if (search_latency.count() < 0) {
    throw ConfigError("search-latency", "must be a non-negative duration");
  }
  if (trial_timeout && trial_timeout->count() <= 0) {
    throw ConfigError("trial-timeout", "must be a positive duration");
  }
  if (in_place && store_path.empty()) {
    throw ConfigError("in-place", "needs a store file to write back to (--store PATH)");
  }
  if (in_place && trials != 1) {
    throw ConfigError("in-place", "writes one trial's result back to the store; use --trials 1");
  }
  if (mode == Mode::kJoin && schedule == Schedule::kLockstep) {
    throw ConfigError("schedule",
                      "lockstep has no meaning with mode join: join runs one customer at a time, "
                      "so no customer can wait for another to read; use --schedule free");
  }
}

Nanoseconds default_trial_timeout(const ExperimentConfig& config) {
  using std::chrono::seconds;
  Nanoseconds serial_work =
      (config.latency.max * config.attempts + config.search_latency) * config.procs;
  // Forking and reaping cost about 0.1 ms per customer; allow 1 ms.
  Nanoseconds process_work = std::chrono::milliseconds(1) * config.procs;
  return seconds(30) + 3 * (serial_work + process_work);
}

Nanoseconds effective_trial_timeout(const ExperimentConfig& config) {
  return config.trial_timeout.value_or(default_trial_timeout(config));
}

}  // namespace ticketsim
