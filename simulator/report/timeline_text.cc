#include "simulator/report/timeline_text.h"

#include <sys/ioctl.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <set>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "simulator/oracle/mutual_exclusion.h"
#include "simulator/report/column_peaks.h"
#include "simulator/text/display_width.h"
#include "simulator/text/translate.h"
#include "simulator/text/wrap.h"

namespace ticketsim {
namespace {

// What a customer is doing; a column shows the highest-priority state it overlaps.
enum State : unsigned char { kIdle, kWaiting, kSearch, kHolding, kThinking, kWrite, kStateCount };

constexpr char kGlyph[kStateCount] = {' ', '.', 's', '=', '~', 'W'};
constexpr const char* kColor[kStateCount] = {"", "33", "35", "34", "36", "32"};

struct Span {
  std::int64_t begin;
  std::int64_t end;
  State state;
};

// The spans of one customer's record, in time order.
std::vector<Span> spans_of(const CustomerHistory& customer) {
  std::vector<Span> spans;
  auto add = [&](std::int64_t begin, std::int64_t end, State state) {
    if (begin != 0 && end != 0 && end >= begin) spans.push_back(Span{begin, end, state});
  };
  const SearchRecord& search = customer.search;
  if (search.unlocked()) {
    add(search.t_lock_requested, search.t_read, kSearch);  // read without a lock (a database)
  } else {
    add(search.t_lock_requested, search.t_lock_acquired, kWaiting);
    add(search.t_lock_acquired, search.t_released, kSearch);
  }
  for (const PurchaseRecord& purchase : customer.purchases) {
    add(purchase.t_lock_requested, purchase.t_lock_acquired, kWaiting);
    add(purchase.t_lock_acquired, purchase.t_read, kHolding);
    add(purchase.t_read, purchase.t_write_begin, kThinking);
    if (purchase.outcome == Outcome::kBought) {
      add(purchase.t_write_begin, purchase.t_written, kWrite);
      add(purchase.t_written, purchase.t_released, kHolding);
    } else {
      add(purchase.t_write_begin, purchase.t_released, kHolding);
    }
  }
  return spans;
}

// Maps times to columns: column c covers [t0 + c*span/width, t0 + (c+1)*span/width).
struct Axis {
  std::int64_t t0;
  std::int64_t span;
  int width;
  int column(std::int64_t t) const {
    if (t <= t0) return 0;
    auto c = static_cast<int>((static_cast<__int128>(t - t0) * width) / span);
    return std::min(c, width - 1);
  }
};

// Exact per-column maximum of how many exclusive `sections` overlap at once.
std::vector<int> max_concurrency(const std::vector<CriticalSection>& sections, const Axis& axis) {
  std::vector<std::pair<std::int64_t, std::int64_t>> intervals;
  for (const CriticalSection& section : sections) {
    if (!section.shared) intervals.emplace_back(section.acquired_ns, section.released_ns);
  }
  return column_peaks(std::move(intervals), axis.t0, axis.span, axis.width);
}

std::string count_glyph(int count) {
  if (count <= 0) return " ";
  if (count < 10) return std::string(1, static_cast<char>('0' + count));
  return "+";
}

std::string colored(const std::string& text, const char* color, bool use_color) {
  if (!use_color || color == nullptr || *color == '\0') return text;
  return fmt::format("\x1b[{}m{}\x1b[0m", color, text);
}

// The legend: each glyph and what it means, coloured as the lanes are, wrapped to `width`.
std::string legend(int width, bool use_color) {
  const std::pair<std::string, const char*> items[] = {
      {tr(". waiting for the lock"), kColor[kWaiting]},
      {tr("s search"), kColor[kSearch]},
      {tr("= holding"), kColor[kHolding]},
      {tr("~ thinking (latency)"), kColor[kThinking]},
      {tr("W write"), kColor[kWrite]},
      {tr("* witnessed"), ""}};
  std::string line;
  for (const auto& [text, color] : items) {
    line += (line.empty() ? "" : "  ") + colored(text, color, use_color);
  }
  return wrap_text(line, width, 2, 2);
}

}  // namespace

std::string render_timeline(const TrialResult& trial, const TimelineOptions& options) {
  if (trial.customers.empty()) {
    return std::string(tr("(no timeline: this trial's history was not kept)")) + "\n";
  }
  if (!trial.times_recorded) {
    return std::string(tr("(no timeline: step times were not recorded)")) + "\n";
  }

  std::int64_t t_end = trial.t_start + 1;
  std::vector<std::vector<Span>> spans;
  for (const CustomerHistory& customer : trial.customers) {
    spans.push_back(spans_of(customer));
    for (const Span& span : spans.back()) t_end = std::max(t_end, span.end);
    t_end = std::max(t_end, customer.t_exit);
  }
  constexpr int kLabelWidth = 18;  // "  #1234 p1234567*|", and "  wait max 999  |"
  int lane_width = std::max(20, options.width - kLabelWidth - 2);
  Axis axis{trial.t_start, t_end - trial.t_start, lane_width};

  std::vector<int> witnessed = trial.witnesses.customers_named();
  std::set<int> witnessed_set(witnessed.begin(), witnessed.end());
  std::vector<int> shown;
  const int total = static_cast<int>(trial.customers.size());
  if (total <= options.max_lanes) {
    for (int i = 0; i < total; ++i) shown.push_back(i);
  } else {
    std::set<int> chosen;
    for (int index : witnessed) {
      if (static_cast<int>(chosen.size()) >= options.max_lanes / 2) break;
      chosen.insert(index);
    }
    for (int i = 0; i < total && static_cast<int>(chosen.size()) < options.max_lanes; ++i) {
      chosen.insert(i);
    }
    shown.assign(chosen.begin(), chosen.end());
  }

  std::string out = wrap_text(
      trf("Timeline of trial #{}: 0 to {:.1f} ms, one column = {:.3g} ms", trial.index + 1,
          static_cast<double>(axis.span) / 1e6, static_cast<double>(axis.span) / 1e6 / lane_width),
      options.width, 0, 2);
  out += legend(options.width, options.use_color);
  if (static_cast<int>(shown.size()) < total) {
    out += wrap_text(trf("(showing {} of {} customers: the witnessed first; the rows below count "
                         "every customer)",
                         shown.size(), total),
                     options.width, 2, 2);
  }

  std::vector<std::vector<int>> state_counts(
      kStateCount, std::vector<int>(static_cast<std::size_t>(lane_width)));
  std::set<int> shown_set(shown.begin(), shown.end());
  for (int index = 0; index < total; ++index) {
    std::vector<unsigned char> lane(static_cast<std::size_t>(lane_width), kIdle);
    for (const Span& span : spans[static_cast<std::size_t>(index)]) {
      int first = axis.column(span.begin);
      int last = axis.column(std::max(span.begin, span.end - 1));
      for (int c = first; c <= last; ++c) lane[c] = std::max<unsigned char>(lane[c], span.state);
    }
    for (int c = 0; c < lane_width; ++c) ++state_counts[lane[c]][c];
    if (!shown_set.count(index)) continue;
    const CustomerHistory& customer = trial.customers[static_cast<std::size_t>(index)];
    bool marked = witnessed_set.count(index) > 0;
    std::string label =
        fmt::format("  #{:<4} p{:<7}{}", index + 1, customer.pid, marked ? "*" : " ");
    out += colored(label, marked ? "1;31" : "", options.use_color) + "|";
    for (int c = 0; c < lane_width; ++c) {
      State state = static_cast<State>(lane[c]);
      std::string glyph(1, kGlyph[state]);
      const char* color = (state == kWrite && marked) ? "1;31" : kColor[state];
      out += colored(glyph, color, options.use_color);
    }
    out += "|\n";
  }

  // Everyone, counted per column.
  auto count_row = [&](const std::string& name, const std::vector<int>& counts, bool alarm) {
    int peak = *std::max_element(counts.begin(), counts.end());
    std::string row = "  " + pad_to_width(trf("{} max {}", name, peak), 15) + "|";
    for (int c = 0; c < lane_width; ++c) {
      std::string glyph = count_glyph(counts[c]);
      row += colored(glyph, alarm && counts[c] > 1 ? "1;41;97" : "", options.use_color);
    }
    return row + "|\n";
  };
  if (static_cast<int>(shown.size()) < total) {
    out += count_row(tr("wait"), state_counts[kWaiting], false);
    std::vector<int> busy(static_cast<std::size_t>(lane_width));
    for (int c = 0; c < lane_width; ++c) {
      busy[c] = state_counts[kHolding][c] + state_counts[kThinking][c] + state_counts[kWrite][c];
    }
    out += count_row(tr("busy"), busy, false);
  }
  auto sections = critical_sections(trial.customers, /*search_is_shared=*/true);
  out += count_row(tr("lock"), max_concurrency(sections, axis), true);
  std::string note =
      tr("'lock' counts the customers inside an exclusive critical section at once; more than 1 "
         "means mutual exclusion broke.");
  if (static_cast<int>(shown.size()) < total) {
    note += tr(" 'wait' counts those waiting for the lock, 'busy' those inside a purchase.");
  }
  out += wrap_text(note, options.width, 2, 2);
  return out;
}

}  // namespace ticketsim
