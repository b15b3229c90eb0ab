#include "tests/test_support.h"

#include <dirent.h>
#include <fcntl.h>
#include <grp.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <sstream>
#include <stdexcept>
#include <thread>

extern char** environ;

namespace ticketsim::testing {
namespace {

std::vector<char*> c_argv(const std::vector<std::string>& argv) {
  std::vector<char*> result;
  for (const std::string& arg : argv) result.push_back(const_cast<char*>(arg.c_str()));
  result.push_back(nullptr);
  return result;
}

// Fields of /proc/<pid>/stat after the command name: state, ppid, pgrp.
struct ProcStat {
  pid_t pid = 0;
  char state = '?';
  pid_t ppid = 0;
  pid_t pgrp = 0;
};

std::vector<ProcStat> all_processes() {
  std::vector<ProcStat> processes;
  DIR* proc = ::opendir("/proc");
  if (proc == nullptr) return processes;
  while (dirent* entry = ::readdir(proc)) {
    char* end = nullptr;
    long pid = std::strtol(entry->d_name, &end, 10);
    if (pid <= 0 || *end != '\0') continue;
    std::ifstream stat("/proc/" + std::string(entry->d_name) + "/stat");
    std::string line;
    if (!std::getline(stat, line)) continue;
    auto close = line.rfind(')');
    if (close == std::string::npos) continue;
    std::istringstream rest(line.substr(close + 2));
    ProcStat ps;
    ps.pid = static_cast<pid_t>(pid);
    rest >> ps.state >> ps.ppid >> ps.pgrp;
    processes.push_back(ps);
  }
  ::closedir(proc);
  return processes;
}

// Reads both pipes to their end (polling, so neither can fill up and block the child),
// then closes them.
void drain(int out_fd, int err_fd, CommandResult& result) {
  pollfd fds[2] = {{out_fd, POLLIN, 0}, {err_fd, POLLIN, 0}};
  std::string* sinks[2] = {&result.out, &result.err};
  int open_pipes = 2;
  while (open_pipes > 0) {
    if (::poll(fds, 2, -1) < 0) {
      if (errno == EINTR) continue;
      break;
    }
    for (int i = 0; i < 2; ++i) {
      if (fds[i].fd < 0 || fds[i].revents == 0) continue;
      char buffer[4096];
      ssize_t n = ::read(fds[i].fd, buffer, sizeof buffer);
      if (n > 0) {
        sinks[i]->append(buffer, static_cast<std::size_t>(n));
      } else if (n == 0 || errno != EINTR) {
        ::close(fds[i].fd);
        fds[i].fd = -1;
        --open_pipes;
      }
    }
  }
}

// Every command a test runs speaks English and has room for its longest line, whatever the
// machine's locale and terminal, so that a test reading a sentence is not at the mercy of
// where a line wraps. Tests about the language or the width set their own (see
// ticketsim_cli_env); the default of 80 columns is tested with COLUMNS removed.
const bool kNeutralEnvironment = [] {
  ::setenv("LANGUAGE", "en", 1);
  ::setenv("COLUMNS", "1000", 1);
  return true;
}();

}  // namespace

TempDir::TempDir() {
  const char* tmp = std::getenv("TMPDIR");
  std::string pattern = std::string(tmp && *tmp ? tmp : "/tmp") + "/ticketsim-test-XXXXXX";
  if (::mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
  path_ = pattern;
}

TempDir::~TempDir() {
  std::error_code ignored;
  std::filesystem::permissions(path_, std::filesystem::perms::owner_all,
                               std::filesystem::perm_options::add, ignored);
  std::filesystem::remove_all(path_, ignored);
}

std::vector<std::string> TempDir::entries() const {
  std::vector<std::string> names;
  for (const auto& entry : std::filesystem::directory_iterator(path_)) {
    names.push_back(entry.path().filename().string());
  }
  return names;
}

void write_file(const std::string& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << bytes;
  if (!out) throw std::runtime_error("cannot write " + path);
}

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + path);
  std::ostringstream bytes;
  bytes << in.rdbuf();
  return bytes.str();
}

