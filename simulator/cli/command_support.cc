#include "simulator/cli/command_support.h"

#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <iostream>

#include <fmt/format.h>

#include "simulator/cli/cli.h"
#include "simulator/engine/stale_runs.h"
#include "simulator/engine/trial_workspace.h"
#include "simulator/report/report_text.h"
#include "simulator/report/text_table.h"
#include "simulator/report/timeline_text.h"
#include "simulator/text/terminal_width.h"
#include "simulator/text/translate.h"
#include "simulator/text/wrap.h"
#include "storage/postgres/postgres_store.h"
#include "storage/store_file.h"

namespace ticketsim {

Progress::Progress(int total_trials) : total_(total_trials), enabled_(::isatty(STDERR_FILENO)) {}

void Progress::operator()(const TrialResult& trial) {
  if (!enabled_) return;
  ++done_;
  // One line that rewrites itself: cut to the terminal's width, or it would wrap and pile up.
  std::string line = trf("{}/{} trials done (last: {}, {})", done_, total_, mode_name(trial.mode),
                         verdict_text(trial.verdict()));
  const std::string fitted = wrap_text(line, output_width() - 1);
  line = fitted.substr(0, fitted.find('\n'));
  std::fprintf(stderr, "\r\x1b[K%s", line.c_str());
  std::fflush(stderr);
}

void Progress::clear() {
  if (enabled_ && done_ > 0) std::fprintf(stderr, "\r\x1b[K");
}

// Removes what runs killed by SIGKILL left in `workdir` and /dev/shm, and says on stderr
// what it removed (stdout stays the report's). `quiet_if_none`: say nothing when there
// was nothing (every run does this first); otherwise say so (`ticketsim cleanup`).
void print_error(const std::string& message) {
  std::cerr << wrap_text("ticketsim: " + message, output_width(), 0, 2) << std::flush;
}

void remove_leftovers(const std::string& workdir, bool quiet_if_none) {
  LeftoverPlaces places;
  places.workdir = workdir.empty() ? default_workdir() : workdir;
  places.only_runs_of_workdir = quiet_if_none;  // before a run; `cleanup` sweeps every dead run
  std::vector<StaleLeftover> removed = remove_stale_leftovers(places);
  if (removed.empty()) {
    if (!quiet_if_none) {
      std::cerr << trf("ticketsim cleanup: nothing to remove in {} or {}", places.workdir,
                       places.shm_dir)
                << "\n";
    }
    return;
  }
  std::cerr << trf("ticketsim: removed {} of runs that were killed (their process is gone):",
                   counted(static_cast<int>(removed.size()), "{} leftover", "{} leftovers"))
            << "\n";
  for (const StaleLeftover& leftover : removed) {
    std::cerr << "  " << trf("{} (pid {})", leftover.path, leftover.owner) << "\n";
  }
}

// Customer errors make the run a failure (exit 1); name the first one.
void collect_failures(const ExperimentResult& result, std::vector<std::string>& failures) {
  for (const TrialResult& trial : result.trials) {
    if (trial.errors == 0) continue;
    failures.push_back(trf("mode {} trial {}: {} failed ({})", mode_name(trial.mode),
                           trial.index + 1, counted(trial.errors, "{} customer", "{} customers"),
                           trial.first_error));
  }
}

void OutputFiles::add(const std::string& flag, const std::string& path) {
  if (path.empty()) return;
  namespace fs = std::filesystem;
  OutputTarget target;
  try {
    target = plan_output(path);
  } catch (const std::runtime_error& e) {
    throw UsageError(flag, e.what());
  }
  std::error_code error;
  if (target.kind == OutputTarget::Kind::kStraight) {
    if (::access(target.path.c_str(), W_OK) != 0) {
      throw UsageError(flag, trf("cannot write '{}': {}", path, std::strerror(errno)));
    }
  } else if (!fs::is_directory(target.directory, error) ||
             ::access(target.directory.c_str(), W_OK) != 0) {
    throw UsageError(flag, trf("cannot write '{}': directory '{}' does not exist or is not "
                               "writable",
                               path, target.directory));
  }
  if (target.kind == OutputTarget::Kind::kReplace) {
    if (!store_.empty() && fs::exists(target.path, error) &&
        fs::equivalent(target.path, store_, error)) {
      throw UsageError(flag,
                       trf("'{}' is the store (--store), which a report never overwrites", path));
    }
    for (const auto& [other_flag, other] : paths_) {
      if (fs::weakly_canonical(plan_output(other).path, error) ==
          fs::weakly_canonical(target.path, error)) {
        throw UsageError(flag, trf("'{}' is also the {} file", path, other_flag));
      }
    }
  }
  paths_.emplace_back(flag, path);
}

TextReportOptions text_options(const Flags& flags) {
  TextReportOptions options;
  options.use_color = stdout_wants_color();
  options.show_customers = flags.customers;
  options.show_timeline = flags.timeline;
  options.width = output_width();
  return options;
}

// Refuses, before anything runs, every flag that could not apply to this run (exit 2):
// a flag is honoured or refused, never silently ignored.
void refuse_inapplicable_flags(const Flags& flags, const CLI::App& command,
                               const ExperimentConfig& config) {
  auto given = [&](const char* name) { return flag_given(command, name); };
  if (flags.json && flags.timeline) {
    throw UsageError(
        "--timeline",
        tr("draws on the terminal, and --json prints nothing but JSON; use --html FILE "
           "for a timeline beside --json"));
  }
  if (flags.no_times) {
    for (const char* flag : {"--history", "--html", "--trace"}) {
      if (given(flag)) {
        throw UsageError(flag, tr("needs step times, and --no-times turns them off"));
      }
    }
    if (flags.timeline)
      throw UsageError("--timeline", tr("needs step times, and --no-times turns them off"));
  }
  if (is_controlled(config.schedule)) {
    for (const char* flag : {"--latency", "--search-latency", "--hold"}) {
      if (given(flag)) {
        throw UsageError(flag, trf("a controlled schedule ({}) grants one step at a time "
                                   "and never waits out think times; drop {}",
                                   schedule_name(config.schedule), flag));
      }
    }
  }
  if (given("--latency") && config.mode == Mode::kAtomic && config.latency.max.count() > 0) {
    throw UsageError("--latency", tr("is the think time between a purchase's read and its "
                                     "write, and mode atomic has none: read and write are one "
                                     "statement"));
  }
  if (config.in_place && !config.store_path.empty() && !is_postgres_url(config.store_path)) {
    // (A database store's --in-place is refused by ExperimentConfig::validate.)
    // The write-back replaces the file by rename in its directory: a directory that cannot
    // be written would fail only after every trial ran.
    const std::string directory = replacement_site(config.store_path).second;
    if (::access(directory.c_str(), W_OK) != 0) {
      throw UsageError(
          "--in-place",
          trf("cannot write the store back: directory '{}' is not writable", directory));
    }
  }
  if (given("--crash-at") && config.crash_probability == 0) {
    throw UsageError("--crash-at", tr("says where injected crashes strike; add --crash-prob P"));
  }
}

// A replayed report supplies the workload its schedule was recorded for: a typed workload
// flag that disagrees with it would run the script on another workload, so it is refused.
void refuse_replay_overrides(const Flags& flags, const CLI::App& command) {
  if (flags.schedule.rfind("replay:", 0) != 0) return;
  for (const char* flag : {"--mode", "--procs", "--attempts", "--tickets"}) {
    if (flag_given(command, flag)) {
      throw UsageError(flag, trf("--schedule replay: reruns the report's own workload; "
                                 "drop {} (or use script:\"...\" with a new workload)",
                                 flag));
    }
  }
}

// Ends a command: failures on stderr, then the exit status. A closed stdout (SIGPIPE) ends
// quietly; another interrupt exits 128 + its signal. `not_safe`: what --expect-safe found
// ("" when every judged trial was safe); it is said on stderr when it makes the status 3.
int finish_status(int interrupted_by, const std::string& not_safe, bool expect_safe,
                  const std::vector<std::string>& failures, const OutputFiles& outputs) {
  if (interrupted_by == SIGPIPE) return 128 + SIGPIPE;
  for (const std::string& failure : failures) print_error(failure);
  if (interrupted_by != 0) {
    for (const std::string& flag : outputs.not_written()) {
      print_error(trf("interrupted by {}: {} was not written", signal_name(interrupted_by), flag));
    }
    return 128 + interrupted_by;
  }
  if (!failures.empty()) return kExitRunFailed;
  if (expect_safe && !not_safe.empty()) {
    print_error("--expect-safe: " + not_safe);
    return kExitRaceFound;
  }
  return kExitOk;
}

// What `run` and `compare` do before any trial: the config from the flags, every refusal of a
// flag that cannot apply, the leftovers of killed runs of this workdir, and the checked report
// files (flags.history is empty for compare).
ExperimentConfig prepare_experiment(const Flags& flags, const CLI::App& command,
                                    OutputFiles& outputs) {
  ExperimentConfig config = make_config(flags, command);
  refuse_replay_overrides(flags, command);
  refuse_inapplicable_flags(flags, command, config);
  remove_leftovers(config.workdir, true);
  outputs.set_store(config.store_path);
  outputs.add("--html", flags.html);
  outputs.add("--history", flags.history);
  outputs.add("--trace", flags.trace);
  return config;
}

void refuse_expect_safe_without_a_promise(const Flags& flags, const std::vector<Mode>& modes) {
  if (flags.expect_safe &&
      std::all_of(modes.begin(), modes.end(), [](Mode mode) { return mode == Mode::kNone; })) {
    throw UsageError("--expect-safe",
                     tr("judges the modes that promise safety, and --modes lists only none"));
  }
}

}  // namespace ticketsim
