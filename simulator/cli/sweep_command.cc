#include "simulator/cli/sweep_command.h"

#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <map>
#include <set>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "simulator/cli/command_support.h"
#include "simulator/report/sweep_report.h"
#include "simulator/report/text_table.h"
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

// The rows --resume FILE already holds, by sweep_row_key. Throws UsageError naming the file
// and line of anything that is not such a row.
std::map<std::string, nlohmann::json> read_finished_rows(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw UsageError("--resume", "cannot read '" + path + "'");
  std::map<std::string, nlohmann::json> rows;
  std::string line;
  for (int number = 1; std::getline(in, line); ++number) {
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    try {
      nlohmann::json row = nlohmann::json::parse(line);
      std::string key = sweep_row_key(row);  // before the row is moved into the map
      rows[key] = std::move(row);
    } catch (const std::exception& e) {
      throw UsageError("--resume", fmt::format("{} line {} is not a row of ticketsim sweep "
                                               "--jsonl: {}",
                                               path, number, e.what()));
    }
  }
  return rows;
}

// The work a point stands for, to share the time left out among the points to come.
double point_weight(const ExperimentConfig& config) {
  return static_cast<double>(config.trials) *
         (static_cast<double>(config.procs) * config.attempts + 10.0);
}

std::string describe_point(const SweepPoint& point, const std::vector<SweepAxis>& axes) {
  std::string text(mode_name(point.mode));
  for (std::size_t a = 0; a < axes.size(); ++a) {
    text += fmt::format(" {}={}", sweep_parameter_name(axes[a].parameter),
                        sweep_value_label(axes[a].parameter, point.values[a]));
  }
  return text;
}

std::string seconds_text(double seconds) {
  if (seconds < 60) return fmt::format("{:.1f} s", seconds);
  return fmt::format("{}m{:02}s", static_cast<int>(seconds) / 60, static_cast<int>(seconds) % 60);
}

}  // namespace

void add_sweep_flags(CLI::App& command, SweepFlags& sweep_flags) {
  command
      .add_option("--vary", sweep_flags.vary,
                  "The parameter to vary and its values (once or twice): procs=2,4,8, "
                  "latency=0,100us,1ms, procs=2..32*2, tickets=1..5:1; one of procs, tickets, "
                  "attempts, latency, search-latency, hold")
      ->required();
  command.add_option("--csv", sweep_flags.csv,
                     "Write one CSV row per mode and point, as each point finishes");
  command.add_option("--jsonl", sweep_flags.jsonl,
                     "Append one JSON object per mode and point, as each point finishes");
  command.add_option(
      "--resume", sweep_flags.resume,
      "Skip the points FILE.jsonl (an earlier --jsonl) holds; append the rest to it");
}

