#include "simulator/report/report_text.h"

#include <sys/wait.h>

#include <algorithm>
#include <cstring>
#include <regex>
#include <utility>

#include <fmt/format.h>

#include "simulator/report/text_table.h"
#include "simulator/report/timeline_text.h"
#include "simulator/text/display_width.h"
#include "simulator/text/translate.h"
#include "simulator/text/wrap.h"
#include "ticketsim/interrupt.h"

namespace ticketsim {

std::string format_wait_us(double us) {
  if (us < 1000) return trf("{:.0f} us", us);
  if (us < 1e6) return trf("{:.1f} ms", us / 1e3);
  return trf("{:.2f} s", us / 1e6);
}
std::string verdict_text(std::string_view verdict) {
  if (verdict == "safe") return trc("verdict", "safe");
  if (verdict == "UNSAFE") return trc("verdict", "UNSAFE");
  if (verdict == "unprotected") return trc("verdict", "unprotected");
  if (verdict == "STALLED") return trc("verdict", "STALLED");
  if (verdict == "ERROR") return trc("verdict", "ERROR");
  if (verdict == "INTERRUPTED") return trc("verdict", "INTERRUPTED");
  if (verdict == "skipped") return trc("verdict", "skipped");
  return std::string(verdict);
}

std::string workload_settings(const ExperimentConfig& config, std::int64_t tickets,
                              const std::string& schedule) {
  std::vector<std::string> parts{
      trf("{} x {}", counted(config.procs, "{} customer", "{} customers"),
          counted(config.attempts, "{} attempt", "{} attempts")),
      counted(tickets, "{} ticket", "{} tickets")};
  // A controlled schedule grants steps; it does not wait out think times.
  if (!is_controlled(config.schedule)) {
    parts.push_back(trf("latency {}", format_duration_range(config.latency)));
  }
  if (config.search_latency.count() > 0 && !is_controlled(config.schedule)) {
    parts.push_back(trf("search latency {}", format_duration(config.search_latency)));
  }
  if (config.hold.count() > 0 && !is_controlled(config.schedule)) {
    parts.push_back(trf("hold {}", format_duration(config.hold)));
  }
  if (config.pool > 0) {
    parts.push_back(trf("pool of {}", counted(config.pool, "{} worker", "{} workers")));
  }
  parts.push_back(trf("schedule {}",
                      schedule.empty() ? std::string(schedule_name(config.schedule)) : schedule));
  if (!config.latency.fixed() || config.schedule == Schedule::kRandom) {
    parts.push_back(trf("seed {}", config.seed));
  }
  std::string settings;
  for (std::size_t i = 0; i < parts.size(); ++i) {
    settings += (i == 0 ? "" : trc("settings", ", ")) + parts[i];
  }
  return settings;
}

std::string outcome_text(Outcome outcome) {
  switch (outcome) {
    case Outcome::kNotRun:
      return tr("not run");
    case Outcome::kBought:
      return tr("bought a ticket");
    case Outcome::kSoldOut:
      return tr("sold out");
    case Outcome::kTornRead:
      return tr("torn read");
    case Outcome::kError:
      return tr("error");
    case Outcome::kSeen:
      return tr("seen");
    case Outcome::kFencedOff:
      return tr("write fenced off");
  }
  return std::string(outcome_name(outcome));
}

std::string store_label_text(const std::string& label) {
  return label == "(fresh store)" ? std::string(tr("(fresh store)")) : label;
}

// Exact, a range when some writes are indeterminate, or "unknown" (unreadable final store).
std::string lost_updates_text(const TrialResult& trial) {
  if (!trial.lost_updates) return tr("unknown");
  if (trial.lost_updates_max && *trial.lost_updates_max != *trial.lost_updates) {
    return fmt::format("{}-{}", *trial.lost_updates, *trial.lost_updates_max);
  }
  return fmt::format("{}", *trial.lost_updates);
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
  if (summary.final_count_unknown == summary.trials) return tr("unreadable");
  std::string text = range_text(summary.final_count_min, summary.final_count_max);
  if (summary.final_count_unknown > 0) {
    text += trf(" ({} unreadable)", summary.final_count_unknown);
  }
  return text;
}

std::string rate_text(double per_second) {
  if (per_second >= 100) return fmt::format("{:.0f}", per_second);
  return fmt::format("{:.1f}", per_second);
}

std::string workload_line(const std::string& command, const ExperimentConfig& config,
                          std::int64_t tickets, const std::string& schedule = "") {
  return trf("ticketsim {}: {}", command, workload_settings(config, tickets, schedule));
}

// "no update lost" when that is known; with indeterminate writes, how many may have been.
std::string no_update_lost(const TrialResult& trial) {
  if (trial.lost_updates_max.value_or(0) == 0) return tr("no update lost");
  return trf(
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
          {trial.final_count ? fmt::format("{}", *trial.final_count) : tr("unreadable")},
          {fmt::format("{:.1f}", trial.wall_ms())},
          {rate_text(trial.purchases_per_s)},
          {verdict_text(verdict), verdict_color(verdict)}};
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
          {verdict_text(summary.verdict), verdict_color(summary.verdict)}};
}

// The report table's headings; a space is where a compact table may break one in two.
std::vector<std::string> columns() {
  return {tr("mode"),       tr("sold"),        tr("oversold"), tr("lost updates"),
          tr("torn reads"), tr("final count"), tr("wall ms"),  tr("purchases per s"),
          tr("verdict")};
}

std::string customer_lines(const TrialResult& trial, int width) {
  std::string out;
  for (const CustomerHistory& customer : trial.customers) {
    std::string saw = customer.search.outcome == Outcome::kSeen
                          ? trf("saw {} left", customer.search.value_seen)
                          : outcome_text(customer.search.outcome);
    std::vector<std::string> bought;
    for (const PurchaseRecord& purchase : customer.purchases) {
      if (purchase.outcome == Outcome::kBought) {
        bought.push_back(
            trf("read {} wrote {}: BOUGHT", purchase.value_read, purchase.value_written));
      } else if (purchase.outcome == Outcome::kSoldOut) {
        bought.push_back(trf("read {}: sold out", purchase.value_read));
      } else {
        bought.push_back(outcome_text(purchase.outcome));
      }
    }
    std::string ending;
    if (customer.killed_by_run) {
      ending = tr(" (killed by the run)");
    } else if (WIFSIGNALED(customer.wait_status)) {
      ending = trf(" (died: {})", ::strsignal(WTERMSIG(customer.wait_status)));
    }
    if (!customer.error.empty()) ending += trf(" error: {}", customer.error);
    out += wrap_text(trf("customer {:>3}  pid {} ppid {}  {}; {}{}", customer.index + 1,
                         customer.pid, customer.ppid, saw, join_list(bought), ending),
                     width, 2, 6);
  }
  return out;
}

