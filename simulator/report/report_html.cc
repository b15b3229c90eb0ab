#include "simulator/report/report_html.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <set>

#include <fmt/format.h>

#include "simulator/oracle/mutual_exclusion.h"
#include "simulator/report/html_page.h"
#include "simulator/report/svg_chart.h"
#include "simulator/text/translate.h"

namespace ticketsim {
namespace {

std::string legend() {
  return "<p class=\"legend\">"
         "<span class=\"wait\" style=\"background:#f2c14e\"></span>waiting for the lock"
         "<span style=\"background:#b56ccf\"></span>search"
         "<span style=\"background:#4a78c2\"></span>holding the lock"
         "<span style=\"background:#7cc6d6\"></span>thinking (latency)"
         "<span style=\"background:#2e9e5b\"></span>write"
         "<span style=\"background:#d7263d\"></span>witnessed write / overlapping critical "
         "sections</p>\n";
}

double ms(std::int64_t time_ns, std::int64_t origin_ns) {
  return static_cast<double>(time_ns - origin_ns) / 1e6;
}

// Lanes drawn at most; the rest of a larger trial is counted under the timeline.
constexpr std::size_t kMaxLanes = 2000;
// A lane with more purchases than this is drawn binned: one bar per run of pixel columns
// with the same dominant activity, so a million purchases cost a few thousand rectangles.
constexpr std::size_t kMaxPurchasesDrawn = 150;

// What a customer was doing, as the timeline colours it.
enum class Activity { kWait, kSearch, kHold, kThink, kWrite, kCount };
constexpr const char* kActivityClass[] = {"wait", "search", "hold", "think", "write"};

// An SVG timeline of one trial, to real time, written lane by lane.
void svg_timeline(const TrialResult& trial, TextSink& out) {
  if (trial.customers.empty()) {
    out.write("<p>(no timeline: this trial's history was not kept)</p>");
    return;
  }
  if (!trial.times_recorded) {
    out.write("<p>(no timeline: step times were not recorded)</p>");
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
  // The lanes drawn: every customer, or the first kMaxLanes with the witnessed ones first.
  std::vector<int> named = trial.witnesses.customers_named();
  std::set<int> witnessed(named.begin(), named.end());
  std::vector<int> drawn;
  for (int c : named) {
    if (drawn.size() < kMaxLanes / 2) drawn.push_back(c);
  }
  for (const CustomerHistory& customer : customers) {
    if (drawn.size() >= kMaxLanes) break;
    if (witnessed.count(customer.index) == 0 || customers.size() <= kMaxLanes) {
      drawn.push_back(customer.index);
    }
  }
  std::sort(drawn.begin(), drawn.end());
  drawn.erase(std::unique(drawn.begin(), drawn.end()), drawn.end());
  std::vector<int> row_of(customers.size(), -1);
  for (std::size_t row = 0; row < drawn.size(); ++row) {
    row_of[static_cast<std::size_t>(drawn[row])] = static_cast<int>(row);
  }
  const int n = static_cast<int>(drawn.size());
  const bool binned = most_purchases > kMaxPurchasesDrawn;

  const double span_ms = ms(t_end, trial.t_start);
  const double left = 120, plot_width = 1040, top = 24;
  const double lane = n <= 60 ? 16 : std::max(2.0, 900.0 / n);
  const double height = top + lane * n + 30;
  // Large trials keep one tooltip per lane instead of one per bar, so the file stays small.
  const bool bar_titles = n <= 200 && !binned;
  auto x = [&](std::int64_t t) { return left + ms(t, trial.t_start) / span_ms * plot_width; };
  auto w = [&](std::int64_t a, std::int64_t b) {
    return std::max(0.6, (ms(b, trial.t_start) - ms(a, trial.t_start)) / span_ms * plot_width);
  };

  std::string svg = fmt::format(
      "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {:.0f} {:.0f}\" width=\"100%\" "
      "role=\"img\" aria-label=\"timeline\">\n",
      left + plot_width + 10, height);
  // Time grid.
  double step = std::pow(10.0, std::floor(std::log10(std::max(span_ms, 1e-3) / 5)));
  if (span_ms / step > 10) step *= 2;
  if (span_ms / step > 10) step *= 2.5;
  for (double t = 0; t <= span_ms + 1e-9; t += step) {
    double gx = left + t / span_ms * plot_width;
    svg += fmt::format(
        "<line class=\"grid\" x1=\"{0:.1f}\" y1=\"{1:.0f}\" x2=\"{0:.1f}\" y2=\"{2:.0f}\"/>"
        "<text class=\"axis\" x=\"{0:.1f}\" y=\"{3:.0f}\" text-anchor=\"middle\">{4:g} ms</text>\n",
        gx, top - 4, top + lane * n, top + lane * n + 14, std::round(t * 1000) / 1000);
  }
  out.write(svg);
  const bool readers_share = trial.readers_share;
  for (const CustomerHistory& c : customers) {
    const int row = row_of[static_cast<std::size_t>(c.index)];
    if (row < 0) continue;
    svg.clear();
    const double y = top + lane * row;
    const double bar_h = std::max(1.0, lane - 2);
    const bool marked = witnessed.count(c.index) > 0;
    svg += fmt::format("<g class=\"lane{}\" data-customer=\"{}\" data-pid=\"{}\">",
                       marked ? " witnessed" : "", c.index + 1, c.pid);
    svg += fmt::format("<title>customer {} (pid {}, parent {}){}{}</title>", c.index + 1, c.pid,
                       c.ppid, marked ? ": witnessed" : "",
                       binned ? fmt::format("; {} purchases, each pixel column coloured by what "
                                            "took most of its time",
                                            c.purchases.size())
                              : "");
    if (lane >= 9) {
      svg += fmt::format("<text class=\"label\" x=\"4\" y=\"{:.1f}\">#{} p{}{}</text>",
                         y + lane - 4, c.index + 1, c.pid, marked ? " *" : "");
    }
    auto bar = [&](const char* cls, std::int64_t a, std::int64_t b, const std::string& title) {
      if (a == 0 || b == 0 || b < a) return;
      svg += fmt::format(
          "<rect class=\"{}\" x=\"{:.1f}\" y=\"{:.1f}\" width=\"{:.1f}\" height=\"{:.1f}\">", cls,
          x(a), y + 1, w(a, b), bar_h);
      if (bar_titles) {
        svg += fmt::format("<title>customer {} (pid {}): {} {:.3f}-{:.3f} ms</title>", c.index + 1,
                           c.pid, escape(title), ms(a, trial.t_start), ms(b, trial.t_start));
      }
      svg += "</rect>";
    };
    const SearchRecord& s = c.search;
    bar("wait", s.t_lock_requested, s.t_lock_acquired, "waiting for the lock to search");
    bar("search", s.t_lock_acquired, s.t_released,
        s.outcome == Outcome::kSeen ? fmt::format("search: saw count={}", s.value_seen)
                                    : "search: torn read");
    if (binned) {
      // Time per activity in each pixel column; each run of columns with the same dominant
      // activity becomes one bar.
      constexpr int kColumns = 1040;
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
        std::string name = fmt::format("purchase {}", a + 1);
        bar("wait", p.t_lock_requested, p.t_lock_acquired, name + ": waiting for the lock");
        bar("hold", p.t_lock_acquired, p.t_released,
            fmt::format("{}: lock held; read count={}, {}", name, p.value_read,
                        p.outcome == Outcome::kBought
                            ? fmt::format("wrote count={}", p.value_written)
                            : std::string(outcome_name(p.outcome))));
        bar("think", p.t_read, p.t_write_begin, name + ": thinking (latency) after reading");
        if (p.outcome == Outcome::kBought) {
          bar("write", p.t_write_begin, std::max(p.t_written, p.t_write_begin + 1),
              fmt::format("{}: wrote count={}", name, p.value_written));
        }
      }
    }
    svg += "</g>\n";
    out.write(svg);
  }
  // Drawn over the lanes, translucent. Periods closer than a pixel are merged into one band.
  svg.clear();
  const std::int64_t pixel_ns = static_cast<std::int64_t>(span_ms * 1e6 / plot_width) + 1;
  std::pair<std::int64_t, std::int64_t> band{0, 0};
  auto flush_band = [&] {
    if (band.second <= band.first) return;
    svg += fmt::format(
        "<rect class=\"overlap\" x=\"{:.1f}\" y=\"{:.0f}\" width=\"{:.1f}\" height=\"{:.1f}\">"
        "<title>critical sections overlapping {:.3f}-{:.3f} ms</title></rect>\n",
        x(band.first), top - 6, w(band.first, band.second), lane * n + 6,
        ms(band.first, trial.t_start), ms(band.second, trial.t_start));
  };
  for (const auto& [begin, end] : overlap_periods(critical_sections(customers, readers_share))) {
    if (band.second > band.first && begin - band.second < pixel_ns) {
      band.second = end;
      continue;
    }
    flush_band();
    band = {begin, end};
  }
  flush_band();
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
        "r=\"{:.1f}\"><title>{}</title></circle></g>\n",
        x1, y1, x2, y2, x2, y2, std::max(2.0, std::min(5.0, lane / 3)),
        escape(describe(witness, trial.t_start)));
  }
  svg += "</svg>\n";
  if (customers.size() > drawn.size()) {
    svg += fmt::format("<p>{} of {} customers drawn (the witnessed ones and the first).</p>\n",
                       drawn.size(), customers.size());
  }
  out.write(svg);
}

