// What one atomic store write costs on the filesystem the trials run on.
#pragma once

#include <string>

#include "ticketsim/duration.h"

namespace ticketsim {

// Times a few atomic writes (temporary file, fsync, rename, directory fsync: what
// --write atomic does per purchase) of a small store in a scratch directory under
// `directory`, removed afterwards, and returns the slowest. fsync costs from microseconds
// (tmpfs) to tens of milliseconds (a virtual disk), so timeouts cannot assume a figure.
// Throws RunError when the scratch directory cannot be created.
Nanoseconds measure_atomic_write_cost(const std::string& directory);

}  // namespace ticketsim
