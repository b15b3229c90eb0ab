// PrivateRedis: a redis-server of the test's own, on 127.0.0.1 and a free port, with no
// persistence, stopped and reaped when destroyed.
#pragma once

#include <sys/types.h>

#include <string>

#include "tests/test_support.h"

namespace ticketsim::testing {

class PrivateRedis {
 public:
  // Starts the server and waits until it answers PING (fails the test after 10 s).
  PrivateRedis();
  ~PrivateRedis();
  PrivateRedis(const PrivateRedis&) = delete;
  PrivateRedis& operator=(const PrivateRedis&) = delete;

  std::string url() const { return "redis://127.0.0.1:" + std::to_string(port_); }
  int port() const { return port_; }
  pid_t pid() const { return pid_; }
  // redis-cli's answer to `command` (e.g. "KEYS ticketsim:*"), one reply per line.
  std::string cli(const std::string& command) const;
  // Kills the server now (SIGKILL) and reaps it: a crash mid-trial.
  void kill_now();

 private:
  TempDir dir_;
  int port_ = 0;
  pid_t pid_ = -1;
};

}  // namespace ticketsim::testing
