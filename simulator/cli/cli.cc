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
#include "simulator/classroom/step_web.h"
#include "simulator/cli/check_history_command.h"
#include "simulator/cli/cli_flags.h"
#include "simulator/cli/command_support.h"
#include "simulator/cli/completion.h"
#include "simulator/cli/explore_command.h"
#include "simulator/cli/help_formatter.h"
#include "simulator/cli/sweep_command.h"
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
#include "simulator/text/terminal_width.h"
#include "simulator/text/translate.h"
#include "storage/posix_io.h"
#include "storage/postgres/postgres_store.h"
#include "storage/store_file.h"
#include "storage/unique_fd.h"
#include "ticketsim/experiment.h"
#include "ticketsim/interrupt.h"
#include "ticketsim/version.h"

namespace ticketsim {
namespace {

// `run --json`: the report, and with --customers every customer's record of the explained
// trial, streamed purchase by purchase so that a million purchases never sit in memory.
// `command` names the command that printed it ("run", or "report" reading one back).
void print_run_json(const ExperimentResult& result, bool with_customers,
                    const char* command = "run") {
  StdoutSink out;
  nlohmann::ordered_json report = run_report_json(result);
  report["command"] = command;
  std::string head = report.dump(2);
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
      print_error(message);
    }
  }
  int interrupted_by = result.interrupted_by != 0 ? result.interrupted_by : interrupt_signal();
  return finish_status(interrupted_by, not_safe.describe(), flags.expect_safe, failures, outputs);
}

// Flags of `ticketsim report`.
struct ReportFlags {
  std::string experiment;
  std::string store;
  bool json = false;
  bool forget = false;
};

// `report --experiment NAME --store URL`: the merged report of an experiment run on several
// hosts, read back from the database (or, with --forget, deleted from it).
int report_command(const ReportFlags& flags) {
  if (!is_postgres_url(flags.store)) {
    throw UsageError("--store", tr("experiments of several hosts live in a database: expected "
                                   "postgresql://..."));
  }
  if (flags.forget) {
    if (flags.json) throw UsageError("--json", tr("--forget prints no report; drop --json"));
    shared_experiment_result(flags.store, flags.experiment);  // throws when there is none
    forget_shared_experiment_result(flags.store, flags.experiment);
    StdoutSink().write(trf("Forgot experiment {}.", flags.experiment) + "\n");
    StdoutSink::flush();
    return kExitOk;
  }
  ExperimentResult result = shared_experiment_result(flags.store, flags.experiment);
  try {
    if (flags.json) {
      print_run_json(result, false, "report");
    } else {
      TextReportOptions options = text_options(Flags{});
      options.command = "report";
      StdoutSink().write(render_run_report(result, options));
    }
    StdoutSink::flush();
  } catch (const StdoutClosed&) {
    return 128 + SIGPIPE;
  }
  return kExitOk;
}

int compare_command(const Flags& flags, const CLI::App& command) {
  OutputFiles outputs;
  ExperimentConfig config = prepare_experiment(flags, command, outputs);
  // The table and the statistics need no customer's history; only drawings of a trial do.
  if (flags.html.empty() && flags.trace.empty() && !flags.timeline) {
    config.keep_history = HistoryKept::kNone;
  }
  std::vector<SkippedMode> skipped;
  std::vector<Mode> modes = modes_flag(flags.modes, config, skipped);
  refuse_expect_safe_without_a_promise(flags, modes);
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
    not_safe.judge_promised(result);
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
  bool web = false;
  int port = 0;
};

