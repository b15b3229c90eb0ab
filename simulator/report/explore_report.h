// The reports of `ticketsim explore`: text for people, JSON for programs.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "ticketsim/explore.h"

namespace ticketsim {

// What was explored, how much of the space the schedules stand for, every distinct outcome
// with its shortest schedule as a replayable `ticketsim run` command, and the verdict in
// one plain sentence. Wrapped to `width` columns, in the reader's language.
std::string render_explore_report(const ExploreResult& result, int width, bool use_color);

// `explore --json`: schedules_run, interleavings_total, complete, safe and outcomes (each
// with its figures, count and script), in English whatever the reader's language. A count of
// interleavings is a number, or past what a double holds a string such as "9.70e955"; null
// when unknown.
nlohmann::ordered_json explore_report_json(const ExploreResult& result);

// The workload as one line: "2 customers x 1 attempt, 1 ticket, up to 1 crash".
std::string explore_settings(const ExploreResult& result);

// What ran and what it covers (a paragraph, then whether the search was complete).
std::string explore_summary(const ExploreResult& result);

// The closing sentences: how many interleavings oversell and the smallest unsafe schedule, or
// the proof within what ran ("Safe: every one of the 90 interleavings ...").
std::string explore_verdict(const ExploreResult& result);

// The command that replays `script` on `result`'s workload: `ticketsim run --mode ...
// --schedule script:"..."`.
std::string replay_command(const ExploreResult& result, const std::string& script);

// A count of interleavings: exact digits in groups of three below 10^15 ("756,756"), else
// a mantissa and a power of ten ("1.23e78", "9.70e955").
std::string format_interleavings(long double count);

}  // namespace ticketsim
