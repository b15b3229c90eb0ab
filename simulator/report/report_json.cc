#include "simulator/report/report_json.h"
#include "simulator/text/translate.h"

#include <cmath>

#include <fmt/format.h>

namespace ticketsim {
namespace {

using Json = nlohmann::ordered_json;

// Milliseconds rounded to microseconds: enough precision, readable numbers.
double round_ms(double ms) { return std::round(ms * 1000.0) / 1000.0; }
double round_rate(double rate) { return std::round(rate * 10.0) / 10.0; }
// Nanoseconds as microseconds, to 0.1 us.
double round_us(std::int64_t ns) { return std::round(static_cast<double>(ns) / 100.0) / 10.0; }

Json workload_json(const ExperimentConfig& config, const std::string& store_label,
                   std::int64_t tickets) {
  Json workload;
  workload["schedule"] = schedule_name(config.schedule);
  workload["procs"] = config.procs;
  workload["tickets"] = tickets;
  workload["attempts"] = config.attempts;
  workload["latency"] = format_duration_range(config.latency);
  workload["latency_ns"] = {{"min", config.latency.min.count()},
                            {"max", config.latency.max.count()}};
  workload["search_latency_ns"] = config.search_latency.count();
  workload["hold_ns"] = config.hold.count();
  workload["pool"] = config.pool;
  workload["trials"] = config.trials;
  workload["seed"] = config.seed;
  workload["store"] = store_label;
  workload["trial_timeout_ms"] = static_cast<double>(effective_trial_timeout(config).count()) / 1e6;
  workload["lock_timeout_ms"] = static_cast<double>(effective_lock_timeout(config).count()) / 1e6;
  workload["write"] = write_strategy_name(config.write);
  workload["write_cost_ms"] = config.write_cost
                                  ? Json(static_cast<double>(config.write_cost->count()) / 1e6)
                                  : Json(nullptr);
  workload["crash_prob"] = config.crash_probability;
  workload["crash_at"] = crash_point_name(config.crash_at);
  workload["pause_holder_ms"] =
      config.pause_holder ? static_cast<double>(config.pause_holder->count()) / 1e6 : 0.0;
  return workload;
}

double relative_ms(std::int64_t time_ns, std::int64_t origin_ns) {
  return time_ns == 0 ? 0.0 : round_ms(static_cast<double>(time_ns - origin_ns) / 1e6);
}

Json purchase_json(const PurchaseRef& purchase, std::int64_t origin_ns) {
  return {{"customer", purchase.customer + 1},
          {"pid", purchase.pid},
          {"attempt", purchase.attempt + 1},
          {"read", purchase.read_value},
          {"read_ms", relative_ms(purchase.read_ns, origin_ns)},
          {"wrote", purchase.wrote_value},
          {"wrote_ms", relative_ms(purchase.wrote_ns, origin_ns)}};
}

Json optional_json(const std::optional<std::int64_t>& value) {
  return value ? Json(*value) : Json(nullptr);
}

// The most lost updates there can have been, summed like lost_updates_total (over the trials
// where they are known; null when no trial's are): more than the total when writes were
// indeterminate.
Json lost_updates_max_total(const ExperimentResult& result) {
  std::int64_t most = 0;
  bool known = false;
  for (const TrialResult& trial : result.trials) {
    if (!trial.lost_updates) continue;
    known = true;
    most += trial.lost_updates_max.value_or(*trial.lost_updates);
  }
  return known ? Json(most) : Json(nullptr);
}

Json section_json(const CriticalSection& section, std::int64_t origin_ns) {
  return {{"customer", section.customer + 1},
          {"pid", section.pid},
          {"section", section.search ? "search" : "purchase"},
          {"attempt", section.attempt + 1},
          {"shared", section.shared},
          {"acquired_ms", relative_ms(section.acquired_ns, origin_ns)},
          {"released_ms", relative_ms(section.released_ns, origin_ns)}};
}

}  // namespace

Json witnesses_json(const TrialResult& trial) {
  ScopedLanguage english("en");  // machine-readable: English whatever the reader reads
  Json witnesses = Json::array();
  for (const LostUpdateWitness& witness : trial.witnesses.lost_updates) {
    witnesses.push_back(
        {{"kind", "lost_update"},
         {"erased", witness.erased},
         {"writer", purchase_json(witness.writer, trial.t_start)},
         {"overwritten", purchase_json(witness.overwritten, trial.t_start)},
         {"customers", {witness.overwritten.customer + 1, witness.writer.customer + 1}},
         {"text", describe(witness, trial.t_start)}});
  }
  for (const DoubleSaleWitness& witness : trial.witnesses.double_sales) {
    Json buyers = Json::array();
    Json customers = Json::array();
    for (const PurchaseRef& buyer : witness.buyers) {
      buyers.push_back(purchase_json(buyer, trial.t_start));
      customers.push_back(buyer.customer + 1);
    }
    witnesses.push_back({{"kind", "double_sale"},
                         {"ticket", witness.ticket},
                         {"times_sold", witness.buyers.size()},
                         {"buyers", std::move(buyers)},
                         {"customers", std::move(customers)},
                         {"text", describe(witness, trial.t_start)}});
  }
  return witnesses;
}

Json witness_counts_json(const Witnesses& witnesses) {
  return {{"lost_update", witnesses.lost_update_count},
          {"double_sale", witnesses.double_sale_count},
          {"erased_total", witnesses.erased_total},
          {"listed_at_most", kListedWitnesses}};
}

Json steps_json(const TrialResult& trial) {
  Json steps = Json::array();
  for (const StepRecord& step : trial.steps) {
    Json entry{{"customer", step.customer + 1},
               {"step", step_name(step.step)},
               {"outcome", step_outcome_name(step.outcome)}};
    if (step.value >= 0) entry["value"] = step.value;
    if (!step.note.empty()) entry["note"] = step.note;
    steps.push_back(std::move(entry));
  }
  return steps;
}

Json mutual_exclusion_json(const TrialResult& trial) {
  Json check;
  check["checked"] = trial.mutex.checked;
  check["violations"] = trial.mutex.violations;
  Json listed = Json::array();
  for (const MutexViolation& violation : trial.mutex.listed) {
    listed.push_back({{"first", section_json(violation.first, trial.t_start)},
                      {"second", section_json(violation.second, trial.t_start)}});
  }
  check["listed"] = std::move(listed);
  return check;
}

Json trial_json(const TrialResult& trial) {
  ScopedLanguage english("en");  // machine-readable: English whatever the reader reads
  Json json;
  json["trial"] = trial.index + 1;
  json["mode"] = mode_name(trial.mode);
  json["schedule"] = schedule_name(trial.schedule);
  json["procs"] = trial.procs;
  json["tickets"] = trial.tickets;
  json["attempts"] = trial.attempts;
  json["sold"] = trial.sold;
  json["oversold"] = trial.oversold;
  json["lost_updates"] = optional_json(trial.lost_updates);
  json["torn_reads"] = trial.torn_reads;
  json["final_count"] = trial.final_count ? Json(*trial.final_count) : Json(nullptr);
  json["stalled"] = trial.stalled;
  json["wall_ms"] = round_ms(trial.wall_ms());
  json["purchases_per_s"] = round_rate(trial.purchases_per_s);
  json["purchases"] = trial.purchases;
  json["mutex_violations"] = trial.mutex_violations;
  json["lost_updates_max"] = optional_json(trial.lost_updates_max);
  json["writes_made"] = trial.writes_made;
  json["indeterminate"] = trial.indeterminate;
  json["errors"] = trial.errors;
  json["failed_purchases"] = trial.failed_purchases;
  json["first_error"] = trial.first_error;
  json["crashed"] = trial.crashed;
  json["interrupted"] = trial.interrupted_by != 0;
  json["verdict"] = trial.verdict();
  json["stall_reason"] = trial.stall_reason;
  json["crashes"] = Json::array();
  for (const CrashedCustomer& crash : trial.crashes) {
    json["crashes"].push_back(
        {{"customer", crash.customer + 1},
         {"pid", crash.pid},
         {"injected", crash.crashed_at.has_value()},
         {"at", crash.crashed_at ? Json(crash_point_name(*crash.crashed_at)) : Json(nullptr)},
         {"attempt", crash.attempt + 1},
         {"held_lock", crash.held_lock},
         {"text", describe(crash)}});
  }
  json["repairs"] = trial.repairs;
  json["lock_timeouts"] = trial.lock_timeouts;
  // Waits are measured from the step times: unknown when they were not recorded.
  json["lock_wait_ms"] = trial.times_recorded
                             ? Json(round_ms(static_cast<double>(trial.lock_wait_ns) / 1e6))
                             : Json(nullptr);
  json["paused_ms"] = round_ms(static_cast<double>(trial.paused_ns) / 1e6);
  if (trial.lock_order.checked) {  // modes with a lock, times recorded
    json["lock_grants"] = trial.lock_order.grants;
    json["lock_overtakes"] = trial.lock_order.overtakes;
    json["lock_overtaking_grants"] = trial.lock_order.overtaking_grants;
  }
  if (trial.mode == Mode::kOptimistic || trial.mode == Mode::kSerializable) {
    json["retries"] = trial.retries;
  }
  if (trial.mode == Mode::kRedisLock) {
    json["leases_expired"] = trial.leases_expired;
    json["fencing"] = trial.fencing;
    json["fenced_off"] = trial.fenced_off;
  }
  if (trial.lock_waits.checked && trial.lock_waits.count > 0) {
    json["lock_wait_us_p50"] = round_us(trial.lock_waits.p50_ns);
    json["lock_wait_us_p99"] = round_us(trial.lock_waits.p99_ns);
    json["lock_wait_us_max"] = round_us(trial.lock_waits.max_ns);
  }
  if (trial.fairness.checked) {
    json["fairness_jain"] = std::round(trial.fairness.jain * 1e4) / 1e4;
    json["fairness_window_grants"] = trial.fairness.window_grants;
  }
  json["witnesses"] = witnesses_json(trial);
  json["witness_counts"] = witness_counts_json(trial.witnesses);
  json["mutual_exclusion"] = mutual_exclusion_json(trial);
  if (!trial.steps.empty()) {
    json["schedule_ran"] = trial.schedule_ran;
    json["steps"] = steps_json(trial);
    json["unfinished"] = trial.unfinished;
  }
  return json;
}

Json summary_json(const ModeSummary& summary) {
  Json json;
  json["mode"] = mode_name(summary.mode);
  json["trials"] = summary.trials;
  json["oversold_trials"] = summary.oversold_trials;
  json["oversold_max"] = summary.oversold_max;
  json["lost_updates_total"] = summary.lost_updates_unknown == summary.trials && summary.trials > 0
                                   ? Json(nullptr)
                                   : Json(summary.lost_updates_total);
  json["lost_updates_unknown_trials"] = summary.lost_updates_unknown;
  json["indeterminate_total"] = summary.indeterminate_total;
  json["final_count_min"] =
      summary.final_count_unknown < summary.trials ? Json(summary.final_count_min) : Json(nullptr);
  json["final_count_max"] =
      summary.final_count_unknown < summary.trials ? Json(summary.final_count_max) : Json(nullptr);
  json["final_count_unknown_trials"] = summary.final_count_unknown;
  json["torn_reads_total"] = summary.torn_reads_total;
  json["stalled_trials"] = summary.stalled_trials;
  // Timings come from trials that ran to their end; with none (all interrupted), unknown.
  const bool timed = summary.wall_ms_median > 0;
  auto timing = [&](Json value) { return timed ? value : Json(nullptr); };
  json["wall_ms_median"] = timing(round_ms(summary.wall_ms_median));
  json["purchases_per_s_median"] = timing(round_rate(summary.purchases_per_s_median));
  json["wall_ms_min"] = timing(round_ms(summary.wall_ms_min));
  json["wall_ms_max"] = timing(round_ms(summary.wall_ms_max));
  json["purchases_per_s_min"] = timing(round_rate(summary.purchases_per_s_min));
  json["purchases_per_s_max"] = timing(round_rate(summary.purchases_per_s_max));
  json["mutex_violations_total"] = summary.mutex_violations_total;
  if (summary.lock_grants_total > 0) {
    json["lock_grants_total"] = summary.lock_grants_total;
    json["lock_overtakes_total"] = summary.lock_overtakes_total;
    json["lock_overtaking_grants_total"] = summary.lock_overtaking_grants_total;
  }
  if (summary.mode == Mode::kOptimistic || summary.mode == Mode::kSerializable) {
    json["retries_total"] = summary.retries_total;
    json["retries_per_purchase"] =
        summary.purchases_total > 0 ? std::round(1e3 * static_cast<double>(summary.retries_total) /
                                                 static_cast<double>(summary.purchases_total)) /
                                          1e3
                                    : 0.0;
  }
  if (summary.lock_waits > 0) {
    auto us = [](double value) { return std::round(value * 10) / 10; };
    json["lock_wait_us_p50"] = us(summary.lock_wait_us_p50);
    json["lock_wait_us_p99"] = us(summary.lock_wait_us_p99);
    json["lock_wait_us_max"] = us(summary.lock_wait_us_max);
  }
  if (summary.fairness_trials > 0) {
    json["fairness_trials"] = summary.fairness_trials;
    json["fairness_jain_mean"] = std::round(summary.jain_mean * 1e4) / 1e4;
    json["fairness_jain_min"] = std::round(summary.jain_min * 1e4) / 1e4;
  }
  json["unsafe_trials"] = summary.unsafe_trials;
  if (summary.trials >= 2) {  // statistics need more than one trial
    auto rounded = [](double value, double scale) { return std::round(value * scale) / scale; };
    json["unsafe_p"] = rounded(summary.unsafe_p, 1e4);
    json["unsafe_p_low"] = rounded(summary.unsafe_p_low, 1e4);
    json["unsafe_p_high"] = rounded(summary.unsafe_p_high, 1e4);
    json["oversold_min"] = summary.oversold_min;
    json["oversold_median"] = summary.oversold_median;
    json["oversold_p95"] = rounded(summary.oversold_p95, 1e3);
    json["oversold_mean"] = rounded(summary.oversold_mean, 1e3);
    json["wall_ms_median_low"] = timing(round_ms(summary.wall_ms_median_low));
    json["wall_ms_median_high"] = timing(round_ms(summary.wall_ms_median_high));
    json["purchases_per_s_median_low"] = timing(round_rate(summary.purchases_per_s_median_low));
    json["purchases_per_s_median_high"] = timing(round_rate(summary.purchases_per_s_median_high));
    json["median_interval_coverage"] = timing(rounded(summary.median_interval_coverage, 1e4));
  }
  json["error_trials"] = summary.error_trials;
  json["verdict"] = summary.verdict;
  return json;
}

Json run_report_json(const ExperimentResult& result) {
  ScopedLanguage english("en");  // machine-readable: English whatever the reader reads
  Json json;
  json["command"] = "run";
  json["mode"] = mode_name(result.config.mode);
  json["schedule"] = schedule_name(result.config.schedule);
  json["procs"] = result.config.procs;
  json["tickets"] = result.tickets;
  json["attempts"] = result.config.attempts;
  std::int64_t sold = 0, oversold = 0, lost = 0, lost_max = 0, torn = 0, purchases = 0;
  std::int64_t violations = 0;
  std::int64_t indeterminate = 0;
  bool lost_known = true;
  std::int64_t wall_ns = 0;
  int errors = 0, crashed = 0;
  bool stalled = false;
  for (const TrialResult& trial : result.trials) {
    sold += trial.sold;
    oversold += trial.oversold;
    lost += trial.lost_updates.value_or(0);
    lost_max += trial.lost_updates_max.value_or(trial.lost_updates.value_or(0));
    lost_known = lost_known && trial.lost_updates.has_value();
    indeterminate += trial.indeterminate;
    torn += trial.torn_reads;
    purchases += trial.purchases;
    violations += trial.mutex_violations;
    wall_ns += trial.wall_ns;
    errors += trial.errors;
    crashed += trial.crashed;
    stalled = stalled || trial.stalled;
  }
  json["sold"] = sold;
  json["oversold"] = oversold;
  json["lost_updates"] = lost_known ? Json(lost) : Json(nullptr);
  json["torn_reads"] = torn;
  const TrialResult* last = result.trials.empty() ? nullptr : &result.trials.back();
  json["final_count"] = last && last->final_count ? Json(*last->final_count) : Json(nullptr);
  json["stalled"] = stalled;
  json["wall_ms"] = round_ms(static_cast<double>(wall_ns) / 1e6);
  json["purchases_per_s"] =
      round_rate(wall_ns > 0 ? static_cast<double>(purchases) * 1e9 / wall_ns : 0.0);
  json["purchases"] = purchases;
  json["mutex_violations"] = violations;
  json["errors"] = errors;
  json["crashed"] = crashed;
  json["indeterminate"] = indeterminate;
  // lost_updates is the least there can have been; with indeterminate writes, this the most.
  json["lost_updates_max"] = lost_known ? Json(lost_max) : Json(nullptr);
  json["interrupted"] = result.interrupted_by != 0;
  ModeSummary summary = summarize(result);
  json["verdict"] = summary.verdict;
  json["wrote_back"] = result.wrote_back;
  // The witnesses of the explained trial (the first that raced or stalled, else the last);
  // every trial's own are in `trials`.
  const TrialResult* explained = explained_trial(result);
  json["witness_trial"] = explained != nullptr ? explained->index + 1 : 0;
  if (explained != nullptr && !explained->steps.empty()) {
    json["schedule_ran"] = explained->schedule_ran;  // --schedule replay:THIS_FILE reruns it
  }
  json["witnesses"] = explained != nullptr ? witnesses_json(*explained) : Json::array();
  if (explained != nullptr) json["witness_counts"] = witness_counts_json(explained->witnesses);
  json["workload"] = workload_json(result.config, result.store_label, result.tickets);
  json["summary"] = summary_json(summary);
  json["summary"]["lost_updates_total_max"] = lost_updates_max_total(result);
  if (result.config.until_ci) {
    json["until_ci"] = *result.config.until_ci;
    json["ci_reached"] = result.ci_reached;
  }
  if (result.shared) {
    const ExperimentResult::SharedRun& shared = *result.shared;
    json["shared"] = {{"experiment", shared.name},
                      {"hosts", shared.hosts},
                      {"host", shared.host >= 0 ? Json(shared.host + 1) : Json(nullptr)},
                      {"merged", shared.merged},
                      {"hostnames", shared.hostnames},
                      {"clock_error_ms", static_cast<double>(shared.clock_error_ns) / 1e6},
                      {"trials_incomplete", shared.trials_incomplete}};
  }
  json["trials"] = Json::array();
  for (const TrialResult& trial : result.trials) json["trials"].push_back(trial_json(trial));
  return json;
}

Json compare_report_json(const Comparison& comparison, const std::vector<SkippedMode>& skipped) {
  ScopedLanguage english("en");  // machine-readable: English whatever the reader reads
  Json json;
  json["command"] = "compare";
  if (!comparison.results.empty()) {
    const ExperimentResult& first = comparison.results.front();
    json["workload"] = workload_json(first.config, first.store_label, first.tickets);
  }
  json["results"] = Json::array();
  for (const ExperimentResult& result : comparison.results) {
    Json row = summary_json(summarize(result));
    row["lost_updates_total_max"] = lost_updates_max_total(result);
    if (result.config.until_ci) row["ci_reached"] = result.ci_reached;
    row["trial_results"] = Json::array();
    for (const TrialResult& trial : result.trials)
      row["trial_results"].push_back(trial_json(trial));
    json["results"].push_back(std::move(row));
  }
  json["skipped"] = Json::array();
  for (const SkippedMode& skip : skipped) {
    json["skipped"].push_back({{"mode", mode_name(skip.mode)}, {"reason", skip.reason}});
  }
  json["interrupted"] = comparison.interrupted_by != 0;
  return json;
}

void write_customers_json(const TrialResult& trial, TextSink& out) {
  ScopedLanguage english("en");  // machine-readable: English whatever the reader reads
  fmt::memory_buffer buffer;
  auto flush_if_full = [&] {
    if (buffer.size() < (1 << 16)) return;
    out.write(std::string_view(buffer.data(), buffer.size()));
    buffer.clear();
  };
  auto at = [&](std::int64_t time_ns) { return relative_ms(time_ns, trial.t_start); };
  buffer.append(std::string_view(",\n  \"customers\": ["));
  for (std::size_t c = 0; c < trial.customers.size(); ++c) {
    const CustomerHistory& customer = trial.customers[c];
    const SearchRecord& search = customer.search;
    fmt::format_to(std::back_inserter(buffer),
                   "{}\n    {{\"customer\": {}, \"pid\": {}, \"ppid\": {}, \"killed_by_run\": {}, "
                   "\"error\": {}, \"search\": {{\"outcome\": \"{}\", \"seen\": {}, "
                   "\"requested_ms\": {}, \"acquired_ms\": {}, \"released_ms\": {}}}, "
                   "\"purchases\": [",
                   c == 0 ? "" : ",", customer.index + 1, customer.pid, customer.ppid,
                   customer.killed_by_run, nlohmann::json(customer.error).dump(),
                   outcome_name(search.outcome), search.value_seen, at(search.t_lock_requested),
                   at(search.t_lock_acquired), at(search.t_released));
    for (std::size_t a = 0; a < customer.purchases.size(); ++a) {
      const PurchaseRecord& p = customer.purchases[a];
      fmt::format_to(std::back_inserter(buffer),
                     "{}\n      {{\"attempt\": {}, \"outcome\": \"{}\", \"read\": {}, "
                     "\"wrote\": {}, \"write\": \"{}\", \"requested_ms\": {}, "
                     "\"acquired_ms\": {}, \"read_ms\": {}, \"written_ms\": {}, "
                     "\"released_ms\": {}}}",
                     a == 0 ? "" : ",", a + 1, outcome_name(p.outcome), p.value_read,
                     p.value_written, write_state_name(p.write_state), at(p.t_lock_requested),
                     at(p.t_lock_acquired), at(p.t_read), at(p.t_written), at(p.t_released));
      flush_if_full();
    }
    buffer.append(std::string_view("]}"));
  }
  buffer.append(std::string_view("\n  ]"));
  out.write(std::string_view(buffer.data(), buffer.size()));
}

}  // namespace ticketsim
