// The mutual-exclusion check: critical sections that overlapped in time.
#pragma once

#include <sys/types.h>

#include <cstddef>
#include <cstdint>
#include <utility>
#include <vector>

#include "ticketsim/findings.h"

namespace ticketsim {

struct CustomerHistory;

// Every critical section of a trial, in no particular order. Searches are shared when
// `search_is_shared` (the mode has a reader lock).
std::vector<CriticalSection> critical_sections(const std::vector<CustomerHistory>& customers,
                                               bool search_is_shared);

// The periods [begin, end) during which two or more exclusive sections (or an exclusive and
// a shared one) were held at once, merged and in time order.
std::vector<std::pair<std::int64_t, std::int64_t>> overlap_periods(
    const std::vector<CriticalSection>& sections);

// Counts the pairs of sections that overlap (a.acquired < b.released && b.acquired <
// a.released), not counting two shared ones, in O(n log n) however many overlap, and lists
// the first `max_listed`. Zero for every working lock.
MutexCheck check_mutual_exclusion(const std::vector<CustomerHistory>& customers,
                                  bool search_is_shared, std::size_t max_listed = 100);

}  // namespace ticketsim
