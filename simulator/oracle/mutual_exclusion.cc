#include "simulator/oracle/mutual_exclusion.h"

#include <algorithm>
#include <functional>
#include <queue>

#include "ticketsim/trial_result.h"

namespace ticketsim {
namespace {

// Pairs of sections that overlap, by a sweep over acquisitions with a min-heap of the
// releases still open.
std::int64_t count_overlapping_pairs(const std::vector<const CriticalSection*>& by_start) {
  std::priority_queue<std::int64_t, std::vector<std::int64_t>, std::greater<>> open_ends;
  std::int64_t pairs = 0;
  for (const CriticalSection* section : by_start) {
    while (!open_ends.empty() && open_ends.top() <= section->acquired_ns) open_ends.pop();
    pairs += static_cast<std::int64_t>(open_ends.size());
    open_ends.push(section->released_ns);
  }
  return pairs;
}

bool held(std::int64_t acquired, std::int64_t released) {
  return acquired != 0 && released != 0 && released >= acquired;
}

}  // namespace

std::vector<CriticalSection> critical_sections(const std::vector<CustomerHistory>& customers,
                                               bool search_is_shared) {
  std::vector<CriticalSection> sections;
  for (const CustomerHistory& customer : customers) {
    const SearchRecord& search = customer.search;
    if (held(search.t_lock_acquired, search.t_released)) {
      sections.push_back(CriticalSection{customer.index, customer.pid, true, 0, search_is_shared,
                                         search.t_lock_acquired, search.t_released});
    }
    for (std::size_t attempt = 0; attempt < customer.purchases.size(); ++attempt) {
      const PurchaseRecord& purchase = customer.purchases[attempt];
      if (held(purchase.t_lock_acquired, purchase.t_released)) {
        sections.push_back(CriticalSection{customer.index, customer.pid, false,
                                           static_cast<int>(attempt), false,
                                           purchase.t_lock_acquired, purchase.t_released});
      }
    }
  }
  return sections;
}

std::vector<std::pair<std::int64_t, std::int64_t>> overlap_periods(
    const std::vector<CriticalSection>& sections) {
  // Sweep: +1 at each acquisition, -1 at each release (releases first at equal times). A
  // violation needs two holders of which at least one is exclusive.
  struct Event {
    std::int64_t time;
    int delta;
    bool exclusive;
  };
  std::vector<Event> events;
  for (const CriticalSection& section : sections) {
    events.push_back({section.acquired_ns, +1, !section.shared});
    events.push_back({section.released_ns, -1, !section.shared});
  }
  std::sort(events.begin(), events.end(), [](const Event& a, const Event& b) {
    return a.time != b.time ? a.time < b.time : a.delta < b.delta;
  });
  std::vector<std::pair<std::int64_t, std::int64_t>> periods;
  int holders = 0, exclusive = 0;
  std::int64_t since = 0;
  bool in_violation = false;
  for (const Event& event : events) {
    holders += event.delta;
    if (event.exclusive) exclusive += event.delta;
    bool violating = holders >= 2 && exclusive >= 1;
    if (violating && !in_violation) since = event.time;
    if (!violating && in_violation && event.time > since) {
      if (!periods.empty() && periods.back().second == since) {
        periods.back().second = event.time;
      } else {
        periods.emplace_back(since, event.time);
      }
    }
    in_violation = violating;
  }
  return periods;
}

MutexCheck check_mutual_exclusion(const std::vector<CustomerHistory>& customers,
                                  bool search_is_shared, std::size_t max_listed) {
  MutexCheck check;
  std::vector<CriticalSection> sections = critical_sections(customers, search_is_shared);
  check.checked = !sections.empty();
  std::vector<const CriticalSection*> all, shared;
  for (const CriticalSection& section : sections) {
    all.push_back(&section);
    if (section.shared) shared.push_back(&section);
  }
  auto by_start = [](const CriticalSection* a, const CriticalSection* b) {
    return a->acquired_ns != b->acquired_ns ? a->acquired_ns < b->acquired_ns
                                            : a->released_ns < b->released_ns;
  };
  std::sort(all.begin(), all.end(), by_start);
  std::sort(shared.begin(), shared.end(), by_start);
  check.violations = count_overlapping_pairs(all) - count_overlapping_pairs(shared);

  // List the first violations in time order: for each section, the earlier ones still open.
  std::vector<const CriticalSection*> open;
  for (const CriticalSection* section : all) {
    if (check.listed.size() >= max_listed) break;
    std::erase_if(open, [&](const CriticalSection* earlier) {
      return earlier->released_ns <= section->acquired_ns;
    });
    for (const CriticalSection* earlier : open) {
      if (earlier->shared && section->shared) continue;
      if (check.listed.size() >= max_listed) break;
      check.listed.push_back(MutexViolation{*earlier, *section});
    }
    open.push_back(section);
  }
  return check;
}

}  // namespace ticketsim