int step_command(const StepFlags& flags, const CLI::App& command) {
  ExperimentConfig config;
  config.mode = mode_flag("--mode", flags.mode);
  if (flags.procs < 1 || flags.procs > 9) {
    throw UsageError("--procs",
                     trf("step shows 1 to 9 customers, one key each (got {})", flags.procs));
  }
  config.procs = flags.procs;
  config.tickets = flags.tickets;
  config.attempts = flags.attempts;
  config.store_path = flags.store;
  if (flag_given(command, "--port") && !flags.web) {
    throw UsageError("--port", tr("names the port of the page --web serves; add --web"));
  }
  if (flags.port < 0 || flags.port > 65535) {
    throw UsageError("--port", trf("a TCP port is 1 to 65535, or 0 for any (got {})", flags.port));
  }
  remove_leftovers(config.workdir, true);
  if (flags.web) {
    StepWebOptions options;
    options.predict = flags.predict;
    options.port = flags.port;
    return run_step_web(config, options, STDOUT_FILENO);
  }
  StepUiOptions options;
  options.predict = flags.predict;
  options.use_color = stdout_wants_color();
  return run_step_ui(config, options, STDIN_FILENO, STDOUT_FILENO);
}

// Flags of `ticketsim demo`.
struct DemoFlags {
  std::string pace;
  int procs = 15;
};

int demo_command(const DemoFlags& flags) {
  DemoOptions options;
  if (!flags.pace.empty()) options.pace = duration_flag("--pace", flags.pace);
  if (flags.procs < 2 || flags.procs > 100) {
    throw UsageError("--procs", trf("the demo takes 2 to 100 customers (got {})", flags.procs));
  }
  options.procs = flags.procs;
  options.use_color = stdout_wants_color();
  options.width = output_width();
  remove_leftovers("", true);
  return run_demo(options, STDIN_FILENO, STDOUT_FILENO);
}

// CLI11's own messages for the commonest mistakes, in the reader's language: the English
// sentence it wrote, with the part that names the flag or value kept as it is.
std::string parse_error_text(const std::string& what) {
  struct Known {
    const char* english;
    const char* translated;  // a format with the rest of the message as its one argument
  };
  static const Known kKnown[] = {
      {"The following arguments were not expected: ", N_("unexpected arguments: {}")},
      {"The following argument was not expected: ", N_("unexpected argument: {}")},
      {"Could not convert: ", N_("not a value of the right kind: {}")},
      {"A subcommand is required", N_("a command is required (run, compare, sweep, step, demo, "
                                      "...){}")},
  };
  for (const Known& known : kKnown) {
    if (what.rfind(known.english, 0) == 0) {
      return fmt::format(fmt::runtime(tr(known.translated)),
                         what.substr(std::string_view(known.english).size()));
    }
  }
  if (const std::size_t at = what.find(" is required");
      at != std::string::npos && at + 12 == what.size()) {
    return trf("{} is required", what.substr(0, at));
  }
  return what;
}

// The language asked for by --lang (anywhere on the command line: the help is built in it
// before CLI11 parses anything), else by the environment. Empty with `error` set when --lang
// names a language ticketsim has no catalogue for.
std::string requested_language(int argc, char** argv, std::string& error) {
  // The last --lang wins, as CLI11 takes it; a value that is another flag is no language.
  std::optional<std::string> asked;
  for (int i = 1; i < argc; ++i) {
    std::string_view arg = argv[i];
    if (arg == "--") break;
    if (arg == "--lang" && i + 1 < argc && argv[i + 1][0] != '-') asked = argv[i + 1];
    if (arg.rfind("--lang=", 0) == 0) asked = std::string(arg.substr(7));
  }
  if (!asked) return language_from_environment();
  // "zh-CN" as browsers write it, "en_US" as locales do.
  std::string name = *asked;
  std::replace(name.begin(), name.end(), '-', '_');
  // "ZH", "zh_cn": the language part in lower case, the country in upper case, as locales are.
  for (std::size_t i = 0; i < name.size(); ++i) {
    const auto c = static_cast<unsigned char>(name[i]);
    const bool country = name.find('_') < i;
    name[i] = static_cast<char>(country ? std::toupper(c) : std::tolower(c));
  }
  if (name == "en" || name.rfind("en_", 0) == 0 || name == "C") return "en";
  const std::string chosen = choose_language(name);
  if (chosen != "en") return chosen;
  // English here: the language asked for is not there to say it in.
  error = fmt::format(
      "--lang: no catalogue for '{}' (looked in {}: $TICKETSIM_LOCALEDIR, else locale/ or "
      "../share/locale beside the program, else the install prefix); en is always there",
      *asked, find_catalogue_dir());
  return "";
}

}  // namespace

