// The exceptions the library throws for a bad experiment, a bad store or a failed run.
// Each what() is one line a user can act on.
#pragma once

#include <stdexcept>
#include <string>

#include "ticketsim/version.h"  // the C++20 check

namespace ticketsim {

// A configuration value is unusable. field() is the CLI flag without its dashes that sets it
// ("procs" for --procs, "crash-prob" for crash_probability); what() is "<field>: <problem>".
class ConfigError : public std::invalid_argument {
 public:
  ConfigError(std::string field, const std::string& problem);
  const std::string& field() const { return field_; }
  const std::string& problem() const { return problem_; }

 private:
  std::string field_;
  std::string problem_;
};

// A duration flag could not be parsed. what() says what was expected (without the flag name).
class DurationError : public std::invalid_argument {
 public:
  using std::invalid_argument::invalid_argument;
};

// The user's store cannot be used. what() is "<path>: <problem>".
class StoreError : public std::runtime_error {
 public:
  StoreError(const std::string& path, const std::string& problem);
  const std::string& path() const { return path_; }
  const std::string& problem() const { return problem_; }

 private:
  std::string path_;
  std::string problem_;
};

// The run itself failed (not the user's input): a trial directory, fork or the shared
// table could not be created. The CLI exits 1 with what().
class RunError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

}  // namespace ticketsim