void trial_sections(const TrialResult& trial, TextSink& out) {
  std::string html = "<ul>\n";
  for (const std::string& sentence : explain_trial(trial))
    html += "<li>" + escape(sentence) + "</li>\n";
  html += "</ul>\n";
  std::vector<std::string> witnesses;
  constexpr std::size_t kShown = 50;
  for (const auto& witness : trial.witnesses.lost_updates) {
    if (witnesses.size() < kShown) witnesses.push_back(describe(witness, trial.t_start));
  }
  for (const auto& witness : trial.witnesses.double_sales) {
    if (witnesses.size() < kShown) witnesses.push_back(describe(witness, trial.t_start));
  }
  if (!witnesses.empty()) {
    html += fmt::format("<h3>Witnesses ({})</h3>\n<ul>\n", trial.witnesses.count());
    for (const std::string& witness : witnesses) {
      html += "<li class=\"witness\">" + escape(witness) + "</li>\n";
    }
    auto more = trial.witnesses.count() - static_cast<std::int64_t>(witnesses.size());
    if (more > 0) {
      html +=
          fmt::format("<li>... and {} more (ticketsim --json lists up to {} of each kind)</li>\n",
                      more, kListedWitnesses);
    }
    html += "</ul>\n";
  }
  std::string check = render_mutex_check(trial);
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
  svg_timeline(trial, out);
}

