#include "simulator/cli/cli.h"

#include <signal.h>
#include <string.h>
#include <unistd.h>

#include <fcntl.h>

#include <algorithm>
#include <charconv>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <map>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <CLI/CLI.hpp>

#include "simulator/classroom/demo.h"
#include "simulator/classroom/demo_text.h"
#include "simulator/classroom/step_ui.h"
#include "simulator/cli/check_history_command.h"
#include "simulator/cli/cli_flags.h"
#include "simulator/cli/completion.h"
#include "simulator/engine/stale_runs.h"
#include "simulator/engine/trial_workspace.h"
#include "simulator/report/history_export.h"
#include "simulator/report/output_file.h"
#include "simulator/report/report_html.h"
#include "simulator/report/report_json.h"
#include "simulator/report/report_text.h"
#include "simulator/report/text_table.h"
#include "simulator/report/timeline_text.h"
#include "simulator/report/trace_export.h"
#include "storage/posix_io.h"
#include "storage/store_file.h"
#include "storage/unique_fd.h"
#include "ticketsim/experiment.h"
#include "ticketsim/interrupt.h"
#include "ticketsim/version.h"

namespace ticketsim {
namespace {

// Shows "trial 3/10 flock" on stderr while trials run, when stderr is a terminal.
class Progress {
 public:
  explicit Progress(int total_trials) : total_(total_trials), enabled_(::isatty(STDERR_FILENO)) {}
  ~Progress() { clear(); }
  void operator()(const TrialResult& trial) {
    if (!enabled_) return;
    ++done_;
    std::fprintf(stderr, "\r\x1b[K%d/%d trials done (last: %s, %s)", done_, total_,
                 std::string(mode_name(trial.mode)).c_str(), std::string(trial.verdict()).c_str());
    std::fflush(stderr);
  }
  void clear() {
    if (enabled_ && done_ > 0) std::fprintf(stderr, "\r\x1b[K");
  }

 private:
  int total_;
  int done_ = 0;
  bool enabled_;
};

// Removes what runs killed by SIGKILL left in `workdir` and /dev/shm, and says on stderr
// what it removed (stdout stays the report's). `quiet_if_none`: say nothing when there
// was nothing (every run does this first); otherwise say so (`ticketsim cleanup`).
void remove_leftovers(const std::string& workdir, bool quiet_if_none) {
  LeftoverPlaces places;
  places.workdir = workdir.empty() ? default_workdir() : workdir;
  places.only_runs_of_workdir = quiet_if_none;  // before a run; `cleanup` sweeps every dead run
  std::vector<StaleLeftover> removed = remove_stale_leftovers(places);
  if (removed.empty()) {
    if (!quiet_if_none) {
      std::cerr << "ticketsim cleanup: nothing to remove in " << places.workdir << " or "
                << places.shm_dir << "\n";
    }
    return;
  }
  std::cerr << "ticketsim: removed " << plural(static_cast<int>(removed.size()), "leftover")
            << " of runs that were killed (their process is gone):\n";
  for (const StaleLeftover& leftover : removed) {
    std::cerr << "  " << leftover.path << " (pid " << leftover.owner << ")\n";
  }
}

// Customer errors make the run a failure (exit 1); name the first one.
void collect_failures(const ExperimentResult& result, std::vector<std::string>& failures) {
  for (const TrialResult& trial : result.trials) {
    if (trial.errors == 0) continue;
    failures.push_back(fmt::format("mode {} trial {}: {} failed ({})", mode_name(trial.mode),
                                   trial.index + 1, plural(trial.errors, "customer"),
                                   trial.first_error));
  }
}

// Output files named by flags: checked before the experiment runs (a bad path is bad usage,
// exit 2, nothing run). Each is built only when asked for, streamed into a temporary file
// beside its target and renamed over it when complete: an interrupted or failed export
// leaves nothing.
class OutputFiles {
 public:
  // `store`: the run's --store, which no report may overwrite (set before add()).
  void set_store(std::string store) { store_ = std::move(store); }