CommandResult run_command(const std::vector<std::string>& argv) {
  int out_pipe[2], err_pipe[2];
  if (::pipe2(out_pipe, O_CLOEXEC) != 0 || ::pipe2(err_pipe, O_CLOEXEC) != 0) {
    throw std::runtime_error("pipe failed");
  }
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_adddup2(&actions, out_pipe[1], 1);
  posix_spawn_file_actions_adddup2(&actions, err_pipe[1], 2);
  pid_t pid;
  auto args = c_argv(argv);
  int rc = ::posix_spawn(&pid, args[0], &actions, nullptr, args.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  ::close(out_pipe[1]);
  ::close(err_pipe[1]);
  if (rc != 0) throw std::runtime_error("posix_spawn " + argv[0] + " failed");
  CommandResult result;
  drain(out_pipe[0], err_pipe[0], result);
  result.exit_code = wait_command(pid);
  return result;
}

CommandResult run_restricted(const std::vector<std::string>& argv,
                             const Restrictions& restrictions) {
  // The unprivileged user may not be able to reach the build tree (a clone in a 0700
  // directory): run a copy of the program from a directory everyone can read.
  std::vector<std::string> copied = argv;
  std::string copy_dir;
  if (restrictions.drop_root && ::geteuid() == 0) {
    std::string pattern = "/tmp/ticketsim-bin-XXXXXX";
    if (::mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
    copy_dir = pattern;
    std::filesystem::permissions(copy_dir, std::filesystem::perms(0755));
    copied[0] = copy_dir + "/" + std::filesystem::path(argv[0]).filename().string();
    std::filesystem::copy_file(argv[0], copied[0]);
    std::filesystem::permissions(copied[0], std::filesystem::perms(0755));
  }
  struct RemoveCopy {
    std::string dir;
    ~RemoveCopy() {
      std::error_code ignored;
      if (!dir.empty()) std::filesystem::remove_all(dir, ignored);
    }
  } remove_copy{copy_dir};
  int out_pipe[2], err_pipe[2];
  if (::pipe2(out_pipe, O_CLOEXEC) != 0 || ::pipe2(err_pipe, O_CLOEXEC) != 0) {
    throw std::runtime_error("pipe failed");
  }
  auto args = c_argv(copied);
  std::fflush(nullptr);
  pid_t pid = ::fork();
  if (pid < 0) throw std::runtime_error("fork failed");
  if (pid == 0) {
    ::dup2(out_pipe[1], 1);
    ::dup2(err_pipe[1], 2);
    int null = ::open("/dev/null", O_RDONLY);
    ::dup2(null, 0);
    if (restrictions.drop_root && ::geteuid() == 0) {
      gid_t nobody_group = 65534;
      if (::setgroups(1, &nobody_group) != 0 || ::setgid(65534) != 0 || ::setuid(65534) != 0) {
        ::_exit(126);
      }
    }
    if (restrictions.max_processes > 0) {
      rlimit limit{static_cast<rlim_t>(restrictions.max_processes),
                   static_cast<rlim_t>(restrictions.max_processes)};
      ::setrlimit(RLIMIT_NPROC, &limit);
    }
    ::execv(args[0], args.data());
    ::_exit(127);
  }
  ::close(out_pipe[1]);
  ::close(err_pipe[1]);
  CommandResult result;
  drain(out_pipe[0], err_pipe[0], result);
  result.exit_code = wait_command(pid);
  return result;
}

pid_t start_command(const std::vector<std::string>& argv, const std::string& out_path,
                    const std::string& err_path) {
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 1, out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC,
                                   0644);
  posix_spawn_file_actions_addopen(&actions, 2, err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC,
                                   0644);
  pid_t pid;
  auto args = c_argv(argv);
  int rc = ::posix_spawn(&pid, args[0], &actions, nullptr, args.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0) throw std::runtime_error("posix_spawn " + argv[0] + " failed");
  return pid;
}

int wait_command(pid_t pid) {
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) return -1;
  }
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return -1;
}