std::string lost_updates_cell(const TrialResult& trial) {
  if (!trial.lost_updates) return "unknown";
  if (trial.lost_updates_max && *trial.lost_updates_max != *trial.lost_updates) {
    return fmt::format("{}-{}", *trial.lost_updates, *trial.lost_updates_max);
  }
  return std::to_string(*trial.lost_updates);
}

std::string verdict_cell(const std::string& verdict) {
  return fmt::format("<td class=\"{0}\">{0}</td>", escape(verdict));
}

std::string workload(const ExperimentConfig& config, std::int64_t tickets, const std::string& store,
                     bool per_mode) {
  std::string times;
  if (!is_controlled(config.schedule)) {
    times = ", latency " + format_duration_range(config.latency);
    if (config.search_latency.count() > 0) {
      times += ", search latency " + format_duration(config.search_latency);
    }
    if (config.hold.count() > 0) times += ", hold " + format_duration(config.hold);
  }
  return fmt::format(
      "<p>{} x {}, {}{}, schedule {}, {}{}; store: {}</p>\n",
      counted(config.procs, "{} customer", "{} customers"),
      counted(config.attempts, "{} attempt", "{} attempts"),
      counted(tickets, "{} ticket", "{} tickets"), escape(times), schedule_name(config.schedule),
      counted(config.trials, "{} trial", "{} trials"), per_mode ? " per mode" : "", escape(store));
}

