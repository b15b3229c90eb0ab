#include "simulator/cli.h"

#include <unistd.h>

#include <fcntl.h>

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

#include "locks/customer_lock.h"
#include "simulator/demo.h"
#include "simulator/demo_text.h"
#include "simulator/experiment.h"
#include "simulator/history_export.h"
#include "simulator/interrupt.h"
#include "simulator/report_html.h"
#include "simulator/report_json.h"
#include "simulator/report_text.h"
#include "simulator/step_ui.h"
#include "simulator/text_table.h"
#include "simulator/timeline_text.h"
#include "simulator/trace_export.h"
#include "storage/posix_io.h"
#include "storage/store_file.h"
#include "storage/unique_fd.h"

namespace ticketsim {
namespace {

// A flag's value is unusable. what() is the message; flag() the flag as typed.
class UsageError : public std::runtime_error {
 public:
  UsageError(const std::string& flag, const std::string& problem)
      : std::runtime_error(flag + ": " + problem) {}
};

// Raw flag values, as CLI11 fills them; turned into an ExperimentConfig by make_config().
struct Flags {
  std::string mode = "none";
  std::string modes = "all";
  int procs = 15;
  std::int64_t tickets = 0;
  int attempts = 1;
  std::string latency = "50ms";
  std::string search_latency = "0";
  std::string schedule = "free";
  int trials = 1;
  std::string store;
  std::string seed = "1";
  std::string trial_timeout;
  std::string workdir;
  bool json = false;
  bool expect_safe = false;
  bool customers = false;
  bool in_place = false;
  bool timeline = false;
  bool no_times = false;
  double crash_prob = 0;
  std::string crash_at = "after-acquire";
  std::string pause_holder;
  std::string lock_timeout;
  std::string write = "inplace";
  std::string html;
  std::string history;
  std::string trace;
};

// Adds the flags `run` and `compare` share.
void add_common_flags(CLI::App& command, Flags& flags) {
  command.add_option("--procs", flags.procs, "Customers (child processes) per trial")
      ->capture_default_str();
  command.add_option("--tickets", flags.tickets,
                     "Tickets at the start of each trial (overrides the store's count)");
  command.add_option("--attempts", flags.attempts, "Purchases per customer")->capture_default_str();
  command
      .add_option("--latency", flags.latency,
                  "Think time inside each purchase, between read and write: 50ms, 200us, 0, "
                  "or a range 10ms..50ms drawn per purchase from --seed")
      ->capture_default_str();
  command.add_option("--search-latency", flags.search_latency, "Think time after searching")
      ->capture_default_str();
  command
      .add_option("--schedule", flags.schedule,
                  "free (the OS decides), lockstep (everyone reads before anyone writes), or a "
                  "controlled one, one step at a time: random (seeded by --seed), round-robin, "
                  "script:\"1:search 2:search 1:acquire ...\", file:PATH, replay:REPORT.json")
      ->capture_default_str();
  command.add_option("--trials", flags.trials, "Independent trials, each on a fresh store copy")
      ->capture_default_str();
  command.add_option("--store", flags.store,
                     "JSON store such as data/tickets.json; read, never modified (default: a "
                     "fresh {\"count\": N} store)");
  command.add_option("--seed", flags.seed, "Seed for latency ranges")->capture_default_str();
  command.add_option("--trial-timeout", flags.trial_timeout,
                     "Kill a trial still running after this long and report it stalled "
                     "(default: 30s + 3x the serial workload)");
  command.add_option("--workdir", flags.workdir,
                     "Where private trial directories are created (default: $TMPDIR or /tmp)");
  command.add_flag("--json", flags.json, "Print one JSON document on stdout and nothing else");
  command.add_flag("--timeline", flags.timeline,
                   "Draw the explained trial as a timeline: one lane per customer");
  command.add_option("--html", flags.html,
                     "Write a self-contained HTML report (SVG timeline; compare adds the "
                     "safety-versus-throughput chart)");
  command.add_option("--trace", flags.trace,
                     "Write Chrome Trace Event JSON (open in https://ui.perfetto.dev): one "
                     "track per customer, lock wait and hold as slices");
  command.add_flag("--no-times", flags.no_times,
                   "Do not record step times (measures what recording costs; no timeline, "
                   "no mutual-exclusion check)");
  command
      .add_option("--write", flags.write,
                  "How customers rewrite the store: inplace (pwrite + ftruncate) or atomic "
                  "(temporary file, fsync, rename, directory fsync)")
      ->capture_default_str();
  command.add_option(
      "--crash-prob", flags.crash_prob,
      "Probability that a purchase dies by SIGKILL at --crash-at (seeded by --seed)");
  command
      .add_option("--crash-at", flags.crash_at,
                  "Where an injected crash strikes: after-acquire, mid-write or before-release")
      ->capture_default_str();
  command.add_option("--pause-holder", flags.pause_holder,
                     "Stop (SIGSTOP) the first lock holder this long, to show what waiting costs");
  command.add_option("--lock-timeout", flags.lock_timeout,
                     "Give up waiting for a named-mutex or robust-mutex lock after this long, and "
                     "report the trial stalled (default: 5s + 2x the serial purchases)");
  command.add_flag("--expect-safe", flags.expect_safe,
                   "Exit 3 when any trial raced (oversold, lost an update, tore a read, "
                   "overlapped critical sections) or stalled");
}

Nanoseconds duration_flag(const std::string& flag, const std::string& text) {
  try {
    return parse_duration(text);
  } catch (const DurationError& e) {
    throw UsageError(flag, e.what());
  }
}

Mode mode_flag(const std::string& flag, const std::string& text) {
  if (auto mode = parse_mode(text)) return *mode;
  throw UsageError(
      flag, fmt::format("unknown mode '{}'; expected one of {}", text, mode_names_for_humans()));
}

// Which workload flags the user typed (a replayed report fills in the others).
struct GivenFlags {
  bool mode = false, procs = false, tickets = false, attempts = false;
};

// Reads a schedule or report file named by --schedule; at most 1 MiB.
std::string read_schedule_file(const std::string& path) {
  try {
    UniqueFd fd = open_or_throw(path, O_RDONLY);
    std::string text;
    if (!pread_whole_file(fd.get(), text, 1u << 20)) {
      throw UsageError("--schedule", "'" + path + "' is larger than 1 MiB");
    }
    return text;
  } catch (const SystemError& e) {
    throw UsageError("--schedule", std::string("cannot read the schedule: ") + e.what());
  }
}

std::vector<StepToken> script_flag(std::string_view text) {
  try {
    return parse_script(text);
  } catch (const std::invalid_argument& e) {
    throw UsageError("--schedule", e.what());
  }
}

// --schedule NAME | script:"1:search 2:search ..." | file:PATH | replay:REPORT.json. A
// replayed report (ticketsim run --json) also supplies the workload flags not given.
void apply_schedule_flag(const std::string& value, ExperimentConfig& config,
                         const GivenFlags& given) {
  auto starts_with = [&](std::string_view prefix) { return value.rfind(prefix, 0) == 0; };
  if (starts_with("script:")) {
    config.schedule = Schedule::kScript;
    config.script = script_flag(std::string_view(value).substr(7));
    return;
  }
  if (starts_with("file:")) {
    config.schedule = Schedule::kScript;
    config.script = script_flag(read_schedule_file(value.substr(5)));
    return;
  }
  if (starts_with("replay:")) {
    std::string path = value.substr(7);
    std::string text = read_schedule_file(path);
    auto report = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
    if (report.is_discarded()) {  // a plain schedule file
      config.schedule = Schedule::kScript;
      config.script = script_flag(text);
      return;
    }
    if (!report.is_object() || !report.contains("schedule_ran") ||
        !report["schedule_ran"].is_string() || report["schedule_ran"].get<std::string>().empty()) {
      throw UsageError("--schedule", "'" + path +
                                         "' is not a ticketsim run --json report of a "
                                         "controlled schedule (no \"schedule_ran\")");
    }
    config.schedule = Schedule::kScript;
    config.script = script_flag(report["schedule_ran"].get<std::string>());
    try {
      if (!given.mode) config.mode = mode_flag("--schedule", report.at("mode").get<std::string>());
      if (!given.procs) config.procs = report.at("procs").get<int>();
      if (!given.attempts) config.attempts = report.at("attempts").get<int>();
      if (!given.tickets) config.tickets = report.at("tickets").get<std::int64_t>();
    } catch (const nlohmann::json::exception& e) {
      throw UsageError("--schedule", "'" + path + "' lacks the workload of the run: " + e.what());
    }
    return;
  }
  auto schedule = parse_schedule(value);
  if (!schedule || *schedule == Schedule::kScript) {
    throw UsageError("--schedule",
                     fmt::format("unknown schedule '{}'; expected free, lockstep, random, "
                                 "round-robin, script:\"1:search 2:search ...\", file:PATH or "
                                 "replay:REPORT.json",
                                 value));
  }
  config.schedule = *schedule;
}

ExperimentConfig make_config(const Flags& flags, const CLI::App& command) {
  const CLI::Option* tickets_option = command.get_option("--tickets");
  GivenFlags given;
  given.mode = command.get_option_no_throw("--mode") != nullptr &&
               command.get_option_no_throw("--mode")->count() > 0;
  given.procs = command.get_option("--procs")->count() > 0;
  given.tickets = tickets_option->count() > 0;
  given.attempts = command.get_option("--attempts")->count() > 0;
  ExperimentConfig config;
  config.mode = mode_flag("--mode", flags.mode);
  config.procs = flags.procs;
  if (tickets_option->count() > 0) config.tickets = flags.tickets;
  config.attempts = flags.attempts;
  apply_schedule_flag(flags.schedule, config, given);
  try {
    config.latency = parse_duration_range(flags.latency);
  } catch (const DurationError& e) {
    throw UsageError("--latency", e.what());
  }
  config.search_latency = duration_flag("--search-latency", flags.search_latency);
  config.trials = flags.trials;
  config.store_path = flags.store;
  const char* seed_end = flags.seed.data() + flags.seed.size();
  auto [parsed_end, error] = std::from_chars(flags.seed.data(), seed_end, config.seed);
  if (flags.seed.empty() || error != std::errc() || parsed_end != seed_end) {
    throw UsageError("--seed", "'" + flags.seed + "' is not a whole number from 0 to 2^64-1");
  }
  if (!flags.trial_timeout.empty()) {
    config.trial_timeout = duration_flag("--trial-timeout", flags.trial_timeout);
  }
  config.workdir = flags.workdir;
  config.in_place = flags.in_place;
  config.record_times = !flags.no_times;
  auto write = parse_write_strategy(flags.write);
  if (!write) {
    throw UsageError("--write",
                     fmt::format("unknown strategy '{}'; expected inplace or atomic", flags.write));
  }
  config.write = *write;
  config.crash_probability = flags.crash_prob;
  auto crash_at = parse_crash_point(flags.crash_at);
  if (!crash_at) {
    throw UsageError("--crash-at", fmt::format("unknown point '{}'; expected after-acquire, "
                                               "mid-write or before-release",
                                               flags.crash_at));
  }
  config.crash_at = *crash_at;
  if (!flags.pause_holder.empty()) {
    config.pause_holder = duration_flag("--pause-holder", flags.pause_holder);
  }
  if (!flags.lock_timeout.empty()) {
    config.lock_timeout = duration_flag("--lock-timeout", flags.lock_timeout);
  }
  // Only the trial a report explains keeps its customers' history: long experiments stay small.
  config.keep_history = HistoryKept::kExplainedTrial;
  return config;
}

std::vector<Mode> modes_flag(const std::string& text, Schedule schedule,
                             std::vector<SkippedMode>& skipped) {
  if (text == "all") {
    if (schedule == Schedule::kLockstep) {
      skipped.push_back({Mode::kJoin,
                         "lockstep has no meaning with join: join runs one customer at a time, "
                         "so no customer can wait for another to read"});
    }
    return modes_for_schedule(schedule);
  }
  std::vector<Mode> modes;
  std::stringstream list(text);
  std::string name;
  while (std::getline(list, name, ',')) {
    if (name.empty()) throw UsageError("--modes", "empty mode name in '" + text + "'");
    Mode mode = mode_flag("--modes", name);
    for (Mode seen : modes) {
      if (seen == mode) throw UsageError("--modes", "mode '" + name + "' is listed twice");
    }
    modes.push_back(mode);
  }
  if (modes.empty()) {
    throw UsageError("--modes", "expected a comma list such as none,flock or 'all'");
  }
  return modes;
}

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

int finish_status(bool interrupted_by_signal, int signal_number, bool raced, bool expect_safe,
                  const std::vector<std::string>& failures) {
  for (const std::string& failure : failures) std::cerr << "ticketsim: " << failure << "\n";
  if (interrupted_by_signal) return 128 + signal_number;
  if (!failures.empty()) return kExitRunFailed;
  if (expect_safe && raced) return kExitRaceFound;
  return kExitOk;
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
// exit 2, nothing run), written atomically after it.
class OutputFiles {
 public:
  void add(const std::string& flag, const std::string& path) {
    if (path.empty()) return;
    namespace fs = std::filesystem;
    fs::path directory = fs::path(path).parent_path();
    if (directory.empty()) directory = ".";
    std::error_code error;
    if (fs::is_directory(path, error)) throw UsageError(flag, "'" + path + "' is a directory");
    if (!fs::is_directory(directory, error) || ::access(directory.c_str(), W_OK) != 0) {
      throw UsageError(flag, "cannot write '" + path + "': directory '" + directory.string() +
                                 "' does not exist or is not writable");
    }
    paths_[flag] = path;
  }
  bool wants(const std::string& flag) const { return paths_.count(flag) > 0; }
  // Writes `content` to the file named by `flag`; a failure is a failure of the run.
  void write(const std::string& flag, const std::string& content) const {
    auto it = paths_.find(flag);
    if (it == paths_.end()) return;
    try {
      write_file_atomically(it->second, content);
    } catch (const std::exception& e) {
      throw RunError(flag + ": " + e.what());
    }
  }

 private:
  std::map<std::string, std::string> paths_;
};

TextReportOptions text_options(const Flags& flags) {
  TextReportOptions options;
  options.use_color = stdout_wants_color();
  options.show_customers = flags.customers;
  options.show_timeline = flags.timeline;
  options.width = terminal_width();
  return options;
}

int run_command(const Flags& flags, const CLI::App& command) {
  ExperimentConfig config = make_config(flags, command);
  OutputFiles outputs;
  outputs.add("--html", flags.html);
  outputs.add("--history", flags.history);
  outputs.add("--trace", flags.trace);
  Progress progress(config.trials);
  ExperimentResult result = run_experiment(config, std::ref(progress));
  progress.clear();
  if (flags.json) {
    std::cout << run_report_json(result).dump(2) << "\n";
  } else {
    std::cout << render_run_report(result, text_options(flags));
  }
  std::cout.flush();
  if (const TrialResult* shown = explained_trial(result)) {
    outputs.write("--html", render_run_html(result));
    if (outputs.wants("--history")) {
      try {
        outputs.write("--history", jepsen_history(*shown).dump(1) + "\n");
      } catch (const std::invalid_argument& e) {
        throw RunError(std::string("--history: ") + e.what());
      }
    }
    std::string label = fmt::format("{}, trial {}", mode_name(shown->mode), shown->index + 1);
    outputs.write("--trace", chrome_trace({TracedTrial{shown, label}}).dump() + "\n");
  }
  bool raced = false;
  for (const TrialResult& trial : result.trials) raced = raced || trial.unsafe() || trial.stalled;
  std::vector<std::string> failures;
  collect_failures(result, failures);
  return finish_status(result.interrupted_by != 0, result.interrupted_by, raced, flags.expect_safe,
                       failures);
}

int compare_command(const Flags& flags, const CLI::App& command) {
  ExperimentConfig config = make_config(flags, command);
  OutputFiles outputs;
  outputs.add("--html", flags.html);
  outputs.add("--trace", flags.trace);
  std::vector<SkippedMode> skipped;
  std::vector<Mode> modes = modes_flag(flags.modes, config.schedule, skipped);
  Progress progress(config.trials * static_cast<int>(modes.size()));
  Comparison comparison = run_comparison(config, modes, std::ref(progress));
  progress.clear();
  if (flags.json) {
    std::cout << compare_report_json(comparison, skipped).dump(2) << "\n";
  } else {
    std::cout << render_compare_report(comparison, skipped, text_options(flags));
  }
  std::cout.flush();
  outputs.write("--html", render_compare_html(comparison, skipped));
  std::vector<TracedTrial> traced;
  for (const ExperimentResult& result : comparison.results) {
    if (const TrialResult* shown = explained_trial(result)) {
      traced.push_back(TracedTrial{
          shown, fmt::format("{}, trial {}", mode_name(shown->mode), shown->index + 1)});
    }
  }
  outputs.write("--trace", chrome_trace(traced).dump() + "\n");
  bool raced = false;
  std::vector<std::string> failures;
  for (const ExperimentResult& result : comparison.results) {
    collect_failures(result, failures);
    // Mode none is expected to race; --expect-safe judges the modes that promise safety.
    if (result.config.mode == Mode::kNone) continue;
    for (const TrialResult& trial : result.trials) raced = raced || trial.unsafe() || trial.stalled;
  }
  return finish_status(comparison.interrupted_by != 0, comparison.interrupted_by, raced,
                       flags.expect_safe, failures);
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
  return run_demo(options, STDIN_FILENO, STDOUT_FILENO);
}

}  // namespace

int run_cli(int argc, char** argv) {
  CLI::App app{
      "ticketsim: N customer processes race to buy tickets from a JSON store.\n"
      "Shows the races (oversold tickets, lost updates, torn reads) and what each lock costs."};
  app.require_subcommand(1);
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

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    std::cerr << "ticketsim: " << e.what() << "\nRun 'ticketsim --help' (or 'ticketsim "
              << "run --help') for usage.\n";
    return kExitUsage;
  }

  install_interrupt_handlers();
  try {
    if (run->parsed()) return run_command(run_flags, *run);
    if (step->parsed()) return step_command(step_flags);
    if (demo->parsed()) return demo_command(demo_flags);
    return compare_command(compare_flags, *compare);
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

}  // namespace ticketsim
