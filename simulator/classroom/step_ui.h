// ticketsim step: the interactive, step-by-step view for the front of a classroom.
#pragma once

#include <string>
#include <string_view>

#include "ticketsim/config.h"

namespace ticketsim {

struct StepUiOptions {
  bool predict = false;  // hide counts and outcomes until the teacher reveals them ('r')
  bool use_color = false;
};

// Runs one trial of real customer processes that move only when the teacher presses a
// customer's key (1-9): the screen shows one lane per customer (pid, parent pid, next
// step, what it did so far), the store's count and who holds the lock. 'u' undoes the last
// step by replaying all the others on fresh processes (so pids change, nothing else);
// 'r' reveals (or hides again) what --predict hides; 'q' quits. Reads keys from `in_fd`
// (raw mode when it is a terminal) and draws on `out_fd`. At the end it prints the run's
// report and returns the exit status. config.procs must be 1 to 9.
int run_step_ui(const ExperimentConfig& config, const StepUiOptions& options, int in_fd,
                int out_fd);

// Writes all of `text` to `fd` (the classroom's terminal); false when the reader stopped
// reading while an interrupt was requested, with the rest unwritten. It waits for room with
// poll() in short slices and writes at most PIPE_BUF bytes at a time, so a reader that stops
// reading (a paused pager, a full pipe) can never keep an interrupted demo or step inside
// write(). Throws SystemError on any other failure (EPIPE: the reader went away).
bool write_unless_interrupted(int fd, std::string_view text);

}  // namespace ticketsim