// How far an interrupted experiment got: the trial the interrupt stopped (or the last one
// that finished before it) and how many trials never ran. Empty when the only trial was the
// one interrupted: its own explanation says so.
std::string interruption_line(const ExperimentResult& result) {
  const int asked = result.config.trials;
  const auto ran = static_cast<int>(result.trials.size());
  const std::string signal = signal_name(result.interrupted_by);
  if (result.trials.empty()) {
    return trf("Interrupted by {} before the first trial: no trial ran.", signal);
  }
  const TrialResult& last = result.trials.back();
  if (last.interrupted_by != 0) {
    if (asked == 1) return "";
    if (ran < asked) {
      return trf(
          "Interrupted by {} in trial #{}: {} of {} did not run; the figures cover what "
          "finished.",
          signal, last.index + 1, asked - ran, counted(asked, "{} trial", "{} trials"));
    }
    return trf("Interrupted by {} in trial #{}: the figures cover what finished.", signal,
               last.index + 1);
  }
  if (ran < asked) {
    return trf(
        "Interrupted by {} after trial #{}: {} of {} did not run; the figures cover the "
        "trials above.",
        signal, last.index + 1, asked - ran, counted(asked, "{} trial", "{} trials"));
  }
  return trf(
      "Interrupted by {} after trial #{} had finished: every trial ran; the figures above are "
      "complete.",
      signal, last.index + 1);
}

// Each sentence wrapped to `width`, indented two columns, its further lines four.
std::string indent_sentences(const std::vector<std::string>& sentences, int width) {
  std::string out;
  for (const std::string& sentence : sentences) out += wrap_text(sentence, width, 2, 4);
  return out;
}

}  // namespace

std::string lost_updates_total_text(const ExperimentResult& result, const ModeSummary& summary) {
  if (summary.lost_updates_unknown == summary.trials) return tr("unknown");
  std::int64_t most = 0;
  for (const TrialResult& trial : result.trials) {
    if (trial.lost_updates) most += trial.lost_updates_max.value_or(*trial.lost_updates);
  }
  std::string text = most != summary.lost_updates_total
                         ? fmt::format("{}-{}", summary.lost_updates_total, most)
                         : fmt::format("{}", summary.lost_updates_total);
  return summary.lost_updates_unknown > 0 ? text + "+?" : text;
}

std::string stall_reason_text(const TrialResult& trial) {
  // The engine records the reason in English (its JSON); said again here from its parts.
  static const std::regex kLockTimeout(
      "a customer waited (\\S+) for the (\\S+) lock and gave up.*");
  static const std::regex kTimeout("the trial ran past its timeout of ([^;]+)(;.*)?");
  static const std::regex kDeadHolder(
      "customer ([0-9]+) died holding the (\\S+) lock, which nobody releases for a dead "
      "holder: ([0-9]+) customers? waits? for it for ever.*");
  std::smatch match;
  std::string text;
  if (std::regex_match(trial.stall_reason, match, kLockTimeout)) {
    text = trf("a customer waited {} for the {} lock and gave up", match[1].str(), match[2].str());
  } else if (std::regex_match(trial.stall_reason, match, kTimeout)) {
    text = trf("the trial ran past its timeout of {}", match[1].str());
  } else if (std::regex_match(trial.stall_reason, match, kDeadHolder)) {
    const std::int64_t waiting = std::stoll(match[3].str());
    return trnf(
        "customer {1} died holding the {2} lock, which nobody releases for a dead "
        "holder: {0} customer waits for it for ever",
        "customer {1} died holding the {2} lock, which nobody releases for a dead "
        "holder: {0} customers wait for it for ever",
        waiting, waiting, match[1].str(), match[2].str());
  } else if (trial.stall_reason.empty()) {
    return tr("it did not finish in time");
  } else {
    return trial.stall_reason;
  }
  std::vector<std::string> holders;
  for (const CrashedCustomer& crash : trial.crashes) {
    if (crash.held_lock) holders.push_back(describe(crash));
  }
  if (!holders.empty()) text += trf("; it was held by dead {}", join_list(holders));
  return text;
}

