#include "simulator/report/explore_report.h"

#include <cmath>

#include <fmt/format.h>

#include "simulator/report/report_text.h"
#include "simulator/report/text_table.h"
#include "simulator/text/display_width.h"
#include "simulator/text/translate.h"
#include "simulator/text/wrap.h"

namespace ticketsim {
namespace {

// Between two sentences: a space in English, nothing in Chinese (whose full stop is wide).
std::string sentence_gap() { return language_tag().rfind("zh", 0) == 0 ? "" : " "; }

std::string lost_text(const ExploredOutcome& outcome) {
  return outcome.lost_updates ? std::to_string(*outcome.lost_updates) : tr("unknown");
}

std::string final_text(const ExploredOutcome& outcome) {
  return outcome.final_count ? std::to_string(*outcome.final_count) : tr("unreadable");
}

// "120 of 252 interleavings (47.6%)", or "" when the share is not known.
std::string share_text(const ExploredOutcome& outcome, const ExploreResult& result) {
  if (!outcome.interleavings || !result.interleavings_total || !result.complete) return "";
  const long double total = *result.interleavings_total;
  const long double part = *outcome.interleavings;
  return trf("{} of {} interleavings ({:.1f}%)", format_interleavings(part),
             format_interleavings(total),
             total > 0 ? static_cast<double>(100 * part / total) : 0.0);
}

std::string header(const ExploreResult& result) {
  return trf("ticketsim explore: mode {}", mode_name(result.config.workload.mode)) +
         trc("settings", ", ") + explore_settings(result) + "\n" +
         trf("store: {}", store_label_text(result.store_label));
}

}  // namespace

std::string explore_settings(const ExploreResult& result) {
  const ExperimentConfig& workload = result.config.workload;
  std::string settings = trf("{} x {}, {}", counted(workload.procs, "{} customer", "{} customers"),
                             counted(workload.attempts, "{} attempt", "{} attempts"),
                             counted(workload.tickets.value_or(0), "{} ticket", "{} tickets"));
  if (result.config.crashes > 0) {
    settings += trc("settings", ", ") +
                counted(result.config.crashes, "up to {} crash", "up to {} crashes");
  }
  if (workload.write == WriteStrategy::kAtomic) {
    settings += std::string(trc("settings", ", ")) + tr("atomic writes");
  }
  return settings;
}

std::string explore_summary(const ExploreResult& result) {
  const ExploreConfig& config = result.config;
  const std::string workers = counted(result.jobs, "{} worker", "{} workers");
  const std::string seconds = fmt::format("{:.2f}", result.elapsed_s);
  std::string text;
  if (config.preemptions) {
    text = trf("Ran {} with at most {} (no reduction under a preemption bound), on {} in {} s.",
               counted(result.schedules_run, "{} schedule", "{} schedules"),
               counted(*config.preemptions, "{} preemption", "{} preemptions"), workers, seconds);
  } else if (!config.reduction) {
    text = trf("Ran {} (every interleaving of the steps, no reduction), on {} in {} s.",
               counted(result.schedules_run, "{} schedule", "{} schedules"), workers, seconds);
  } else {
    text =
        trf("Ran {} on {} in {} s, with partial-order reduction: schedules that differ only "
            "in the order of steps that commute ran once.",
            counted(result.schedules_run, "{} schedule", "{} schedules"), workers, seconds);
    if (result.interleavings_total && result.complete && result.schedules_run > 0) {
      text +=
          sentence_gap() + trf("They stand for all {} interleavings ({:.1f}x fewer runs).",
                               format_interleavings(*result.interleavings_total),
                               static_cast<double>(*result.interleavings_total /
                                                   static_cast<long double>(result.schedules_run)));
    }
    if (result.redundant > 0) {
      text +=
          sentence_gap() + trnf(
                               "{} more was cut short as redundant (its moves were covered by "
                               "another schedule).",
                               "{} more were cut short as redundant (their moves were covered by "
                               "other schedules).",
                               result.redundant, result.redundant);
    }
  }
  if (result.interleavings_total && (config.preemptions || !config.reduction)) {
    text += sentence_gap() + trf("The steps allow {} interleavings{}.",
                                 format_interleavings(*result.interleavings_total),
                                 config.preemptions ? tr(" within the bound") : std::string());
  } else if (!result.interleavings_total) {
    text += sentence_gap() + tr("The interleavings are too many to count.");
  }
  text += "\n";
  if (result.complete) {
    text += tr("Complete: every interleaving ran, or is equivalent to one that ran.");
  } else if (result.covered_bound()) {
    text +=
        trf("Complete within the bound: every interleaving with at most {} ran; the bound "
            "left the others out.",
            counted(result.config.preemptions.value_or(0), "{} preemption", "{} preemptions"));
  } else if (result.stopped_by == "coverage") {
    text +=
        trf("Incomplete: the schedules that ran stand for {} of the {} interleavings; the "
            "reduction missed the others (a bug in ticketsim: please report it, and run "
            "with --no-reduction meanwhile).",
            format_interleavings(result.interleavings_covered.value_or(0.0L)),
            format_interleavings(result.interleavings_total.value_or(0.0L)));
  } else {
    // The flags as typed; a signal by its name.
    std::string why = result.stopped_by == "preemptions" ? std::string(tr("the preemption bound"))
                      : result.stopped_by.rfind("max-", 0) == 0 ? "--" + result.stopped_by
                                                                : result.stopped_by;
    text +=
        trf("Incomplete: stopped by {} with {} left; the outcomes below are those found so "
            "far.",
            why, counted(result.pending, "{} branch", "{} branches"));
  }
  return text;
}

namespace {

std::string outcome_table(const ExploreResult& result, int width, bool use_color) {
  const bool crashes = result.config.crashes > 0;
  std::vector<std::string> headers{"#",
                                   tr("schedules"),
                                   tr("sold"),
                                   tr("oversold"),
                                   tr("lost updates"),
                                   tr("torn reads"),
                                   tr("final count")};
  if (crashes) headers.push_back(tr("crashed"));
  headers.push_back(tr("verdict"));
  TextTable table(headers);
  int number = 0;
  for (const ExploredOutcome& outcome : result.outcomes) {
    std::vector<TextTable::Cell> row{
        std::to_string(++number),     std::to_string(outcome.count),
        std::to_string(outcome.sold), std::to_string(outcome.oversold),
        lost_text(outcome),           std::to_string(outcome.torn_reads),
        final_text(outcome)};
    if (crashes) row.emplace_back(std::to_string(outcome.crashed));
    row.emplace_back(verdict_text(outcome.verdict), outcome.unsafe    ? "31"
                                                    : outcome.stalled ? "33"
                                                                      : "");
    table.add_row(std::move(row));
  }
  return table.render(use_color, width);
}

}  // namespace

std::string explore_verdict(const ExploreResult& result) {
  const ExperimentConfig& workload = result.config.workload;
  std::int64_t unsafe = 0;
  std::int64_t stalled = 0;
  std::int64_t oversell_schedules = 0;
  long double oversell_interleavings = 0;
  bool oversell_counted = true;  // every oversold outcome's interleavings are known
  for (const ExploredOutcome& outcome : result.outcomes) {
    unsafe += outcome.unsafe ? outcome.count : 0;
    stalled += outcome.stalled ? outcome.count : 0;
    if (outcome.oversold > 0) {
      oversell_schedules += outcome.count;
      if (outcome.interleavings) {
        oversell_interleavings += *outcome.interleavings;
      } else {
        oversell_counted = false;
      }
    }
  }
  std::vector<std::string> sentences;
  const std::string customers = counted(workload.procs, "{} customer", "{} customers");
  if (oversell_schedules > 0 && result.complete && result.interleavings_total && oversell_counted) {
    sentences.push_back(trf("Of all {} ways these {} can interleave, {} oversell.",
                            format_interleavings(*result.interleavings_total), customers,
                            format_interleavings(oversell_interleavings)));
  } else if (oversell_schedules > 0) {
    sentences.push_back(trf("{} of the {} run oversold.",
                            counted(oversell_schedules, "{} schedule", "{} schedules"),
                            counted(result.schedules_run, "{} schedule", "{} schedules")));
  }
  if (const ExploredOutcome* smallest = result.shortest_unsafe()) {
    std::size_t index = 0;
    while (&result.outcomes[index] != smallest) ++index;
    const std::string steps = counted(smallest->script_steps, "{} step", "{} steps");
    const std::string preemptions =
        counted(smallest->script_preemptions, "{} preemption", "{} preemptions");
    sentences.push_back(smallest->oversold > 0
                            ? trf("The smallest schedule that oversells is outcome {}'s: {}, {}.",
                                  index + 1, steps, preemptions)
                            : trf("The smallest unsafe schedule is outcome {}'s: {}, {}.",
                                  index + 1, steps, preemptions));
  }
  if (stalled > 0) {
    sentences.push_back(
        trf("{} stalled: a customer died holding the {} lock, which nobody "
            "releases for a dead holder, and the others wait for it for ever.",
            counted(stalled, "{} schedule", "{} schedules"), mode_name(workload.mode)));
  }
  if (unsafe == 0 && stalled == 0 && result.schedules_run > 0) {
    const std::string what =
        result.config.crashes > 0
            ? trf("with up to {}", counted(result.config.crashes, "{} crash", "{} crashes"))
            : std::string();
    if (result.covered_bound() && !result.complete) {
      sentences.push_back(
          trf("Safe within the bound: every one of the {} with at most {} sold "
              "correctly; this proves nothing about schedules with more.",
              counted(result.schedules_run, "{} schedule", "{} schedules"),
              counted(result.config.preemptions.value_or(0), "{} preemption", "{} preemptions")));
    } else if (result.complete) {
      const std::string count = result.interleavings_total
                                    ? format_interleavings(*result.interleavings_total)
                                    : std::to_string(result.schedules_run);
      sentences.push_back(
          what.empty()
              ? trf("Safe: every one of the {} interleavings sold correctly (no oversell, lost "
                    "update, torn read or stall).",
                    count)
              : trf("Safe: every one of the {} interleavings, {}, sold correctly (no oversell, "
                    "lost update, torn read or stall).",
                    count, what));
    } else {
      sentences.push_back(
          trf("Every one of the {} run was safe, but the search was cut short: "
              "this proves nothing about the rest.",
              counted(result.schedules_run, "{} schedule", "{} schedules")));
    }
  }
  std::string text;
  for (const std::string& sentence : sentences)
    text += (text.empty() ? "" : sentence_gap()) + sentence;
  return text;
}

std::string format_interleavings(long double count) {
  if (count >= 1e15L) {
    // Past what a double holds too, at times (10 customers x 24 attempts: about 10^955).
    const long double exponent = std::floor(std::log10(count));
    const long double mantissa = count / std::pow(10.0L, exponent);
    return fmt::format("{:.2f}e{:.0f}", static_cast<double>(mantissa),
                       static_cast<double>(exponent));
  }
  const std::string digits = fmt::format("{:.0f}", static_cast<double>(std::round(count)));
  std::string grouped;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) grouped += ',';
    grouped += digits[i];
  }
  return grouped;
}