// The statistics of each mode over its trials, as the text report and the JSON summary
// state them: a <table class="statistics"> under its heading.
std::string statistics_table(const std::vector<ModeSummary>& summaries, int trials) {
  std::string out;
  out += fmt::format(
      "<h2>Statistics over {} trials per mode</h2>\n"
      "<table class=\"statistics\"><tr><th>mode</th><th>unsafe trials</th><th>P(unsafe) "
      "[95% Wilson]</th><th>oversold per trial: min / median / p95 / max / mean</th><th>wall "
      "ms median [interval, coverage]</th><th>purchases/s median [interval]</th><th>lock wait "
      "per purchase: p50 / p99 / max</th><th>grants that passed a waiter</th><th>Jain's "
      "fairness (first half of grants): mean / min</th><th>retries per purchase</th></tr>\n",
      trials);
  for (const ModeSummary& s : summaries) {
    out += fmt::format(
        "<tr><td>{}</td><td>{} of {}</td><td>{:.2f} [{:.2f}, {:.2f}]</td><td>{:g} / {:g} / "
        "{:g} / {} / {:.2f}</td><td>{:.1f} [{:.1f}, {:.1f}, {:.0f}%]</td><td>{:.1f} [{:.1f}, "
        "{:.1f}]</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>\n",
        mode_name(s.mode), s.unsafe_trials, s.trials, s.unsafe_p, s.unsafe_p_low, s.unsafe_p_high,
        s.oversold_min, s.oversold_median, s.oversold_p95, s.oversold_max, s.oversold_mean,
        s.wall_ms_median, s.wall_ms_median_low, s.wall_ms_median_high,
        100 * s.median_interval_coverage, s.purchases_per_s_median, s.purchases_per_s_median_low,
        s.purchases_per_s_median_high,
        s.lock_waits > 0
            ? fmt::format("{} / {} / {}", format_wait_us(s.lock_wait_us_p50),
                          format_wait_us(s.lock_wait_us_p99), format_wait_us(s.lock_wait_us_max))
            : "no lock",
        s.lock_grants_total > 0
            ? fmt::format("{} of {}", s.lock_overtaking_grants_total, s.lock_grants_total)
            : "no lock",
        s.fairness_trials > 0 ? fmt::format("{:.3f} / {:.3f}", s.jain_mean, s.jain_min)
                              : "not judged",
        s.mode == Mode::kOptimistic && s.purchases_total > 0
            ? fmt::format("{:.2f}", static_cast<double>(s.retries_total) /
                                        static_cast<double>(s.purchases_total))
            : "-");
  }
  out += "</table>\n";
  return out;
}

}  // namespace

