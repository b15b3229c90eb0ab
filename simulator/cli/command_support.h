// What the commands that run experiments share: leftovers of killed runs, the report files
// named by flags, the refusal of flags that cannot apply, progress, and the exit status.
#pragma once

#include <algorithm>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include <fmt/format.h>
#include <CLI/CLI.hpp>

#include "simulator/cli/cli_flags.h"
#include "simulator/report/output_file.h"
#include "simulator/report/report_text.h"
#include "simulator/text/translate.h"
#include "ticketsim/experiment.h"
#include "ticketsim/interrupt.h"

namespace ticketsim {

// Shows "trial 3/10 flock" on stderr while trials run, when stderr is a terminal.
class Progress {
 public:
  explicit Progress(int total_trials);
  ~Progress() { clear(); }
  void operator()(const TrialResult& trial);
  void clear();

 private:
  int total_;
  int done_ = 0;
  bool enabled_;
};

// Removes what runs killed by SIGKILL left in `workdir` and /dev/shm, and says on stderr
// what it removed (stdout stays the report's). `quiet_if_none`: say nothing when there
// was nothing (every run does this first); otherwise say so (`ticketsim cleanup`).
void remove_leftovers(const std::string& workdir, bool quiet_if_none);

// Writes "ticketsim: <message>" to stderr, wrapped to the screen's width like every other
// line a person reads (continuation lines indented two columns).
void print_error(const std::string& message);

// Customer errors make the run a failure (exit 1); name the first one.
void collect_failures(const ExperimentResult& result, std::vector<std::string>& failures);

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
  void add(const std::string& flag, const std::string& path);
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

// The text report options the flags ask for, at the terminal's width.
TextReportOptions text_options(const Flags& flags);

// Refuses, before anything runs, every flag that could not apply to this run (exit 2):
// a flag is honoured or refused, never silently ignored.
void refuse_inapplicable_flags(const Flags& flags, const CLI::App& command,
                               const ExperimentConfig& config);

// A replayed report supplies the workload its schedule was recorded for: a typed workload
// flag that disagrees with it would run the script on another workload, so it is refused.
void refuse_replay_overrides(const Flags& flags, const CLI::App& command);

// What --expect-safe judges: the trials that were not safe, by verdict.
struct NotSafe {
  int trials = 0;  // trials judged
  std::map<std::string, int> by_verdict;

  void judge(const TrialResult& trial) {
    ++trials;
    std::string verdict(trial.verdict());
    if (verdict != "safe") ++by_verdict[verdict];
  }
  // The trials of a mode that promises safety; mode none is expected to race (compare, sweep).
  void judge_promised(const ExperimentResult& result) {
    if (result.config.mode == Mode::kNone) return;
    for (const TrialResult& trial : result.trials) judge(trial);
  }
  // "2 of 5 trials were not safe (UNSAFE 1, unprotected 1)", or "" when all were.
  std::string describe() const {
    int count = 0;
    std::string kinds;
    for (const auto& [verdict, n] : by_verdict) {
      count += n;
      kinds +=
          fmt::format("{}{} {}", kinds.empty() ? "" : trc("list", ", "), verdict_text(verdict), n);
    }
    if (count == 0) return "";
    return trnf("{0} of {1} was not safe ({2})", "{0} of {1} were not safe ({2})", count, count,
                counted(trials, "{} trial", "{} trials"), kinds);
  }
};

// compare and sweep judge only the modes that promise safety: --expect-safe with nothing but
// none to judge is refused (UsageError) rather than passed vacuously.
void refuse_expect_safe_without_a_promise(const Flags& flags, const std::vector<Mode>& modes);

// Ends a command: failures on stderr, then the exit status. A closed stdout (SIGPIPE) ends
// quietly; another interrupt exits 128 + its signal. `not_safe`: what --expect-safe found
// ("" when every judged trial was safe); it is said on stderr when it makes the status 3.
int finish_status(int interrupted_by, const std::string& not_safe, bool expect_safe,
                  const std::vector<std::string>& failures, const OutputFiles& outputs);

// What `run` and `compare` do before any trial: the config from the flags, every refusal of a
// flag that cannot apply, the leftovers of killed runs of this workdir, and the checked report
// files (flags.history is empty for compare).
ExperimentConfig prepare_experiment(const Flags& flags, const CLI::App& command,
                                    OutputFiles& outputs);

}  // namespace ticketsim