std::vector<std::string> explain_trial(const TrialResult& trial, bool by_hand) {
  std::vector<std::string> sentences;
  // Findings say something went wrong; the crash and pause sentences only give context,
  // so a trial with no finding still ends with the mode's closing sentence.
  bool found = false;
  auto finding = [&](std::string sentence) {
    sentences.push_back(std::move(sentence));
    found = true;
  };
  const std::string sold_from =
      trf("{} sold from {}", counted(trial.sold, "{} ticket", "{} tickets"),
          counted(trial.tickets, "{} ticket", "{} tickets"));
  if (trial.interrupted_by != 0) {
    finding(
        trf("Interrupted by {}: every customer was killed and reaped; the figures cover what "
            "finished.",
            signal_name(trial.interrupted_by)));
  }
  if (trial.stalled) {
    finding(
        trf("The trial stalled: {}. Every customer was killed and reaped, and the figures "
            "cover what finished.",
            stall_reason_text(trial)));
  }
  if (!trial.crashes.empty()) {
    std::vector<std::string> names;
    for (std::size_t i = 0; i < trial.crashes.size() && i < 4; ++i) {
      names.push_back(describe(trial.crashes[i]) + (!trial.crashes[i].held_lock ? ""
                                                    : mode_takes_lock(trial.mode)
                                                        ? tr(", holding the lock")
                                                        : tr(", in the middle of its purchase")));
    }
    if (trial.crashes.size() > 4) names.push_back(trf("and {} more", trial.crashes.size() - 4));
    std::string after;
    bool holder_died = std::any_of(trial.crashes.begin(), trial.crashes.end(),
                                   [](const CrashedCustomer& c) { return c.held_lock; });
    if (holder_died && !trial.stalled) {
      if (trial.repairs > 0) {
        after =
            trf(" The next holder was told the owner died, repaired the store ({}) and went "
                "on.",
                counted(trial.repairs, "{} repair", "{} repairs"));
      } else if (trial.mode == Mode::kRobustMutex) {
        after =
            tr(" The next holder was told the owner died, found nothing to repair and went on.");
      } else if (trial.mode == Mode::kRowLock || trial.mode == Mode::kAdvisory ||
                 trial.mode == Mode::kSerializable) {
        after =
            tr(" PostgreSQL rolled back the dead holder's transaction when its connection "
               "closed, which released its lock, and the others went on.");
      } else if (trial.mode == Mode::kRedisLock) {
        after =
            tr(" Redis dropped the dead holder's lock when its lease ran out, and the "
               "others went on.");
      } else if (trial.mode != Mode::kNone && trial.mode != Mode::kJoin) {
        after = tr(" The kernel released the dead holder's lock, and the others went on.");
      }
    }
    sentences.push_back(trnf("{} customer died: {}.{}", "{} customers died: {}.{}",
                             static_cast<std::int64_t>(trial.crashes.size()), trial.crashes.size(),
                             join_list(names), after));
  }
  if (!trial.unfinished.empty() && is_controlled(trial.schedule) && !by_hand) {
    // A schedule that ended before every customer did: the figures cover the steps taken.
    sentences.push_back(
        trnf("The schedule ended with {} customer unfinished (see \"Unfinished\" "
             "below): the figures cover the steps it took.",
             "The schedule ended with {} customers unfinished (see \"Unfinished\" "
             "below): the figures cover the steps it took.",
             static_cast<std::int64_t>(trial.unfinished.size()), trial.unfinished.size()));
  }
  if (trial.paused_ns > 0) {
    const double paused_ms = static_cast<double>(trial.paused_ns) / 1e6;
    if (!mode_takes_lock(trial.mode)) {
      // No lock: nobody can wait for the stopped customer's lock.
      sentences.push_back(
          trf("A customer was stopped (SIGSTOP) for {:.1f} ms in the middle of its purchase; "
              "mode {} has no lock for the others to wait on.",
              paused_ms, mode_name(trial.mode)));
    } else if (!trial.times_recorded) {
      sentences.push_back(
          trf("A lock holder was stopped (SIGSTOP) for {:.1f} ms; how long the others waited for "
              "the lock is unknown (--no-times records no step times).",
              paused_ms));
    } else {
      sentences.push_back(
          trf("A lock holder was stopped (SIGSTOP) for {:.1f} ms; customers waited {:.1f} ms for "
              "the lock in all (searches and purchases).",
              paused_ms, static_cast<double>(trial.lock_wait_ns) / 1e6));
    }
  }
  if (trial.oversold > 0) {
    finding(
        trnf("{0} customer was told \"you bought a ticket\", but the store held {1}: {2} "
             "oversold.",
             "{0} customers were told \"you bought a ticket\", but the store held {1}: {2} "
             "oversold.",
             trial.sold, trial.sold, counted(trial.tickets, "{} ticket", "{} tickets"),
             counted(trial.oversold, "{} ticket", "{} tickets")));
  }
  if (trial.lost_updates.value_or(0) > 0) {
    const std::int64_t lost = *trial.lost_updates;
    const std::int64_t went_down = trial.tickets - *trial.final_count;
    const std::string writes =
        counted(trial.writes_made, "{} completed write", "{} completed writes");
    finding(trial.indeterminate > 0
                ? trnf("At least {0} decrement vanished (lost updates): {1} should have taken the "
                       "count down by {2}, but it went down by {3} (from {4} to {5}): customers "
                       "read the same count and each wrote count-1 over the others.",
                       "At least {0} decrements vanished (lost updates): {1} should have taken the "
                       "count down by {2}, but it went down by {3} (from {4} to {5}): customers "
                       "read the same count and each wrote count-1 over the others.",
                       lost, lost, writes, trial.writes_made, went_down, trial.tickets,
                       *trial.final_count)
                : trnf("{0} decrement vanished (lost updates): {1} should have taken the count "
                       "down by {2}, but it went down by {3} (from {4} to {5}): customers read "
                       "the same count and each wrote count-1 over the others.",
                       "{0} decrements vanished (lost updates): {1} should have taken the count "
                       "down by {2}, but it went down by {3} (from {4} to {5}): customers read "
                       "the same count and each wrote count-1 over the others.",
                       lost, lost, writes, trial.writes_made, went_down, trial.tickets,
                       *trial.final_count));
  }
  if (trial.indeterminate > 0) {
    const std::string range =
        trial.lost_updates ? trf(", so the lost updates are a range: {}", lost_updates_text(trial))
                           : "";
    sentences.push_back(
        trnf("{0} purchase died while writing the store: whether its write "
             "landed is unknown (indeterminate){1}.",
             "{0} purchases died while writing the store: whether their writes "
             "landed is unknown (indeterminate){1}.",
             trial.indeterminate, trial.indeterminate, range));
  }
  if (trial.torn_reads > 0) {
    bool died_writing =
        std::any_of(trial.crashes.begin(), trial.crashes.end(),
                    [](const CrashedCustomer& c) { return c.crashed_at == CrashPoint::kMidWrite; });
    finding(trnf("{0} read found a half-written store (torn reads): {1}",
                 "{0} reads found a half-written store (torn reads): {1}", trial.torn_reads,
                 trial.torn_reads,
                 died_writing
                     ? tr("a customer died mid-write and left it so; --write atomic leaves "
                          "the old store or the new one, never half of each.")
                     : tr("a rewrite is not atomic to a reader that takes no lock.")));
  }
  if (trial.errors > 0 && trial.failed_purchases > 0 && !trial.first_error.empty()) {
    // A store or lock service that stopped answering: say how many purchases it cost, how
    // many of those may have written, and the first cause.
    finding(trf("{} failed ({} of them may have written: indeterminate); the first failure: {}.",
                counted(trial.failed_purchases, "{} purchase", "{} purchases"), trial.indeterminate,
                trial.first_error));
  } else if (trial.errors > 0) {
    finding(trnf("{} customer reported an error (see --customers or --json).",
                 "{} customers reported an error (see --customers or --json).", trial.errors,
                 trial.errors));
  }
  if (!trial.final_count) {
    finding(
        tr("The store did not parse at the end of the trial (a write was cut short and left it "
           "torn): that alone makes the trial UNSAFE, and the final count and the lost updates "
           "are unknown."));
  }
  for (const CustomerHistory& customer : trial.customers) {
    if (customer.lease_expired_attempt < 0) continue;
    const std::string stopped =
        customer.t_paused != 0
            ? trf(" (it was stopped for {:.1f} ms)",
                  static_cast<double>(
                      (customer.t_resumed != 0 ? customer.t_resumed : customer.t_paused) -
                      customer.t_paused) /
                      1e6)
            : "";
    finding(trf(
        "Customer {}'s lease ran out while it held the {} lock in purchase {}{}: Redis "
        "dropped the lock and gave it to another customer, so two customers held "
        "\"the lock\" at once, and neither knew.",
        customer.index + 1, mode_name(trial.mode), customer.lease_expired_attempt + 1, stopped));
  }
  for (const CustomerHistory& customer : trial.customers) {
    if (customer.fenced_attempt < 0) continue;
    sentences.push_back(
        trf("Customer {}'s write in purchase {} carried fencing token {}, but the store had "
            "already accepted token {} from a later holder: the write was fenced off (refused), "
            "the customer was told it did not buy, and the count stayed right.",
            customer.index + 1, customer.fenced_attempt + 1, customer.fenced_token,
            customer.fenced_by));
  }
  if (trial.mutex_violations > 0 && mode_promises_mutual_exclusion(trial.mode)) {
    finding(trf("The {} lock let critical sections overlap ({}): it did not exclude.",
                mode_name(trial.mode), counted(trial.mutex_violations, "{} pair", "{} pairs")));
  }
  if (!found) {
    const std::string none_oversold =
        trf("{}, none oversold, {}, no read torn.", sold_from, no_update_lost(trial));
    if (trial.mode == Mode::kNone) {
      // Why nothing raced. A controlled schedule chose every step: the OS did not. Lockstep is
      // suggested only where it would race: two customers or more, a ticket to fight over.
      const bool controlled = is_controlled(trial.schedule);
      std::string why;
      if (trial.tickets == 0) {
        why = tr("the store held no ticket, so nobody wrote it");
      } else if (trial.procs == 1) {
        why = tr("one customer alone has nobody to race with");
      } else if (trial.mutex_violations > 0) {
        const std::string pairs = counted(trial.mutex_violations, "{} pair", "{} pairs");
        why = controlled
                  ? trf("searches and purchases overlapped ({}), but each purchase was "
                        "scheduled to read after the previous write",
                        pairs)
                  : trf("searches and purchases overlapped ({}), but each purchase happened to "
                        "read after the previous write",
                        pairs);
      } else {
        why = controlled ? tr("the schedule ran the purchases apart")
                         : tr("the OS happened to run the purchases apart");
      }
      const bool lockstep_would_race =
          trial.tickets > 0 && trial.procs > 1 && trial.schedule != Schedule::kLockstep;
      sentences.push_back(
          trf("No race was seen in this trial, but nothing protected the store (mode none): {}.{}",
              why, lockstep_would_race ? tr(" --schedule lockstep forces the race.") : ""));
    } else if (trial.mode == Mode::kJoin) {
      sentences.push_back(
          trf("Customers ran one at a time (start, then join): {}, {}. Safe, and "
              "serial.",
              sold_from, no_update_lost(trial)));
    } else if (trial.mode == Mode::kServer) {
      sentences.push_back(
          trf("One server process made every purchase itself, one request at a "
              "time; customers only asked: {}",
              none_oversold));
    } else if (trial.mode == Mode::kOptimistic && trial.database_store) {
      sentences.push_back(
          trf("Every purchase thought without a lock, then wrote with one UPDATE ... WHERE "
              "count = <the count it read>, which changes nothing when another purchase got "
              "there first ({} after a conflict): {}",
              counted(trial.retries, "{} retry", "{} retries"), none_oversold));
    } else if (trial.mode == Mode::kRowLock) {
      sentences.push_back(
          trf("Every purchase locked the store's row (SELECT ... FOR UPDATE) "
              "from its read until its COMMIT: {}",
              none_oversold));
    } else if (trial.mode == Mode::kAdvisory) {
      sentences.push_back(
          trf("Every purchase held the advisory lock (pg_advisory_xact_lock) "
              "from its read until its COMMIT: {}",
              none_oversold));
    } else if (trial.mode == Mode::kAtomic) {
      sentences.push_back(
          trf("Every purchase was one statement, UPDATE ... SET count = count - 1 "
              "WHERE count > 0: nothing could come between its read and its "
              "write. {}",
              none_oversold));
    } else if (trial.mode == Mode::kSerializable) {
      sentences.push_back(
          trf("Every purchase ran in a SERIALIZABLE transaction and took no lock; the database "
              "aborted the ones that would not serialise, and they started over ({}): {}",
              counted(trial.retries, "{} retry", "{} retries"), none_oversold));
    } else if (trial.mode == Mode::kOptimistic) {
      sentences.push_back(
          trf("Every purchase thought without a lock, then under the flock lock checked the count "
              "had not changed before writing ({} after a conflict): {}",
              counted(trial.retries, "{} retry", "{} retries"), none_oversold));
    } else {
      sentences.push_back(trf("Every purchase held the {} lock from its read to its write: {}",
                              mode_name(trial.mode), none_oversold));
    }
  }
  return sentences;
}

