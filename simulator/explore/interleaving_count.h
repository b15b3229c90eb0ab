// count_interleavings: how many schedules the unreduced search holds, without running them.
#pragma once

#include <optional>

#include "ticketsim/config.h"

namespace ticketsim {

// The number of schedules `explore --no-reduction` runs for this workload, counted on a model
// of the steps (who can move when, which crashes are offered: see moves_offered), not by
// running processes; the suite checks the two agree. Customers that are alike are counted
// once per arrangement (symmetry), so 15 customers count in milliseconds. Counts past
// 2^64 are approximate (long double). nullopt when the model would remember more than
// `max_states` states (0: as many as fit in about 128 MB, which a state's size decides),
// take longer than `max_seconds`, or an interrupt came (interrupt.h).
// `crashes` as explore --crashes; `preemption_bound` as --preemptions.
std::optional<long double> count_interleavings(const ExperimentConfig& config, int crashes,
                                               std::optional<int> preemption_bound,
                                               std::size_t max_states = 0,
                                               double max_seconds = 2.0);

// (n1 + ... + nk)! / (n1! ... nk!): the ways to interleave k sequences of those lengths,
// e.g. `procs` customers of 1 + 4 x attempts steps each with nothing blocking.
long double multinomial(int procs, int steps_each);

}  // namespace ticketsim