  // Checks, before anything runs, that the report can be written where plan_output() will
  // write it, and that it is neither the store nor another report of this run.
  void add(const std::string& flag, const std::string& path) {
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
        throw UsageError(flag, "cannot write '" + path + "': " + std::strerror(errno));
      }
    } else if (!fs::is_directory(target.directory, error) ||
               ::access(target.directory.c_str(), W_OK) != 0) {
      throw UsageError(flag, "cannot write '" + path + "': directory '" + target.directory +
                                 "' does not exist or is not writable");
    }
    if (target.kind == OutputTarget::Kind::kReplace) {
      if (!store_.empty() && fs::exists(target.path, error) &&
          fs::equivalent(target.path, store_, error)) {
        throw UsageError(flag, "'" + path +
                                   "' is the store (--store), which a report never "
                                   "overwrites");
      }
      for (const auto& [other_flag, other] : paths_) {
        if (fs::weakly_canonical(plan_output(other).path, error) ==
            fs::weakly_canonical(target.path, error)) {
          throw UsageError(flag, "'" + path + "' is also the " + other_flag + " file");
        }
      }
    }
    paths_.emplace_back(flag, path);
  }
  bool empty() const { return paths_.empty(); }

  // Writes the file named by `flag`, if any, with `produce(sink)`. A run interrupted before
  // or during it writes nothing and says so; any other failure is a failure of the run.
  template <typename Produce>
  void write(const std::string& flag, Produce&& produce) {
    auto it = std::find_if(paths_.begin(), paths_.end(),
                           [&](const auto& entry) { return entry.first == flag; });
    if (it == paths_.end()) return;
    if (interrupt_signal() != 0) {
      not_written_.push_back(flag);
      return;
    }
    try {
      OutputFile file(it->second);
      produce(static_cast<TextSink&>(file));
      file.commit();
    } catch (const OutputInterrupted&) {
      not_written_.push_back(flag);
    } catch (const std::exception& e) {
      throw RunError(flag + ": " + e.what());
    }
  }
  // An interrupt came before the files' turn: none of them is written.
  void skip_all() {
    for (const auto& [flag, path] : paths_) not_written_.push_back(flag);
  }
  // The files an interrupt kept from being written, for the closing message.
  const std::vector<std::string>& not_written() const { return not_written_; }

 private:
  std::string store_;
  std::vector<std::pair<std::string, std::string>> paths_;
  std::vector<std::string> not_written_;
};

TextReportOptions text_options(const Flags& flags) {
  TextReportOptions options;
  options.use_color = stdout_wants_color();
  options.show_customers = flags.customers;
  options.show_timeline = flags.timeline;
  options.width = terminal_width();
  return options;
}

// Refuses, before anything runs, every flag that could not apply to this run (exit 2):
// a flag is honoured or refused, never silently ignored.
void refuse_inapplicable_flags(const Flags& flags, const CLI::App& command,
                               const ExperimentConfig& config) {
  auto given = [&](const char* name) { return flag_given(command, name); };
  if (flags.json && flags.timeline) {
    throw UsageError("--timeline",
                     "draws on the terminal, and --json prints nothing but JSON; use --html FILE "
                     "for a timeline beside --json");
  }
  if (flags.no_times) {
    for (const char* flag : {"--history", "--html", "--trace"}) {
      if (given(flag)) {
        throw UsageError(flag, "needs step times, and --no-times turns them off");
      }
    }
    if (flags.timeline)
      throw UsageError("--timeline", "needs step times, and --no-times turns them off");
  }
  if (is_controlled(config.schedule)) {
    for (const char* flag : {"--latency", "--search-latency"}) {
      if (given(flag)) {
        throw UsageError(flag, fmt::format("a controlled schedule ({}) grants one step at a time "
                                           "and never waits out think times; drop {}",
                                           schedule_name(config.schedule), flag));
      }
    }
  }
  if (config.in_place && !config.store_path.empty()) {
    // The write-back replaces the file by rename in its directory: a directory that cannot
    // be written would fail only after every trial ran.
    const std::string directory = replacement_site(config.store_path).second;
    if (::access(directory.c_str(), W_OK) != 0) {
      throw UsageError("--in-place", "cannot write the store back: directory '" + directory +
                                         "' is not writable");
    }
  }
  if (given("--crash-at") && config.crash_probability == 0) {
    throw UsageError("--crash-at", "says where injected crashes strike; add --crash-prob P");
  }
}

