// ticketsim step --web: the step-by-step classroom as a page in the browser, for projecting.
#pragma once

#include "ticketsim/config.h"

namespace ticketsim {

struct StepWebOptions {
  bool predict = false;  // hide counts and outcomes until revealed
  int port = 0;          // 0: a port the kernel picks
};

// Serves one StepSession on 127.0.0.1 and prints the page's address to `out_fd`: a random
// token in the URL is required on every request (403 without it, or from a Host other than
// this address), so that no other local user can drive the customers. The processes are real,
// as in the terminal. Ends when the page's Quit is pressed or on an interrupt (Ctrl-C):
// every customer is killed and reaped, the trial's resources removed, and the report printed
// to `out_fd` (and shown on the page after Quit). Returns the exit status.
int run_step_web(const ExperimentConfig& config, const StepWebOptions& options, int out_fd);

}  // namespace ticketsim
