// libFuzzer target for the store loader: StoreDocument (nlohmann) and the purchase path's
// scanner must never crash, and must agree (store_scanner.h states the agreement).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "storage/store_document.h"
#include "storage/store_scanner.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  ticketsim::StoreScan scan = ticketsim::scan_store(text);
  auto document = ticketsim::StoreDocument::try_parse(text);
  if (scan.status == ticketsim::ScanStatus::kInvalid && document) std::abort();
  if (scan.status == ticketsim::ScanStatus::kCanonical) {
    if (!document || document->count() != scan.count) std::abort();
    // A rewrite keeps the store canonical with the new count.
    std::int64_t next = scan.count / 2;
    ticketsim::StoreScan again = ticketsim::scan_store(ticketsim::with_count(text, scan, next));
    if (again.status != ticketsim::ScanStatus::kCanonical || again.count != next) std::abort();
  }
  if (document) {
    // What the loader accepts, it writes back in a form it accepts again.
    auto reread = ticketsim::StoreDocument::try_parse(document->serialize());
    if (!reread || reread->count() != document->count()) std::abort();
  }
  return 0;
}