// A replayed report supplies the workload its schedule was recorded for: a typed workload
// flag that disagrees with it would run the script on another workload, so it is refused.
void refuse_replay_overrides(const Flags& flags, const CLI::App& command) {
  if (flags.schedule.rfind("replay:", 0) != 0) return;
  for (const char* flag : {"--mode", "--procs", "--attempts", "--tickets"}) {
    if (flag_given(command, flag)) {
      throw UsageError(flag, fmt::format("--schedule replay: reruns the report's own workload; "
                                         "drop {} (or use script:\"...\" with a new workload)",
                                         flag));
    }
  }
}

// What --expect-safe judges: the trials that were not safe, by verdict.
struct NotSafe {
  int trials = 0;  // trials judged
  std::map<std::string, int> by_verdict;

  void judge(const TrialResult& trial) {
    ++trials;
    std::string verdict(trial.verdict());
    if (verdict != "safe") ++by_verdict[verdict];
  }
  // "2 of 5 trials were not safe (UNSAFE 1, unprotected 1)", or "" when all were.
  std::string describe() const {
    int count = 0;
    std::string kinds;
    for (const auto& [verdict, n] : by_verdict) {
      count += n;
      kinds += fmt::format("{}{} {}", kinds.empty() ? "" : ", ", verdict, n);
    }
    if (count == 0) return "";
    return fmt::format("{} of {} {} not safe ({})", count, plural(trials, "trial"),
                       count == 1 ? "was" : "were", kinds);
  }
};

// Ends a command: failures on stderr, then the exit status. A closed stdout (SIGPIPE) ends
// quietly; another interrupt exits 128 + its signal. `not_safe`: what --expect-safe found
// ("" when every judged trial was safe); it is said on stderr when it makes the status 3.
int finish_status(int interrupted_by, const std::string& not_safe, bool expect_safe,
                  const std::vector<std::string>& failures, const OutputFiles& outputs) {
  if (interrupted_by == SIGPIPE) return 128 + SIGPIPE;
  for (const std::string& failure : failures) std::cerr << "ticketsim: " << failure << "\n";
  if (interrupted_by != 0) {
    for (const std::string& flag : outputs.not_written()) {
      std::cerr << "ticketsim: interrupted by " << signal_name(interrupted_by) << ": " << flag
                << " was not written\n";
    }
    return 128 + interrupted_by;
  }
  if (!failures.empty()) return kExitRunFailed;
  if (expect_safe && !not_safe.empty()) {
    std::cerr << "ticketsim: --expect-safe: " << not_safe << "\n";
    return kExitRaceFound;
  }
  return kExitOk;
}

