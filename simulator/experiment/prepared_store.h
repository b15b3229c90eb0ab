// PreparedStore: the store an experiment's trials start from, read once before the first.
#pragma once

#include <cstdint>
#include <string>

#include "simulator/engine/trial.h"
#include "ticketsim/config.h"

namespace ticketsim {

// The store every trial of an experiment starts from: the user's file unchanged (or with
// config.tickets applied, keeping every other byte), a normalised copy when its count is
// not in canonical form, a fresh {"count": N} store when config names no file, or for a
// database store (a URL) the count each trial's row starts from.
struct PreparedStore {
  std::string label;  // the store's path, or "(fresh store)"
  std::string bytes;
  std::int64_t tickets = 0;
  std::string source_bytes;  // config.in_place: the file's bytes as read, for the write-back
  std::string database_url;  // a database store (postgresql://...): where trials make rows
  // Where each trial's store lives: empty for the JSON file, else the database's rows.
  StoreFactory store_factory() const;
};

// Loads and validates config.store_path (or makes a fresh store). Throws StoreError.
PreparedStore prepare_store(const ExperimentConfig& config);

// A purchase on a database is a few round trips and a commit: unless config.write_cost is
// set, the default timeouts allow 1 ms a purchase when `store` is a database (a local server
// answers 8 customers' purchases in 0.02 to 0.25 ms each; README "Database modes"), so that
// a long run is not taken for a stalled one.
void allow_for_database(ExperimentConfig& config, const PreparedStore& store);

}  // namespace ticketsim
