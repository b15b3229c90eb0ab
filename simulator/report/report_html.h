// The HTML report: one self-contained file with SVG timelines and charts.
#pragma once

#include <string>
#include <vector>

#include "simulator/report/output_file.h"
#include "simulator/report/report_text.h"
#include "ticketsim/experiment.h"
#include "ticketsim/explore.h"

namespace ticketsim {

// `ticketsim run --html`: the results table, what happened, the witnesses, the
// mutual-exclusion check and an SVG timeline of the explained trial, drawn to real time
// (hovering any bar shows the step's details). One file: inline CSS, inline SVG and a few
// lines of inline script, no network access, no framework.
// Written to `out` as it is produced; the string form is for tests and small reports.
void render_run_html(const ExperimentResult& result, TextSink& out);
std::string render_run_html(const ExperimentResult& result);

// `ticketsim compare --html`: the comparison table, the safety-versus-throughput chart
// (worst oversell and median purchases/s per mode), and each mode's timeline.
void render_compare_html(const Comparison& comparison, const std::vector<SkippedMode>& skipped,
                         TextSink& out);
std::string render_compare_html(const Comparison& comparison,
                                const std::vector<SkippedMode>& skipped);

// `ticketsim explore --html`: what was explored, every outcome with its shortest schedule
// (and the command that replays it), and `shown` (that schedule rerun with its history: the
// shortest unsafe one when there is one) explained and drawn as a timeline.
void render_explore_html(const ExploreResult& result, const TrialResult* shown, TextSink& out);
std::string render_explore_html(const ExploreResult& result, const TrialResult* shown);

}  // namespace ticketsim