namespace {

// `text` as one shell word in single quotes (a ' inside becomes '\'').
std::string shell_quoted(const std::string& text) {
  std::string quoted = "'";
  for (char c : text) quoted += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return quoted + "'";
}

// The words of the replay command before its script: ticketsim run --mode M ... --schedule.
std::vector<std::string> replay_words(const ExploreResult& result) {
  const ExperimentConfig& workload = result.config.workload;
  std::vector<std::string> words{"ticketsim", "run",
                                 "--mode",    std::string(mode_name(workload.mode)),
                                 "--procs",   std::to_string(workload.procs)};
  if (workload.attempts != 1)
    words.insert(words.end(), {"--attempts", std::to_string(workload.attempts)});
  if (!workload.store_path.empty()) {
    words.insert(words.end(), {"--store", shell_quoted(workload.store_path)});
  }
  words.insert(words.end(), {"--tickets", std::to_string(workload.tickets.value_or(1))});
  if (workload.write == WriteStrategy::kAtomic) words.insert(words.end(), {"--write", "atomic"});
  words.push_back("--schedule");
  return words;
}

// The replay command wrapped so that it still pastes into a shell: a break between the
// command's words ends its line with " \\"; a break between the script's steps falls inside
// the quotes, where a line break is a separator the script accepts.
std::string wrapped_replay(const ExploreResult& result, const std::string& script, int width,
                           int indent, int hanging) {
  std::string out;
  std::string line(static_cast<std::size_t>(indent), ' ');
  bool first_on_line = true;
  auto place = [&](const std::string& word, bool in_quotes) {
    const int room = width - (in_quotes ? 0 : 2);  // leave room for " \\" outside the quotes
    if (!first_on_line && display_width(line) + 1 + display_width(word) > room) {
      out += line + (in_quotes ? "" : " \\") + "\n";
      line.assign(static_cast<std::size_t>(hanging), ' ');
      first_on_line = true;
    }
    line += (first_on_line ? "" : " ") + word;
    first_on_line = false;
  };
  for (const std::string& word : replay_words(result)) place(word, false);
  std::vector<std::string> steps;
  for (std::size_t start = 0; start < script.size();) {
    std::size_t end = std::min(script.find(' ', start), script.size());
    steps.push_back(script.substr(start, end - start));
    start = end + 1;
  }
  for (std::size_t i = 0; i < steps.size(); ++i) {
    std::string word = (i == 0 ? "script:\"" : "") + steps[i] + (i + 1 == steps.size() ? "\"" : "");
    place(word, i > 0);
  }
  return out + line + "\n";
}

}  // namespace

