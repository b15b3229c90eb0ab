// run_shared_experiment: this host's part of an experiment several hosts run together
// (--hosts N --experiment NAME), and the merge of every host's records.
#pragma once

#include "simulator/experiment/prepared_store.h"
#include "ticketsim/experiment.h"

namespace ticketsim {

// Joins the experiment, then for each trial: meets the other hosts in the database, reads
// the server's clock, runs this host's customers against the trial's shared row (lockstep
// barriers meet across hosts), stores their records and marks the trial done; the last
// host to finish a trial records its final count and removes its row. The host that
// finishes the experiment last returns the merged result; the others their own part.
ExperimentResult run_shared_experiment(const ExperimentConfig& config, const PreparedStore& store,
                                       const TrialObserver& observer);

}  // namespace ticketsim
