#include "simulator/report/report_html.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <set>

#include <fmt/format.h>

#include "simulator/oracle/mutual_exclusion.h"
#include "simulator/report/column_peaks.h"
#include "simulator/report/explore_report.h"
#include "simulator/report/html_page.h"
#include "simulator/report/report_text.h"
#include "simulator/report/svg_chart.h"
#include "simulator/text/translate.h"

namespace ticketsim {
namespace {

std::string legend() {
  return fmt::format(
      "<p class=\"legend\">"
      "<span style=\"background:#f2c14e\"></span>{}"
      "<span style=\"background:#b56ccf\"></span>{}"
      "<span style=\"background:#4a78c2\"></span>{}"
      "<span style=\"background:#7cc6d6\"></span>{}"
      "<span style=\"background:#2e9e5b\"></span>{}"
      "<span style=\"background:#4b4f5c\"></span>{}"
      "<span style=\"background:#d7263d\"></span>{}"
      "<span class=\"key-read\">&#9660;</span>{}"
      "<span class=\"key-buyer\">&#9733;</span>{}"
      "<span class=\"key-read\">*</span>{}</p>\n",
      escape(tr("waiting for the lock")), escape(tr("search")),
      escape(tr("holding the lock (without a lock: the store)")), escape(tr("thinking (latency)")),
      escape(tr("write")), escape(tr("stopped (--pause-holder)")),
      escape(tr("witnessed write; the strip above the lanes: critical sections overlapping")),
      escape(tr("a read, with the count it saw")), escape(tr("a buyer: told it bought a ticket")),
      escape(tr("after a lane's name: a customer the witnesses name")));
}

// When a holder stopped by --pause-holder went on: its resume, or its end if it never did.
std::int64_t stopped_until(const CustomerHistory& c) {
  if (c.t_paused == 0) return 0;
  return c.t_resumed != 0 ? c.t_resumed : c.t_exit;
}

double ms(std::int64_t time_ns, std::int64_t origin_ns) {
  return static_cast<double>(time_ns - origin_ns) / 1e6;
}

// Lanes drawn at most, as the terminal timeline: the witnessed customers first, then the
// first ones; rows under them count every customer.
constexpr std::size_t kMaxLanes = 40;
// A lane with more purchases than this is drawn binned: one bar per run of pixel columns
// with the same dominant activity, so a million purchases cost a few thousand rectangles.
constexpr std::size_t kMaxPurchasesDrawn = 150;

// What a customer was doing, as the timeline colours it.
// A stopped holder is also holding or thinking: first, so that it wins a column's tie.
enum class Activity { kStopped, kWait, kSearch, kHold, kThink, kWrite, kCount };
constexpr const char* kActivityClass[] = {"stopped", "wait", "search", "hold", "think", "write"};

// An SVG timeline of one trial, to real time, written lane by lane. `span_ns` is the time the
// axis covers (0: this trial's own), so that the timelines of a comparison share one scale.
void svg_timeline(const TrialResult& trial, TextSink& out, std::int64_t span_ns = 0) {
  if (trial.customers.empty()) {
    out.write("<p>" + escape(tr("(no timeline: this trial's history was not kept)")) + "</p>");
    return;
  }
  if (!trial.times_recorded) {
    out.write("<p>" + escape(tr("(no timeline: step times were not recorded)")) + "</p>");
    return;
  }
  const auto& customers = trial.customers;
  std::int64_t t_end = trial.t_start + 1;
  std::size_t most_purchases = 0;
  for (const CustomerHistory& customer : customers) {
    t_end = std::max(t_end, customer.t_exit);
    most_purchases = std::max(most_purchases, customer.purchases.size());
    for (const PurchaseRecord& p : customer.purchases) t_end = std::max(t_end, p.t_released);
  }
  if (span_ns > 0) t_end = std::max(t_end, trial.t_start + span_ns);
  // The lanes drawn: every customer, or kMaxLanes with the witnessed ones first.
  std::vector<int> named = trial.witnesses.customers_named();
  std::set<int> witnessed(named.begin(), named.end());
  std::vector<int> drawn;
  if (customers.size() <= kMaxLanes) {
    for (const CustomerHistory& customer : customers) drawn.push_back(customer.index);
  } else {
    std::set<int> chosen;
    for (int c : named) {
      if (chosen.size() >= kMaxLanes / 2) break;
      chosen.insert(c);
    }
    for (const CustomerHistory& customer : customers) {
      if (chosen.size() >= kMaxLanes) break;
      chosen.insert(customer.index);
    }
    drawn.assign(chosen.begin(), chosen.end());
  }
  std::vector<int> row_of(customers.size(), -1);
  for (std::size_t row = 0; row < drawn.size(); ++row) {
    row_of[static_cast<std::size_t>(drawn[row])] = static_cast<int>(row);
  }
  const bool summarised = drawn.size() < customers.size();
  const int n = static_cast<int>(drawn.size());
  const int count_rows = summarised ? 3 : 1;  // wait, busy, lock; or lock alone
  const bool binned = most_purchases > kMaxPurchasesDrawn;

  const double span_ms = ms(t_end, trial.t_start);
  const double left = 200, plot_width = 960, strip = 10, top = 18 + strip;
  const double lane = 18;
  const double lanes_bottom = top + lane * n;
  const double height = lanes_bottom + lane * count_rows + 34;
  const bool bar_titles = !binned;
  auto x = [&](std::int64_t t) { return left + ms(t, trial.t_start) / span_ms * plot_width; };
  auto w = [&](std::int64_t a, std::int64_t b) {
    return std::max(0.6, (ms(b, trial.t_start) - ms(a, trial.t_start)) / span_ms * plot_width);
  };

  std::string svg = fmt::format(
      "<svg class=\"timeline\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {:.0f} {:.0f}\" "
      "width=\"100%\" role=\"img\" aria-label=\"{}\">\n",
      left + plot_width + 10, height, escape(tr("timeline")));
  // Time grid, labelled under the lanes and the count rows.
  const double axis_y = height - 8;
  double step = std::pow(10.0, std::floor(std::log10(std::max(span_ms, 1e-3) / 5)));
  if (span_ms / step > 10) step *= 2;
  if (span_ms / step > 10) step *= 2.5;
  for (double t = 0; t <= span_ms + 1e-9; t += step) {
    double gx = left + t / span_ms * plot_width;
    svg += fmt::format(
        "<line class=\"grid\" x1=\"{0:.1f}\" y1=\"{1:.0f}\" x2=\"{0:.1f}\" y2=\"{2:.0f}\"/>"
        "<text class=\"axis axis-label\" x=\"{0:.1f}\" y=\"{3:.0f}\" "
        "text-anchor=\"middle\">{4}</text>\n",
        gx, top - strip, axis_y - 12, axis_y, escape(trf("{:g} ms", std::round(t * 1000) / 1000)));
  }
  svg += fmt::format("<text class=\"axis\" x=\"4\" y=\"{:.0f}\">{}</text>\n", top - 2,
                     escape(tr("overlap")));
  out.write(svg);
  for (const CustomerHistory& c : customers) {
    const int row = row_of[static_cast<std::size_t>(c.index)];
    if (row < 0) continue;
    svg.clear();
    const double y = top + lane * row;
    const double bar_h = lane - 6;
    const bool marked = witnessed.count(c.index) > 0;
    svg += fmt::format("<g class=\"lane{}\" data-customer=\"{}\" data-pid=\"{}\">",
                       marked ? " witnessed" : "", c.index + 1, c.pid);
    svg += "<title>" +
           escape(marked ? trf("customer {} (pid {}, parent {}): witnessed", c.index + 1, c.pid,
                               c.ppid)
                         : trf("customer {} (pid {}, parent {})", c.index + 1, c.pid, c.ppid)) +
           (binned ? escape(trf("; {} purchases, each pixel column coloured by what took most of "
                                "its time",
                                c.purchases.size()))
                   : "") +
           "</title>";
    svg += fmt::format("<text class=\"label\" x=\"4\" y=\"{:.1f}\">{}</text>", y + lane - 6,
                       escape(fmt::format("#{} p{}{}", c.index + 1, c.pid, marked ? " *" : "")));
    auto bar = [&](const char* cls, std::int64_t a, std::int64_t b, const std::string& title) {
      if (a == 0 || b == 0 || b < a) return;
      svg += fmt::format(
          "<rect class=\"{}\" x=\"{:.1f}\" y=\"{:.1f}\" width=\"{:.1f}\" height=\"{:.1f}\">", cls,
          x(a), y + 1, w(a, b), bar_h);
      if (bar_titles) {
        svg += "<title>" +
               escape(trf("customer {} (pid {}): {} {:.3f}-{:.3f} ms", c.index + 1, c.pid, title,
                          ms(a, trial.t_start), ms(b, trial.t_start))) +
               "</title>";
      }
      svg += "</rect>";
    };
    // The marks under the bars: a triangle at each read with the count it saw (written beside
    // it where the lane has room), a star on each write that sold a ticket.
    std::string marks;
    double label_end = -1;
    auto read_mark = [&](std::int64_t t, std::int64_t value, const char* kind) {
      if (t == 0) return;
      const double mx = x(t), my = y + lane - 4;
      const std::string value_text = value >= 0 ? std::to_string(value) : tr("torn");
      marks += fmt::format(
          "<path class=\"read-mark {}\" data-value=\"{}\" d=\"M{:.1f},{:.1f} l-3.5,-5 h7 z\">"
          "<title>{}</title></path>",
          kind, value, mx, my + 1,
          escape(trf("customer {} read count={} at {:.3f} ms", c.index + 1, value_text,
                     ms(t, trial.t_start))));
      if (mx - 2 > label_end) {
        marks += fmt::format("<text class=\"read-value\" x=\"{:.1f}\" y=\"{:.1f}\">{}</text>",
                             mx + 4, y + lane - 7, escape(value_text));
        label_end = mx + 4 + 7.0 * static_cast<double>(value_text.size());
      }
    };
    const SearchRecord& s = c.search;
    bar("wait", s.t_lock_requested, s.t_lock_acquired, tr("waiting for the lock to search"));
    bar("search", s.t_lock_acquired, s.t_released,
        s.outcome == Outcome::kSeen ? trf("search: saw count={}", s.value_seen)
                                    : tr("search: torn read"));
    if (!binned) read_mark(s.t_read, s.outcome == Outcome::kSeen ? s.value_seen : -1, "search");
    if (binned) {
      // Time per activity in each pixel column; each run of columns with the same dominant
      // activity becomes one bar.
      constexpr int kColumns = 960;
      std::vector<std::array<double, static_cast<int>(Activity::kCount)>> busy(kColumns);
      auto add = [&](Activity activity, std::int64_t a, std::int64_t b) {
        if (a == 0 || b == 0 || b <= a) return;
        double from = ms(a, trial.t_start) / span_ms * kColumns;
        double to = ms(b, trial.t_start) / span_ms * kColumns;
        for (int col = std::max(0, static_cast<int>(from));
             col < kColumns && col <= static_cast<int>(to); ++col) {
          double overlap = std::min(to, col + 1.0) - std::max(from, static_cast<double>(col));
          if (overlap > 0)
            busy[static_cast<std::size_t>(col)][static_cast<int>(activity)] += overlap;
        }
      };
      for (const PurchaseRecord& p : c.purchases) {
        add(Activity::kWait, p.t_lock_requested, p.t_lock_acquired);
        add(Activity::kHold, p.t_lock_acquired, p.t_read);
        add(Activity::kThink, p.t_read, p.t_write_begin);
        add(Activity::kWrite, p.t_write_begin, p.t_written);
        add(Activity::kHold, std::max(p.t_written, p.t_write_begin), p.t_released);
      }
      add(Activity::kStopped, c.t_paused, stopped_until(c));
      auto dominant = [&](int col) {
        const auto& column = busy[static_cast<std::size_t>(col)];
        auto best = std::max_element(column.begin(), column.end());
        return *best > 0 ? static_cast<int>(best - column.begin()) : -1;
      };
      for (int col = 0; col < kColumns;) {
        int activity = dominant(col), end = col + 1;
        while (end < kColumns && dominant(end) == activity) ++end;
        if (activity >= 0) {
          svg += fmt::format(
              "<rect class=\"{}\" x=\"{:.1f}\" y=\"{:.1f}\" width=\"{:.1f}\" height=\"{:.1f}\"/>",
              kActivityClass[activity], left + col * plot_width / kColumns, y + 1,
              (end - col) * plot_width / kColumns, bar_h);
        }
        col = end;
      }
    } else {
      for (std::size_t a = 0; a < c.purchases.size(); ++a) {
        const PurchaseRecord& p = c.purchases[a];
        const std::string name = trf("purchase {}", a + 1);
        bar("wait", p.t_lock_requested, p.t_lock_acquired, trf("{}: waiting for the lock", name));
        bar("hold", p.t_lock_acquired, p.t_released,
            p.outcome == Outcome::kBought ? trf("{}: lock held; read count={}, wrote count={}",
                                                name, p.value_read, p.value_written)
                                          : trf("{}: lock held; read count={}, {}", name,
                                                p.value_read, outcome_text(p.outcome)));
        bar("think", p.t_read, p.t_write_begin, trf("{}: thinking (latency) after reading", name));
        if (p.outcome == Outcome::kBought) {
          bar("write", p.t_write_begin, std::max(p.t_written, p.t_write_begin + 1),
              trf("{}: wrote count={}", name, p.value_written));
        }
        read_mark(p.t_read, p.value_read, "purchase");
        if (p.outcome == Outcome::kBought && p.t_written != 0) {
          // At the end of the purchase, clear of the write, of any witness mark on it and of
          // the count written beside its read (a short purchase ends right after it).
          const double star_x =
              std::min(left + plot_width + 4,
                       std::max(x(std::max(p.t_released, p.t_written)) + 7, label_end + 6));
          marks += fmt::format(
              "<text class=\"buyer-mark\" x=\"{:.1f}\" y=\"{:.1f}\" text-anchor=\"middle\">"
              "&#9733;<title>{}</title></text>",
              star_x, y + lane - 5,
              escape(trf("customer {} bought a ticket: wrote count={}", c.index + 1,
                         p.value_written)));
          label_end = star_x + 6;  // a later read's count keeps clear of the star
        }
      }
      // Drawn last, over the think time or hold it interrupted.
      bar("stopped", c.t_paused, stopped_until(c),
          tr("stopped (SIGSTOP, --pause-holder) holding the lock"));
    }
    svg += marks + "</g>\n";
    out.write(svg);
  }
  // Critical sections overlapping: a strip above the lanes, so that no bar changes colour.
  // Periods closer than a pixel are merged into one mark.
  svg.clear();
  const std::int64_t pixel_ns = static_cast<std::int64_t>(span_ms * 1e6 / plot_width) + 1;
  std::pair<std::int64_t, std::int64_t> band{0, 0};
  auto flush_band = [&] {
    if (band.second <= band.first) return;
    svg += fmt::format(
        "<rect class=\"overlap\" x=\"{:.1f}\" y=\"{:.0f}\" width=\"{:.1f}\" height=\"{:.1f}\">"
        "<title>{}</title></rect>\n",
        x(band.first), top - strip, w(band.first, band.second), strip - 2,
        escape(trf("critical sections overlapping {:.3f}-{:.3f} ms", ms(band.first, trial.t_start),
                   ms(band.second, trial.t_start))));
  };
  for (const auto& [begin, end] :
       overlap_periods(critical_sections(customers, trial.readers_share))) {
    if (band.second > band.first && begin - band.second < pixel_ns) {
      band.second = end;
      continue;
    }
    flush_band();
    band = {begin, end};
  }
  flush_band();
  // Everyone, counted per pixel column: how many were inside an exclusive critical section
  // (more than one: mutual exclusion broke), and when lanes were left out, how many waited
  // and how many were busy buying.
  constexpr int kColumns = 480;  // two pixels each
  using Intervals = std::vector<std::pair<std::int64_t, std::int64_t>>;
  Intervals inside_sections, waits, purchases;
  for (const CriticalSection& section : critical_sections(customers, true)) {
    if (!section.shared) inside_sections.emplace_back(section.acquired_ns, section.released_ns);
  }
  if (summarised) {
    for (const CustomerHistory& c : customers) {
      // A search that read without a lock (a database's) waited for none.
      if (!c.search.unlocked()) {
        waits.emplace_back(c.search.t_lock_requested, c.search.t_lock_acquired);
      }
      for (const PurchaseRecord& p : c.purchases) {
        waits.emplace_back(p.t_lock_requested, p.t_lock_acquired);
        purchases.emplace_back(p.t_lock_acquired, p.t_released);
      }
    }
  }
  const std::int64_t axis_span = t_end - trial.t_start;
  const std::vector<int> inside =
      column_peaks(std::move(inside_sections), trial.t_start, axis_span, kColumns);
  const std::vector<int> waiting =
      column_peaks(std::move(waits), trial.t_start, axis_span, kColumns);
  const std::vector<int> buying =
      column_peaks(std::move(purchases), trial.t_start, axis_span, kColumns);
  auto count_row = [&](int index, const std::string& name, const std::vector<int>& counts,
                       bool alarm) {
    const double y = lanes_bottom + lane * index;
    const int peak = std::max(1, *std::max_element(counts.begin(), counts.end()));
    svg +=
        fmt::format("<g class=\"count-row\"><text class=\"label\" x=\"4\" y=\"{:.1f}\">{}</text>",
                    y + lane - 6, escape(trf("{} (max {})", name, peak)));
    for (int col = 0; col < kColumns; ++col) {
      const int value = counts[static_cast<std::size_t>(col)];
      if (value == 0) continue;
      const double h = (lane - 4) * value / peak;
      svg += fmt::format(
          "<rect class=\"{}\" x=\"{:.1f}\" y=\"{:.1f}\" width=\"{:.1f}\" "
          "height=\"{:.1f}\"/>",
          alarm && value > 1 ? "count alarm" : "count", left + col * plot_width / kColumns,
          y + lane - 2 - h, plot_width / kColumns, h);
    }
    svg += "</g>\n";
  };
  if (summarised) {
    // Nobody waits in a mode without a lock: that row would only show the no-op lock calls.
    if (mode_takes_lock(trial.mode)) count_row(0, tr("waiting"), waiting, false);
    count_row(1, tr("buying"), buying, false);
  }
  count_row(count_rows - 1, tr("in a critical section"), inside, true);
  // Witnesses: a mark on each stale write, linked to the write it landed on.
  auto lane_mid = [&](int customer) {
    return top + lane * row_of[static_cast<std::size_t>(customer)] + lane / 2;
  };
  for (const LostUpdateWitness& witness : trial.witnesses.lost_updates) {
    if (row_of[static_cast<std::size_t>(witness.overwritten.customer)] < 0 ||
        row_of[static_cast<std::size_t>(witness.writer.customer)] < 0) {
      continue;
    }
    double x1 = x(witness.overwritten.wrote_ns), y1 = lane_mid(witness.overwritten.customer);
    double x2 = x(witness.writer.wrote_ns), y2 = lane_mid(witness.writer.customer);
    svg += fmt::format(
        "<g class=\"witness\"><path class=\"witness-link\" d=\"M{:.1f},{:.1f} L{:.1f},{:.1f}\"/>"
        "<circle class=\"witness-mark\" cx=\"{:.1f}\" cy=\"{:.1f}\" "
        "r=\"4\"><title>{}</title></circle></g>\n",
        x1, y1, x2, y2, x2, y2, escape(describe(witness, trial.t_start)));
  }
  svg += "</svg>\n";
  if (summarised) {
    svg += "<p>" +
           escape(trf("{} of {} customers drawn (the witnessed first, then the first ones); the "
                      "rows under them count every customer.",
                      drawn.size(), customers.size())) +
           "</p>\n";
  }
  out.write(svg);
}

void trial_sections(const TrialResult& trial, TextSink& out, std::int64_t span_ns = 0) {
  std::string html = "<ul>\n";
  for (const std::string& sentence : explain_trial(trial))
    html += "<li>" + escape(sentence) + "</li>\n";
  html += "</ul>\n";
  // The headline first (a ticket sold many times), then the pairs of writes that show how.
  std::vector<std::string> witnesses;
  constexpr std::size_t kShown = 50;
  for (const auto& witness : trial.witnesses.double_sales) {
    if (witnesses.size() < kShown) witnesses.push_back(describe(witness, trial.t_start));
  }
  for (const auto& witness : trial.witnesses.lost_updates) {
    if (witnesses.size() < kShown) witnesses.push_back(describe(witness, trial.t_start));
  }
  if (!witnesses.empty()) {
    html += "<h3>" + escape(trf("Witnesses ({})", trial.witnesses.count())) + "</h3>\n<ul>\n";
    for (const std::string& witness : witnesses) {
      html += "<li class=\"witness\">" + escape(witness) + "</li>\n";
    }
    auto more = trial.witnesses.count() - static_cast<std::int64_t>(witnesses.size());
    if (more > 0) {
      html += "<li>" +
              escape(trf("... and {} more (ticketsim --json lists up to {} of each kind)", more,
                         kListedWitnesses)) +
              "</li>\n";
    }
    html += "</ul>\n";
  }
  std::string check = render_mutex_check(trial, 100000);
  html += "<ul class=\"mutex\">\n";
  std::size_t start = 0;
  while (start < check.size()) {
    std::size_t end = check.find('\n', start);
    if (end == std::string::npos) end = check.size();
    std::string line = check.substr(start, end - start);
    if (!line.empty()) html += "<li>" + escape(line) + "</li>\n";
    start = end + 1;
  }
  html += "</ul>\n";
  out.write(html + legend());
  svg_timeline(trial, out, span_ns);
}

// A verdict cell: the class is the English word (the colours), the text the reader's.
std::string verdict_cell(const std::string& verdict) {
  return fmt::format("<td class=\"{}\">{}</td>", escape(verdict), escape(verdict_text(verdict)));
}

std::string workload(const ExperimentConfig& config, std::int64_t tickets, const std::string& store,
                     bool per_mode) {
  const std::string trials = counted(config.trials, "{} trial", "{} trials");
  return "<p>" +
         escape(workload_settings(config, tickets) + trc("settings", ", ") +
                (per_mode ? trf("{} per mode", trials) : trials)) +
         "</p>\n<p>" + escape(trf("store: {}", store_label_text(store))) + "</p>\n";
}

// The statistics of each mode over its trials, as the text report and the JSON summary
// state them: a <table class="statistics"> under its heading.
std::string statistics_table(const std::vector<ModeSummary>& summaries, int trials) {
  std::string out =
      "<h2>" +
      escape(trf("Statistics over {} per mode", counted(trials, "{} trial", "{} trials"))) +
      "</h2>\n<table class=\"statistics\"><tr>";
  for (const char* heading :
       {N_("mode"), N_("unsafe trials"), N_("P(unsafe) [95% Wilson]"),
        N_("oversold per trial: min / median / p95 / max / mean"),
        N_("wall ms median [interval, coverage]"), N_("purchases/s median [interval]"),
        N_("lock wait per purchase: p50 / p99 / max"), N_("grants that passed a waiter"),
        N_("Jain's fairness (first half of grants): mean / min"), N_("retries per purchase")}) {
    out += "<th>" + escape(tr(heading)) + "</th>";
  }
  out += "</tr>\n";
  for (const ModeSummary& s : summaries) {
    out += fmt::format(
        "<tr><td>{}</td><td>{}</td><td>{:.2f} [{:.2f}, {:.2f}]</td><td>{:g} / {:g} / "
        "{:g} / {} / {:.2f}</td><td>{:.1f} [{:.1f}, {:.1f}, {:.0f}%]</td><td>{:.1f} [{:.1f}, "
        "{:.1f}]</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>\n",
        mode_name(s.mode), escape(trf("{} of {}", s.unsafe_trials, s.trials)), s.unsafe_p,
        s.unsafe_p_low, s.unsafe_p_high, s.oversold_min, s.oversold_median, s.oversold_p95,
        s.oversold_max, s.oversold_mean, s.wall_ms_median, s.wall_ms_median_low,
        s.wall_ms_median_high, 100 * s.median_interval_coverage, s.purchases_per_s_median,
        s.purchases_per_s_median_low, s.purchases_per_s_median_high,
        escape(s.lock_waits > 0 ? fmt::format("{} / {} / {}", format_wait_us(s.lock_wait_us_p50),
                                              format_wait_us(s.lock_wait_us_p99),
                                              format_wait_us(s.lock_wait_us_max))
                                : tr("no lock")),
        escape(s.lock_grants_total > 0
                   ? trf("{} of {}", s.lock_overtaking_grants_total, s.lock_grants_total)
                   : tr("no lock")),
        escape(s.fairness_trials > 0 ? fmt::format("{:.3f} / {:.3f}", s.jain_mean, s.jain_min)
                                     : tr("not judged")),
        (s.mode == Mode::kOptimistic || s.mode == Mode::kSerializable) && s.purchases_total > 0
            ? fmt::format("{:.2f}", static_cast<double>(s.retries_total) /
                                        static_cast<double>(s.purchases_total))
            : "-");
  }
  out += "</table>\n";
  return out;
}

// The time an explained trial's timeline covers.
std::int64_t timeline_span(const TrialResult& trial) {
  std::int64_t t_end = trial.t_start + 1;
  for (const CustomerHistory& customer : trial.customers) {
    t_end = std::max(t_end, customer.t_exit);
    for (const PurchaseRecord& p : customer.purchases) t_end = std::max(t_end, p.t_released);
  }
  return t_end - trial.t_start;
}

}  // namespace

void render_run_html(const ExperimentResult& result, TextSink& out) {
  const std::string title = trf("ticketsim run: mode {}", mode_name(result.config.mode));
  page_head(title, out);
  std::string body = "<h1>" + escape(title) + "</h1>\n";
  body += workload(result.config, result.tickets, result.store_label, false);
  body += "<table><tr>";
  for (const char* heading :
       {N_("trial"), N_("sold"), N_("oversold"), N_("lost updates"), N_("torn reads"),
        N_("final count"), N_("wall ms"), N_("purchases per s"), N_("verdict")}) {
    body += "<th>" + escape(tr(heading)) + "</th>";
  }
  body += "</tr>\n";
  for (const TrialResult& trial : result.trials) {
    body += fmt::format(
        "<tr><td>#{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{:.1f}</td>"
        "<td>{:.0f}</td>{}</tr>\n",
        trial.index + 1, trial.sold, trial.oversold, escape(lost_updates_text(trial)),
        trial.torn_reads,
        trial.final_count ? std::to_string(*trial.final_count) : escape(tr("unreadable")),
        trial.wall_ms(), trial.purchases_per_s, verdict_cell(std::string(trial.verdict())));
  }
  body += "</table>\n";
  if (result.trials.size() > 1) {
    body += statistics_table({summarize(result)}, static_cast<int>(result.trials.size()));
  }
  if (const TrialResult* shown = explained_trial(result)) {
    out.write(body + "<h2>" + escape(trf("What happened in trial #{}", shown->index + 1)) +
              "</h2>\n");
    trial_sections(*shown, out);
  } else {
    out.write(body);
  }
  page_tail(out);
}

std::string render_run_html(const ExperimentResult& result) {
  StringSink sink;
  render_run_html(result, sink);
  return sink.text();
}

void render_compare_html(const Comparison& comparison, const std::vector<SkippedMode>& skipped,
                         TextSink& out) {
  page_head("ticketsim compare", out);
  std::string body = "<h1>ticketsim compare</h1>\n";
  if (comparison.results.empty()) {
    out.write(body + "<p>" + escape(tr("No mode ran.")) + "</p>");
    page_tail(out);
    return;
  }
  const ExperimentResult& first = comparison.results.front();
  body += workload(first.config, first.tickets, first.store_label, true);
  std::vector<ModeSummary> summaries;
  for (const ExperimentResult& result : comparison.results) summaries.push_back(summarize(result));
  body += "<table><tr>";
  for (const char* heading :
       {N_("mode"), N_("oversold (worst)"), N_("trials that oversold"), N_("lost updates"),
        N_("torn reads"), N_("wall ms (median)"), N_("purchases per s (median)"), N_("verdict")}) {
    body += "<th>" + escape(tr(heading)) + "</th>";
  }
  body += "</tr>\n";
  for (std::size_t i = 0; i < summaries.size(); ++i) {
    const ModeSummary& s = summaries[i];
    body += fmt::format(
        "<tr><td>{}</td><td>{}</td><td>{}/{}</td><td>{}</td><td>{}</td><td>{:.1f}</td><td>{:.0f}</"
        "td>{}</tr>\n",
        mode_name(s.mode), s.oversold_max, s.oversold_trials, s.trials,
        escape(lost_updates_total_text(comparison.results[i], s)), s.torn_reads_total,
        s.wall_ms_median, s.purchases_per_s_median, verdict_cell(s.verdict));
  }
  body += "</table>\n";
  for (const SkippedMode& skip : skipped) {
    body += "<p>" + escape(trf("{} skipped: {}", mode_name(skip.mode), tr(skip.reason.c_str()))) +
            "</p>\n";
  }
  if (first.config.trials > 1) {
    body += statistics_table(summaries, first.config.trials);
    // The tradeoff in one picture: each mode where its safety and its speed put it.
    body += "<h2>" +
            escape(tr("What safety costs: each mode's throughput against its unsafe probability")) +
            "</h2>\n";
    std::vector<TradeoffPoint> points;
    for (const ModeSummary& s : summaries) {
      points.push_back({std::string(mode_name(s.mode)), s.unsafe_p, s.unsafe_p_low, s.unsafe_p_high,
                        s.purchases_per_s_median, std::string(mode_name(s.mode))});
    }
    body += tradeoff_chart(points);
  }

  // Safety versus throughput: two bar charts sharing the mode axis. The title sits above the
  // plot, and each bar's figure above its bar, inside the plot's own margin.
  body += "<h2>" + escape(tr("Safety versus throughput")) + "</h2>\n";
  const double bar_w = 90, gap = 30, chart_h = 160, left = 50, plot_top = 44;
  std::int64_t max_oversold = 1;
  double max_rate = 1;
  for (const ModeSummary& s : summaries) {
    max_oversold = std::max(max_oversold, s.oversold_max);
    max_rate = std::max(max_rate, s.purchases_per_s_median);
  }
  auto chart = [&](const std::string& title, auto value, double max, auto label) {
    double width = left + summaries.size() * (bar_w + gap) + 10;
    std::string svg = fmt::format(
        "<svg class=\"chart\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {:.0f} {:.0f}\" "
        "width=\"{:.0f}\">"
        "<text class=\"axis chart-title\" x=\"4\" y=\"16\">{}</text>\n",
        width, plot_top + chart_h + 30, width, escape(title));
    for (std::size_t i = 0; i < summaries.size(); ++i) {
      const ModeSummary& s = summaries[i];
      double v = value(s);
      double h = max > 0 ? v / max * chart_h : 0;
      double bx = left + i * (bar_w + gap);
      svg += fmt::format(
          "<g class=\"mode-bar\" data-mode=\"{0}\"><rect class=\"{1}\" x=\"{2:.1f}\" y=\"{3:.1f}\" "
          "width=\"{4:.0f}\" "
          "height=\"{5:.1f}\"><title>{0}: {6}</title></rect>"
          "<text class=\"axis\" x=\"{7:.1f}\" y=\"{8:.0f}\" text-anchor=\"middle\">{0}</text>"
          "<text class=\"axis bar-value\" x=\"{7:.1f}\" y=\"{9:.1f}\" "
          "text-anchor=\"middle\">{6}</text></g>\n",
          mode_name(s.mode), s.verdict == "UNSAFE" ? "bar-none" : "bar", bx, plot_top + chart_h - h,
          bar_w, std::max(h, 0.5), label(s), bx + bar_w / 2, plot_top + chart_h + 18,
          plot_top + chart_h - h - 5);
    }
    return svg + "</svg>\n";
  };
  body += chart(
      tr("oversold tickets (worst trial)"),
      [](const ModeSummary& s) { return static_cast<double>(s.oversold_max); },
      static_cast<double>(max_oversold),
      [](const ModeSummary& s) { return std::to_string(s.oversold_max); });
  body += chart(
      tr("purchases per second (median)"),
      [](const ModeSummary& s) { return s.purchases_per_s_median; }, max_rate,
      [](const ModeSummary& s) { return fmt::format("{:.0f}", s.purchases_per_s_median); });

  // Every mode's timeline on one time scale, the longest trial's, so that their lengths can be
  // compared by eye.
  std::int64_t shared_span = 1;
  for (const ExperimentResult& result : comparison.results) {
    if (const TrialResult* shown = explained_trial(result)) {
      shared_span = std::max(shared_span, timeline_span(*shown));
    }
  }
  out.write(body);
  for (const ExperimentResult& result : comparison.results) {
    const TrialResult* shown = explained_trial(result);
    if (shown == nullptr) continue;
    out.write("<h2>" +
              escape(trf("{}: trial #{}", mode_name(result.config.mode), shown->index + 1)) +
              "</h2>\n<p class=\"scale\">" +
              escape(trf("Time scale: 0 to {:.1f} ms, the same for every mode of this comparison "
                         "(this trial took {:.1f} ms).",
                         static_cast<double>(shared_span) / 1e6,
                         static_cast<double>(timeline_span(*shown)) / 1e6)) +
              "</p>\n");
    trial_sections(*shown, out, shared_span);
  }
  page_tail(out);
}

std::string render_compare_html(const Comparison& comparison,
                                const std::vector<SkippedMode>& skipped) {
  StringSink sink;
  render_compare_html(comparison, skipped, sink);
  return sink.text();
}

void render_explore_html(const ExploreResult& result, const TrialResult* shown, TextSink& out) {
  const ExperimentConfig& workload = result.config.workload;
  const std::string title = trf("ticketsim explore: mode {}", mode_name(workload.mode));
  page_head(title, out);
  std::string body = "<h1>" + escape(title) + "</h1>\n";
  const std::string settings = explore_settings(result);
  body += "<p>" + escape(settings) + "</p>\n<p>" +
          escape(trf("store: {}", store_label_text(result.store_label))) + "</p>\n";
  std::string summary = explore_summary(result);
  for (std::size_t start = 0; start < summary.size();) {
    std::size_t end = std::min(summary.find('\n', start), summary.size());
    body += "<p>" + escape(summary.substr(start, end - start)) + "</p>\n";
    start = end + 1;
  }
  body += "<table class=\"outcomes\"><tr><th>#</th>";
  for (const char* heading : {N_("verdict"), N_("schedules"), N_("interleavings"), N_("sold"),
                              N_("oversold"), N_("lost updates"), N_("torn reads"),
                              N_("final count"), N_("crashed"), N_("shortest schedule")}) {
    body += "<th>" + escape(tr(heading)) + "</th>";
  }
  body += "</tr>\n";
  int number = 0;
  for (const ExploredOutcome& outcome : result.outcomes) {
    body += fmt::format(
        "<tr><td>{}</td>{}<td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td>"
        "<td>{}</td><td>{}</td><td><code class=\"script\">{}</code><br><small>{}</small></td>"
        "</tr>\n",
        ++number, verdict_cell(outcome.verdict), outcome.count,
        outcome.interleavings ? format_interleavings(*outcome.interleavings) : "-", outcome.sold,
        outcome.oversold,
        outcome.lost_updates ? std::to_string(*outcome.lost_updates) : escape(tr("unknown")),
        outcome.torn_reads,
        outcome.final_count ? std::to_string(*outcome.final_count) : escape(tr("unreadable")),
        outcome.crashed, escape(outcome.script), escape(replay_command(result, outcome.script)));
  }
  body += "</table>\n<p>" + escape(explore_verdict(result)) + "</p>\n";
  if (shown != nullptr) {
    const bool unsafe = shown->unsafe();
    out.write(body + "<h2>" +
              escape(unsafe ? tr("The shortest unsafe schedule, step by step")
                            : tr("A schedule, step by step")) +
              "</h2>\n<p><code class=\"script\">" + escape(shown->schedule_ran) + "</code></p>\n");
    trial_sections(*shown, out);
  } else {
    out.write(body);
  }
  page_tail(out);
}

std::string render_explore_html(const ExploreResult& result, const TrialResult* shown) {
  StringSink sink;
  render_explore_html(result, shown, sink);
  return sink.text();
}

}  // namespace ticketsim