pid_t fork_child(const std::function<int()>& body) {
  std::fflush(nullptr);
  pid_t pid = ::fork();
  if (pid < 0) throw std::runtime_error("fork failed");
  if (pid == 0) {
    int code = 70;
    try {
      code = body();
    } catch (...) {
    }
    ::_exit(code);
  }
  return pid;
}

Pipe::Pipe() {
  if (::pipe2(fds_, O_CLOEXEC) != 0) throw std::runtime_error("pipe failed");
}

Pipe::~Pipe() {
  ::close(fds_[0]);
  ::close(fds_[1]);
}

void Pipe::send(char byte) {
  while (::write(fds_[1], &byte, 1) < 0 && errno == EINTR) {
  }
}

char Pipe::receive(int timeout_ms) {
  pollfd fd{fds_[0], POLLIN, 0};
  int ready;
  do {
    ready = ::poll(&fd, 1, timeout_ms);
  } while (ready < 0 && errno == EINTR);
  if (ready <= 0) return '\0';
  char byte = '\0';
  if (::read(fds_[0], &byte, 1) != 1) return '\0';
  return byte;
}

std::string ticketsim_binary() { return TICKETSIM_BINARY; }

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

CommandResult ticketsim_cli(std::vector<std::string> args) {
  args.insert(args.begin(), ticketsim_binary());
  return run_command(args);
}

CommandResult ticketsim_cli_env(const std::vector<std::string>& environment,
                                std::vector<std::string> args) {
  // env(1) -u NAME for "NAME" alone, NAME=VALUE otherwise, then the program.
  std::vector<std::string> argv{"/usr/bin/env"};
  for (const std::string& setting : environment) {
    if (setting.find('=') == std::string::npos) {
      argv.push_back("-u");
    }
    argv.push_back(setting);
  }
  argv.push_back(ticketsim_binary());
  argv.insert(argv.end(), args.begin(), args.end());
  return run_command(argv);
}

std::string source_path(const std::string& relative) {
  return std::string(TICKETSIM_SOURCE_DIR) + "/" + relative;
}

std::set<std::string> shm_entries_containing(const std::string& fragment) {
  std::set<std::string> names;
  for (const auto& entry : std::filesystem::directory_iterator("/dev/shm")) {
    std::string name = entry.path().filename().string();
    if (name.find(fragment) != std::string::npos) names.insert(name);
  }
  return names;
}

std::vector<pid_t> children_of(pid_t parent) {
  std::vector<pid_t> children;
  for (const ProcStat& ps : all_processes()) {
    if (ps.ppid == parent) children.push_back(ps.pid);
  }
  return children;
}

pid_t wait_for_stopped_child(pid_t parent, std::chrono::milliseconds limit) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  do {
    for (const ProcStat& ps : all_processes()) {
      if (ps.ppid == parent && ps.state == 'T') return ps.pid;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  } while (std::chrono::steady_clock::now() < deadline);
  return 0;
}

std::string describe_process(pid_t pid) {
  std::string state = "?";
  for (const ProcStat& ps : all_processes()) {
    if (ps.pid == pid) state = std::string(1, ps.state);
  }
  std::ifstream cmdline("/proc/" + std::to_string(pid) + "/cmdline");
  std::string text((std::istreambuf_iterator<char>(cmdline)), std::istreambuf_iterator<char>());
  for (char& c : text) {
    if (c == '\0') c = ' ';
  }
  return state + " " + text;
}

std::vector<pid_t> running_among(const std::vector<pid_t>& pids) {
  std::vector<pid_t> running;
  for (const ProcStat& ps : all_processes()) {
    if (ps.state == 'Z' || ps.state == 'X') continue;
    for (pid_t pid : pids) {
      if (ps.pid == pid) running.push_back(pid);
    }
  }
  return running;
}

std::vector<pid_t> members_of_group(pid_t pgid) {
  std::vector<pid_t> members;
  for (const ProcStat& ps : all_processes()) {
    if (ps.pgrp == pgid) members.push_back(ps.pid);
  }
  return members;
}

}  // namespace ticketsim::testing
