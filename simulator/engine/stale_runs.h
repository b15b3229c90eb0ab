// Leftovers of ticketsim runs that were killed (SIGKILL) before they could clean up.
#pragma once

#include <sys/types.h>

#include <string>
#include <vector>

#include "storage/unique_fd.h"

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

// Marks `path` (a trial directory or a named object in /dev/shm) as in use for as long as the
// returned descriptor stays open: a POSIX read lock, which the kernel drops when the owner
// dies, even by SIGKILL, and which its forked customers do not inherit. The sweep never removes
// what is marked, whatever the owner's pid says (a run in another PID namespace has a pid this one
// cannot see). Best effort: an empty descriptor when the path cannot be opened.
UniqueFd mark_in_use(const std::string& path);

// Marks every object in `shm_dir` whose name contains `object_name` (a trial's unique name):
// the kernel objects its lock provider created.
std::vector<UniqueFd> mark_objects_in_use(const std::string& shm_dir,
                                          const std::string& object_name);

// Removes every trial directory and named object in `places` whose owner process no longer
// exists and that belongs to this user, and returns what it removed. A trial directory is
// one named exactly ticketsim-<pid>-XXXXXX that holds nothing but the trial's own files
// (store.json, its lock file, an atomic write's temporary file): a user's directory that
// merely has such a name is never touched. A run that is alive
// (or a pid reused by another process) keeps its objects: nothing in use is ever removed,
// at worst a leftover waits for the next cleanup; nothing marked in use is removed either.
// Never throws; what cannot be removed is left and not reported.
std::vector<StaleLeftover> remove_stale_leftovers(const LeftoverPlaces& places);

}  // namespace ticketsim
