// The ticketsim command line: subcommands, flags, exit statuses.
#pragma once

namespace ticketsim {

// Exit statuses (README "Exit status").
inline constexpr int kExitOk = 0;         // the experiment ran (finding a race is a result)
inline constexpr int kExitRunFailed = 1;  // the run itself failed (fork, trial directory, ...)
inline constexpr int kExitUsage = 2;      // bad flag, bad value or bad store; nothing changed
inline constexpr int kExitRaceFound = 3;  // --expect-safe and a trial raced or stalled
// Interrupted by SIGINT or SIGTERM: 128 + the signal number (130, 143).

// Parses `argv`, runs the subcommand, prints its report on stdout (errors on stderr)
// and returns the exit status.
int run_cli(int argc, char** argv);

}  // namespace ticketsim
