// Helpers shared by the Catch2 tests: temporary directories, files, child commands, /proc.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <functional>
#include <set>
#include <string>
#include <vector>

namespace ticketsim::testing {

// A fresh directory under $TMPDIR (or /tmp), removed with its contents on destruction.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }
  std::string file(const std::string& name) const { return path_ + "/" + name; }
  // Names of the entries in the directory.
  std::vector<std::string> entries() const;

 private:
  std::string path_;
};

void write_file(const std::string& path, const std::string& bytes);
std::string read_file(const std::string& path);

// The lines of `text`, without their line ends.
std::vector<std::string> lines_of(const std::string& text);

// What a finished command printed and how it ended.
struct CommandResult {
  int exit_code = -1;  // -1 when killed by a signal
  std::string out;
  std::string err;
};

// Runs `argv` (argv[0] a path) with stdin from /dev/null, collecting stdout and stderr.
CommandResult run_command(const std::vector<std::string>& argv);

// How to run a command with fewer rights than the tests have.
struct Restrictions {
  bool drop_root = true;   // as root: run as nobody (65534), so permissions apply
  long max_processes = 0;  // RLIMIT_NPROC for the command (0: unchanged)
};

// Like run_command, under `restrictions` (root is the only user for whom permission bits
// and the process limit mean nothing, so tests that show them drop it).
CommandResult run_restricted(const std::vector<std::string>& argv,
                             const Restrictions& restrictions);

// Starts `argv` in the background; output goes to `out_path`/`err_path`. Returns its pid.
pid_t start_command(const std::vector<std::string>& argv, const std::string& out_path,
                    const std::string& err_path);

// Waits for `pid` and returns its exit code (128 + signal when killed).
int wait_command(pid_t pid);

// Forks a child that runs `body` and _exits with its result (70 if it throws); the child
// never returns into the test framework.
pid_t fork_child(const std::function<int()>& body);

// A pipe for handshakes between a test and its child processes.
class Pipe {
 public:
  Pipe();
  ~Pipe();
  Pipe(const Pipe&) = delete;
  Pipe& operator=(const Pipe&) = delete;
  void send(char byte);
  // Waits up to `timeout_ms` for one byte; returns '\0' on timeout or end of file.
  char receive(int timeout_ms = 10000);

 private:
  int fds_[2];
};

// The ticketsim binary built beside the tests.
std::string ticketsim_binary();

// Runs the ticketsim binary with `args` (its own name prepended) and waits for it.
CommandResult ticketsim_cli(std::vector<std::string> args);

// Like ticketsim_cli, with `environment` changed: "NAME=VALUE" sets, "NAME" removes. (Tests
// run with LANGUAGE=en and COLUMNS=1000 unless they say otherwise.)
CommandResult ticketsim_cli_env(const std::vector<std::string>& environment,
                                std::vector<std::string> args);
// A file in the source tree, e.g. "data/tickets.json".
std::string source_path(const std::string& relative);

// Entries of /dev/shm whose name contains `fragment`.
std::set<std::string> shm_entries_containing(const std::string& fragment);

// Processes (alive or zombie) whose parent is `parent`, from /proc.
std::vector<pid_t> children_of(pid_t parent);

// The first child of `parent` found stopped (SIGSTOP, state T), polling /proc until `limit`
// has passed; 0 if none stopped by then.
pid_t wait_for_stopped_child(pid_t parent, std::chrono::milliseconds limit);

// "<state> <command line>" of `pid`, from /proc, for failure messages.
std::string describe_process(pid_t pid);

// Processes still running (not zombies) among `pids`, from /proc.
std::vector<pid_t> running_among(const std::vector<pid_t>& pids);

// Processes whose process group is `pgid`, from /proc.
std::vector<pid_t> members_of_group(pid_t pgid);

}  // namespace ticketsim::testing
