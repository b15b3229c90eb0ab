// The terminal timeline: one lane per customer on a shared real-time axis.
#pragma once

#include <string>

#include "ticketsim/trial_result.h"

namespace ticketsim {

struct TimelineOptions {
  int width = 100;  // total columns available (the terminal's width)
  bool use_color = false;
  int max_lanes = 40;  // more customers: witnessed and first ones, plus summary rows
};

// Renders `trial` (which must have its customers' history and recorded times) as text:
// a legend, one lane per customer (waiting for the lock '.', searching 's', holding it
// '=', thinking '~', writing 'W'), witnessed customers marked '*', and a row counting the
// customers inside an exclusive critical section per column, red where more than one
// (mutual exclusion broken). With more than `max_lanes` customers it shows the witnessed
// and first customers and summarises everyone in per-column count rows.
std::string render_timeline(const TrialResult& trial, const TimelineOptions& options);

}  // namespace ticketsim