void render_run_html(const ExperimentResult& result, TextSink& out) {
  page_head(fmt::format("ticketsim run: {}", mode_name(result.config.mode)), out);
  std::string body =
      fmt::format("<h1>ticketsim run: mode {}</h1>\n", mode_name(result.config.mode));
  body += workload(result.config, result.tickets, result.store_label, false);
  body +=
      "<table><tr><th>trial</th><th>sold</th><th>oversold</th><th>lost updates</th><th>torn "
      "reads</th>"
      "<th>final count</th><th>wall ms</th><th>purchases/s</th><th>verdict</th></tr>\n";
  for (const TrialResult& trial : result.trials) {
    body += fmt::format(
        "<tr><td>#{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{:.1f}</td>"
        "<td>{:.0f}</td>{}</tr>\n",
        trial.index + 1, trial.sold, trial.oversold, lost_updates_cell(trial), trial.torn_reads,
        trial.final_count ? std::to_string(*trial.final_count) : "unreadable", trial.wall_ms(),
        trial.purchases_per_s, verdict_cell(std::string(trial.verdict())));
  }
  body += "</table>\n";
  if (result.trials.size() > 1) {
    body += statistics_table({summarize(result)}, static_cast<int>(result.trials.size()));
  }
  if (const TrialResult* shown = explained_trial(result)) {
    out.write(body + fmt::format("<h2>What happened in trial #{}</h2>\n", shown->index + 1));
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
    out.write(body + "<p>No mode ran.</p>");
    page_tail(out);
    return;
  }
  const ExperimentResult& first = comparison.results.front();
  body += workload(first.config, first.tickets, first.store_label, true);
  std::vector<ModeSummary> summaries;
  for (const ExperimentResult& result : comparison.results) summaries.push_back(summarize(result));
  body +=
      "<table><tr><th>mode</th><th>oversold (worst)</th><th>trials that oversold</th><th>lost "
      "updates</th>"
      "<th>torn reads</th><th>wall ms (median)</th><th>purchases/s "
      "(median)</th><th>verdict</th></tr>\n";
  for (std::size_t i = 0; i < summaries.size(); ++i) {
    const ModeSummary& s = summaries[i];
    body += fmt::format(
        "<tr><td>{}</td><td>{}</td><td>{}/{}</td><td>{}</td><td>{}</td><td>{:.1f}</td><td>{:.0f}</"
        "td>{}</tr>\n",
        mode_name(s.mode), s.oversold_max, s.oversold_trials, s.trials,
        lost_updates_total_text(comparison.results[i], s), s.torn_reads_total, s.wall_ms_median,
        s.purchases_per_s_median, verdict_cell(s.verdict));
  }
  body += "</table>\n";
  for (const SkippedMode& skip : skipped) {
    body += fmt::format("<p>{} skipped: {}</p>\n", mode_name(skip.mode), escape(skip.reason));
  }
  if (first.config.trials > 1) {
    body += statistics_table(summaries, first.config.trials);
    // The tradeoff in one picture: each mode where its safety and its speed put it.
    body += "<h2>What safety costs: each mode's throughput against its unsafe probability</h2>\n";
    std::vector<TradeoffPoint> points;
    for (const ModeSummary& s : summaries) {
      points.push_back({std::string(mode_name(s.mode)), s.unsafe_p, s.unsafe_p_low, s.unsafe_p_high,
                        s.purchases_per_s_median, std::string(mode_name(s.mode))});
    }
    body += tradeoff_chart(points);
  }

  // Safety versus throughput: two bar charts sharing the mode axis.
  body += "<h2>Safety versus throughput</h2>\n";
  const double bar_w = 90, gap = 30, chart_h = 160, left = 50;
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
        "<text class=\"axis\" x=\"4\" y=\"14\">{}</text>\n",
        width, chart_h + 50, width, escape(title));
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
          "<text class=\"axis\" x=\"{7:.1f}\" y=\"{9:.1f}\" "
          "text-anchor=\"middle\">{6}</text></g>\n",
          mode_name(s.mode), s.verdict == "UNSAFE" ? "bar-none" : "bar", bx, 24 + chart_h - h,
          bar_w, std::max(h, 0.5), label(s), bx + bar_w / 2, chart_h + 40, 20 + chart_h - h);
    }
    return svg + "</svg>\n";
  };
  body += chart(
      "oversold tickets (worst trial)",
      [](const ModeSummary& s) { return static_cast<double>(s.oversold_max); },
      static_cast<double>(max_oversold),
      [](const ModeSummary& s) { return std::to_string(s.oversold_max); });
  body += chart(
      "purchases per second (median)",
      [](const ModeSummary& s) { return s.purchases_per_s_median; }, max_rate,
      [](const ModeSummary& s) { return fmt::format("{:.0f}", s.purchases_per_s_median); });

  out.write(body);
  for (const ExperimentResult& result : comparison.results) {
    const TrialResult* shown = explained_trial(result);
    if (shown == nullptr) continue;
    out.write(
        fmt::format("<h2>{}: trial #{}</h2>\n", mode_name(result.config.mode), shown->index + 1));
    trial_sections(*shown, out);
  }
  page_tail(out);
}

std::string render_compare_html(const Comparison& comparison,
                                const std::vector<SkippedMode>& skipped) {
  StringSink sink;
  render_compare_html(comparison, skipped, sink);
  return sink.text();
}

}  // namespace ticketsim
