#include "simulator/report_html.h"

#include <algorithm>
#include <cmath>
#include <set>

#include <fmt/format.h>

namespace ticketsim {
namespace {

std::string escape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

constexpr const char* kStyle = R"(
body{font:14px/1.45 system-ui,sans-serif;margin:24px;color:#1d2330;max-width:1200px}
h1{font-size:20px}h2{font-size:16px;margin-top:28px}
table{border-collapse:collapse}td,th{padding:3px 10px;border-bottom:1px solid #dde;text-align:right}
td:first-child,th:first-child{text-align:left}
.UNSAFE{color:#c0182d;font-weight:600}.safe{color:#18804a;font-weight:600}
.STALLED,.ERROR,.INTERRUPTED{color:#a56a00;font-weight:600}
.witness{color:#c0182d}ul{padding-left:20px}
svg{background:#fbfbfd;border:1px solid #dde}
.wait{fill:#f2c14e}.search{fill:#b56ccf}.hold{fill:#4a78c2}.think{fill:#7cc6d6}.write{fill:#2e9e5b}
.witnessed .write{fill:#d7263d}.overlap{fill:#d7263d;opacity:.18}
.overlap{pointer-events:none}.witness-mark{fill:#d7263d;stroke:#fff;stroke-width:1}.witness-link{stroke:#d7263d;stroke-width:1.5;fill:none}
.label{font:11px monospace;fill:#445}.witnessed .label{fill:#c0182d;font-weight:700}
.axis{font:10px sans-serif;fill:#667}.grid{stroke:#e4e4ec}
.lane:hover .label{fill:#000}
.legend span{display:inline-block;width:12px;height:10px;margin:0 4px 0 12px}
.bar-none{fill:#d7263d}.bar{fill:#4a78c2}
)";

// Marks the page with how many lanes the browser laid out (tests read it from the DOM).
constexpr const char* kScript = R"(
addEventListener('load', () => {
  const lanes = [...document.querySelectorAll('svg .lane')];
  document.body.dataset.renderedLanes = lanes.filter(g => g.getBBox().width > 0).length;
  document.body.dataset.witnessMarks = document.querySelectorAll('.witness-mark').length;
});
)";

std::string page(const std::string& title, const std::string& body) {
  return fmt::format(
      "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
      "<title>{}</title><style>{}</style></head>\n<body>\n{}\n<script>{}</script>\n</body></"
      "html>\n",
      escape(title), kStyle, body, kScript);
}

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

// An SVG timeline of one trial, to real time.
std::string svg_timeline(const TrialResult& trial) {
  if (trial.customers.empty()) return "<p>(no timeline: this trial's history was not kept)</p>";
  if (!trial.times_recorded) return "<p>(no timeline: step times were not recorded)</p>";
  const auto& customers = trial.customers;
  const int n = static_cast<int>(customers.size());
  std::int64_t t_end = trial.t_start + 1;
  for (const CustomerHistory& customer : customers) t_end = std::max(t_end, customer.t_exit);
  for (const CustomerHistory& customer : customers) {
    for (const PurchaseRecord& p : customer.purchases) t_end = std::max(t_end, p.t_released);
  }
  const double span_ms = ms(t_end, trial.t_start);
  const double left = 120, plot_width = 1040, top = 24;
  const double lane = n <= 60 ? 16 : std::max(2.0, 900.0 / n);
  const double height = top + lane * n + 30;
  // Large trials keep one tooltip per lane instead of one per bar, so the file stays small.
  const bool bar_titles = n <= 200;
  auto x = [&](std::int64_t t) { return left + ms(t, trial.t_start) / span_ms * plot_width; };
  auto w = [&](std::int64_t a, std::int64_t b) {
    return std::max(0.6, (ms(b, trial.t_start) - ms(a, trial.t_start)) / span_ms * plot_width);
  };

  std::vector<int> named = trial.witnesses.customers_named();
  std::set<int> witnessed(named.begin(), named.end());
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
  const bool readers_share = trial.readers_share;
  std::string overlaps;
  for (const auto& [begin, end] : overlap_periods(critical_sections(customers, readers_share))) {
    overlaps += fmt::format(
        "<rect class=\"overlap\" x=\"{:.1f}\" y=\"{:.0f}\" width=\"{:.1f}\" height=\"{:.1f}\">"
        "<title>critical sections overlapping {:.3f}-{:.3f} ms</title></rect>\n",
        x(begin), top - 6, w(begin, end), lane * n + 6, ms(begin, trial.t_start),
        ms(end, trial.t_start));
  }
  for (int i = 0; i < n; ++i) {
    const CustomerHistory& c = customers[static_cast<std::size_t>(i)];
    const double y = top + lane * i;
    const double bar_h = std::max(1.0, lane - 2);
    const bool marked = witnessed.count(c.index) > 0;
    svg += fmt::format("<g class=\"lane{}\" data-customer=\"{}\" data-pid=\"{}\">",
                       marked ? " witnessed" : "", c.index + 1, c.pid);
    svg += fmt::format("<title>customer {} (pid {}, parent {}){}</title>", c.index + 1, c.pid,
                       c.ppid, marked ? ": witnessed" : "");
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
    for (std::size_t a = 0; a < c.purchases.size(); ++a) {
      const PurchaseRecord& p = c.purchases[a];
      std::string name = fmt::format("purchase {}", a + 1);
      bar("wait", p.t_lock_requested, p.t_lock_acquired, name + ": waiting for the lock");
      bar("hold", p.t_lock_acquired, p.t_released,
          fmt::format("{}: lock held; read count={}, {}", name, p.value_read,
                      p.outcome == Outcome::kBought ? fmt::format("wrote count={}", p.value_written)
                                                    : std::string(outcome_name(p.outcome))));
      bar("think", p.t_read, p.t_write_begin, name + ": thinking (latency) after reading");
      if (p.outcome == Outcome::kBought) {
        bar("write", p.t_write_begin, std::max(p.t_written, p.t_write_begin + 1),
            fmt::format("{}: wrote count={}", name, p.value_written));
      }
    }
    svg += "</g>\n";
  }
  svg += overlaps;  // drawn over the lanes, translucent
  // Witnesses: a mark on each stale write, linked to the write it landed on.
  auto lane_mid = [&](int customer) { return top + lane * customer + lane / 2; };
  for (const LostUpdateWitness& witness : trial.witnesses.lost_updates) {
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
  return svg;
}

std::string trial_sections(const TrialResult& trial) {
  std::string html = "<ul>\n";
  for (const std::string& sentence : explain_trial(trial))
    html += "<li>" + escape(sentence) + "</li>\n";
  html += "</ul>\n";
  std::vector<std::string> witnesses;
  for (const auto& witness : trial.witnesses.lost_updates)
    witnesses.push_back(describe(witness, trial.t_start));
  for (const auto& witness : trial.witnesses.double_sales)
    witnesses.push_back(describe(witness, trial.t_start));
  if (!witnesses.empty()) {
    html += fmt::format("<h3>Witnesses ({})</h3>\n<ul>\n", witnesses.size());
    constexpr std::size_t kShown = 50;
    for (std::size_t i = 0; i < witnesses.size() && i < kShown; ++i) {
      html += "<li class=\"witness\">" + escape(witnesses[i]) + "</li>\n";
    }
    if (witnesses.size() > kShown) {
      html += fmt::format("<li>... and {} more (ticketsim --json lists them all)</li>\n",
                          witnesses.size() - kShown);
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
  html += legend() + svg_timeline(trial);
  return html;
}

std::string verdict_cell(const std::string& verdict) {
  return fmt::format("<td class=\"{0}\">{0}</td>", escape(verdict));
}

std::string workload(const ExperimentConfig& config, std::int64_t tickets, const std::string& store,
                     bool per_mode) {
  return fmt::format("<p>{} x {}, {}, latency {}, schedule {}, {}{}; store: {}</p>\n",
                     plural(config.procs, "customer"), plural(config.attempts, "attempt"),
                     plural(tickets, "ticket"), escape(format_duration_range(config.latency)),
                     schedule_name(config.schedule), plural(config.trials, "trial"),
                     per_mode ? " per mode" : "", escape(store));
}

}  // namespace

std::string render_run_html(const ExperimentResult& result) {
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
        trial.index + 1, trial.sold, trial.oversold, trial.lost_updates, trial.torn_reads,
        trial.final_count ? std::to_string(*trial.final_count) : "unreadable", trial.wall_ms(),
        trial.purchases_per_s, verdict_cell(std::string(trial.verdict())));
  }
  body += "</table>\n";
  if (const TrialResult* shown = explained_trial(result)) {
    body += fmt::format("<h2>What happened in trial #{}</h2>\n", shown->index + 1) +
            trial_sections(*shown);
  }
  return page(fmt::format("ticketsim run: {}", mode_name(result.config.mode)), body);
}

std::string render_compare_html(const Comparison& comparison,
                                const std::vector<SkippedMode>& skipped) {
  std::string body = "<h1>ticketsim compare</h1>\n";
  if (comparison.results.empty()) return page("ticketsim compare", body + "<p>No mode ran.</p>");
  const ExperimentResult& first = comparison.results.front();
  body += workload(first.config, first.tickets, first.store_label, true);
  std::vector<ModeSummary> summaries;
  for (const ExperimentResult& result : comparison.results) summaries.push_back(summarize(result));
  body +=
      "<table><tr><th>mode</th><th>oversold (worst)</th><th>trials that oversold</th><th>lost "
      "updates</th>"
      "<th>torn reads</th><th>wall ms (median)</th><th>purchases/s "
      "(median)</th><th>verdict</th></tr>\n";
  for (const ModeSummary& s : summaries) {
    body += fmt::format(
        "<tr><td>{}</td><td>{}</td><td>{}/{}</td><td>{}</td><td>{}</td><td>{:.1f}</td><td>{:.0f}</"
        "td>{}</tr>\n",
        mode_name(s.mode), s.oversold_max, s.oversold_trials, s.trials, s.lost_updates_total,
        s.torn_reads_total, s.wall_ms_median, s.purchases_per_s_median, verdict_cell(s.verdict));
  }
  body += "</table>\n";
  for (const SkippedMode& skip : skipped) {
    body += fmt::format("<p>{} skipped: {}</p>\n", mode_name(skip.mode), escape(skip.reason));
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

  for (const ExperimentResult& result : comparison.results) {
    const TrialResult* shown = explained_trial(result);
    if (shown == nullptr) continue;
    body +=
        fmt::format("<h2>{}: trial #{}</h2>\n", mode_name(result.config.mode), shown->index + 1);
    body += trial_sections(*shown);
  }
  return page("ticketsim compare", body);
}

}  // namespace ticketsim
