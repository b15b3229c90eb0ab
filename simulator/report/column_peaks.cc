#include "simulator/report/column_peaks.h"

#include <algorithm>

namespace ticketsim {

std::vector<int> column_peaks(std::vector<std::pair<std::int64_t, std::int64_t>> intervals,
                              std::int64_t t0, std::int64_t span, int columns) {
  // +1 at each begin, -1 at each end; at equal times the ends come first (-1 < +1).
  std::vector<std::pair<std::int64_t, int>> events;
  events.reserve(2 * intervals.size());
  for (const auto& [begin, end] : intervals) {
    if (end <= begin) continue;
    events.emplace_back(begin, +1);
    events.emplace_back(end, -1);
  }
  std::sort(events.begin(), events.end());
  std::vector<int> peak(static_cast<std::size_t>(std::max(columns, 0)), 0);
  int current = 0;
  std::size_t next = 0;
  span = std::max<std::int64_t>(span, 1);
  for (int column = 0; column < columns; ++column) {
    // An interval that ends where this column begins is not open in it.
    const std::int64_t column_begin =
        t0 + static_cast<std::int64_t>((static_cast<__int128>(column) * span) / columns);
    while (next < events.size() && events[next].first <= column_begin && events[next].second < 0) {
      current += events[next].second;
      ++next;
    }
    peak[static_cast<std::size_t>(column)] = current;
    const std::int64_t column_end =
        t0 + static_cast<std::int64_t>((static_cast<__int128>(column + 1) * span) / columns);
    while (next < events.size() && (events[next].first < column_end || column + 1 == columns)) {
      current += events[next].second;
      peak[static_cast<std::size_t>(column)] =
          std::max(peak[static_cast<std::size_t>(column)], current);
      ++next;
    }
  }
  return peak;
}

}  // namespace ticketsim
