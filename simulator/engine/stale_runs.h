// Leftovers of ticketsim runs that were killed (SIGKILL) before they could clean up.
#pragma once

#include <sys/types.h>

#include <string>
#include <vector>

namespace ticketsim {

// One thing a killed run left behind and that was removed.
struct StaleLeftover {
  std::string path;  // e.g. /tmp/ticketsim-4102-a8Fk2Q or /dev/shm/sem.ticketsim.4102.0.9f...
  pid_t owner = 0;   // the pid of the run that made it (gone now)
};

// Where runs leave what a SIGKILL can strand: trial directories
// (<workdir>/ticketsim-<pid>-XXXXXX, see TrialWorkspace) and named kernel objects
// (<shm_dir>/sem.ticketsim.<pid>.* for named-mutex, <shm_dir>/ticketsim.<pid>.* for
// robust-mutex).
struct LeftoverPlaces {
  std::string workdir;               // where trial directories are made
  std::string shm_dir = "/dev/shm";  // where POSIX named semaphores and shm objects live
  // Remove only the kernel objects of dead runs that also left a trial directory in
  // `workdir` (what every run sweeps before it starts: a run killed with another workdir is
  // left to that workdir's runs, or to `ticketsim cleanup`, which sweeps every dead run's).
  bool only_runs_of_workdir = false;
};

// Removes every trial directory and named object in `places` whose owner process no longer
// exists and that belongs to this user, and returns what it removed. A trial directory is
// one named exactly ticketsim-<pid>-XXXXXX that holds nothing but the trial's own files
// (store.json, its lock file, an atomic write's temporary file): a user's directory that
// merely has such a name is never touched. A run that is alive
// (or a pid reused by another process) keeps its objects: nothing in use is ever removed,
// at worst a leftover waits for the next cleanup. Never throws; what cannot be removed is
// left and not reported.
std::vector<StaleLeftover> remove_stale_leftovers(const LeftoverPlaces& places);

}  // namespace ticketsim
