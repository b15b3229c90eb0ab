// ticketsim demo: the lesson's ticket program, narrated act by act.
#pragma once

#include <optional>
#include <string>

#include "ticketsim/duration.h"

namespace ticketsim {

struct DemoOptions {
  int procs = 15;
  int width = 80;  // columns no line may exceed
  // Pause between acts: a duration, or (unset) wait for Enter when stdin is a terminal.
  std::optional<Nanoseconds> pace;
  bool use_color = false;
};

// The lesson in five acts, each a real run: (1) every customer searches and sees 1 ticket;
// (2) every customer buys with no lock, and `procs` tickets are sold for 1 seat, with the
// witness; (3) the same with each lock mode; (4) with join; (5) what safety cost in time.
// Each customer line shows its pid and parent pid, as the lessons print them. Speaks the
// current language (set_language). Writes to `out_fd`; between acts, when no pace is given
// and `in_fd` is a terminal, waits for a key (q quits). Returns the exit status.
int run_demo(const DemoOptions& options, int in_fd, int out_fd);

}  // namespace ticketsim