int run_cli(int argc, char** argv) {
  std::string language_error;
  const std::string language = requested_language(argc, argv, language_error);
  if (!language_error.empty()) {
    std::cerr << "ticketsim: " << language_error << "\n";
    return kExitUsage;
  }
  set_language(language);
  const int width = output_width();
  CLI::App app{tr("ticketsim: N customer processes race to buy tickets from a JSON store. "
                  "Shows the races (oversold tickets, lost updates, torn reads) and what each lock "
                  "costs."),
               "ticketsim"};
  app.formatter(wrapping_formatter(width));
  app.option_defaults()->group(tr("Options"));
  app.require_subcommand(1);
  app.fallthrough();  // --lang may follow the subcommand
  std::string lang_flag = language;
  app.add_option("--lang", lang_flag,
                 tr("Language of everything printed: en or zh (default: from LANGUAGE, LC_ALL, "
                    "LC_MESSAGES or LANG; zh_* is Chinese)"))
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeLast);
  app.set_version_flag("-V,--version", std::string("ticketsim ") + kVersion,
                       tr("Print the version and exit"));
  Flags run_flags;
  Flags compare_flags;
  compare_flags.trials = 3;  // a comparison states medians: more than one trial per mode

  CLI::App* run = app.add_subcommand("run", tr("Run one mode and report what happened"));
  run->add_option("--mode", run_flags.mode, mode_names_for_humans())->capture_default_str();
  add_common_flags(*run, run_flags);
  run->add_flag("--customers", run_flags.customers,
                tr("List every customer: pid, parent pid, what it saw, read and wrote"));
  run->add_option("--history", run_flags.history,
                  tr("Write the explained trial's history as Jepsen-style JSON (ops with type "
                     "invoke/ok/fail/info, process, time, f, value)"));
  run->add_option("--hosts", run_flags.hosts,
                  tr("Customers on several hosts: this many ticketsim processes, each started "
                     "with the same flags and --experiment, join one trial through the "
                     "--store database; the last to finish prints the merged report"))
      ->capture_default_str();
  run->add_option("--experiment", run_flags.experiment,
                  tr("With --hosts: the experiment's name, the same on every host (report it "
                     "again with `ticketsim report --experiment NAME`)"));
  run->add_flag("--in-place", run_flags.in_place,
                tr("Write the trial's final store back to --store (atomically); otherwise the "
                   "store file is never modified"));

  CLI::App* compare =
      app.add_subcommand("compare", tr("Run several modes on the same workload, side by side"));
  compare
      ->add_option("--modes", compare_flags.modes,
                   trf("Comma list of modes, or all ({})", mode_names_for_humans()))
      ->capture_default_str();
  add_common_flags(*compare, compare_flags);

  Flags sweep_flags;
  sweep_flags.trials = 10;  // a point states a probability with its interval
  SweepFlags sweep_only_flags;
  CLI::App* sweep = app.add_subcommand(
      "sweep",
      tr("Vary one or two parameters (procs, latency, ...) and run the modes at every point"));
  sweep
      ->add_option("--modes", sweep_flags.modes,
                   trf("Comma list of modes, or all ({})", mode_names_for_humans()))
      ->capture_default_str();
  add_common_flags(*sweep, sweep_flags);
  add_sweep_flags(*sweep, sweep_only_flags);

  StepFlags step_flags;
  CLI::App* step = app.add_subcommand(
      "step", tr("Move real customer processes one step at a time, by key (for a classroom)"));
  // Only the modes whose steps can be granted one by one (as a controlled schedule does).
  std::string steppable;
  for (Mode mode : modes_for_schedule(Schedule::kRoundRobin)) {
    steppable += (steppable.empty() ? "" : ", ") + std::string(mode_name(mode));
  }
  std::string database_modes;  // a database store adds its own
  for (Mode mode : all_modes()) {
    if (!mode_needs_database(mode)) continue;
    database_modes += (database_modes.empty() ? "" : ", ") + std::string(mode_name(mode));
  }
  step->add_option("--mode", step_flags.mode,
                   trf("{}; with --store postgresql://... also {}", steppable, database_modes))
      ->capture_default_str();
  step->add_option("--procs", step_flags.procs, tr("Customers, 1 to 9 (keys 1-9)"))
      ->capture_default_str();
  step->add_option("--tickets", step_flags.tickets, tr("Tickets in the store"))
      ->capture_default_str();
  step->add_option("--attempts", step_flags.attempts, tr("Purchases per customer"))
      ->capture_default_str();
  step->add_option(
      "--store", step_flags.store,
      tr("JSON store (read, never modified), or postgresql://... (a row per session)"));
  step->add_flag("--predict", step_flags.predict,
                 tr("Hide counts and outcomes until revealed (r): students guess first"));
  step->add_flag("--web", step_flags.web,
                 tr("Serve the classroom as a page on 127.0.0.1 (its address, with a secret "
                    "token, is printed) instead of drawing on the terminal"));
  step->add_option("--port", step_flags.port,
                   tr("With --web: the port to listen on (default: any free one)"));

  ExploreFlags explore_flags;
  CLI::App* explore = app.add_subcommand(
      "explore",
      tr("Run the customers under every distinct interleaving of their steps (partial-order "
         "reduction), each on fresh processes, and list every outcome with a schedule that "
         "reproduces it"));
  add_explore_flags(*explore, explore_flags);

  DemoFlags demo_flags;
  CLI::App* demo = app.add_subcommand(
      "demo", tr("The lesson, narrated: oversell, then each lock, then the cost"));
  demo->add_option("--pace", demo_flags.pace,
                   tr("Pause between acts (e.g. 2s, or 0 for none); default: Enter on a terminal"));
  demo->add_option("--procs", demo_flags.procs, tr("Customers, 2 to 100"))->capture_default_str();

  CheckHistoryOptions check_options;
  CLI::App* check_history = app.add_subcommand(
      "check-history",
      tr("Check that a history (from --history, or any source in that format) is linearizable "
         "for a ticket counter: exit 0 yes, 3 no, 2 bad input"));
  check_history->add_option("FILE", check_options.path, tr("The history's JSON file (- for stdin)"))
      ->required();
  check_history->add_option("--tickets", check_options.tickets,
                            tr("The count the store held when the history began"));
  check_history->add_flag("--json", check_options.json,
                          tr("Print one JSON document: linearizable, ops and, when not, the "
                             "smallest set of operations that cannot be ordered"));

  ReportFlags report_flags;
  CLI::App* report = app.add_subcommand(
      "report", tr("Print again the merged report of an experiment several hosts ran together "
                   "(run --hosts N --experiment NAME)"));
  report->add_option("--experiment", report_flags.experiment, tr("The experiment's name"))
      ->required();
  report
      ->add_option("--store", report_flags.store,
                   tr("The database the hosts shared (postgresql://...)"))
      ->required();
  report->add_flag("--json", report_flags.json, tr("Print the report as JSON"));
  report->add_flag("--forget", report_flags.forget,
                   tr("Delete what the database keeps of the experiment instead of printing it"));

  std::string cleanup_workdir;
  CLI::App* cleanup = app.add_subcommand(
      "cleanup",
      tr("Remove the trial directories and /dev/shm objects of runs killed by SIGKILL (every "
         "run first does this for the runs of its own work directory)"));
  cleanup->add_option("--workdir", cleanup_workdir,
                      tr("Where the killed runs made their trial directories (default: $TMPDIR "
                         "or /tmp)"));

  std::string completion_shell;
  CLI::App* completion = app.add_subcommand(
      "completion", tr("Print a shell completion script (bash), e.g. > ~/.local/share/"
                       "bash-completion/completions/ticketsim"));
  completion->add_option("SHELL", completion_shell, "bash")
      ->required()
      ->check(CLI::IsMember({"bash"}));

  // Every command's help flag speaks the language and sits with the other options.
  for (CLI::App* command : app.get_subcommands({})) {
    command->group(tr("Subcommands"));
    command->get_help_ptr()
        ->description(tr("Print this help message and exit"))
        ->group(tr("Options"));
  }
  app.get_help_ptr()->description(tr("Print this help message and exit"))->group(tr("Options"));

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
    for (int i = 1; i < argc && help == "ticketsim --help"; ++i) {
      for (const CLI::App* command : app.get_subcommands({})) {
        if (command->get_name() == argv[i]) help = "ticketsim " + command->get_name() + " --help";
      }
    }
    // A word where a command belongs that names none: say so, not "a command is required".
    std::string message = parse_error_text(e.what());
    if (help == "ticketsim --help") {
      for (int i = 1; i < argc; ++i) {
        std::string_view arg = argv[i];
        if (arg == "--lang") {
          ++i;
          continue;
        }
        if (arg.empty() || arg[0] == '-') continue;
        std::string names;
        for (const CLI::App* command : app.get_subcommands({})) {
          names += (names.empty() ? "" : ", ") + command->get_name();
        }
        message = trf("unknown command '{}'; expected one of {}", arg, names);
        break;
      }
    }
    print_error(message);
    std::cerr << trf("Run '{}' for usage.", help) << "\n";
    return kExitUsage;
  }

  install_interrupt_handlers();
  try {
    if (run->parsed()) return run_command(run_flags, *run);
    if (sweep->parsed()) return sweep_command(sweep_flags, sweep_only_flags, *sweep);
    if (step->parsed()) return step_command(step_flags, *step);
    if (demo->parsed()) return demo_command(demo_flags);
    if (explore->parsed()) return explore_command(explore_flags, *explore);
    if (completion->parsed()) {
      std::cout << bash_completion(app);
      return kExitOk;
    }
    if (check_history->parsed()) return check_history_command(check_options, std::cout, std::cerr);
    if (report->parsed()) return report_command(report_flags);
    if (cleanup->parsed()) {
      std::error_code error;
      if (!cleanup_workdir.empty() && !std::filesystem::is_directory(cleanup_workdir, error)) {
        throw UsageError("--workdir", trf("'{}' is not a directory", cleanup_workdir));
      }
      remove_leftovers(cleanup_workdir, false);
      return kExitOk;
    }
    return compare_command(compare_flags, *compare);
  } catch (const std::exception&) {
    // Whatever failed after stdout's reader went away (a write's EPIPE): end quietly.
    if (interrupt_signal() == SIGPIPE) return 128 + SIGPIPE;
    // A wait for a database or the other hosts that Ctrl-C (or SIGTERM) cut short.
    if (interrupt_signal() != 0) return 128 + interrupt_signal();
    try {
      throw;
    } catch (const UsageError& e) {
      print_error(e.what());
      return kExitUsage;
    } catch (const ConfigError& e) {
      print_error("--" + e.field() + ": " + e.problem());
      return kExitUsage;
    } catch (const StoreError& e) {
      print_error(trf("store {}: {}", e.path(), e.problem()));
      return kExitUsage;
    } catch (const RunError& e) {
      print_error(trf("the run failed: {}", e.what()));
      return kExitRunFailed;
    } catch (const std::exception& e) {
      print_error(trf("the run failed: {}", e.what()));
      return kExitRunFailed;
    }
  }
}

}  // namespace ticketsim
