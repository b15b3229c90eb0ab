// Text reports: the tables and sentences a student reads at a glance.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "ticketsim/experiment.h"

namespace ticketsim {

struct TextReportOptions {
  bool use_color = false;
  bool show_customers = false;  // one lesson-style line per customer (pid, ppid, what it saw)
  bool show_timeline = false;   // the terminal timeline of the explained trial(s)
  int width = 80;               // columns no line may exceed (the timeline's too)
  int max_witnesses = 6;        // witness lines shown (all are in --json)
  // The heading of a run report: "ticketsim <command>: ..., schedule <schedule>". An empty
  // schedule names the config's; `step` says that a person moved the customers.
  std::string command = "run";
  std::string schedule;
  // A person chose every step (`step`): the times are human time, so no wall time or
  // throughput is shown, and a session left before every customer finished is judged
  // unfinished, not safe.
  bool by_hand = false;
};

// A mode left out of a comparison, and why.
struct SkippedMode {
  Mode mode;
  std::string reason;
};

// `ticketsim run`: the workload, one row per trial (a summary row when there are several),
// and plain sentences saying what happened.
std::string render_run_report(const ExperimentResult& result, const TextReportOptions& options);

// `ticketsim compare`: one row per mode over the same workload, and what safety cost.
std::string render_compare_report(const Comparison& comparison,
                                  const std::vector<SkippedMode>& skipped,
                                  const TextReportOptions& options);

// Why a trial stalled, in the reader's language (the record keeps the English).
std::string stall_reason_text(const TrialResult& trial);

// Sentences explaining one trial's findings ("15 customers were told ...").
// `by_hand`: a person chose the steps (`step`), which says itself how the session ended.
std::vector<std::string> explain_trial(const TrialResult& trial, bool by_hand = false);

// The witnesses (up to `max_lines`, then how many more) and the mutual-exclusion check of
// one trial, as indented lines.
// The double sales come first (the headline: "ticket 1 was sold 15 times"), then the pairs
// of writes that show how. Lines are wrapped to `width` columns.
std::string render_witnesses(const TrialResult& trial, int max_lines, int width = 80);
std::string render_mutex_check(const TrialResult& trial, int width = 80);

// Controlled schedules: the schedule that ran (replayable) and its steps, up to `max_lines`.
std::string render_steps(const TrialResult& trial, int max_lines, int width = 80);

// A step's note ("customer 1 holds the lock", "sold out") in the reader's language; the
// step log and the JSON keep the English.
std::string note_text(const std::string& note);

// "1:search(saw 1)", "2:acquire[BLOCKED: customer 1 holds the lock]": one step, briefly.
std::string describe(const StepRecord& step);

// Lost updates summed over an experiment's trials where they are known: "3", a range "3-5"
// when some writes were indeterminate, with "+?" when some trial's are unknown (its final store
// did not parse), or "unknown" when every trial's are.
std::string lost_updates_total_text(const ExperimentResult& result, const ModeSummary& summary);

// The workload as one line of settings: "15 customers x 1 attempt, 1 ticket, latency 10ms,
// ..., schedule free" (`schedule` empty: the config's own), in the reader's language.
std::string workload_settings(const ExperimentConfig& config, std::int64_t tickets,
                              const std::string& schedule = "");

// A purchase's or search's outcome in the reader's words ("sold out", not sold_out).
std::string outcome_text(Outcome outcome);

// A store's label as the reader reads it ("(fresh store)" translated; a path as it is).
std::string store_label_text(const std::string& label);

// One trial's lost updates: exact, a range when some writes are indeterminate, or "unknown"
// (an unreadable final store).
std::string lost_updates_text(const TrialResult& trial);

// A verdict ("safe", "UNSAFE", "unprotected", ...) in the reader's language; the JSON keeps
// the English word.
std::string verdict_text(std::string_view verdict);

// A lock wait given in microseconds, in the unit that reads best: "850 us", "80.1 ms", "2.35 s".
std::string format_wait_us(double us);

}  // namespace ticketsim