std::string render_witnesses(const TrialResult& trial, int max_lines, int width) {
  const Witnesses& witnesses = trial.witnesses;
  if (witnesses.empty()) return "";
  // The headline first: a seat sold many times ("ticket 1 was sold 15 times"), the largest
  // first; then the pairs of writes that show how.
  std::vector<std::string> lines;
  auto shown = static_cast<std::size_t>(max_lines);
  for (const DoubleSaleWitness& witness : witnesses.double_sales) {
    if (lines.size() == shown) break;
    lines.push_back(describe(witness, trial.t_start));
  }
  for (const LostUpdateWitness& witness : witnesses.lost_updates) {
    if (lines.size() == shown) break;
    lines.push_back(describe(witness, trial.t_start));
  }
  std::string out = trf("Witnesses ({}):", witnesses.count()) + "\n";
  for (const std::string& line : lines) out += wrap_text(line, width, 2, 4);
  auto more = witnesses.count() - static_cast<std::int64_t>(lines.size());
  if (more > 0) {
    out += wrap_text(
        trf("... and {} more (--json lists up to {} of each kind)", more, kListedWitnesses), width,
        2, 4);
  }
  return out;
}

std::string note_text(const std::string& note) {
  // The notes a StepDriver writes (English in the step log and the JSON), read back.
  static const std::regex kNumbered(
      "(join: )?customer ([0-9]+) (holds the lock|has not exited yet|has finished|does not hold "
      "the lock: its acquire was blocked)");
  std::smatch match;
  if (std::regex_match(note, match, kNumbered)) {
    const std::string who = match[2];
    const std::string what = match[3];
    if (what == "holds the lock") return trf("customer {} holds the lock", who);
    if (what == "has not exited yet") return trf("join: customer {} has not exited yet", who);
    if (what == "has finished") return trf("customer {} has finished", who);
    return trf("customer {} does not hold the lock: its acquire was blocked", who);
  }
  static const std::regex kKilled(
      "customer ([0-9]+) was killed \\(SIGKILL\\) (before its (\\S+) step(, holding the lock)?|"
      "half-way through its write)");
  if (std::regex_match(note, match, kKilled)) {
    if (match[3].matched) {
      return match[4].matched
                 ? trf("customer {} was killed (SIGKILL) before its {} step, holding the lock",
                       match[1].str(), match[3].str())
                 : trf("customer {} was killed (SIGKILL) before its {} step", match[1].str(),
                       match[3].str());
    }
    return trf("customer {} was killed (SIGKILL) half-way through its write", match[1].str());
  }
  static const std::regex kDeadHolder("customer ([0-9]+) died holding the lock");
  if (std::regex_match(note, match, kDeadHolder)) {
    return trf("customer {} died holding the lock", match[1].str());
  }
  if (note == "the count changed since it looked: it starts over") {
    return tr("the count changed since it looked: it starts over");
  }
  if (note == "the lock is taken") return tr("the lock is taken");
  static const std::regex kRowWriter("customer ([0-9]+) wrote the row and has not committed");
  if (std::regex_match(note, match, kRowWriter)) {
    return trf("customer {} wrote the row and has not committed", match[1].str());
  }
  static const std::regex kAborted(
      "the database aborted its transaction at the (\\S+) \\(serialization failure\\): nothing "
      "it wrote took effect, it begins again");
  if (std::regex_match(note, match, kAborted)) {
    return trf(
        "the database aborted its transaction at the {} (serialization failure): nothing "
        "it wrote took effect, it begins again",
        match[1].str());
  }
  if (note == "the count was no longer the one it read: nothing written, it reads again") {
    return tr("the count was no longer the one it read: nothing written, it reads again");
  }
  if (note == "wrote in its transaction: it takes effect at the commit (release)") {
    return tr("wrote in its transaction: it takes effect at the commit (release)");
  }
  if (note == "committed: bought a ticket") return tr("committed: bought a ticket");
  if (note == "bought a ticket") return tr("bought a ticket");
  if (note == "sold out") return tr("sold out");
  if (note == "torn read: no write") return tr("torn read: no write");
  return note;  // an error a customer reported, in its own words
}

