// The most intervals open at once within each column of a time axis, for the timelines'
// count rows (terminal and HTML).
#pragma once

#include <cstdint>
#include <utility>
#include <vector>

namespace ticketsim {

// For `columns` equal columns covering [t0, t0 + span), the exact maximum number of the
// half-open `intervals` [begin, end) open at any instant within each column: intervals that
// merely touch (one ends where the next begins) never count as two, however narrow the
// columns. Intervals with end <= begin are ignored.
std::vector<int> column_peaks(std::vector<std::pair<std::int64_t, std::int64_t>> intervals,
                              std::int64_t t0, std::int64_t span, int columns);

}  // namespace ticketsim