std::string replay_command(const ExploreResult& result, const std::string& script) {
  std::string command;
  for (const std::string& word : replay_words(result)) command += word + " ";
  return command + "script:\"" + script + "\"";
}

std::string render_explore_report(const ExploreResult& result, int width, bool use_color) {
  std::string out = wrap_text(header(result), width, 0, 2) + "\n";
  out += wrap_text(explore_summary(result), width, 0, 2) + "\n";
  out += wrap_text(trf("Outcomes ({}):", result.outcomes.size()), width);
  out += outcome_table(result, width, use_color) + "\n";
  out += wrap_text(tr("The shortest schedule to each (replay it with ticketsim run):"), width);
  int number = 0;
  for (const ExploredOutcome& outcome : result.outcomes) {
    std::string line = trf("{}. {}: {}, {}", ++number, verdict_text(outcome.verdict),
                           counted(outcome.script_steps, "{} step", "{} steps"),
                           counted(outcome.script_preemptions, "{} preemption", "{} preemptions"));
    if (std::string share = share_text(outcome, result); !share.empty()) {
      line = trf("{}; {}", line, share);
    }
    out += wrap_text(line, width, 2, 5);
    // Inside the quotes, a line break and the indentation are separators a script accepts,
    // so the wrapped command still pastes into a shell as it is.
    out += wrapped_replay(result, outcome.script, width, 5, 7);
  }
  if (result.outcomes.empty())
    out += std::string("  ") + tr("(none: no schedule ran to its end)") + "\n";
  out += "\n" + wrap_text(explore_verdict(result), width, 0, 2);
  return out;
}