std::string describe(const StepRecord& step) {
  const int who = step.customer + 1;
  const std::string name(step_name(step.step));
  switch (step.outcome) {
    case StepOutcome::kBlocked:
      return trf("customer {} {}: BLOCKED ({})", who, name, note_text(step.note));
    case StepOutcome::kSkipped:
      return trf("customer {} {}: skipped ({})", who, name, note_text(step.note));
    case StepOutcome::kFailed:
      return trf("customer {} {}: FAILED ({})", who, name, note_text(step.note));
    case StepOutcome::kDone:
      break;
  }
  switch (step.step) {
    case Step::kSearch:
      return step.value >= 0 ? trf("customer {} {}: saw {} left", who, name, step.value)
                             : trf("customer {} {}: torn read", who, name);
    case Step::kRead:
      return step.value >= 0 ? trf("customer {} {}: count={}", who, name, step.value)
                             : trf("customer {} {}: torn read", who, name);
    case Step::kWrite:
      return step.note == "bought a ticket"
                 ? trf("customer {} {}: wrote count={}, bought a ticket", who, name, step.value)
                 : trf("customer {} {}: {}", who, name, note_text(step.note));
    case Step::kBuy:  // mode server: the server read `value` and sold, or found none
      if (step.note == "one statement sold a ticket") {  // mode atomic: one UPDATE
        return trf("customer {} {}: one statement sold a ticket, count={} left", who, name,
                   step.value);
      }
      return step.note == "bought a ticket"
                 ? trf("customer {} {}: the server read count={} and sold a ticket", who, name,
                       step.value)
                 : trf("customer {} {}: {}", who, name, note_text(step.note));
    case Step::kAcquire:
    case Step::kRelease:
      return step.note.empty() ? trf("customer {} {}", who, name)
                               : trf("customer {} {}: {}", who, name, note_text(step.note));
    default:
      return trf("customer {} {}", who, name);
  }
}

