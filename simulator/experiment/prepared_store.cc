#include "simulator/experiment/prepared_store.h"

#include <utility>

#include "storage/postgres/postgres_store.h"
#include "storage/store_document.h"
#include "storage/store_file.h"
#include "storage/store_scanner.h"

namespace ticketsim {

PreparedStore prepare_store(const ExperimentConfig& config) {
  PreparedStore prepared;
  if (config.store_path.empty()) {
    StoreDocument document = StoreDocument::parse("{\"count\": 1}");
    document.set_count(config.tickets.value_or(1));
    prepared.label = "(fresh store)";
    prepared.bytes = document.serialize();
    prepared.tickets = document.count();
    return prepared;
  }
  if (is_postgres_url(config.store_path)) {
    // Each trial gets a fresh row holding the tickets (storage/postgres/postgres_store.h).
    check_postgres_url(config.store_path);
    prepared.label = redacted_postgres_url(config.store_path);
    prepared.tickets = config.tickets.value_or(1);
    prepared.bytes = "{\"count\": " + std::to_string(prepared.tickets) + "}";
    prepared.database_url = config.store_path;
    return prepared;
  }
  LoadedStore loaded = load_store(config.store_path);
  prepared.label = config.store_path;
  if (config.in_place) prepared.source_bytes = loaded.bytes;
  prepared.tickets = config.tickets.value_or(loaded.document.count());
  StoreScan scan = scan_store(loaded.bytes);
  if (scan.status == ScanStatus::kCanonical) {
    // Keep the user's bytes (formatting, key order); only the count may change.
    prepared.bytes =
        config.tickets ? with_count(loaded.bytes, scan, prepared.tickets) : std::move(loaded.bytes);
  } else {
    // A count written as 2.0, or an escaped or repeated key: normalise once, here, so that
    // customers always find a canonical store (StoreFile reads those without a DOM).
    loaded.document.set_count(prepared.tickets);
    prepared.bytes = loaded.document.serialize();
  }
  return prepared;
}

StoreFactory PreparedStore::store_factory() const {
  if (database_url.empty()) return {};
  return [url = database_url](const StoreSite& site) {
    return make_postgres_store_provider(url, site);
  };
}

void allow_for_database(ExperimentConfig& config, const PreparedStore& store) {
  if (!store.database_url.empty() && !config.write_cost) {
    config.write_cost = std::chrono::milliseconds(1);
  }
}

}  // namespace ticketsim
