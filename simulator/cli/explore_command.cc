#include "simulator/cli/explore_command.h"

#include <signal.h>
#include <unistd.h>

#include <cstdio>

#include <fmt/format.h>

#include "simulator/cli/cli.h"
#include "simulator/cli/cli_flags.h"
#include "simulator/cli/command_support.h"
#include "simulator/report/explore_report.h"
#include "simulator/report/output_file.h"
#include "simulator/report/report_html.h"
#include "simulator/report/text_table.h"
#include "simulator/text/terminal_width.h"
#include "simulator/text/translate.h"
#include "simulator/text/wrap.h"
#include "ticketsim/experiment.h"
#include "ticketsim/explore.h"
#include "ticketsim/interrupt.h"

namespace ticketsim {
namespace {

// The progress line on a terminal's stderr: schedules, their rate, the frontier left.
class ExploreProgressLine {
 public:
  ExploreProgressLine() : enabled_(::isatty(STDERR_FILENO)) {}
  ~ExploreProgressLine() { clear(); }
  void operator()(const ExploreProgress& progress) {
    if (!enabled_) return;
    shown_ = true;
    const double rate = progress.elapsed_s > 0 ? progress.schedules / progress.elapsed_s : 0;
    std::string line = trf("explore: {} ({:.0f}/s), {} left, {} so far",
                           counted(progress.schedules, "{} schedule", "{} schedules"), rate,
                           counted(progress.frontier, "{} branch", "{} branches"),
                           counted(progress.outcomes, "{} outcome", "{} outcomes"));
    const std::string fitted = wrap_text(line, output_width() - 1);
    line = fitted.substr(0, fitted.find('\n'));
    std::fprintf(stderr, "\r\x1b[K%s", line.c_str());
    std::fflush(stderr);
  }
  void clear() {
    if (enabled_ && shown_) std::fprintf(stderr, "\r\x1b[K");
    shown_ = false;
  }