std::string render_steps(const TrialResult& trial, int max_lines, int width) {
  if (trial.steps.empty()) return "";
  std::string out =
      wrap_text(tr("Schedule that ran (rerun it exactly with --schedule script:\"...\"):"), width) +
      wrap_text(trial.schedule_ran, width, 2, 2) + "\n" + tr("Steps:") + "\n";
  // A mode without a lock has lock steps in its script (the replay needs them) but nothing
  // happens in them: the list leaves them out, unless something did (serializable's BEGIN
  // and COMMIT).
  std::vector<const StepRecord*> listed;
  for (const StepRecord& step : trial.steps) {
    const bool lock_step = step.step == Step::kAcquire || step.step == Step::kRelease;
    if (!lock_step || mode_takes_lock(trial.mode) || !step.note.empty()) listed.push_back(&step);
  }
  const auto shown = std::min(listed.size(), static_cast<std::size_t>(max_lines));
  for (std::size_t i = 0; i < shown; ++i) {
    out += wrap_text(fmt::format("{:>3}. {}", i + 1, describe(*listed[i])), width, 2, 7);
  }
  if (listed.size() > shown) {
    out += wrap_text(trf("... and {} more (--json lists them all)", listed.size() - shown), width,
                     2, 4);
  }
  // The driver records why in English (the JSON keeps it); said again in the reader's words.
  static const std::regex kStopped(
      "customer ([0-9]+) stopped before its (\\w+) step(?: \\((.*)\\))?");
  for (const std::string& line : trial.unfinished) {
    std::smatch match;
    std::string text = line;
    if (std::regex_match(line, match, kStopped)) {
      text = trf("customer {} stopped before its {} step", match[1].str(), match[2].str());
      if (match[3].matched) text += trf(" ({})", note_text(match[3].str()));
    }
    out += wrap_text(trf("Unfinished: {}", text), width, 2, 4);
  }
  return out;
}