// `run --json`: the report, and with --customers every customer's record of the explained
// trial, streamed purchase by purchase so that a million purchases never sit in memory.
void print_run_json(const ExperimentResult& result, bool with_customers) {
  StdoutSink out;
  std::string head = run_report_json(result).dump(2);
  const TrialResult* shown = explained_trial(result);
  if (!with_customers || shown == nullptr) {
    out.write(head);
    out.write("\n");
    return;
  }
  head.pop_back();  // the closing brace: the customers follow
  while (!head.empty() && (head.back() == '\n' || head.back() == ' ')) head.pop_back();
  out.write(head);
  write_customers_json(*shown, out);
  out.write("\n}\n");
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

int run_command(const Flags& flags, const CLI::App& command) {
  OutputFiles outputs;
  ExperimentConfig config = prepare_experiment(flags, command, outputs);
  Progress progress(config.trials);
  ExperimentResult result = run_experiment(config, std::ref(progress));
  progress.clear();
  try {
    if (flags.json) {
      print_run_json(result, flags.customers);
    } else {
      StdoutSink().write(render_run_report(result, text_options(flags)));
    }
    StdoutSink::flush();
    if (const TrialResult* shown = explained_trial(result)) {
      outputs.write("--html", [&](TextSink& out) { render_run_html(result, out); });
      outputs.write("--history", [&](TextSink& out) { write_jepsen_history(*shown, out); });
      outputs.write("--trace", [&](TextSink& out) {
        std::string label = fmt::format("{}, trial {}", mode_name(shown->mode), shown->index + 1);
        write_chrome_trace({TracedTrial{shown, label}}, out);
      });
    }
  } catch (const StdoutClosed&) {
    return finish_status(SIGPIPE, "", false, {}, outputs);
  } catch (const OutputInterrupted&) {
    // Interrupted while stdout's reader was not reading: no file is written either.
    outputs.skip_all();
    return finish_status(interrupt_signal(), "", false, {}, outputs);
  }
  NotSafe not_safe;
  for (const TrialResult& trial : result.trials) not_safe.judge(trial);
  std::vector<std::string> failures;
  collect_failures(result, failures);
  if (!result.write_back_problem.empty()) {
    std::string message =
        "--in-place: the store was not written back: " + result.write_back_problem;
    if (result.write_back_failed) {
      failures.push_back(message);
    } else if (result.interrupted_by == 0) {
      std::cerr << "ticketsim: " << message << "\n";
    }
  }
  int interrupted_by = result.interrupted_by != 0 ? result.interrupted_by : interrupt_signal();
  return finish_status(interrupted_by, not_safe.describe(), flags.expect_safe, failures, outputs);
}

int compare_command(const Flags& flags, const CLI::App& command) {
  OutputFiles outputs;
  ExperimentConfig config = prepare_experiment(flags, command, outputs);
  std::vector<SkippedMode> skipped;
  std::vector<Mode> modes = modes_flag(flags.modes, config.schedule, skipped);
  if (flags.expect_safe &&
      std::all_of(modes.begin(), modes.end(), [](Mode mode) { return mode == Mode::kNone; })) {
    throw UsageError("--expect-safe",
                     "judges the modes that promise safety, and --modes lists only none");
  }
  Progress progress(config.trials * static_cast<int>(modes.size()));
  Comparison comparison = run_comparison(config, modes, std::ref(progress));
  progress.clear();
  try {
    if (flags.json) {
      StdoutSink().write(compare_report_json(comparison, skipped).dump(2) + "\n");
    } else {
      StdoutSink().write(render_compare_report(comparison, skipped, text_options(flags)));
    }
    StdoutSink::flush();
    outputs.write("--html", [&](TextSink& out) { render_compare_html(comparison, skipped, out); });
    outputs.write("--trace", [&](TextSink& out) {
      std::vector<TracedTrial> traced;
      for (const ExperimentResult& result : comparison.results) {
        if (const TrialResult* shown = explained_trial(result)) {
          traced.push_back(TracedTrial{
              shown, fmt::format("{}, trial {}", mode_name(shown->mode), shown->index + 1)});
        }
      }
      write_chrome_trace(traced, out);
    });
  } catch (const StdoutClosed&) {
    return finish_status(SIGPIPE, "", false, {}, outputs);
  } catch (const OutputInterrupted&) {
    // Interrupted while stdout's reader was not reading: no file is written either.
    outputs.skip_all();
    return finish_status(interrupt_signal(), "", false, {}, outputs);
  }
  NotSafe not_safe;
  std::vector<std::string> failures;
  for (const ExperimentResult& result : comparison.results) {
    collect_failures(result, failures);
    // Mode none is expected to race; --expect-safe judges the modes that promise safety.
    if (result.config.mode == Mode::kNone) continue;
    for (const TrialResult& trial : result.trials) not_safe.judge(trial);
  }
  int interrupted_by =
      comparison.interrupted_by != 0 ? comparison.interrupted_by : interrupt_signal();
  return finish_status(interrupted_by, not_safe.describe(), flags.expect_safe, failures, outputs);
}

// Flags of `ticketsim step`.
struct StepFlags {
  std::string mode = "none";
  int procs = 3;
  std::int64_t tickets = 1;
  int attempts = 1;
  std::string store;
  bool predict = false;
};

int step_command(const StepFlags& flags) {
  ExperimentConfig config;
  config.mode = mode_flag("--mode", flags.mode);
  if (flags.procs < 1 || flags.procs > 9) {
    throw UsageError(
        "--procs", fmt::format("step shows 1 to 9 customers, one key each (got {})", flags.procs));
  }
  config.procs = flags.procs;
  config.tickets = flags.tickets;
  config.attempts = flags.attempts;
  config.store_path = flags.store;
  remove_leftovers(config.workdir, true);
  StepUiOptions options;
  options.predict = flags.predict;
  options.use_color = stdout_wants_color();
  return run_step_ui(config, options, STDIN_FILENO, STDOUT_FILENO);
}

// Flags of `ticketsim demo`.
struct DemoFlags {
  std::string lang = "en";
  std::string pace;
  int procs = 15;
};

int demo_command(const DemoFlags& flags) {
  DemoOptions options;
  options.lang = flags.lang;
  if (!demo_text(flags.lang)) {
    throw UsageError("--lang", "unknown language '" + flags.lang + "'; expected en or zh");
  }
  if (!flags.pace.empty()) options.pace = duration_flag("--pace", flags.pace);
  if (flags.procs < 2 || flags.procs > 100) {
    throw UsageError("--procs",
                     fmt::format("the demo takes 2 to 100 customers (got {})", flags.procs));
  }
  options.procs = flags.procs;
  options.use_color = stdout_wants_color();
  remove_leftovers("", true);
  return run_demo(options, STDIN_FILENO, STDOUT_FILENO);
}

}  // namespace

