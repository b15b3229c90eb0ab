#include "simulator/report/report_text.h"

#include <sys/wait.h>

#include <algorithm>
#include <cstring>
#include <utility>

#include <fmt/format.h>

#include "simulator/report/text_table.h"
#include "simulator/report/timeline_text.h"
#include "ticketsim/interrupt.h"

namespace ticketsim {

std::string format_wait_us(double us) {
  if (us < 1000) return fmt::format("{:.0f} us", us);
  if (us < 1e6) return fmt::format("{:.1f} ms", us / 1e3);
  return fmt::format("{:.2f} s", us / 1e6);
}
namespace {

constexpr int kMaxTrialRows = 20;  // more trials: summary row only (all of them are in --json)

const char* verdict_color(std::string_view verdict) {
  if (verdict == "safe") return "32";      // green
  if (verdict == "UNSAFE") return "1;31";  // bold red
  return "33";                             // yellow: unprotected, stalled, error, interrupted
}

std::string range_text(std::int64_t min, std::int64_t max) {
  return min == max ? fmt::format("{}", min) : fmt::format("{}-{}", min, max);
}

// A final-count range over trials; trials whose final store did not parse are named.
std::string final_count_text(const ModeSummary& summary) {
  if (summary.final_count_unknown == summary.trials) return "unreadable";
  std::string text = range_text(summary.final_count_min, summary.final_count_max);
  if (summary.final_count_unknown > 0) {
    text += fmt::format(" ({} unreadable)", summary.final_count_unknown);
  }
  return text;
}

std::string rate_text(double per_second) {
  if (per_second >= 100) return fmt::format("{:.0f}", per_second);
  return fmt::format("{:.1f}", per_second);
}

std::string workload_line(const std::string& command, const ExperimentConfig& config,
                          std::int64_t tickets, const std::string& schedule = "") {
  std::string line =
      fmt::format("ticketsim {}: {} x {}, {}", command, plural(config.procs, "customer"),
                  plural(config.attempts, "attempt"), plural(tickets, "ticket"));
  // A controlled schedule grants steps; it does not wait out think times.
  if (!is_controlled(config.schedule)) {
    line += fmt::format(", latency {}", format_duration_range(config.latency));
  }
  if (config.search_latency.count() > 0 && !is_controlled(config.schedule)) {
    line += fmt::format(", search latency {}", format_duration(config.search_latency));
  }
  if (config.hold.count() > 0 && !is_controlled(config.schedule)) {
    line += fmt::format(", hold {}", format_duration(config.hold));
  }
  if (config.pool > 0) line += fmt::format(", pool of {}", plural(config.pool, "worker"));
  line += fmt::format(", schedule {}",
                      schedule.empty() ? std::string(schedule_name(config.schedule)) : schedule);
  if (!config.latency.fixed() || config.schedule == Schedule::kRandom) {
    line += fmt::format(", seed {}", config.seed);
  }
  return line;
}

// Exact, a range when some writes are indeterminate, or "unknown" (unreadable final store).
std::string lost_updates_text(const TrialResult& trial) {
  if (!trial.lost_updates) return "unknown";
  if (trial.lost_updates_max && *trial.lost_updates_max != *trial.lost_updates) {
    return fmt::format("{}-{}", *trial.lost_updates, *trial.lost_updates_max);
  }
  return fmt::format("{}", *trial.lost_updates);
}

// "no update lost" when that is known; with indeterminate writes, how many may have been.
std::string no_update_lost(const TrialResult& trial) {
  if (trial.lost_updates_max.value_or(0) == 0) return "no update lost";
  return fmt::format(
      "no update known to be lost (up to {} may have been: see the indeterminate "
      "writes)",
      *trial.lost_updates_max);
}

std::vector<TextTable::Cell> trial_row(const std::string& label, const TrialResult& trial) {
  std::string verdict(trial.verdict());
  return {{label},
          {fmt::format("{}", trial.sold)},
          {fmt::format("{}", trial.oversold), trial.oversold > 0 ? "31" : ""},
          {lost_updates_text(trial), trial.lost_updates.value_or(0) > 0 ? "31" : ""},
          {fmt::format("{}", trial.torn_reads), trial.torn_reads > 0 ? "31" : ""},
          {trial.final_count ? fmt::format("{}", *trial.final_count) : "unreadable"},
          {fmt::format("{:.1f}", trial.wall_ms())},
          {rate_text(trial.purchases_per_s)},
          {verdict, verdict_color(verdict)}};
}

std::vector<TextTable::Cell> summary_row(const std::string& label, const ExperimentResult& result,
                                         const ModeSummary& summary) {
  std::string oversold = fmt::format("{}", summary.oversold_max);
  if (summary.trials > 1) {
    oversold =
        fmt::format("{} ({}/{})", summary.oversold_max, summary.oversold_trials, summary.trials);
  }
  return {{label},
          {range_text(summary.sold_min, summary.sold_max)},
          {oversold, summary.oversold_max > 0 ? "31" : ""},
          {lost_updates_total_text(result, summary), summary.lost_updates_total > 0 ? "31" : ""},
          {fmt::format("{}", summary.torn_reads_total), summary.torn_reads_total > 0 ? "31" : ""},
          {final_count_text(summary)},
          // No trial ran to its end (interrupted): no timing to state.
          {summary.wall_ms_median > 0 ? fmt::format("{:.1f}", summary.wall_ms_median) : "-"},
          {summary.wall_ms_median > 0 ? rate_text(summary.purchases_per_s_median) : "-"},
          {summary.verdict, verdict_color(summary.verdict)}};
}

const std::vector<std::string> kColumns{"mode",         "sold",        "oversold",
                                        "lost updates", "torn reads",  "final count",
                                        "wall ms",      "purchases/s", "verdict"};

std::string customer_lines(const TrialResult& trial) {
  std::string out;
  for (const CustomerHistory& customer : trial.customers) {
    std::string saw = customer.search.outcome == Outcome::kSeen
                          ? fmt::format("saw {} left", customer.search.value_seen)
                          : std::string(outcome_name(customer.search.outcome));
    std::string bought;
    for (const PurchaseRecord& purchase : customer.purchases) {
      if (!bought.empty()) bought += ", ";
      if (purchase.outcome == Outcome::kBought) {
        bought +=
            fmt::format("read {} wrote {}: BOUGHT", purchase.value_read, purchase.value_written);
      } else if (purchase.outcome == Outcome::kSoldOut) {
        bought += fmt::format("read {}: sold out", purchase.value_read);
      } else {
        bought += std::string(outcome_name(purchase.outcome));
      }
    }
    std::string ending;
    if (customer.killed_by_run) {
      ending = " (killed by the run)";
    } else if (WIFSIGNALED(customer.wait_status)) {
      ending = fmt::format(" (died: {})", ::strsignal(WTERMSIG(customer.wait_status)));
    }
    if (!customer.error.empty()) ending += " error: " + customer.error;
    out += fmt::format("  customer {:>3}  pid {} ppid {}  {}; {}{}\n", customer.index + 1,
                       customer.pid, customer.ppid, saw, bought, ending);
  }
  return out;
}

// How far an interrupted experiment got: the trial the interrupt stopped (or the last one
// that finished before it) and how many trials never ran. Empty when the only trial was the
// one interrupted: its own explanation says so.
std::string interruption_line(const ExperimentResult& result) {
  const int asked = result.config.trials;
  const auto ran = static_cast<int>(result.trials.size());
  const std::string by = fmt::format("Interrupted by {}", signal_name(result.interrupted_by));
  const std::string not_run =
      ran < asked ? fmt::format("{} of {} did not run", asked - ran, plural(asked, "trial")) : "";
  if (result.trials.empty()) return by + " before the first trial: no trial ran.";
  const TrialResult& last = result.trials.back();
  if (last.interrupted_by != 0) {
    if (asked == 1) return "";
    return fmt::format("{} in trial #{}: {}the figures cover what finished.", by, last.index + 1,
                       not_run.empty() ? "" : not_run + "; ");
  }
  if (!not_run.empty()) {
    return fmt::format("{} after trial #{}: {}; the figures cover the trials above.", by,
                       last.index + 1, not_run);
  }
  return fmt::format(
      "{} after trial #{} had finished: every trial ran; the figures above are "
      "complete.",
      by, last.index + 1);
}

std::string indent_sentences(const std::vector<std::string>& sentences) {
  std::string out;
  for (const std::string& sentence : sentences) out += "  " + sentence + "\n";
  return out;
}

}  // namespace

std::string plural(std::int64_t count, const std::string& noun) {
  return fmt::format("{} {}{}", count, noun, count == 1 ? "" : "s");
}

std::string lost_updates_total_text(const ExperimentResult& result, const ModeSummary& summary) {
  if (summary.lost_updates_unknown == summary.trials) return "unknown";
  std::int64_t most = 0;
  for (const TrialResult& trial : result.trials) {
    if (trial.lost_updates) most += trial.lost_updates_max.value_or(*trial.lost_updates);
  }
  std::string text = most != summary.lost_updates_total
                         ? fmt::format("{}-{}", summary.lost_updates_total, most)
                         : fmt::format("{}", summary.lost_updates_total);
  return summary.lost_updates_unknown > 0 ? text + "+?" : text;
}

std::vector<std::string> explain_trial(const TrialResult& trial) {
  std::vector<std::string> sentences;
  // Findings say something went wrong; the crash and pause sentences only give context,
  // so a trial with no finding still ends with the mode's closing sentence.
  bool found = false;
  auto finding = [&](std::string sentence) {
    sentences.push_back(std::move(sentence));
    found = true;
  };
  if (trial.interrupted_by != 0) {
    finding(
        fmt::format("Interrupted by {}: every customer was killed and reaped; "
                    "the figures cover what finished.",
                    signal_name(trial.interrupted_by)));
  }
  if (trial.stalled) {
    finding(
        fmt::format("The trial stalled: {}. Every customer was killed and reaped, "
                    "and the figures cover what finished.",
                    trial.stall_reason.empty() ? "it did not finish in time" : trial.stall_reason));
  }
  if (!trial.crashes.empty()) {
    std::string names;
    for (std::size_t i = 0; i < trial.crashes.size() && i < 4; ++i) {
      names += (i == 0 ? "" : "; ") + describe(trial.crashes[i]) +
               (!trial.crashes[i].held_lock   ? ""
                : mode_takes_lock(trial.mode) ? ", holding the lock"
                                              : ", in the middle of its purchase");
    }
    if (trial.crashes.size() > 4) names += fmt::format("; and {} more", trial.crashes.size() - 4);
    std::string after;
    bool holder_died = std::any_of(trial.crashes.begin(), trial.crashes.end(),
                                   [](const CrashedCustomer& c) { return c.held_lock; });
    if (holder_died && !trial.stalled) {
      if (trial.repairs > 0) {
        after = fmt::format(
            " The next holder was told the owner died, repaired the store ({}) "
            "and went on.",
            plural(trial.repairs, "repair"));
      } else if (trial.mode == Mode::kRobustMutex) {
        after = " The next holder was told the owner died, found nothing to repair and went on.";
      } else if (trial.mode != Mode::kNone && trial.mode != Mode::kJoin) {
        after = " The kernel released the dead holder's lock, and the others went on.";
      }
    }
    sentences.push_back(fmt::format(
        "{} died: {}.{}", plural(static_cast<std::int64_t>(trial.crashes.size()), "customer"),
        names, after));
  }
  if (trial.paused_ns > 0) {
    const double paused_ms = static_cast<double>(trial.paused_ns) / 1e6;
    if (!mode_takes_lock(trial.mode)) {
      // No lock: nobody can wait for the stopped customer's lock.
      sentences.push_back(fmt::format(
          "A customer was stopped (SIGSTOP) for {:.1f} ms in the middle of its purchase; mode {} "
          "has no lock for the others to wait on.",
          paused_ms, mode_name(trial.mode)));
    } else if (!trial.times_recorded) {
      sentences.push_back(fmt::format(
          "A lock holder was stopped (SIGSTOP) for {:.1f} ms; how long the others waited for the "
          "lock is unknown (--no-times records no step times).",
          paused_ms));
    } else {
      sentences.push_back(fmt::format(
          "A lock holder was stopped (SIGSTOP) for {:.1f} ms; customers waited {:.1f} ms for the "
          "lock in all (searches and purchases).",
          paused_ms, static_cast<double>(trial.lock_wait_ns) / 1e6));
    }
  }
  if (trial.oversold > 0) {
    finding(fmt::format(
        "{} told \"you bought a ticket\", but the store held {}: {} oversold.",
        trial.sold == 1 ? "1 customer was" : fmt::format("{} customers were", trial.sold),
        plural(trial.tickets, "ticket"), plural(trial.oversold, "ticket")));
  }
  if (trial.lost_updates.value_or(0) > 0) {
    std::int64_t lost = *trial.lost_updates;
    std::int64_t went_down = trial.tickets - *trial.final_count;
    finding(fmt::format(
        "{}{} vanished (lost updates): {} should have taken the count down by {}, but it went "
        "down by {} (from {} to {}): customers read the same count and each wrote count-1 "
        "over the others.",
        trial.indeterminate > 0 ? "At least " : "",
        lost == 1 ? "1 decrement" : fmt::format("{} decrements", lost),
        plural(trial.writes_made, "completed write"), trial.writes_made, went_down, trial.tickets,
        *trial.final_count));
  }
  if (trial.indeterminate > 0) {
    sentences.push_back(fmt::format(
        "{} died while writing the store: whether {} write{} landed is unknown "
        "(indeterminate){}.",
        plural(trial.indeterminate, "purchase"), trial.indeterminate == 1 ? "its" : "their",
        trial.indeterminate == 1 ? "" : "s",
        trial.lost_updates
            ? fmt::format(", so the lost updates are a range: {}", lost_updates_text(trial))
            : ""));
  }
  if (trial.torn_reads > 0) {
    bool died_writing =
        std::any_of(trial.crashes.begin(), trial.crashes.end(),
                    [](const CrashedCustomer& c) { return c.crashed_at == CrashPoint::kMidWrite; });
    finding(fmt::format(
        "{} found a half-written store (torn reads): {}",
        trial.torn_reads == 1 ? "1 read" : fmt::format("{} reads", trial.torn_reads),
        died_writing ? "a customer died mid-write and left it so; --write atomic leaves the old "
                       "store or the new one, never half of each."
                     : "a rewrite is not atomic to a reader that takes no lock."));
  }
  if (trial.errors > 0) {
    finding(fmt::format("{} reported an error (see --customers or --json).",
                        plural(trial.errors, "customer")));
  }
  if (!trial.final_count) {
    finding(
        "The store did not parse at the end of the trial (a write was cut short and left it "
        "torn): that alone makes the trial UNSAFE, and the final count and the lost updates "
        "are unknown.");
  }
  if (trial.mutex_violations > 0 && trial.mode != Mode::kNone) {
    finding(fmt::format("The {} lock let critical sections overlap ({}): it did not exclude.",
                        mode_name(trial.mode), plural(trial.mutex_violations, "pair")));
  }
  if (!found) {
    if (trial.mode == Mode::kNone) {
      // Why nothing raced. A controlled schedule chose every step: the OS did not. Lockstep is
      // suggested only where it would race: two customers or more, a ticket to fight over.
      const bool controlled = is_controlled(trial.schedule);
      std::string why;
      if (trial.tickets == 0) {
        why = "the store held no ticket, so nobody wrote it";
      } else if (trial.procs == 1) {
        why = "one customer alone has nobody to race with";
      } else if (trial.mutex_violations > 0) {
        why = fmt::format("purchases overlapped ({}), but each {} read after the previous write",
                          plural(trial.mutex_violations, "pair"),
                          controlled ? "was scheduled to" : "happened to");
      } else {
        why = controlled ? "the schedule ran the purchases apart"
                         : "the OS happened to run the purchases apart";
      }
      const bool lockstep_would_race =
          trial.tickets > 0 && trial.procs > 1 && trial.schedule != Schedule::kLockstep;
      sentences.push_back(fmt::format(
          "No race was seen in this trial, but nothing protected the store (mode none): {}.{}", why,
          lockstep_would_race ? " --schedule lockstep forces the race." : ""));
    } else if (trial.mode == Mode::kJoin) {
      sentences.push_back(fmt::format(
          "Customers ran one at a time (start, then join): {} sold from {}, {}. Safe, and "
          "serial.",
          plural(trial.sold, "ticket"), plural(trial.tickets, "ticket"), no_update_lost(trial)));
    } else if (trial.mode == Mode::kServer) {
      sentences.push_back(fmt::format(
          "One server process made every purchase itself, one request at a time; customers "
          "only asked: {} sold from {}, none oversold, {}, no read torn.",
          plural(trial.sold, "ticket"), plural(trial.tickets, "ticket"), no_update_lost(trial)));
    } else if (trial.mode == Mode::kOptimistic) {
      sentences.push_back(fmt::format(
          "Every purchase thought without a lock, then under the flock lock checked the count "
          "had not changed before writing ({} after a conflict): {} sold from {}, none "
          "oversold, {}, no read torn.",
          fmt::format("{} {}", trial.retries, trial.retries == 1 ? "retry" : "retries"),
          plural(trial.sold, "ticket"), plural(trial.tickets, "ticket"), no_update_lost(trial)));
    } else {
      sentences.push_back(fmt::format(
          "Every purchase held the {} lock from its read to its write: {} sold from {}, "
          "none oversold, {}, no read torn.",
          mode_name(trial.mode), plural(trial.sold, "ticket"), plural(trial.tickets, "ticket"),
          no_update_lost(trial)));
    }
  }
  return sentences;
}

std::string render_witnesses(const TrialResult& trial, int max_lines) {
  const Witnesses& witnesses = trial.witnesses;
  if (witnesses.empty()) return "";
  std::vector<std::string> lines;
  auto shown = static_cast<std::size_t>(max_lines);
  for (const LostUpdateWitness& witness : witnesses.lost_updates) {
    if (lines.size() == shown) break;
    lines.push_back(describe(witness, trial.t_start));
  }
  for (const DoubleSaleWitness& witness : witnesses.double_sales) {
    if (lines.size() == shown) break;
    lines.push_back(describe(witness, trial.t_start));
  }
  std::string out = fmt::format("Witnesses ({}):\n", witnesses.count());
  for (const std::string& line : lines) out += "  " + line + "\n";
  auto more = witnesses.count() - static_cast<std::int64_t>(lines.size());
  if (more > 0) {
    out += fmt::format("  ... and {} more (--json lists up to {} of each kind)\n", more,
                       kListedWitnesses);
  }
  return out;
}

std::string describe(const StepRecord& step) {
  std::string text = fmt::format("customer {} {}", step.customer + 1, step_name(step.step));
  switch (step.outcome) {
    case StepOutcome::kBlocked:
      return text + ": BLOCKED (" + step.note + ")";
    case StepOutcome::kSkipped:
      return text + ": skipped (" + step.note + ")";
    case StepOutcome::kFailed:
      return text + ": FAILED (" + step.note + ")";
    case StepOutcome::kDone:
      break;
  }
  switch (step.step) {
    case Step::kSearch:
      return step.value >= 0 ? fmt::format("{}: saw {} left", text, step.value)
                             : text + ": torn read";
    case Step::kRead:
      return step.value >= 0 ? fmt::format("{}: count={}", text, step.value) : text + ": torn read";
    case Step::kWrite:
      return step.note == "bought a ticket"
                 ? fmt::format("{}: wrote count={}, bought a ticket", text, step.value)
                 : text + ": " + step.note;
    default:
      return text;
  }
}

std::string render_steps(const TrialResult& trial, int max_lines) {
  if (trial.steps.empty()) return "";
  std::string out = "Schedule that ran (rerun it exactly with --schedule script:\"...\"):\n  " +
                    trial.schedule_ran + "\n\nSteps:\n";
  for (std::size_t i = 0; i < trial.steps.size() && i < static_cast<std::size_t>(max_lines); ++i) {
    out += fmt::format("  {:>3}. {}\n", i + 1, describe(trial.steps[i]));
  }
  if (trial.steps.size() > static_cast<std::size_t>(max_lines)) {
    out += fmt::format("  ... and {} more (--json lists them all)\n",
                       trial.steps.size() - static_cast<std::size_t>(max_lines));
  }
  for (const std::string& line : trial.unfinished) out += "  Unfinished: " + line + "\n";
  return out;
}

std::string render_mutex_check(const TrialResult& trial) {
  if (!trial.mutex.checked) {
    return "Mutual exclusion: not checked (step times were not recorded)\n";
  }
  // Sections a stall or an interrupt cut short (acquired, never released) have no end to
  // compare: say that they were left out rather than let "held" cover them.
  std::int64_t cut_short = 0;
  for (const CustomerHistory& customer : trial.customers) {
    cut_short += customer.search.t_lock_acquired != 0 && customer.search.t_released == 0;
    for (const PurchaseRecord& purchase : customer.purchases) {
      cut_short += purchase.t_lock_acquired != 0 && purchase.t_released == 0;
    }
  }
  const std::string finished = cut_short > 0 ? "finished " : "";
  const std::string left_out =
      cut_short > 0
          ? fmt::format(" ({} cut short before release {} not checked)",
                        plural(cut_short, "critical section"), cut_short == 1 ? "is" : "are")
          : "";
  if (trial.mutex.violations == 0) {
    // Mode none has no lock: nothing held mutual exclusion; the purchases just did not overlap.
    return trial.mode == Mode::kNone
               ? fmt::format(
                     "Mutual exclusion: not enforced (mode none has no lock); no two {}"
                     "purchases overlapped this time{}.\n",
                     finished, left_out)
               : fmt::format("Mutual exclusion: held; no two {}critical sections overlapped{}.\n",
                             finished, left_out);
  }
  auto section = [&](const CriticalSection& s) {
    return fmt::format("customer {}'s {} [{:.2f}-{:.2f} ms]", s.customer + 1,
                       s.search ? std::string("search") : fmt::format("purchase {}", s.attempt + 1),
                       static_cast<double>(s.acquired_ns - trial.t_start) / 1e6,
                       static_cast<double>(s.released_ns - trial.t_start) / 1e6);
  };
  // Mode none promises nothing: its overlaps are the race window, not a broken lock.
  std::string out = trial.mode == Mode::kNone
                        ? fmt::format(
                              "Mutual exclusion: not enforced (mode none has no lock); {} of "
                              "purchases overlapped{}, e.g.\n",
                              plural(trial.mutex.violations, "pair"), left_out)
                        : fmt::format("Mutual exclusion: BROKEN, {} overlapped{}, e.g.\n",
                                      plural(trial.mutex.violations, "pair"), left_out);
  // Two purchases overlapping tell the story best; searches overlapping a purchase come next.
  std::vector<const MutexViolation*> examples;
  for (bool purchases_only : {true, false}) {
    for (const MutexViolation& violation : trial.mutex.listed) {
      bool both_purchases = !violation.first.search && !violation.second.search;
      if (both_purchases == purchases_only && examples.size() < 3) examples.push_back(&violation);
    }
  }
  for (const MutexViolation* violation : examples) {
    out += "  " + section(violation->first) + " and " + section(violation->second) + "\n";
  }
  return out;
}

// Per mode, over its trials: how likely a trial is to be unsafe (95% Wilson interval), the
// tickets oversold per trial, and the median wall time with its interval.
std::string statistics_block(const std::vector<ModeSummary>& summaries) {
  std::string out = fmt::format("\nStatistics over {} per mode (95% intervals):\n",
                                plural(summaries.front().trials, "trial"));
  for (const ModeSummary& summary : summaries) {
    out += fmt::format("  {:<13} unsafe in {} of {}: p = {:.2f} [{:.2f}, {:.2f}]\n",
                       mode_name(summary.mode), summary.unsafe_trials, summary.trials,
                       summary.unsafe_p, summary.unsafe_p_low, summary.unsafe_p_high);
    out += fmt::format(
        "  {:<13} oversold per trial: min {:g}, median {:g}, p95 {:g}, max {}, "
        "mean {:.2f}\n",
        "", summary.oversold_min, summary.oversold_median, summary.oversold_p95,
        summary.oversold_max, summary.oversold_mean);
    if (summary.wall_ms_median > 0) {
      out += fmt::format("  {:<13} wall ms median {:.1f} [{:.1f}, {:.1f}]{}\n", "",
                         summary.wall_ms_median, summary.wall_ms_median_low,
                         summary.wall_ms_median_high,
                         summary.median_interval_coverage < 0.95
                             ? fmt::format(" (the whole range: {:.0f}% coverage)",
                                           100 * summary.median_interval_coverage)
                             : "");
      out += fmt::format("  {:<13} purchases/s median {} [{}, {}]\n", "",
                         rate_text(summary.purchases_per_s_median),
                         rate_text(summary.purchases_per_s_median_low),
                         rate_text(summary.purchases_per_s_median_high));
    }
    if (summary.mode == Mode::kOptimistic) {
      out +=
          fmt::format("  {:<13} retries after a conflict: {} ({:.2f} per purchase)\n", "",
                      summary.retries_total,
                      summary.purchases_total > 0 ? static_cast<double>(summary.retries_total) /
                                                        static_cast<double>(summary.purchases_total)
                                                  : 0.0);
    }
    if (summary.lock_waits > 0) {
      out += fmt::format("  {:<13} lock wait per purchase: p50 {}, p99 {}, max {}\n", "",
                         format_wait_us(summary.lock_wait_us_p50),
                         format_wait_us(summary.lock_wait_us_p99),
                         format_wait_us(summary.lock_wait_us_max));
    }
    if (summary.lock_grants_total > 0) {
      out += fmt::format("  {:<13} out of request order: {} of {} grants passed a waiter\n", "",
                         summary.lock_overtaking_grants_total, summary.lock_grants_total);
    }
    if (summary.fairness_trials > 0) {
      out +=
          fmt::format("  {:<13} Jain's fairness, first half of grants: mean {:.3f}, min {:.3f}\n",
                      "", summary.jain_mean, summary.jain_min);
    }
  }
  return out;
}

std::string render_run_report(const ExperimentResult& result, const TextReportOptions& options) {
  const ExperimentConfig& config = result.config;
  std::string out = workload_line(options.command, config, result.tickets, options.schedule) + "\n";
  out += fmt::format("store: {}{}\n\n", result.store_label,
                     result.wrote_back           ? " (final state written back: --in-place)"
                     : config.store_path.empty() ? ""
                                                 : " (not modified)");
  TextTable table(kColumns);
  std::string mode(mode_name(config.mode));
  bool several = result.trials.size() > 1;
  if (!several) {
    for (const TrialResult& trial : result.trials) table.add_row(trial_row(mode, trial));
  } else {
    if (result.trials.size() <= static_cast<std::size_t>(kMaxTrialRows)) {
      for (const TrialResult& trial : result.trials) {
        table.add_row(trial_row(fmt::format("{} #{}", mode, trial.index + 1), trial));
      }
    }
    table.add_row(summary_row(fmt::format("{} (all {})", mode, result.trials.size()), result,
                              summarize(result)));
  }
  out += table.render(options.use_color);
  if (several) {
    out +=
        "\n(all: sold and final count as ranges; oversold as worst trial (trials that "
        "oversold); lost updates and torn reads summed; wall ms and purchases/s as medians)\n";
    out += statistics_block({summarize(result)});
    if (config.until_ci) {
      out += fmt::format("  (--until-ci {:g}: {} after {})\n", *config.until_ci,
                         result.ci_reached ? "reached" : "not reached",
                         plural(static_cast<int>(result.trials.size()), "trial"));
    }
  }
  if (result.trials.empty()) {
    out += "\nNo trial ran.\n";
    if (result.interrupted_by != 0) out += interruption_line(result) + "\n";  // never empty
    return out;
  }
  // Explain the worst trial: the first that raced or stalled, else the last.
  const TrialResult* shown = explained_trial(result);
  out += several ? fmt::format("\nWhat happened in trial #{}:\n", shown->index + 1)
                 : std::string("\nWhat happened:\n");
  out += indent_sentences(explain_trial(*shown));
  std::string witnesses = render_witnesses(*shown, options.max_witnesses);
  if (!witnesses.empty()) out += "\n" + witnesses;
  out += "\n" + render_mutex_check(*shown);
  std::string steps = render_steps(*shown, 40);
  if (!steps.empty()) out += "\n" + steps;
  if (options.show_customers && !shown->customers.empty()) {
    out += "\nCustomers:\n" + customer_lines(*shown);
  }
  if (options.show_timeline) {
    out += "\n" + render_timeline(*shown, TimelineOptions{options.width, options.use_color});
  }
  if (std::string line = result.interrupted_by != 0 ? interruption_line(result) : "";
      !line.empty()) {
    out += "\n" + line + "\n";
  }
  return out;
}

std::string render_compare_report(const Comparison& comparison,
                                  const std::vector<SkippedMode>& skipped,
                                  const TextReportOptions& options) {
  if (comparison.results.empty()) return "No mode ran.\n";
  const ExperimentResult& first = comparison.results.front();
  std::string out = workload_line("compare", first.config, first.tickets) +
                    fmt::format(", {} per mode\n", plural(first.config.trials, "trial"));
  out += fmt::format("store: {}{}\n\n", first.store_label,
                     first.config.store_path.empty() ? "" : " (not modified)");
  TextTable table(kColumns);
  std::vector<ModeSummary> summaries;
  for (const ExperimentResult& result : comparison.results) {
    summaries.push_back(summarize(result));
    table.add_row(
        summary_row(std::string(mode_name(result.config.mode)), result, summaries.back()));
  }
  for (const SkippedMode& skip : skipped) {
    table.add_row({{std::string(mode_name(skip.mode))},
                   {"-"},
                   {"-"},
                   {"-"},
                   {"-"},
                   {"-"},
                   {"-"},
                   {"-"},
                   {"skipped", "33"}});
  }
  out += table.render(options.use_color);
  if (first.config.trials > 1) {
    out +=
        "\n(sold and final count as ranges over trials; oversold as worst trial (trials that "
        "oversold); lost updates and torn reads summed; wall ms and purchases/s as medians)\n";
  }
  for (const SkippedMode& skip : skipped) {
    out += fmt::format("\n{} skipped: {}\n", mode_name(skip.mode), skip.reason);
  }
  // What safety cost: each safe mode's median wall time against mode none's.
  const ModeSummary* baseline = nullptr;
  for (const ModeSummary& summary : summaries) {
    if (summary.mode == Mode::kNone) baseline = &summary;
  }
  std::string costs;
  for (const ModeSummary& summary : summaries) {
    if (summary.mode == Mode::kNone || baseline == nullptr || baseline->wall_ms_median <= 0) {
      continue;
    }
    if (summary.wall_ms_median <= 0) {  // every trial of it was cut short by an interrupt
      costs += fmt::format("  {:<13} not measured: interrupted\n", mode_name(summary.mode));
      continue;
    }
    costs += fmt::format("  {:<13} {:.1f}x the wall time of none ({})\n", mode_name(summary.mode),
                         summary.wall_ms_median / baseline->wall_ms_median, summary.verdict);
  }
  if (!costs.empty()) out += "\nWhat safety cost (median wall time):\n" + costs;
  if (first.config.trials > 1) out += statistics_block(summaries);
  if (baseline != nullptr && baseline->unsafe_trials > 0) {
    out += fmt::format("\nMode none raced in {} of {}; run `ticketsim run` to see how.\n",
                       baseline->unsafe_trials, plural(baseline->trials, "trial"));
  }
  if (options.show_timeline) {
    for (const ExperimentResult& result : comparison.results) {
      if (const TrialResult* shown = explained_trial(result)) {
        out += fmt::format("\n{}: ", mode_name(result.config.mode)) +
               render_timeline(*shown, TimelineOptions{options.width, options.use_color});
      }
    }
  }
  if (comparison.interrupted_by != 0) {
    out += fmt::format("\nInterrupted by {}: modes after the last row did not run.\n",
                       signal_name(comparison.interrupted_by));
  }
  return out;
}

}  // namespace ticketsim