std::string render_mutex_check(const TrialResult& trial, int width) {
  if (!trial.mutex.checked) {
    return wrap_text(tr("Mutual exclusion: not checked (step times were not recorded)"), width, 0,
                     2);
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
  const std::string left_out =
      cut_short > 0 ? trnf(" ({} critical section cut short before release is not checked)",
                           " ({} critical sections cut short before release are not checked)",
                           cut_short, cut_short)
                    : "";
  std::string out;
  if (trial.mode == Mode::kSerializable) {
    return wrap_text(tr("Mutual exclusion: not used (serializable transactions overlap; the "
                        "database aborts the ones that would not serialise)."),
                     width, 0, 2);
  }
  if (trial.mode == Mode::kAtomic) {
    return wrap_text(tr("Mutual exclusion: not needed (each purchase is one statement, atomic "
                        "in the database)."),
                     width, 0, 2);
  }
  if (trial.mutex.violations == 0) {
    // Mode none has no lock: nothing held mutual exclusion; the purchases just did not overlap.
    if (trial.mode == Mode::kNone) {
      out = cut_short > 0 ? trf("Mutual exclusion: not enforced (mode none has no lock); no two "
                                "finished purchases overlapped this time{}.",
                                left_out)
                          : tr("Mutual exclusion: not enforced (mode none has no lock); no two "
                               "purchases overlapped this time.");
    } else {
      out = cut_short > 0
                ? trf("Mutual exclusion: held; no two finished critical sections overlapped{}.",
                      left_out)
                : tr("Mutual exclusion: held; no two critical sections overlapped.");
    }
    return wrap_text(out, width, 0, 2);
  }
  auto section = [&](const CriticalSection& s) {
    const double from = static_cast<double>(s.acquired_ns - trial.t_start) / 1e6;
    const double to = static_cast<double>(s.released_ns - trial.t_start) / 1e6;
    return s.search ? trf("customer {}'s search [{:.2f}-{:.2f} ms]", s.customer + 1, from, to)
                    : trf("customer {}'s purchase {} [{:.2f}-{:.2f} ms]", s.customer + 1,
                          s.attempt + 1, from, to);
  };
  // Mode none promises nothing: its overlaps are the race window, not a broken lock.
  const std::string pairs = counted(trial.mutex.violations, "{} pair", "{} pairs");
  out = wrap_text(trial.mode == Mode::kNone
                      ? trf("Mutual exclusion: not enforced (mode none has no lock); {} of "
                            "searches and purchases overlapped{}, e.g.",
                            pairs, left_out)
                      : trf("Mutual exclusion: BROKEN, {} overlapped{}, e.g.", pairs, left_out),
                  width, 0, 2);
  // Two purchases overlapping tell the story best; searches overlapping a purchase come next.
  std::vector<const MutexViolation*> examples;
  for (bool purchases_only : {true, false}) {
    for (const MutexViolation& violation : trial.mutex.listed) {
      bool both_purchases = !violation.first.search && !violation.second.search;
      if (both_purchases == purchases_only && examples.size() < 3) examples.push_back(&violation);
    }
  }
  for (const MutexViolation* violation : examples) {
    out += wrap_text(trf("{} and {}", section(violation->first), section(violation->second)), width,
                     2, 4);
  }
  return out;
}

// Per mode, over its trials: how likely a trial is to be unsafe (95% Wilson interval), the
// tickets oversold per trial, and the median wall time with its interval.
std::string statistics_block(const std::vector<ModeSummary>& summaries, int width) {
  std::string out =
      "\n" + wrap_text(trf("Statistics over {} per mode (95% intervals):",
                           counted(summaries.front().trials, "{} trial", "{} trials")),
                       width);
  // Each figure on its own line after a 13-column mode label, wrapped under the figure.
  auto line = [&](const ModeSummary* summary, const std::string& text) {
    const std::string label = summary != nullptr ? std::string(mode_name(summary->mode)) : "";
    out += wrap_text("  " + pad_to_width(label, 13) + " " + text, width, 0, 16);
  };
  for (const ModeSummary& summary : summaries) {
    line(&summary,
         trf("unsafe in {} of {}: p = {:.2f} [{:.2f}, {:.2f}]", summary.unsafe_trials,
             summary.trials, summary.unsafe_p, summary.unsafe_p_low, summary.unsafe_p_high));
    line(nullptr, trf("oversold per trial: min {:g}, median {:g}, p95 {:g}, max {}, mean {:.2f}",
                      summary.oversold_min, summary.oversold_median, summary.oversold_p95,
                      summary.oversold_max, summary.oversold_mean));
    if (summary.wall_ms_median > 0) {
      line(nullptr,
           trf("wall ms median {:.1f} [{:.1f}, {:.1f}]{}", summary.wall_ms_median,
               summary.wall_ms_median_low, summary.wall_ms_median_high,
               summary.median_interval_coverage < 0.95 ? trf(" (the whole range: {:.0f}% coverage)",
                                                             100 * summary.median_interval_coverage)
                                                       : ""));
      line(nullptr, trf("purchases/s median {} [{}, {}]", rate_text(summary.purchases_per_s_median),
                        rate_text(summary.purchases_per_s_median_low),
                        rate_text(summary.purchases_per_s_median_high)));
    }
    if (summary.mode == Mode::kOptimistic || summary.mode == Mode::kSerializable) {
      line(nullptr,
           trf("retries after a conflict: {} ({:.2f} per purchase)", summary.retries_total,
               summary.purchases_total > 0 ? static_cast<double>(summary.retries_total) /
                                                 static_cast<double>(summary.purchases_total)
                                           : 0.0));
    }
    if (summary.lock_waits > 0) {
      line(nullptr,
           trf("lock wait per purchase: p50 {}, p99 {}, max {}",
               format_wait_us(summary.lock_wait_us_p50), format_wait_us(summary.lock_wait_us_p99),
               format_wait_us(summary.lock_wait_us_max)));
    }
    if (summary.lock_grants_total > 0) {
      line(nullptr, trf("out of request order: {} of {} grants passed a waiter",
                        summary.lock_overtaking_grants_total, summary.lock_grants_total));
    }
    if (summary.fairness_trials > 0) {
      line(nullptr, trf("Jain's fairness, first half of grants: mean {:.3f}, min {:.3f}",
                        summary.jain_mean, summary.jain_min));
    }
  }
  return out;
}

// The rest of a report whose steps a person chose (`step`): the table without times (they
// are the teacher's pauses), and a session left before every customer finished judged
// unfinished rather than safe.
std::string hand_driven_report(const ExperimentResult& result, const TextReportOptions& options);

// "store: <label>" and what the run did to it.
std::string store_line(const std::string& store, bool wrote_back, bool from_file, int width) {
  const std::string label = store_label_text(store);
  return wrap_text(wrote_back  ? trf("store: {} (final state written back: --in-place)", label)
                   : from_file ? trf("store: {} (not modified)", label)
                               : trf("store: {}", label),
                   width, 0, 2);
}

// --hosts: which hosts ran the experiment, how their clocks were compared, and (for a host
// that did not finish last) where the merged report is.
std::string shared_run_lines(const ExperimentResult& result, int width) {
  const ExperimentResult::SharedRun& shared = *result.shared;
  if (!shared.merged) {
    return wrap_text(trf("Experiment {}: this was host {} of {}; its customers' records are in "
                         "the database. The last host to finish prints the report of every "
                         "host; to print it again: ticketsim report --experiment {} --store URL "
                         "(the database this host used).",
                         shared.name, shared.host + 1, shared.hosts, shared.name),
                     width, 0, 2) +
           "\n";
  }
  std::vector<std::string> hosts;
  const int per_host = result.config.procs / std::max(1, shared.hosts);
  for (std::size_t i = 0; i < shared.hostnames.size(); ++i) {
    const int first = static_cast<int>(i) * per_host + 1;
    hosts.push_back(trf("host {} ({}): customers {}-{}", i + 1, shared.hostnames[i], first,
                        first + per_host - 1));
  }
  std::string out = wrap_text(
      trf("Experiment {}: {} customers on each of {} hosts, sharing every trial through the "
          "database; {}.",
          shared.name, per_host, shared.hosts, join_list(hosts)),
      width, 0, 2);
  out += wrap_text(trf("Times are on the database server's clock: each host's clock was read "
                       "against it to within {:.3f} ms, so steps on different hosts closer than "
                       "that cannot be ordered.",
                       static_cast<double>(shared.clock_error_ns) / 1e6),
                   width, 0, 2);
  if (shared.trials_incomplete > 0) {
    out += wrap_text(trf("{} not finished by every host yet, left out.",
                         counted(shared.trials_incomplete, "{} trial", "{} trials")),
                     width, 0, 2);
  }
  return out + "\n";
}

std::string render_run_report(const ExperimentResult& result, const TextReportOptions& options) {
  const ExperimentConfig& config = result.config;
  const int width = options.width;
  std::string out = wrap_text(
      workload_line(options.command, config, result.tickets, options.schedule), width, 0, 2);
  out +=
      store_line(result.store_label, result.wrote_back, !config.store_path.empty(), width) + "\n";
  if (result.shared) {
    out += shared_run_lines(result, width);
    if (!result.shared->merged) return out;
  }
  std::string mode(mode_name(config.mode));
  bool several = result.trials.size() > 1;
  if (options.by_hand && result.trials.size() == 1)
    return out + hand_driven_report(result, options);
  TextTable table(columns());
  if (!several) {
    for (const TrialResult& trial : result.trials) table.add_row(trial_row(mode, trial));
  } else {
    if (result.trials.size() <= static_cast<std::size_t>(kMaxTrialRows)) {
      for (const TrialResult& trial : result.trials) {
        table.add_row(trial_row(fmt::format("{} #{}", mode, trial.index + 1), trial));
      }
    }
    table.add_row(
        summary_row(trf("{} (all {})", mode, result.trials.size()), result, summarize(result)));
  }
  out += table.render(options.use_color, width);
  if (several) {
    out += "\n" + wrap_text(tr("(all: sold and final count as ranges; oversold as worst trial "
                               "(trials that oversold); lost updates and torn reads summed; wall "
                               "ms and purchases per s as medians)"),
                            width);
    out += statistics_block({summarize(result)}, width);
    if (config.until_ci) {
      out += wrap_text(
          result.ci_reached
              ? trf("(--until-ci {:g}: reached after {})", *config.until_ci,
                    counted(static_cast<int>(result.trials.size()), "{} trial", "{} trials"))
              : trf("(--until-ci {:g}: not reached after {})", *config.until_ci,
                    counted(static_cast<int>(result.trials.size()), "{} trial", "{} trials")),
          width, 2, 4);
    }
  }
  if (result.trials.empty()) {
    out += "\n" + std::string(tr("No trial ran.")) + "\n";
    if (result.interrupted_by != 0) {
      out += wrap_text(interruption_line(result), width);  // never empty
    }
    return out;
  }
  // Explain the worst trial: the first that raced or stalled, else the last.
  const TrialResult* shown = explained_trial(result);
  out += "\n" +
         (several ? trf("What happened in trial #{}:", shown->index + 1)
                  : std::string(tr("What happened:"))) +
         "\n";
  out += indent_sentences(explain_trial(*shown), width);
  std::string witnesses = render_witnesses(*shown, options.max_witnesses, width);
  if (!witnesses.empty()) out += "\n" + witnesses;
  out += "\n" + render_mutex_check(*shown, width);
  std::string steps = render_steps(*shown, 40, width);
  if (!steps.empty()) out += "\n" + steps;
  if (options.show_customers && !shown->customers.empty()) {
    out += "\n" + std::string(tr("Customers:")) + "\n" + customer_lines(*shown, width);
  }
  if (options.show_timeline) {
    out += "\n" + render_timeline(*shown, TimelineOptions{options.width, options.use_color});
  }
  if (std::string line = result.interrupted_by != 0 ? interruption_line(result) : "";
      !line.empty()) {
    out += "\n" + wrap_text(line, width);
  }
  return out;
}

std::string render_compare_report(const Comparison& comparison,
                                  const std::vector<SkippedMode>& skipped,
                                  const TextReportOptions& options) {
  if (comparison.results.empty()) return std::string(tr("No mode ran.")) + "\n";
  const int width = options.width;
  const ExperimentResult& first = comparison.results.front();
  std::string out =
      wrap_text(trf("{}, {} per mode", workload_line("compare", first.config, first.tickets),
                    counted(first.config.trials, "{} trial", "{} trials")),
                width, 0, 2);
  out += store_line(first.store_label, false, !first.config.store_path.empty(), width) + "\n";
  TextTable table(columns());
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
                   {verdict_text("skipped"), "33"}});
  }
  out += table.render(options.use_color, width);
  if (first.config.trials > 1) {
    out += "\n" + wrap_text(tr("(sold and final count as ranges over trials; oversold as worst "
                               "trial (trials that oversold); lost updates and torn reads summed; "
                               "wall ms and purchases per s as medians)"),
                            width);
  }
  for (const SkippedMode& skip : skipped) {
    out += "\n" + wrap_text(trf("{} skipped: {}", mode_name(skip.mode), tr(skip.reason.c_str())),
                            width, 0, 2);
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
    const std::string label = "  " + pad_to_width(mode_name(summary.mode), 13) + " ";
    if (summary.wall_ms_median <= 0) {  // every trial of it was cut short by an interrupt
      costs += wrap_text(label + tr("not measured: interrupted"), width, 0, 16);
      continue;
    }
    costs += wrap_text(label + trf("{:.1f}x the wall time of none ({})",
                                   summary.wall_ms_median / baseline->wall_ms_median,
                                   verdict_text(summary.verdict)),
                       width, 0, 16);
  }
  if (!costs.empty()) {
    out += "\n" + std::string(tr("What safety cost (median wall time):")) + "\n" + costs;
  }
  if (first.config.trials > 1) out += statistics_block(summaries, width);
  if (baseline != nullptr && baseline->unsafe_trials > 0) {
    out += "\n" + wrap_text(trf("Mode none raced in {} of {}; run `ticketsim run` to see how.",
                                baseline->unsafe_trials,
                                counted(baseline->trials, "{} trial", "{} trials")),
                            width);
  }
  if (options.show_timeline) {
    for (const ExperimentResult& result : comparison.results) {
      if (const TrialResult* shown = explained_trial(result)) {
        out += fmt::format("\n{}:\n", mode_name(result.config.mode)) +
               render_timeline(*shown, TimelineOptions{options.width, options.use_color});
      }
    }
  }
  if (comparison.interrupted_by != 0) {
    out += "\n" + wrap_text(trf("Interrupted by {}: modes after the last row did not run.",
                                signal_name(comparison.interrupted_by)),
                            width);
  }
  return out;
}

