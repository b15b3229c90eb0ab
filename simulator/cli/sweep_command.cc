#include "simulator/cli/sweep_command.h"

#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <map>
#include <set>
#include <sstream>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "simulator/cli/command_support.h"
#include "simulator/report/sweep_report.h"
#include "simulator/report/text_table.h"
#include "simulator/text/terminal_width.h"
#include "simulator/text/translate.h"
#include "simulator/text/wrap.h"
#include "storage/posix_io.h"
#include "ticketsim/sweep.h"

namespace ticketsim {
namespace {

// A file that finished rows are appended to, each with one write(2): a row that was written
// is in the file even if the run is killed a moment later, and no row is ever half there
// unless the disk fills.
class RowFile {
 public:
  RowFile() = default;
  // Opens `path` for appending (`truncate`: emptied first), or throws UsageError for `flag`.
  RowFile(const std::string& flag, const std::string& path, bool truncate) : path_(path) {
    std::error_code error;
    const auto status = std::filesystem::status(path, error);
    if (!error && std::filesystem::exists(status) && !std::filesystem::is_regular_file(status)) {
      throw UsageError(flag, trf("'{}' is not a regular file: rows are appended to a file as "
                                 "each point finishes (use --json for stdout)",
                                 path));
    }
    std::error_code not_stdout;
    if (std::filesystem::equivalent(path, "/proc/self/fd/1", not_stdout)) {
      throw UsageError(flag, trf("'{}' is standard output, where the table (or --json) goes; "
                                 "name a file of its own",
                                 path));
    }
    try {
      fd_ = open_or_throw(
          path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC | (truncate ? O_TRUNC : 0), 0644);
    } catch (const std::exception& e) {
      throw UsageError(flag, e.what());
    }
  }
  bool open() const { return fd_.get() >= 0; }
  void append(const std::string& line) {
    if (open()) write_all(fd_.get(), line, path_);
  }

 private:
  std::string path_;
  UniqueFd fd_;
};

// The rows an earlier --jsonl file holds, by sweep_row_key.
struct FinishedRows {
  std::map<std::string, nlohmann::json> rows;
  int lines = 0;                   // rows read
  bool dropped_torn_last = false;  // the last line was cut short (a kill mid-write): dropped
  bool ends_in_newline = true;     // else the next row must start on a new line
  std::size_t sound_bytes = 0;     // the file up to the end of its last whole line
};

// Reads --resume FILE. A last line that does not parse is a row cut short by a kill: dropped,
// with a warning, and its point runs again. Any other line that is not a row is an error
// naming the file and the line.
FinishedRows read_finished_rows(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw UsageError("--resume", trf("cannot read '{}'", path));
  const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  FinishedRows finished;
  finished.ends_in_newline = text.empty() || text.back() == '\n';
  finished.sound_bytes = text.rfind('\n') == std::string::npos ? 0 : text.rfind('\n') + 1;
  std::vector<std::string> lines;
  std::istringstream stream(text);
  for (std::string line; std::getline(stream, line);) lines.push_back(line);
  for (std::size_t number = 1; number <= lines.size(); ++number) {
    const std::string& line = lines[number - 1];
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    try {
      nlohmann::json row = nlohmann::json::parse(line);
      std::string key = sweep_row_key(row);  // before the row is moved into the map
      finished.rows[key] = std::move(row);
      ++finished.lines;
    } catch (const std::exception& e) {
      if (number == lines.size() && !finished.ends_in_newline) {
        finished.dropped_torn_last = true;
        continue;
      }
      throw UsageError("--resume", trf("{} line {} is not a row of ticketsim sweep "
                                       "--jsonl ({})",
                                       path, number, e.what()));
    }
  }
  return finished;
}

// The work a point stands for, to share the time left out among the points to come.
double point_weight(const ExperimentConfig& config) {
  return static_cast<double>(config.trials) *
         (static_cast<double>(config.procs) * config.attempts + 10.0);
}

// Estimates the time the points left will take from the points run so far, mode by mode:
// join and a lock cost far more per purchase than none, so each mode's own rate is used once
// it has one, the average of all until then.
class TimeLeft {
 public:
  void ran(Mode mode, double weight, double seconds) {
    auto& [w, s] = by_mode_[mode];
    w += weight;
    s += seconds;
    weight_ += weight;
    seconds_ += seconds;
  }
  double estimate(const std::vector<std::pair<Mode, double>>& left) const {
    double total = 0;
    for (const auto& [mode, weight] : left) {
      auto found = by_mode_.find(mode);
      const double rate = found != by_mode_.end() && found->second.first > 0
                              ? found->second.second / found->second.first
                              : (weight_ > 0 ? seconds_ / weight_ : 0);
      total += rate * weight;
    }
    return total;
  }