int run_cli(int argc, char** argv) {
  CLI::App app{
      "ticketsim: N customer processes race to buy tickets from a JSON store.\n"
      "Shows the races (oversold tickets, lost updates, torn reads) and what each lock costs.",
      "ticketsim"};
  app.require_subcommand(1);
  app.set_version_flag("-V,--version", std::string("ticketsim ") + kVersion,
                       "Print the version and exit");
  Flags run_flags;
  Flags compare_flags;
  compare_flags.trials = 3;  // a comparison states medians: more than one trial per mode

  CLI::App* run = app.add_subcommand("run", "Run one mode and report what happened");
  run->add_option("--mode", run_flags.mode, mode_names_for_humans())->capture_default_str();
  add_common_flags(*run, run_flags);
  run->add_flag("--customers", run_flags.customers,
                "List every customer: pid, parent pid, what it saw, read and wrote");
  run->add_option("--history", run_flags.history,
                  "Write the explained trial's history as Jepsen-style JSON (ops with type "
                  "invoke/ok/fail/info, process, time, f, value)");
  run->add_flag("--in-place", run_flags.in_place,
                "Write the trial's final store back to --store (atomically); otherwise the "
                "store file is never modified");

  CLI::App* compare =
      app.add_subcommand("compare", "Run several modes on the same workload, side by side");
  compare
      ->add_option("--modes", compare_flags.modes,
                   "Comma list of modes, or all (" + mode_names_for_humans() + ")")
      ->capture_default_str();
  add_common_flags(*compare, compare_flags);

  StepFlags step_flags;
  CLI::App* step = app.add_subcommand(
      "step", "Move real customer processes one step at a time, by key (for a classroom)");
  step->add_option("--mode", step_flags.mode, mode_names_for_humans())->capture_default_str();
  step->add_option("--procs", step_flags.procs, "Customers, 1 to 9 (keys 1-9)")
      ->capture_default_str();
  step->add_option("--tickets", step_flags.tickets, "Tickets in the store")->capture_default_str();
  step->add_option("--attempts", step_flags.attempts, "Purchases per customer")
      ->capture_default_str();
  step->add_option("--store", step_flags.store, "JSON store (read, never modified)");
  step->add_flag("--predict", step_flags.predict,
                 "Hide counts and outcomes until revealed (r): students guess first");

  DemoFlags demo_flags;
  CLI::App* demo =
      app.add_subcommand("demo", "The lesson, narrated: oversell, then each lock, then the cost");
  demo->add_option("--lang", demo_flags.lang, "en or zh")->capture_default_str();
  demo->add_option("--pace", demo_flags.pace,
                   "Pause between acts (e.g. 2s, or 0 for none); default: Enter on a terminal");
  demo->add_option("--procs", demo_flags.procs, "Customers")->capture_default_str();

  CheckHistoryOptions check_options;
  CLI::App* check_history = app.add_subcommand(
      "check-history",
      "Check that a history (from --history, or any source in that format) is linearizable "
      "for a ticket counter: exit 0 yes, 3 no, 2 bad input");
  check_history->add_option("FILE", check_options.path, "The history's JSON file (- for stdin)")
      ->required();
  check_history->add_option("--tickets", check_options.tickets,
                            "The count the store held when the history began");
  check_history->add_flag("--json", check_options.json,
                          "Print one JSON document: linearizable, ops and, when not, the "
                          "smallest set of operations that cannot be ordered");

  std::string cleanup_workdir;
  CLI::App* cleanup = app.add_subcommand(
      "cleanup",
      "Remove the trial directories and /dev/shm objects of runs killed by SIGKILL (every "
      "run first does this for the runs of its own work directory)");
  cleanup->add_option("--workdir", cleanup_workdir,
                      "Where the killed runs made their trial directories (default: $TMPDIR "
                      "or /tmp)");

  std::string completion_shell;
  CLI::App* completion =
      app.add_subcommand("completion",
                         "Print a shell completion script (bash), e.g. > ~/.local/share/"
                         "bash-completion/completions/ticketsim");
  completion->add_option("SHELL", completion_shell, "bash")
      ->required()
      ->check(CLI::IsMember({"bash"}));

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    // Point at the help of the subcommand that was typed, when one was.
    std::string help = "ticketsim --help";
    for (const CLI::App* command : app.get_subcommands({})) {
      if (argc > 1 && command->get_name() == argv[1])
        help = "ticketsim " + command->get_name() + " --help";
    }
    std::cerr << "ticketsim: " << e.what() << "\nRun '" << help << "' for usage.\n";
    return kExitUsage;
  }

  install_interrupt_handlers();
  try {
    if (run->parsed()) return run_command(run_flags, *run);
    if (step->parsed()) return step_command(step_flags);
    if (demo->parsed()) return demo_command(demo_flags);
    if (completion->parsed()) {
      std::cout << bash_completion(app);
      return kExitOk;
    }
    if (check_history->parsed()) return check_history_command(check_options, std::cout, std::cerr);
    if (cleanup->parsed()) {
      std::error_code error;
      if (!cleanup_workdir.empty() && !std::filesystem::is_directory(cleanup_workdir, error)) {
        throw UsageError("--workdir", "'" + cleanup_workdir + "' is not a directory");
      }
      remove_leftovers(cleanup_workdir, false);
      return kExitOk;
    }
    return compare_command(compare_flags, *compare);
  } catch (const std::exception&) {
    // Whatever failed after stdout's reader went away (a write's EPIPE): end quietly.
    if (interrupt_signal() == SIGPIPE) return 128 + SIGPIPE;
    try {
      throw;
    } catch (const UsageError& e) {
      std::cerr << "ticketsim: " << e.what() << "\n";
      return kExitUsage;
    } catch (const ConfigError& e) {
      std::cerr << "ticketsim: --" << e.field() << ": " << e.problem() << "\n";
      return kExitUsage;
    } catch (const StoreError& e) {
      std::cerr << "ticketsim: store " << e.path() << ": " << e.problem() << "\n";
      return kExitUsage;
    } catch (const RunError& e) {
      std::cerr << "ticketsim: the run failed: " << e.what() << "\n";
      return kExitRunFailed;
    } catch (const std::exception& e) {
      std::cerr << "ticketsim: the run failed: " << e.what() << "\n";
      return kExitRunFailed;
    }
  }
}

}  // namespace ticketsim
