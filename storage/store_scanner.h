// StoreScanner: the purchase path's reader and writer of the store text, in place.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace ticketsim {

// What scan_store() found.
enum class ScanStatus {
  kInvalid,       // not a valid store: StoreDocument::parse rejects it too
  kCanonical,     // a valid store with exactly one "count" key, spelled without escapes,
                  // whose value is a plain decimal integer token in [0, 2^53]
  kNotCanonical,  // valid JSON, but the count is written in a form this scanner leaves to
                  // StoreDocument (2.0, 2e0, -0, an escaped or repeated "count" key)
};

struct StoreScan {
  ScanStatus status = ScanStatus::kInvalid;
  std::int64_t count = 0;       // kCanonical only
  std::size_t count_begin = 0;  // kCanonical only: [count_begin, count_end) is the count token
  std::size_t count_end = 0;
};

// Validates `text` as a store without allocating: RFC 8259 JSON (strings valid UTF-8,
// surrogate escapes paired, a leading UTF-8 BOM skipped, nesting at most kMaxStoreDepth),
// a top-level object, a "count" member. Agrees with StoreDocument::parse: kInvalid exactly
// when it rejects (a kNotCanonical text may still be rejected by it, e.g. count 1.5), and a
// kCanonical count equals its count. tests/store_scanner_test.cc checks this differentially.
//
// Why not nlohmann::json on the purchase path: every customer is a freshly forked process,
// and its first DOM parse touches allocator, locale and parser code spread over many pages.
// Those page faults cost about 20 us per customer, a fifth of a 1000-customer trial
// (README "Performance"). This is one small function over bytes already read, and it
// rewrites the count in place, so the user's formatting survives byte for byte. The user's
// file itself is still validated by StoreDocument (nlohmann), which also normalises a store
// that is not canonical before any customer sees it.
StoreScan scan_store(std::string_view text);

// `text` with its count token replaced by `count` in decimal; every other byte is kept.
// Requires scan.status == kCanonical and 0 <= count <= 2^53.
std::string with_count(std::string_view text, const StoreScan& scan, std::int64_t count);

}  // namespace ticketsim
