// Sweep reports: one row per mode and point, as JSON (the --jsonl line), CSV, a terminal
// table and an HTML page of line charts. Every form is rendered from the JSON rows, so a
// resumed sweep reports the rows it read back exactly as the ones it ran.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "simulator/report/output_file.h"
#include "ticketsim/experiment.h"
#include "ticketsim/sweep.h"

namespace ticketsim {

// The row of one finished experiment: "mode", "varied" (the varied parameters' names), every
// sweep parameter under its flag's name (counts as numbers, durations as typed, with NAME_ns
// beside them), "schedule", "trials_asked" (`config` is the point as asked, before
// --until-ci ran more), the other settings that change a result ("until_ci", "max_trials",
// "pool", "write", "crash_prob", "crash_at", "pause_holder", "lock_timeout", "seed", "store",
// "record_times"), then summary_json's statistics ("trials", "unsafe_trials", "unsafe_p",
// ..., "verdict") and "ci_reached" with --until-ci.
nlohmann::ordered_json sweep_row_json(const ModeSummary& summary, const ExperimentConfig& config,
                                      const std::vector<SweepAxis>& axes);

// What identifies a row's experiment for --resume: the mode, every parameter, the schedule and
// the trials asked for. Throws std::runtime_error when `row` lacks one of them.
std::string sweep_row_key(const nlohmann::json& row);
// The key `config` (a point of the sweep) would give its row.
std::string sweep_point_key(const ExperimentConfig& config);

// CSV: a header line, then one line per row: mode, the varied parameters (durations also as
// NAME_ns), trials, unsafe_trials, unsafe_p, unsafe_p_low, unsafe_p_high, oversold_max,
// wall_ms_median, purchases_per_s_median, then the other statistics. An absent value (a
// statistic of one trial, a lock wait of a mode without a lock) is an empty field.
std::string sweep_csv_header(const std::vector<SweepAxis>& axes);
std::string sweep_csv_line(const nlohmann::json& row, const std::vector<SweepAxis>& axes);

// The terminal table: one line per row.
std::string render_sweep_table(const std::vector<nlohmann::json>& rows,
                               const std::vector<SweepAxis>& axes, bool use_color, int width = 80);

// The HTML page: per value of the second axis (if any), line charts of the unsafe
// probability (with its 95% band) and of purchases/s against the first axis, one line per
// mode; the tradeoff chart of every row; and the table.
void render_sweep_html(const std::vector<nlohmann::json>& rows, const std::vector<SweepAxis>& axes,
                       const std::string& workload, TextSink& out);

}  // namespace ticketsim
