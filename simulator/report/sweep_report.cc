#include "simulator/report/sweep_report.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <stdexcept>

#include <fmt/format.h>

#include "simulator/report/html_page.h"
#include "simulator/report/report_json.h"
#include "simulator/report/report_text.h"
#include "simulator/report/svg_chart.h"
#include "simulator/report/text_table.h"
#include "simulator/text/translate.h"

namespace ticketsim {
namespace {

using Json = nlohmann::ordered_json;

// The statistics columns after the parameters, the first, in the CSV's order.
const std::vector<std::string>& statistic_columns() {
  static const std::vector<std::string> columns = {"trials",
                                                   "unsafe_trials",
                                                   "unsafe_p",
                                                   "unsafe_p_low",
                                                   "unsafe_p_high",
                                                   "oversold_max",
                                                   "wall_ms_median",
                                                   "purchases_per_s_median",
                                                   "oversold_min",
                                                   "oversold_median",
                                                   "oversold_p95",
                                                   "oversold_mean",
                                                   "wall_ms_median_low",
                                                   "wall_ms_median_high",
                                                   "purchases_per_s_median_low",
                                                   "purchases_per_s_median_high",
                                                   "lost_updates_total",
                                                   "torn_reads_total",
                                                   "lock_wait_us_p50",
                                                   "lock_wait_us_p99",
                                                   "lock_wait_us_max",
                                                   "lock_grants_total",
                                                   "lock_overtaking_grants_total",
                                                   "fairness_jain_mean",
                                                   "retries_total",
                                                   "retries_per_purchase",
                                                   "stalled_trials",
                                                   "error_trials",
                                                   "verdict"};
  return columns;
}

std::string csv_field(const nlohmann::json& value) {
  if (value.is_null()) return "";
  std::string text = value.is_string() ? value.get<std::string>() : value.dump();
  if (text.find_first_of(",\"\n") == std::string::npos) return text;
  std::string quoted = "\"";
  for (char c : text) quoted += c == '"' ? std::string("\"\"") : std::string(1, c);
  return quoted + "\"";
}

const nlohmann::json& field(const nlohmann::json& row, const std::string& key) {
  static const nlohmann::json null;
  auto found = row.find(key);
  return found == row.end() ? null : *found;
}

double number_or_nan(const nlohmann::json& row, const std::string& key) {
  const nlohmann::json& value = field(row, key);
  return value.is_number() ? value.get<double>() : std::numeric_limits<double>::quiet_NaN();
}

// A number to one decimal, or "-" when the row has none.
std::string one_decimal(const nlohmann::json& row, const std::string& key) {
  const double value = number_or_nan(row, key);
  return std::isnan(value) ? "-" : fmt::format("{:.1f}", value);
}

std::string label(const nlohmann::json& row, SweepParameter parameter) {
  const nlohmann::json& value = field(row, std::string(sweep_parameter_name(parameter)));
  return value.is_string() ? value.get<std::string>() : value.dump();
}

}  // namespace

Json sweep_row_json(const ModeSummary& summary, const ExperimentConfig& config,
                    const std::vector<SweepAxis>& axes) {
  Json row;
  row["mode"] = mode_name(summary.mode);
  Json varied = Json::array();
  for (const SweepAxis& axis : axes) varied.push_back(sweep_parameter_name(axis.parameter));
  row["varied"] = varied;
  row["procs"] = config.procs;
  // A count, or "store" when the store's own count is used (a fresh store holds 1).
  row["tickets"] = config.tickets              ? Json(*config.tickets)
                   : config.store_path.empty() ? Json(1)
                                               : Json("store");
  row["attempts"] = config.attempts;
  row["latency"] = format_duration_range(config.latency);
  row["latency_ns"] = config.latency.fixed() ? Json(config.latency.max.count()) : Json(nullptr);
  row["search-latency"] = format_duration(config.search_latency);
  row["search-latency_ns"] = config.search_latency.count();
  row["hold"] = format_duration(config.hold);
  row["hold_ns"] = config.hold.count();
  row["schedule"] = schedule_name(config.schedule);
  row["trials_asked"] = config.trials;
  // Everything else that changes what a point measures, so that --resume reuses a row only
  // for the same experiment.
  row["until_ci"] = config.until_ci ? Json(*config.until_ci) : Json(nullptr);
  row["max_trials"] = config.until_ci ? Json(config.max_trials) : Json(nullptr);
  row["pool"] = config.pool;
  row["write"] = write_strategy_name(config.write);
  row["crash_prob"] = config.crash_probability;
  row["crash_at"] =
      config.crash_probability > 0 ? Json(crash_point_name(config.crash_at)) : Json(nullptr);
  row["pause_holder"] =
      config.pause_holder ? Json(format_duration(*config.pause_holder)) : Json(nullptr);
  row["lock_timeout"] =
      config.lock_timeout ? Json(format_duration(*config.lock_timeout)) : Json(nullptr);
  row["seed"] = config.seed;
  row["store"] = config.store_path.empty() ? Json(nullptr) : Json(config.store_path);
  row["record_times"] = config.record_times;
  const Json statistics = summary_json(summary);
  for (auto it = statistics.begin(); it != statistics.end(); ++it) {
    if (it.key() != "mode") row[it.key()] = it.value();
  }
  return row;
}

std::string sweep_row_key(const nlohmann::json& row) {
  std::string key;
  for (const char* name :
       {"mode",           "procs",        "tickets",  "attempts",     "latency",
        "search-latency", "hold",         "schedule", "trials_asked", "until_ci",
        "max_trials",     "pool",         "write",    "crash_prob",   "crash_at",
        "pause_holder",   "lock_timeout", "seed",     "store",        "record_times"}) {
    auto found = row.find(name);
    if (found == row.end()) throw std::runtime_error(fmt::format("a row has no \"{}\"", name));
    key += (found->is_string() ? found->get<std::string>() : found->dump()) + "|";
  }
  return key;
}

std::string sweep_point_key(const ExperimentConfig& config) {
  ModeSummary summary;
  summary.mode = config.mode;
  return sweep_row_key(sweep_row_json(summary, config, {}));
}

std::string sweep_csv_header(const std::vector<SweepAxis>& axes) {
  std::string line = "mode";
  for (const SweepAxis& axis : axes) {
    line += fmt::format(",{}", sweep_parameter_name(axis.parameter));
    if (is_duration(axis.parameter))
      line += fmt::format(",{}_ns", sweep_parameter_name(axis.parameter));
  }
  for (const std::string& column : statistic_columns()) line += "," + column;
  return line + "\n";
}

std::string sweep_csv_line(const nlohmann::json& row, const std::vector<SweepAxis>& axes) {
  std::string line = csv_field(field(row, "mode"));
  for (const SweepAxis& axis : axes) {
    const std::string name(sweep_parameter_name(axis.parameter));
    line += "," + csv_field(field(row, name));
    if (is_duration(axis.parameter)) line += "," + csv_field(field(row, name + "_ns"));
  }
  for (const std::string& column : statistic_columns()) line += "," + csv_field(field(row, column));
  return line + "\n";
}

std::string render_sweep_table(const std::vector<nlohmann::json>& rows,
                               const std::vector<SweepAxis>& axes, bool use_color, int width) {
  std::vector<std::string> headers = {tr("mode")};
  for (const SweepAxis& axis : axes) headers.emplace_back(sweep_parameter_name(axis.parameter));
  for (const char* header : {N_("unsafe"), N_("P(unsafe) [95%]"), N_("oversold max"), N_("wall ms"),
                             N_("purch/s"), N_("wait p99"), N_("verdict")}) {
    headers.emplace_back(tr(header));
  }
  TextTable table(headers);
  for (const nlohmann::json& row : rows) {
    std::vector<TextTable::Cell> cells = {field(row, "mode").get<std::string>()};
    for (const SweepAxis& axis : axes) cells.emplace_back(label(row, axis.parameter));
    const int unsafe = field(row, "unsafe_trials").get<int>();
    cells.emplace_back(fmt::format("{}/{}", unsafe, field(row, "trials").get<int>()),
                       unsafe > 0 ? "31" : "");
    cells.emplace_back(field(row, "unsafe_p").is_number()
                           ? fmt::format("{:.2f} [{:.2f},{:.2f}]", number_or_nan(row, "unsafe_p"),
                                         number_or_nan(row, "unsafe_p_low"),
                                         number_or_nan(row, "unsafe_p_high"))
                           : std::string(tr("(1 trial)")));
    cells.emplace_back(field(row, "oversold_max").dump());
    const double wall = number_or_nan(row, "wall_ms_median");
    const double rate = number_or_nan(row, "purchases_per_s_median");
    cells.emplace_back(std::isnan(wall) ? "-" : fmt::format("{:.1f}", wall));
    cells.emplace_back(std::isnan(rate) ? "-" : fmt::format("{:.0f}", rate));
    const double wait = number_or_nan(row, "lock_wait_us_p99");
    cells.emplace_back(std::isnan(wait) ? "-" : format_wait_us(wait));
    const std::string verdict = field(row, "verdict").get<std::string>();
    cells.emplace_back(verdict_text(verdict), verdict == "safe"          ? "32"
                                              : verdict == "unprotected" ? "33"
                                                                         : "31");
    table.add_row(std::move(cells));
  }
  return table.render(use_color, width);
}

void render_sweep_html(const std::vector<nlohmann::json>& rows, const std::vector<SweepAxis>& axes,
                       const std::string& workload, TextSink& out) {
  page_head("ticketsim sweep", out);
  std::string body = "<h1>ticketsim sweep</h1>\n<p>" + escape(workload) + "</p>\n";
  const SweepAxis& across = axes.front();
  const std::string across_name(sweep_parameter_name(across.parameter));
  std::vector<std::string> ticks;
  std::vector<double> xs;
  for (std::int64_t value : across.values) {
    ticks.push_back(sweep_value_label(across.parameter, value));
    xs.push_back(static_cast<double>(value));
  }
  // One pair of charts per value of the second axis (one pair when there is none).
  std::vector<std::string> panels = {""};
  if (axes.size() > 1) {
    panels.clear();
    for (std::int64_t value : axes[1].values) {
      panels.push_back(sweep_value_label(axes[1].parameter, value));
    }
  }
  std::vector<std::string> modes;
  for (const nlohmann::json& row : rows) {
    const std::string mode = field(row, "mode").get<std::string>();
    if (std::find(modes.begin(), modes.end(), mode) == modes.end()) modes.push_back(mode);
  }
  for (const std::string& panel : panels) {
    std::vector<ChartSeries> unsafe, rate;
    for (const std::string& mode : modes) {
      ChartSeries p{mode, mode, {}, {}, {}}, r{mode, mode, {}, {}, {}};
      for (const std::string& tick : ticks) {
        const nlohmann::json* found = nullptr;
        for (const nlohmann::json& row : rows) {
          if (field(row, "mode") == mode && label(row, across.parameter) == tick &&
              (axes.size() < 2 || label(row, axes[1].parameter) == panel)) {
            found = &row;
          }
        }
        const double nan = std::numeric_limits<double>::quiet_NaN();
        p.y.push_back(found ? number_or_nan(*found, "unsafe_p") : nan);
        p.low.push_back(found ? number_or_nan(*found, "unsafe_p_low") : nan);
        p.high.push_back(found ? number_or_nan(*found, "unsafe_p_high") : nan);
        r.y.push_back(found ? number_or_nan(*found, "purchases_per_s_median") : nan);
        r.low.push_back(found ? number_or_nan(*found, "purchases_per_s_median_low") : nan);
        r.high.push_back(found ? number_or_nan(*found, "purchases_per_s_median_high") : nan);
      }
      unsafe.push_back(std::move(p));
      rate.push_back(std::move(r));
    }
    const std::string suffix =
        panel.empty() ? ""
                      : fmt::format(" ({}={})", sweep_parameter_name(axes[1].parameter), panel);
    body += "<h2>" + escape(trf("Against {}{}", across_name, suffix)) + "</h2>\n";
    body += line_chart(tr("P(a trial is unsafe), with its 95% interval") + suffix, across_name, xs,
                       ticks, unsafe, 1.0);
    body += line_chart(tr("purchases/s (median, with its interval)") + suffix, across_name, xs,
                       ticks, rate);
  }
  body += "<h2>" +
          escape(tr("What safety costs: every point's throughput against its unsafe probability")) +
          "</h2>\n";
  std::vector<TradeoffPoint> points;
  for (const nlohmann::json& row : rows) {
    if (!field(row, "unsafe_p").is_number()) continue;
    std::string name = field(row, "mode").get<std::string>();
    for (const SweepAxis& axis : axes) {
      name +=
          fmt::format(", {}={}", sweep_parameter_name(axis.parameter), label(row, axis.parameter));
    }
    points.push_back({name, number_or_nan(row, "unsafe_p"), number_or_nan(row, "unsafe_p_low"),
                      number_or_nan(row, "unsafe_p_high"),
                      number_or_nan(row, "purchases_per_s_median"),
                      field(row, "mode").get<std::string>()});
  }
  body += tradeoff_chart(points);
  body +=
      "<h2>" + escape(tr("Every point")) + "</h2>\n<table><tr><th>" + escape(tr("mode")) + "</th>";
  for (const SweepAxis& axis : axes) {
    body += fmt::format("<th>{}</th>", escape(sweep_parameter_name(axis.parameter)));
  }
  for (const char* heading :
       {N_("unsafe trials"), N_("P(unsafe) [95%]"), N_("oversold max"), N_("wall ms (median)"),
        N_("purchases per s (median)"), N_("verdict")}) {
    body += "<th>" + escape(tr(heading)) + "</th>";
  }
  body += "</tr>\n";
  for (const nlohmann::json& row : rows) {
    body += fmt::format("<tr><td>{}</td>", escape(field(row, "mode").get<std::string>()));
    for (const SweepAxis& axis : axes) {
      body += fmt::format("<td>{}</td>", escape(label(row, axis.parameter)));
    }
    const std::string verdict = field(row, "verdict").get<std::string>();
    body += fmt::format(
        "<td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td class=\"{}\">{}</td>"
        "</tr>\n",
        escape(trf("{} of {}", field(row, "unsafe_trials").dump(), field(row, "trials").dump())),
        field(row, "unsafe_p").is_number()
            ? fmt::format("{:.2f} [{:.2f}, {:.2f}]", number_or_nan(row, "unsafe_p"),
                          number_or_nan(row, "unsafe_p_low"), number_or_nan(row, "unsafe_p_high"))
            : escape(tr("(1 trial)")),
        field(row, "oversold_max").dump(), one_decimal(row, "wall_ms_median"),
        one_decimal(row, "purchases_per_s_median"), escape(verdict), escape(verdict_text(verdict)));
  }
  body += "</table>\n";
  out.write(body);
  page_tail(out);
}

}  // namespace ticketsim