std::string hand_driven_report(const ExperimentResult& result, const TextReportOptions& options) {
  const int width = options.width;
  const TrialResult& trial = result.trials.front();
  std::vector<std::string> headers = columns();
  std::vector<TextTable::Cell> row = trial_row(std::string(mode_name(trial.mode)), trial);
  // Wall time and throughput are human time here: left out.
  headers.erase(headers.begin() + 6, headers.begin() + 8);
  row.erase(row.begin() + 6, row.begin() + 8);
  const bool writes = std::any_of(trial.steps.begin(), trial.steps.end(), [](const StepRecord& s) {
    return (s.step == Step::kWrite || s.step == Step::kBuy) && s.outcome == StepOutcome::kDone;
  });
  // Left before every customer finished, with nothing gone wrong so far: not judged yet.
  const std::string_view verdict = trial.verdict();
  const bool quit_early = trial.interrupted_by == 0 && !trial.unfinished.empty() &&
                          (verdict == "safe" || verdict == "unprotected");
  if (quit_early) row.back() = TextTable::Cell{tr("unfinished"), "33"};
  TextTable table(headers);
  table.add_row(std::move(row));
  std::string out = table.render(options.use_color, width);
  out += "\n" + std::string(tr("What happened:")) + "\n";
  if (quit_early && !writes) {
    out += indent_sentences({tr("The session ended before any customer wrote the store: nothing "
                                "was bought yet, so there is nothing to judge.")},
                            width);
  } else {
    std::vector<std::string> sentences;
    if (quit_early) {
      sentences.push_back(
          trnf("The session ended with {} customer unfinished: the figures cover "
               "the steps taken, and the verdict waits for the rest.",
               "The session ended with {} customers unfinished: the figures cover "
               "the steps taken, and the verdict waits for the rest.",
               static_cast<std::int64_t>(trial.unfinished.size()), trial.unfinished.size()));
    }
    for (std::string& sentence : explain_trial(trial, true)) {
      sentences.push_back(std::move(sentence));
    }
    out += indent_sentences(sentences, width);
    std::string witnesses = render_witnesses(trial, options.max_witnesses, width);
    if (!witnesses.empty()) out += "\n" + witnesses;
  }
  std::string steps = render_steps(trial, 40, width);
  if (!steps.empty()) out += "\n" + steps;
  return out;
}

}  // namespace ticketsim