int sweep_command(const Flags& flags, const SweepFlags& sweep_flags, const CLI::App& command) {
  for (const char* flag : {"--timeline", "--trace"}) {
    if (flag_given(command, flag)) {
      throw UsageError(flag, "draws one trial; a sweep runs many: use run or compare for that");
    }
  }
  if (sweep_flags.vary.size() > 2) {
    throw UsageError("--vary", "a sweep varies one or two parameters");
  }
  std::vector<SweepAxis> axes;
  for (const std::string& text : sweep_flags.vary) {
    SweepAxis axis = parse_sweep_axis(text);
    const std::string name(sweep_parameter_name(axis.parameter));
    for (const SweepAxis& other : axes) {
      if (other.parameter == axis.parameter) throw UsageError("--vary", name + " is varied twice");
    }
    if (flag_given(command, ("--" + name).c_str())) {
      throw UsageError("--" + name, "is varied by --vary " + name + "=...; drop one of them");
    }
    axes.push_back(std::move(axis));
  }
  if (!sweep_flags.resume.empty() && !sweep_flags.jsonl.empty()) {
    throw UsageError("--jsonl", "--resume FILE appends to FILE itself; drop --jsonl");
  }
  OutputFiles outputs;
  ExperimentConfig config = prepare_experiment(flags, command, outputs);
  config.keep_history = HistoryKept::kNone;  // a sweep reports statistics, never one trial
  if (is_controlled(config.schedule)) {
    for (const SweepAxis& axis : axes) {
      if (is_duration(axis.parameter)) {
        throw UsageError("--vary", fmt::format("a controlled schedule ({}) never waits out "
                                               "think times, so {} changes nothing",
                                               schedule_name(config.schedule),
                                               sweep_parameter_name(axis.parameter)));
      }
    }
  }
  outputs.add("--csv", sweep_flags.csv);
  const std::string jsonl_path =
      sweep_flags.resume.empty() ? sweep_flags.jsonl : sweep_flags.resume;
  if (!jsonl_path.empty()) outputs.add("--jsonl", jsonl_path);
  std::vector<SkippedMode> skipped;
  const std::vector<Mode> modes = modes_flag(flags.modes, config.schedule, skipped);
  const std::vector<SweepPoint> points = sweep_points(config, modes, axes);
  std::map<std::string, nlohmann::json> finished;
  if (!sweep_flags.resume.empty()) finished = read_finished_rows(sweep_flags.resume);

  RowFile jsonl, csv;
  if (!jsonl_path.empty()) jsonl = RowFile("--jsonl", jsonl_path, sweep_flags.resume.empty());
  if (!sweep_flags.csv.empty()) {
    csv = RowFile("--csv", sweep_flags.csv, true);
    csv.append(sweep_csv_header(axes));
  }
  for (const SkippedMode& skip : skipped) {
    std::cerr << "ticketsim sweep: " << mode_name(skip.mode) << " skipped: " << skip.reason << "\n";
  }

  double weight_left = 0;
  for (const SweepPoint& point : points) {
    if (!finished.count(sweep_point_key(point.config))) weight_left += point_weight(point.config);
  }
  const auto started = std::chrono::steady_clock::now();
  double weight_done = 0;
  int resumed = 0, ran = 0;
  int interrupted_by = 0;
  std::vector<nlohmann::json> rows;
  std::vector<std::string> failures;
  for (std::size_t i = 0; i < points.size(); ++i) {
    const SweepPoint& point = points[i];
    auto found = finished.find(sweep_point_key(point.config));
    if (found != finished.end()) {
      rows.push_back(found->second);
      csv.append(sweep_csv_line(found->second, axes));
      ++resumed;
      continue;
    }
    ExperimentResult result = run_experiment(point.config);
    if (result.interrupted_by != 0) {
      interrupted_by = result.interrupted_by;
      break;  // an unfinished point is not a point: it is left for --resume
    }
    collect_failures(result, failures);
    nlohmann::json row = sweep_row_json(summarize(result), result.config, axes);
    jsonl.append(row.dump() + "\n");
    csv.append(sweep_csv_line(row, axes));
    rows.push_back(std::move(row));
    ++ran;
    weight_done += point_weight(point.config);
    weight_left -= point_weight(point.config);
    const double elapsed =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    std::cerr << fmt::format(
        "ticketsim sweep: [{}/{}] {} done; {} so far, about {} left\n", i + 1, points.size(),
        describe_point(point, axes), seconds_text(elapsed),
        seconds_text(weight_done > 0 ? elapsed / weight_done * weight_left : 0));
  }
  if (interrupted_by == 0) interrupted_by = interrupt_signal();
  if (resumed > 0) {
    std::cerr << fmt::format("ticketsim sweep: {} read back from {}, {} run now\n",
                             plural(resumed, "point"), sweep_flags.resume, ran);
  }
  std::string workload =
      fmt::format("{} trial{} per point; modes {}; varied {}", config.trials,
                  config.trials == 1 ? "" : "s", flags.modes, fmt::join(sweep_flags.vary, " "));
  for (SweepParameter parameter : sweep_parameters()) {
    const bool varied = std::any_of(axes.begin(), axes.end(), [&](const SweepAxis& axis) {
      return axis.parameter == parameter;
    });
    if (!varied) {
      workload += fmt::format(", {} {}", sweep_parameter_name(parameter),
                              parameter_label(config, parameter));
    }
  }
  workload += fmt::format(", schedule {}", schedule_name(config.schedule));
  try {
    if (flags.json) {
      nlohmann::ordered_json json;
      json["command"] = "sweep";
      json["varied"] = sweep_flags.vary;
      json["complete"] = interrupted_by == 0;
      json["rows"] = rows;
      StdoutSink().write(json.dump(2) + "\n");
    } else {
      StdoutSink().write("ticketsim sweep: " + workload + "\n\n" +
                         render_sweep_table(rows, axes, stdout_wants_color()));
      if (interrupted_by != 0) {
        StdoutSink().write(
            fmt::format("\n(interrupted after {} of {} points; --resume FILE.jsonl "
                        "runs the rest)\n",
                        rows.size(), points.size()));
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
  return finish_status(interrupted_by, "", false, failures, outputs);
}

}  // namespace ticketsim
