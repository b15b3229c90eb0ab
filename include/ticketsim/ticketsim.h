// The whole public API in one include: configure an experiment (config.h), run it
// (experiment.h) and assert on what every trial measured and found (trial_result.h,
// findings.h). Link ticketsim::ticketsim (CMake) or `pkg-config --libs ticketsim`.
#pragma once

#include "ticketsim/config.h"
#include "ticketsim/duration.h"
#include "ticketsim/errors.h"
#include "ticketsim/experiment.h"
#include "ticketsim/explore.h"
#include "ticketsim/findings.h"
#include "ticketsim/histogram.h"
#include "ticketsim/interrupt.h"
#include "ticketsim/mode.h"
#include "ticketsim/records.h"
#include "ticketsim/step.h"
#include "ticketsim/sweep.h"
#include "ticketsim/trial_result.h"
#include "ticketsim/version.h"