 private:
  std::map<Mode, std::pair<double, double>> by_mode_;  // weight and seconds run
  double weight_ = 0, seconds_ = 0;
};

std::string describe_point(const SweepPoint& point, const std::vector<SweepAxis>& axes) {
  std::string text(mode_name(point.mode));
  for (std::size_t a = 0; a < axes.size(); ++a) {
    text += fmt::format(" {}={}", sweep_parameter_name(axes[a].parameter),
                        sweep_value_label(axes[a].parameter, point.values[a]));
  }
  return text;
}

std::string seconds_text(double seconds) {
  if (seconds < 60) return trf("{:.1f} s", seconds);
  return trf("{}m{:02}s", static_cast<int>(seconds) / 60, static_cast<int>(seconds) % 60);
}

}  // namespace

void add_sweep_flags(CLI::App& command, SweepFlags& sweep_flags) {
  command
      .add_option("--vary", sweep_flags.vary,
                  tr("The parameter to vary and its values (once or twice): procs=2,4,8, "
                     "latency=0,100us,1ms, procs=2..32*2, tickets=1..5:1; one of procs, tickets, "
                     "attempts, latency, search-latency, hold"))
      ->required();
  command.add_option("--csv", sweep_flags.csv,
                     tr("Write one CSV row per mode and point, as each point finishes"));
  command.add_option("--jsonl", sweep_flags.jsonl,
                     tr("Append one JSON object per mode and point, as each point finishes"));
  command.add_option(
      "--resume", sweep_flags.resume,
      tr("Skip the points FILE.jsonl (an earlier --jsonl) holds; append the rest to it"));
}

int sweep_command(const Flags& flags, const SweepFlags& sweep_flags, const CLI::App& command) {
  for (const char* flag : {"--timeline", "--trace"}) {
    if (flag_given(command, flag)) {
      throw UsageError(flag, tr("draws one trial; a sweep runs many: use run or compare for that"));
    }
  }
  if (sweep_flags.vary.size() > 2) {
    throw UsageError("--vary", tr("a sweep varies one or two parameters"));
  }
  std::vector<SweepAxis> axes;
  for (const std::string& text : sweep_flags.vary) {
    SweepAxis axis = parse_sweep_axis(text);
    const std::string name(sweep_parameter_name(axis.parameter));
    for (const SweepAxis& other : axes) {
      if (other.parameter == axis.parameter)
        throw UsageError("--vary", trf("{} is varied twice", name));
    }
    if (flag_given(command, ("--" + name).c_str())) {
      throw UsageError("--" + name, trf("is varied by --vary {}=...; drop one of them", name));
    }
    axes.push_back(std::move(axis));
  }
  if (!sweep_flags.resume.empty() && !sweep_flags.jsonl.empty()) {
    throw UsageError("--jsonl", tr("--resume FILE appends to FILE itself; drop --jsonl"));
  }
  for (const auto& [flag, value] :
       {std::pair<const char*, const std::string*>{"--csv", &sweep_flags.csv},
        {"--jsonl", &sweep_flags.jsonl},
        {"--resume", &sweep_flags.resume},
        {"--html", &flags.html}}) {
    if (flag_given(command, flag) && value->empty())
      throw UsageError(flag, tr("needs a file name"));
  }
  OutputFiles outputs;
  ExperimentConfig config = prepare_experiment(flags, command, outputs);
  config.keep_history = HistoryKept::kNone;  // a sweep reports statistics, never one trial
  if (is_controlled(config.schedule)) {
    for (const SweepAxis& axis : axes) {
      if (is_duration(axis.parameter)) {
        throw UsageError("--vary",
                         trf("a controlled schedule ({}) never waits out "
                             "think times, so {} changes nothing",
                             schedule_name(config.schedule), sweep_parameter_name(axis.parameter)));
      }
    }
  }
  outputs.add("--csv", sweep_flags.csv);
  const bool resuming = !sweep_flags.resume.empty();
  const std::string jsonl_path = resuming ? sweep_flags.resume : sweep_flags.jsonl;
  if (!jsonl_path.empty()) outputs.add(resuming ? "--resume" : "--jsonl", jsonl_path);
  std::vector<SkippedMode> skipped;
  const std::vector<Mode> modes = modes_flag(flags.modes, config, skipped);
  refuse_expect_safe_without_a_promise(flags, modes);
  const std::vector<SweepPoint> points = sweep_points(config, modes, axes);
  FinishedRows finished;
  if (resuming) finished = read_finished_rows(sweep_flags.resume);

  RowFile jsonl, csv;
  if (!jsonl_path.empty()) {
    jsonl = RowFile(resuming ? "--resume" : "--jsonl", jsonl_path, !resuming);
  }
  if (finished.dropped_torn_last) {
    // The cut-short row is removed, so that the file holds whole rows only.
    if (::truncate(sweep_flags.resume.c_str(), static_cast<off_t>(finished.sound_bytes)) != 0) {
      throw UsageError("--resume", trf("cannot remove the cut-short last line of '{}': {}",
                                       sweep_flags.resume, std::strerror(errno)));
    }
    std::cerr << trf("ticketsim sweep: the last line of {} was cut short (a run killed while "
                     "writing it): removed; its point runs again",
                     sweep_flags.resume)
              << "\n";
  } else if (!finished.ends_in_newline) {
    jsonl.append("\n");  // a whole last row without its line end: the next row starts anew
  }
  if (!sweep_flags.csv.empty()) {
    csv = RowFile("--csv", sweep_flags.csv, true);
    csv.append(sweep_csv_header(axes));
  }
  for (const SkippedMode& skip : skipped) {
    std::cerr << "ticketsim sweep: "
              << trf("{} skipped: {}", mode_name(skip.mode), tr(skip.reason.c_str())) << "\n";
  }

  // Each point's row read back from --resume (nullptr: the point runs), and the points to
  // run with their weights.
  std::vector<const nlohmann::json*> read_back(points.size(), nullptr);
  std::vector<std::pair<Mode, double>> left;
  int resumable = 0;
  for (std::size_t i = 0; i < points.size(); ++i) {
    auto found = finished.rows.find(sweep_point_key(points[i].config));
    if (found != finished.rows.end()) {
      read_back[i] = &found->second;
      ++resumable;
    } else {
      left.emplace_back(points[i].mode, point_weight(points[i].config));
    }
  }
  if (resuming && resumable < finished.lines) {
    std::cerr << wrap_text(
        trf("ticketsim sweep: {} of {} belong to another sweep (other modes, points or "
            "settings): kept in the file, left out of this report",
            counted(finished.lines - resumable, "{} row", "{} rows"), sweep_flags.resume),
        output_width(), 0, 2);
  }
  const auto started = std::chrono::steady_clock::now();
  TimeLeft time_left;
  int resumed = 0, ran = 0;
  int interrupted_by = 0;
  std::vector<nlohmann::json> rows;
  std::vector<std::string> failures;
  NotSafe not_safe;
  for (std::size_t i = 0; i < points.size(); ++i) {
    const SweepPoint& point = points[i];
    if (read_back[i] != nullptr) {
      rows.push_back(*read_back[i]);
      csv.append(sweep_csv_line(*read_back[i], axes));
      ++resumed;
      continue;
    }
    const auto point_started = std::chrono::steady_clock::now();
    ExperimentResult result = run_experiment(point.config);
    if (result.interrupted_by != 0) {
      interrupted_by = result.interrupted_by;
      break;  // an unfinished point is not a point: it is left for --resume
    }
    collect_failures(result, failures);
    not_safe.judge_promised(result);
    nlohmann::json row = sweep_row_json(summarize(result), point.config, axes);
    if (point.config.until_ci) row["ci_reached"] = result.ci_reached;
    jsonl.append(row.dump() + "\n");
    csv.append(sweep_csv_line(row, axes));
    rows.push_back(std::move(row));
    ++ran;
    const auto now = std::chrono::steady_clock::now();
    time_left.ran(point.mode, point_weight(point.config),
                  std::chrono::duration<double>(now - point_started).count());
    left.erase(left.begin());
    std::cerr << wrap_text(trf("ticketsim sweep: [{}/{}] {} done; {} so far, about {} left", i + 1,
                               points.size(), describe_point(point, axes),
                               seconds_text(std::chrono::duration<double>(now - started).count()),
                               seconds_text(time_left.estimate(left))),
                           output_width(), 0, 2);
  }
  if (interrupted_by == 0) interrupted_by = interrupt_signal();
  if (resuming) {
    std::cerr << trf("ticketsim sweep: {} read back from {}, {} run now",
                     counted(resumed, "{} point", "{} points"), sweep_flags.resume, ran)
              << "\n";
  }
  std::string workload =
      trf("{} per point{}; modes {}; varied {}", counted(config.trials, "{} trial", "{} trials"),
          config.until_ci ? trf(" (more, up to {}, until the interval is narrower than {})",
                                config.max_trials, *config.until_ci)
                          : "",
          flags.modes, fmt::join(sweep_flags.vary, " "));
  for (SweepParameter parameter : sweep_parameters()) {
    const bool varied = std::any_of(axes.begin(), axes.end(), [&](const SweepAxis& axis) {
      return axis.parameter == parameter;
    });
    if (!varied) {
      workload += trc("settings", ", ") + fmt::format("{} {}", sweep_parameter_name(parameter),
                                                      parameter_label(config, parameter));
    }
  }
  workload += trf(", schedule {}", schedule_name(config.schedule));
  if (config.pool > 0) workload += fmt::format(", pool {}", config.pool);
  if (config.write != WriteStrategy::kInPlace) {
    workload += fmt::format(", write {}", write_strategy_name(config.write));
  }
  if (config.crash_probability > 0) {
    workload += fmt::format(", crash-prob {} at {}", config.crash_probability,
                            crash_point_name(config.crash_at));
  }
  if (config.pause_holder) {
    workload += fmt::format(", pause-holder {}", format_duration(*config.pause_holder));
  }
  try {
    if (flags.json) {
      nlohmann::ordered_json json;
      json["command"] = "sweep";
      json["varied"] = sweep_flags.vary;
      json["complete"] = interrupted_by == 0;
      json["rows"] = rows;
      StdoutSink().write(json.dump(2) + "\n");
    } else {
      const int width = output_width();
      StdoutSink().write(wrap_text(trf("ticketsim sweep: {}", workload), width, 0, 2) + "\n" +
                         render_sweep_table(rows, axes, stdout_wants_color(), width));
      if (interrupted_by != 0) {
        StdoutSink().write(
            "\n" + wrap_text(jsonl_path.empty()
                                 ? trf("(interrupted after {} of {} points; with --jsonl FILE the "
                                       "finished points are kept for --resume)",
                                       rows.size(), points.size())
                                 : trf("(interrupted after {} of {} points; --resume {} runs the "
                                       "rest)",
                                       rows.size(), points.size(), jsonl_path),
                             width));
      }
    }
    StdoutSink::flush();
    if (!rows.empty()) {
      outputs.write("--html", [&](TextSink& out) { render_sweep_html(rows, axes, workload, out); });
    }
  } catch (const StdoutClosed&) {
    return finish_status(SIGPIPE, "", false, {}, outputs);
  } catch (const OutputInterrupted&) {
    outputs.skip_all();
    return finish_status(interrupt_signal(), "", false, {}, outputs);
  }
  return finish_status(interrupted_by, not_safe.describe(), flags.expect_safe, failures, outputs);
}

}  // namespace ticketsim
