// JSON reports: the documented, machine-readable form of every result (--json).
#pragma once

#include <nlohmann/json.hpp>

#include "simulator/report/output_file.h"
#include "simulator/report/report_text.h"
#include "ticketsim/experiment.h"

namespace ticketsim {

// One trial: mode, schedule, procs, tickets, attempts, sold, oversold, lost_updates,
// torn_reads, final_count (null when unreadable), stalled, wall_ms, purchases_per_s, and
// trial, purchases, mutex_violations, errors, crashed, interrupted, verdict.
nlohmann::ordered_json trial_json(const TrialResult& trial);

// A trial's witnesses: [{"kind": "lost_update", "erased", "writer", "overwritten",
// "customers", "text"} | {"kind": "double_sale", "ticket", "times_sold", "buyers",
// "customers", "text"}]. Customers are numbered from 1; times are ms since the trial began.
nlohmann::ordered_json witnesses_json(const TrialResult& trial);

// {"lost_update": n, "double_sale": n, "erased_total": n, "listed_at_most": 100}: every
// witness counted, of which witnesses_json lists at most 100 of each kind.
nlohmann::ordered_json witness_counts_json(const Witnesses& witnesses);

// Controlled schedules: [{"customer", "step", "outcome": done|blocked|skipped, "value",
// "note"}].
nlohmann::ordered_json steps_json(const TrialResult& trial);

// {"checked", "violations", "listed": [{"first": section, "second": section}]}.
nlohmann::ordered_json mutual_exclusion_json(const TrialResult& trial);

// One mode over its trials: mode, trials, oversold_trials, oversold_max,
// lost_updates_total, torn_reads_total, stalled_trials, wall_ms_median,
// purchases_per_s_median, and min/max companions, unsafe_trials, verdict.
nlohmann::ordered_json summary_json(const ModeSummary& summary);

// `run --json`: the trial keys at the top level (with several trials: counts summed,
// final_count of the last trial, stalled if any stalled, wall_ms summed, purchases_per_s
// over the whole run), a `trials` array, a `summary` object and the workload.
nlohmann::ordered_json run_report_json(const ExperimentResult& result);

// `compare --json`: {"results": [summary per mode, each with its trials], "skipped": [...]}
// and the workload.
nlohmann::ordered_json compare_report_json(const Comparison& comparison,
                                           const std::vector<SkippedMode>& skipped);

// `run --json --customers`: `,\n  "customers": [...]` (a member to append to the report's
// object), one object per customer of `trial` with its search and every purchase (outcome,
// values read and written, write state none|begun|done, times in ms since the trial began;
// 0 = did not happen). Written to `out` as it goes.
void write_customers_json(const TrialResult& trial, TextSink& out);

}  // namespace ticketsim
