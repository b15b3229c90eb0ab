// Chrome Trace Event export: trials as tracks that open in the Perfetto UI.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "simulator/report/output_file.h"
#include "ticketsim/trial_result.h"

namespace ticketsim {

// One trial to draw, under a process named `label` (e.g. "flock, trial 3").
struct TracedTrial {
  const TrialResult* trial;
  std::string label;
};

// Chrome Trace Event JSON ({"traceEvents": [...], "displayTimeUnit": "ms"}): one process
// per traced trial, one thread (track) per customer named "customer N (pid P)". Complete
// events ("ph": "X", microseconds) for "wait for lock", "search", "purchase N" (the lock
// held), and inside it "read", "think", "write"; instant events mark witnessed writes.
// Trials without kept customers or recorded times are skipped.
// Written to `out` event by event; chrome_trace() is the same as a JSON value (tests).
void write_chrome_trace(const std::vector<TracedTrial>& trials, TextSink& out);
nlohmann::ordered_json chrome_trace(const std::vector<TracedTrial>& trials);

}  // namespace ticketsim
