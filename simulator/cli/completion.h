// Shell completion generated from the command line's own definition, so it never drifts.
#pragma once

#include <string>

#include <CLI/CLI.hpp>

namespace ticketsim {

// A bash completion script for `app` (installed as
// share/bash-completion/completions/ticketsim): completes subcommands, each subcommand's
// flags, the values of flags that take a fixed vocabulary (--mode, --modes, --schedule,
// --write, --crash-at, --lang) and file or directory names where a flag takes a path.
std::string bash_completion(const CLI::App& app);

}  // namespace ticketsim