nlohmann::ordered_json explore_report_json(const ExploreResult& result) {
  ScopedLanguage english("en");
  using Json = nlohmann::ordered_json;
  // Exact below 2^53, a double below its largest, else the digits as a string ("9.70e955").
  auto count_json = [](const std::optional<long double>& count) -> Json {
    if (!count) return nullptr;
    if (*count < 9.007199254740992e15L) return static_cast<std::int64_t>(std::round(*count));
    if (*count < 1e308L) return static_cast<double>(*count);
    return format_interleavings(*count);
  };
  const ExploreConfig& config = result.config;
  const ExperimentConfig& workload = config.workload;
  Json json;
  json["command"] = "explore";
  json["workload"] = {
      {"mode", mode_name(workload.mode)}, {"procs", workload.procs},
      {"attempts", workload.attempts},    {"tickets", workload.tickets.value_or(0)},
      {"store", result.store_label},      {"write", write_strategy_name(workload.write)}};
  json["reduction"] = config.reduction && !config.preemptions;
  json["crashes"] = config.crashes;
  json["preemptions"] = config.preemptions ? Json(*config.preemptions) : Json(nullptr);
  json["max_schedules"] = config.max_schedules ? Json(*config.max_schedules) : Json(nullptr);
  json["max_time_s"] =
      config.max_time ? Json(static_cast<double>(config.max_time->count()) / 1e9) : Json(nullptr);
  json["schedules_run"] = result.schedules_run;
  json["redundant"] = result.redundant;
  json["interleavings_total"] = count_json(result.interleavings_total);
  json["interleavings_covered"] = count_json(result.interleavings_covered);
  json["complete"] = result.complete;
  json["stopped_by"] = result.stopped_by.empty() ? Json(nullptr) : Json(result.stopped_by);
  json["pending"] = result.pending;
  // true: proven (within the preemption bound, when there is one); false: a schedule was
  // unsafe or stalled; null: nothing found, but the search was cut short.
  json["safe"] = result.found_unsafe() ? Json(false) : result.safe() ? Json(true) : Json(nullptr);
  json["jobs"] = result.jobs;
  json["elapsed_s"] = std::round(result.elapsed_s * 1000) / 1000;
  json["schedules_per_s"] =
      result.elapsed_s > 0 ? std::round(result.schedules_run / result.elapsed_s) : 0.0;
  Json outcomes = Json::array();
  for (const ExploredOutcome& outcome : result.outcomes) {
    outcomes.push_back(
        {{"verdict", outcome.verdict},
         {"unsafe", outcome.unsafe},
         {"stalled", outcome.stalled},
         {"sold", outcome.sold},
         {"oversold", outcome.oversold},
         {"lost_updates", outcome.lost_updates ? Json(*outcome.lost_updates) : Json(nullptr)},
         {"torn_reads", outcome.torn_reads},
         {"final_count", outcome.final_count ? Json(*outcome.final_count) : Json(nullptr)},
         {"crashed", outcome.crashed},
         {"count", outcome.count},
         {"interleavings", count_json(outcome.interleavings)},
         {"script", outcome.script},
         {"script_steps", outcome.script_steps},
         {"script_preemptions", outcome.script_preemptions},
         {"replay", replay_command(result, outcome.script)}});
  }
  json["outcomes"] = std::move(outcomes);
  return json;
}

}  // namespace ticketsim