 private:
  bool enabled_;
  bool shown_ = false;
};

// The schedule the HTML draws, run again with every step's history: the shortest unsafe one,
// else the first outcome's. Nothing when no schedule ran.
std::optional<TrialResult> rerun_for_html(const ExploreResult& result) {
  const ExploredOutcome* chosen = result.shortest_unsafe();
  if (chosen == nullptr && !result.outcomes.empty()) chosen = &result.outcomes.front();
  if (chosen == nullptr) return std::nullopt;
  ExperimentConfig config = result.config.workload;
  config.schedule = Schedule::kScript;
  config.script = parse_script(chosen->script);
  config.trials = 1;
  config.keep_history = HistoryKept::kEveryTrial;
  ExperimentResult rerun = run_experiment(config);
  if (rerun.trials.empty()) return std::nullopt;
  return std::move(rerun.trials.front());
}

}  // namespace

void add_explore_flags(CLI::App& command, ExploreFlags& flags) {
  command.add_option("--mode", flags.mode, mode_names_for_humans())->capture_default_str();
  command.add_option("--procs", flags.procs, tr("Customers (1 to 64)"))->capture_default_str();
  command.add_option("--attempts", flags.attempts, tr("Purchases per customer"))
      ->capture_default_str();
  command.add_option("--tickets", flags.tickets, tr("Tickets in the store"))->capture_default_str();
  command.add_option("--store", flags.store,
                     tr("JSON store (read, never modified), or a PostgreSQL database, "
                        "postgresql://..., where each schedule gets a row of its own"));
  command
      .add_option("--write", flags.write, tr("How customers rewrite the store: inplace or atomic"))
      ->capture_default_str();
  command.add_option("--workdir", flags.workdir,
                     tr("Where each schedule's trial directory goes (default: $TMPDIR or /tmp)"));
  command
      .add_option("--crashes", flags.crashes,
                  tr("Let up to N customers die (SIGKILL) at any step, as further branches"))
      ->capture_default_str();
  command.add_flag("--no-reduction", flags.no_reduction,
                   tr("Run every interleaving, even those that only reorder steps that commute"));
  command.add_option("--max-schedules", flags.max_schedules,
                     tr("Stop after this many schedules (the result says it is incomplete)"));
  command.add_option("--max-time", flags.max_time,
                     tr("Stop after this long, e.g. 30s (the result says it is incomplete)"));
  command.add_option("--preemptions", flags.preemptions,
                     tr("Only schedules with at most K switches away from a customer that could "
                        "still move (as CHESS bounds them; no reduction)"));
  command.add_option("--jobs", flags.jobs,
                     tr("Worker processes running schedules side by side (default: one per "
                        "core)"));
  command.add_flag("--json", flags.json,
                   tr("Print one JSON document: schedules_run, interleavings_total, complete, "
                      "safe, outcomes"));
  command.add_flag("--expect-safe", flags.expect_safe,
                   tr("Exit 3 unless every interleaving was proven safe: some schedule was "
                      "unsafe, stalled or unprotected, or a bound cut the search short"));
  command.add_option("--html", flags.html,
                     tr("Write an HTML report: the outcomes and the shortest unsafe schedule as "
                        "a timeline"));
}

int explore_command(const ExploreFlags& flags, const CLI::App& command) {
  ExploreConfig config;
  ExperimentConfig& workload = config.workload;
  workload.mode = mode_flag("--mode", flags.mode);
  workload.procs = flags.procs;
  workload.attempts = flags.attempts;
  workload.store_path = flags.store;
  if (flag_given(command, "--tickets") || flags.store.empty()) workload.tickets = flags.tickets;
  const std::optional<WriteStrategy> write = parse_write_strategy(flags.write);
  if (!write) {
    throw UsageError("--write",
                     trf("unknown strategy '{}'; expected inplace or atomic", flags.write));
  }
  workload.write = *write;
  workload.workdir = flags.workdir;
  config.crashes = flags.crashes;
  config.reduction = !flags.no_reduction;
  if (flag_given(command, "--max-schedules")) config.max_schedules = flags.max_schedules;
  if (!flags.max_time.empty()) config.max_time = duration_flag("--max-time", flags.max_time);
  if (flag_given(command, "--preemptions")) config.preemptions = flags.preemptions;
  config.jobs = flags.jobs;
  OutputFiles outputs;
  outputs.set_store(flags.store);
  if (!flags.html.empty()) outputs.add("--html", flags.html);
  config.validate();
  remove_leftovers(workload.workdir, true);

  ExploreResult result;
  {
    ExploreProgressLine progress;
    result = explore(config, std::ref(progress));
  }
  try {
    outputs.write("--html", [&](TextSink& out) {
      std::optional<TrialResult> shown = rerun_for_html(result);
      render_explore_html(result, shown ? &*shown : nullptr, out);
    });
    if (flags.json) {
      StdoutSink().write(explore_report_json(result).dump(2) + "\n");
    } else {
      StdoutSink().write(render_explore_report(result, output_width(), stdout_wants_color()));
    }
    StdoutSink::flush();
  } catch (const StdoutClosed&) {
    return finish_status(SIGPIPE, "", false, {}, outputs);
  } catch (const OutputInterrupted&) {
    outputs.skip_all();
    return finish_status(interrupt_signal(), "", false, {}, outputs);
  }
  // --expect-safe asks for proof, as run's does: a schedule unsafe or stalled, a search cut
  // short before it covered what was asked, or mode none's unprotected schedules all fail it.
  std::string not_safe;
  std::int64_t unprotected = 0;
  for (const ExploredOutcome& outcome : result.outcomes) {
    unprotected += outcome.verdict == "unprotected" ? outcome.count : 0;
  }
  if (!result.found_unsafe() && !result.covered_bound()) {
    not_safe = tr("the search was cut short, so nothing is proven");
  } else if (!result.found_unsafe() && unprotected > 0) {
    not_safe = trf("{} of {} were unprotected (mode none protects nothing)",
                   counted(unprotected, "{} schedule", "{} schedules"), result.schedules_run);
  }
  if (result.found_unsafe()) {
    std::int64_t bad = 0;
    for (const ExploredOutcome& outcome : result.outcomes) {
      bad += outcome.unsafe || outcome.stalled ? outcome.count : 0;
    }
    not_safe = trf("{} of {} were unsafe or stalled", counted(bad, "{} schedule", "{} schedules"),
                   result.schedules_run);
  }
  const int interrupted_by =
      result.interrupted_by != 0 ? result.interrupted_by : interrupt_signal();
  return finish_status(interrupted_by, not_safe, flags.expect_safe, {}, outputs);
}

}  // namespace ticketsim
