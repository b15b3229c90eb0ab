// Interrupts in every phase of a run (trials, between trials, report writing, demo, step) and
// a closed pipe on stdout, through the ticketsim binary: each ends the run at once with
// 128 + signal, the partial report, and nothing left behind.
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "simulator/report/output_file.h"
#include "simulator/report/report_json.h"
#include "simulator/report/report_text.h"
#include "tests/test_support.h"
#include "ticketsim/experiment.h"
#include "ticketsim/interrupt.h"

extern char** environ;

using ticketsim::testing::read_file;
using ticketsim::testing::TempDir;

namespace {

using Clock = std::chrono::steady_clock;

// Generous bound for "ends within a second": the assertion must never fail on a loaded machine.
constexpr auto kPromptly = std::chrono::seconds(5);

// A ticketsim process started by a test: stdout to a file or a pipe the test reads, stdin from
// /dev/null or a pipe the test writes, stderr to a file, and optionally its own TMPDIR (demo
// and step create their trial directories there).
class Ticketsim {
 public:
  struct Options {
    bool stdout_pipe = false;  // else stdout goes to dir/out
    bool stdin_pipe = false;   // else stdin is /dev/null
    std::string tmpdir;        // TMPDIR for the process, when not empty
  };

  Ticketsim(const TempDir& dir, std::vector<std::string> args, const Options& options)
      : out_path_(dir.file("out")), err_path_(dir.file("err")) {
    args.insert(args.begin(), ticketsim::testing::ticketsim_binary());
    int out_pipe[2] = {-1, -1}, in_pipe[2] = {-1, -1};
    if (options.stdout_pipe) {
      REQUIRE(::pipe2(out_pipe, O_CLOEXEC) == 0);
      // The smallest pipe: a few kilobytes of report fill it.
      REQUIRE(::fcntl(out_pipe[1], F_SETPIPE_SZ, 4096) >= 4096);
    }
    if (options.stdin_pipe) REQUIRE(::pipe2(in_pipe, O_CLOEXEC) == 0);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    if (options.stdin_pipe) {
      posix_spawn_file_actions_adddup2(&actions, in_pipe[0], 0);
    } else {
      posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
    }
    if (options.stdout_pipe) {
      posix_spawn_file_actions_adddup2(&actions, out_pipe[1], 1);
    } else {
      posix_spawn_file_actions_addopen(&actions, 1, out_path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC,
                                       0644);
    }
    posix_spawn_file_actions_addopen(&actions, 2, err_path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC,
                                     0644);
    std::vector<std::string> env;
    for (char** entry = environ; *entry != nullptr; ++entry) {
      if (options.tmpdir.empty() || std::strncmp(*entry, "TMPDIR=", 7) != 0) env.push_back(*entry);
    }
    if (!options.tmpdir.empty()) env.push_back("TMPDIR=" + options.tmpdir);
    std::vector<char*> c_args, c_env;
    for (std::string& arg : args) c_args.push_back(arg.data());
    c_args.push_back(nullptr);
    for (std::string& entry : env) c_env.push_back(entry.data());
    c_env.push_back(nullptr);
    int rc = ::posix_spawn(&pid_, c_args[0], &actions, nullptr, c_args.data(), c_env.data());
    posix_spawn_file_actions_destroy(&actions);
    if (options.stdout_pipe) {
      ::close(out_pipe[1]);
      out_fd_ = out_pipe[0];
    }
    if (options.stdin_pipe) {
      ::close(in_pipe[0]);
      in_fd_ = in_pipe[1];
    }
    REQUIRE(rc == 0);
  }

  ~Ticketsim() {
    if (pid_ > 0 && !status_) {
      ::kill(pid_, SIGKILL);
      ticketsim::testing::wait_command(pid_);
    }
    close_stdout();
    close_stdin();
  }
  Ticketsim(const Ticketsim&) = delete;
  Ticketsim& operator=(const Ticketsim&) = delete;

  pid_t pid() const { return pid_; }

  // Sends `signal_number` and waits up to kPromptly for the process to end; its status, or
  // nullopt (then it is killed) when it did not end in time.
  std::optional<int> interrupt(int signal_number) {
    REQUIRE(::kill(pid_, signal_number) == 0);
    return wait_for_end();
  }

  std::optional<int> wait_for_end() {
    const auto until = Clock::now() + kPromptly;
    while (Clock::now() < until) {
      int status = 0;
      pid_t done = ::waitpid(pid_, &status, WNOHANG);
      if (done == pid_) {
        status_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
        return status_;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    return std::nullopt;
  }

  // Waits until `ready()` holds (polling); false after 20 s.
  static bool wait_until(const std::function<bool()>& ready) {
    const auto until = Clock::now() + std::chrono::seconds(20);
    while (Clock::now() < until) {
      if (ready()) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    return false;
  }

  std::string out() const { return read_file(out_path_); }
  std::string err() const { return read_file(err_path_); }

  // Reads stdout (a pipe) up to and including the first newline.
  std::string read_line() {
    std::string line;
    char c = 0;
    while (line.empty() || line.back() != '\n') {
      pollfd fd{out_fd_, POLLIN, 0};
      if (::poll(&fd, 1, 20000) <= 0) break;
      if (::read(out_fd_, &c, 1) != 1) break;
      line += c;
    }
    return line;
  }
  // Waits until the process has written to stdout (a pipe the test does not read) and then
  // written nothing more for 300 ms: it is stuck writing until somebody reads. False after 20 s.
  bool wait_until_stdout_stuck() const {
    int before = -1;
    return wait_until([&] {
      int queued = 0;
      if (::ioctl(out_fd_, FIONREAD, &queued) != 0 || queued == 0) return false;
      if (queued == before) return true;
      before = queued;
      std::this_thread::sleep_for(std::chrono::milliseconds(300));
      return false;
    });
  }
  void close_stdout() {
    if (out_fd_ >= 0) ::close(std::exchange(out_fd_, -1));
  }
  void send_keys(const std::string& keys) {
    REQUIRE(::write(in_fd_, keys.data(), keys.size()) == static_cast<ssize_t>(keys.size()));
  }
  void close_stdin() {
    if (in_fd_ >= 0) ::close(std::exchange(in_fd_, -1));
  }

 private:
  std::string out_path_, err_path_;
  pid_t pid_ = -1;
  int out_fd_ = -1;
  int in_fd_ = -1;
  std::optional<int> status_;
};

Ticketsim::Options piped_stdout() { return Ticketsim::Options{true, false, ""}; }

std::vector<pid_t> children(pid_t pid) { return ticketsim::testing::children_of(pid); }

// A run's first trial (its `per_trial` customers) and the customers of its second trial seen so
// far. Each trial is held open while the test looks, by stopping one of its customers (SIGSTOP:
// the run waits for a customer it did not stop), so the test finds the second trial still
// running however slowly it polls; the second trial's customer stays stopped.
struct FirstTwoTrials {
  std::vector<pid_t> first, second;
};
FirstTwoTrials hold_second_trial(pid_t run, std::size_t per_trial) {
  FirstTwoTrials trials;
  pid_t held = 0;
  REQUIRE(Ticketsim::wait_until([&] {
    const auto now = children(run);
    if (now.empty()) return false;
    held = now.front();
    return ::kill(held, SIGSTOP) == 0;
  }));
  REQUIRE(Ticketsim::wait_until([&] {
    trials.first = children(run);
    return trials.first.size() == per_trial;
  }));
  REQUIRE(::kill(held, SIGCONT) == 0);
  // The second trial has begun once a customer that is not the first trial's appears.
  REQUIRE(Ticketsim::wait_until([&] {
    trials.second = children(run);
    std::erase_if(trials.second, [&](pid_t pid) {
      return std::find(trials.first.begin(), trials.first.end(), pid) != trials.first.end();
    });
    return !trials.second.empty() && ::kill(trials.second.front(), SIGSTOP) == 0;
  }));
  return trials;
}

// What a finished or interrupted run must leave: no customer running, no named object of the
// run in /dev/shm, nothing in its work directory.
void require_nothing_left(pid_t run, const std::vector<pid_t>& customers, const TempDir& workdir) {
  CHECK(ticketsim::testing::running_among(customers).empty());
  CHECK(
      ticketsim::testing::shm_entries_containing("ticketsim." + std::to_string(run) + ".").empty());
  CHECK(workdir.entries().empty());
}

// The names in `dir` other than the test's own out and err files.
std::vector<std::string> files_besides_output(const TempDir& dir) {
  std::vector<std::string> names = dir.entries();
  std::erase_if(names, [](const std::string& name) { return name == "out" || name == "err"; });
  return names;
}

// Forgets an interrupt requested in this (test) process, however the test ends.
struct ClearInterrupt {
  ~ClearInterrupt() { ticketsim::clear_interrupt(); }
};

}  // namespace

TEST_CASE(
    "an interrupt during a trial ends the run at once with 128+signal, the partial report, "
    "no half-written file and nothing left",
    "[interrupt]") {
  const int signal_number = GENERATE(SIGINT, SIGTERM, SIGHUP);
  CAPTURE(signal_number);
  TempDir dir, workdir;
  Ticketsim run(dir,
                {"run", "--mode", "flock", "--procs", "4", "--latency", "20s", "--trials", "2",
                 "--workdir", workdir.path(), "--html", dir.file("report.html"), "--history",
                 dir.file("history.json"), "--trace", dir.file("trace.json")},
                {});
  std::vector<pid_t> customers;
  REQUIRE(Ticketsim::wait_until([&] {
    customers = children(run.pid());
    return customers.size() == 4;
  }));
  auto status = run.interrupt(signal_number);
  REQUIRE(status.has_value());  // it ended within the bound
  CHECK(*status == 128 + signal_number);
  std::string out = run.out();
  CHECK_THAT(out, Catch::Contains("INTERRUPTED"));
  CHECK_THAT(out, Catch::Contains("Interrupted by " + ticketsim::signal_name(signal_number)));
  CHECK_THAT(out, Catch::Contains("1 of 2 trials did not run"));
  for (const char* flag : {"--html", "--history", "--trace"}) {
    CHECK_THAT(run.err(), Catch::Contains(std::string(flag) + " was not written"));
  }
  CHECK(files_besides_output(dir).empty());  // neither a report file nor a temporary one
  require_nothing_left(run.pid(), customers, workdir);
}

TEST_CASE("an interrupted run --json prints one document that says it was interrupted",
          "[interrupt]") {
  TempDir dir, workdir;
  Ticketsim run(dir,
                {"run", "--procs", "3", "--latency", "20s", "--trials", "2", "--json", "--workdir",
                 workdir.path()},
                {});
  std::vector<pid_t> customers;
  REQUIRE(Ticketsim::wait_until([&] {
    customers = children(run.pid());
    return customers.size() == 3;
  }));
  auto status = run.interrupt(SIGINT);
  REQUIRE(status.has_value());
  CHECK(*status == 130);
  auto json = nlohmann::json::parse(run.out());  // nothing but the document on stdout
  CHECK(json["interrupted"] == true);
  CHECK(json["verdict"] == "INTERRUPTED");
  CHECK(json["trials"].size() == 1);
  CHECK(json["trials"][0]["verdict"] == "INTERRUPTED");
  CHECK(json["workload"]["trials"] == 2);
  require_nothing_left(run.pid(), customers, workdir);
}

TEST_CASE(
    "a run interrupted after its last trial (analysis, report) says its figures are "
    "complete",
    "[interrupt]") {
  ticketsim::ExperimentConfig config;
  config.procs = 2;
  config.latency = {};
  config.hold = {};  // think time only: no hold, no network before searching
  config.search_latency = {};
  config.schedule = ticketsim::Schedule::kLockstep;
  ticketsim::ExperimentResult result = ticketsim::run_experiment(config);
  REQUIRE(result.trials.size() == 1);
  result.interrupted_by = SIGTERM;  // as run_experiment records a signal that came too late
  std::string text = ticketsim::render_run_report(result, {});
  CHECK_THAT(text, Catch::Contains("Interrupted by " + ticketsim::signal_name(SIGTERM) +
                                   " after trial #1 had finished: every trial ran"));
  CHECK_THAT(text, !Catch::Contains("did not run"));
  CHECK(ticketsim::run_report_json(result)["interrupted"] == true);
}

TEST_CASE(
    "an interrupt between trials keeps the finished trials' report and says how many did "
    "not run",
    "[interrupt]") {
  TempDir dir, workdir;
  // Lockstep without a lock: every trial oversells, and lasts at least the think time.
  Ticketsim run(dir,
                {"run", "--schedule", "lockstep", "--procs", "3", "--latency", "300ms", "--trials",
                 "3", "--workdir", workdir.path()},
                {});
  auto [first, second] = hold_second_trial(run.pid(), 3);
  auto status = run.interrupt(SIGINT);
  REQUIRE(status.has_value());
  CHECK(*status == 130);
  std::string out = run.out();
  CAPTURE(out);
  CHECK_THAT(out, Catch::Contains("none #1"));
  CHECK_THAT(out, Catch::Matches("[^]*none #1 [^\n]*UNSAFE[^]*"));
  CHECK_THAT(out, Catch::Matches("[^]*none #2 [^\n]*INTERRUPTED[^]*"));
  CHECK_THAT(out, Catch::Contains("none (all 2)"));
  CHECK_THAT(out, Catch::Contains("1 of 3 trials did not run"));
  CHECK_THAT(out, !Catch::Contains("none #3"));
  first.insert(first.end(), second.begin(), second.end());
  require_nothing_left(run.pid(), first, workdir);
}

TEST_CASE(
    "an interrupt while the report is written to a stdout nobody reads ends the run at "
    "once, with no report file",
    "[interrupt]") {
  const int signal_number = GENERATE(SIGINT, SIGTERM);
  CAPTURE(signal_number);
  TempDir dir, workdir;
  // About 300 KB of customer lines: far more than the 4 KB pipe holds, so the run stops inside
  // its first write of the report, after every customer was reaped, and stays there.
  Ticketsim run(dir,
                {"run", "--customers", "--procs", "200", "--attempts", "50", "--latency", "0",
                 "--workdir", workdir.path(), "--html", dir.file("report.html")},
                piped_stdout());
  REQUIRE(run.wait_until_stdout_stuck());
  REQUIRE(children(run.pid()).empty());  // in the report: every customer was reaped
  auto status = run.interrupt(signal_number);
  REQUIRE(status.has_value());  // never stuck in the write for ever
  CHECK(*status == 128 + signal_number);
  CHECK_THAT(run.err(), Catch::Contains("--html was not written"));
  CHECK(files_besides_output(dir).empty());
  require_nothing_left(run.pid(), {}, workdir);
}

TEST_CASE("an interrupt while the demo writes to a stdout nobody reads ends it at once",
          "[interrupt]") {
  TempDir dir, tmpdir;
  // A hundred customers' searches fill the 4 KB pipe during act 1, if not sooner.
  Ticketsim demo(dir, {"demo", "--pace", "0", "--procs", "100"},
                 Ticketsim::Options{true, false, tmpdir.path()});
  REQUIRE(demo.wait_until_stdout_stuck());
  std::vector<pid_t> customers = children(demo.pid());
  auto status = demo.interrupt(SIGINT);
  REQUIRE(status.has_value());
  CHECK(*status == 130);
  CHECK(demo.err().empty());
  require_nothing_left(demo.pid(), customers, tmpdir);
}

TEST_CASE("an interrupt while a report file is written leaves neither the file nor a temporary",
          "[interrupt]") {
  ClearInterrupt clear;
  TempDir dir;
  const std::string chunk(300 << 10, 'x');  // more than the interval between interrupt checks
  {
    ticketsim::OutputFile file(dir.file("report.html"));
    file.write(chunk);
    ticketsim::request_interrupt(SIGINT);
    REQUIRE_THROWS_AS(file.write(chunk), ticketsim::OutputInterrupted);
    REQUIRE_THROWS_AS(file.commit(), ticketsim::OutputInterrupted);
  }
  CHECK(dir.entries().empty());
  ticketsim::clear_interrupt();
  {
    ticketsim::OutputFile file(dir.file("report.html"));
    file.write(chunk);
    file.write(chunk);
    file.commit();
  }
  CHECK(dir.entries() == std::vector<std::string>{"report.html"});
  CHECK(read_file(dir.file("report.html")).size() == 2 * chunk.size());
}

TEST_CASE("an interrupt during the demo ends it at once with 128+signal and nothing left",
          "[interrupt]") {
  const int signal_number = GENERATE(SIGINT, SIGTERM, SIGHUP);
  CAPTURE(signal_number);
  TempDir dir, tmpdir;
  // Act 1 prints its searches, then the demo pauses 30 s with the act's customers alive.
  Ticketsim demo(dir, {"demo", "--pace", "30s", "--procs", "3"},
                 Ticketsim::Options{false, false, tmpdir.path()});
  REQUIRE(Ticketsim::wait_until(
      [&] { return demo.out().find("customer  3 (pid") != std::string::npos; }));
  std::vector<pid_t> customers = children(demo.pid());
  CHECK(customers.size() == 3);
  auto status = demo.interrupt(signal_number);
  REQUIRE(status.has_value());
  CHECK(*status == 128 + signal_number);
  CHECK_THAT(demo.out(), !Catch::Contains("Act 2"));  // nothing after the interrupt
  require_nothing_left(demo.pid(), customers, tmpdir);
}

TEST_CASE("an interrupt in step ends it with the report so far and nothing left", "[interrupt]") {
  const int signal_number = GENERATE(SIGINT, SIGTERM, SIGHUP);
  CAPTURE(signal_number);
  TempDir dir, tmpdir;
  Ticketsim step(dir, {"step", "--procs", "3", "--mode", "flock"},
                 Ticketsim::Options{false, true, tmpdir.path()});
  step.send_keys("1");  // customer 1 searches
  REQUIRE(Ticketsim::wait_until(
      [&] { return step.out().find("Last: customer 1 search") != std::string::npos; }));
  std::vector<pid_t> customers = children(step.pid());
  CHECK(customers.size() == 3);
  auto status = step.interrupt(signal_number);  // waiting for the next key
  REQUIRE(status.has_value());
  CHECK(*status == 128 + signal_number);
  std::string out = step.out();
  CHECK_THAT(out, Catch::Contains("INTERRUPTED"));
  CHECK_THAT(out, Catch::Contains("Interrupted by " + ticketsim::signal_name(signal_number)));
  require_nothing_left(step.pid(), customers, tmpdir);
}

TEST_CASE("an interrupted compare reports the modes that ran and exits 128+signal", "[interrupt]") {
  TempDir dir, workdir;
  Ticketsim compare(dir,
                    {"compare", "--modes", "none,flock", "--procs", "2", "--latency", "300ms",
                     "--trials", "1", "--workdir", workdir.path()},
                    {});
  auto [first, second] = hold_second_trial(compare.pid(), 2);
  auto status = compare.interrupt(SIGTERM);
  REQUIRE(status.has_value());
  CHECK(*status == 143);
  std::string out = compare.out();
  CHECK_THAT(out, Catch::Matches("[^]*\nnone [^\n]*UNSAFE[^]*"));
  CHECK_THAT(out, Catch::Matches("[^]*\nflock [^\n]*INTERRUPTED[^]*"));
  CHECK_THAT(out, Catch::Contains("modes after the last row did not run"));
  first.insert(first.end(), second.begin(), second.end());
  require_nothing_left(compare.pid(), first, workdir);
}

TEST_CASE("a closed pipe on stdout ends the run quietly and leaves nothing", "[interrupt]") {
  const bool json = GENERATE(false, true);
  CAPTURE(json);
  TempDir dir, workdir;
  std::vector<std::string> args{"run", "--customers", "--procs", "200",       "--attempts",
                                "50",  "--latency",   "0",       "--workdir", workdir.path()};
  if (json) args.push_back("--json");
  Ticketsim run(dir, args, piped_stdout());
  CHECK_FALSE(run.read_line().empty());
  run.close_stdout();  // the reader goes away after the first line, as `| head -1` does
  auto status = run.wait_for_end();
  REQUIRE(status.has_value());
  CHECK(*status == 128 + SIGPIPE);
  CHECK(run.err().empty());  // quietly
  require_nothing_left(run.pid(), {}, workdir);
}

TEST_CASE("a closed pipe on stdout ends the demo quietly and leaves nothing", "[interrupt]") {
  TempDir dir, tmpdir;
  Ticketsim demo(dir, {"demo", "--pace", "0", "--procs", "5"},
                 Ticketsim::Options{true, false, tmpdir.path()});
  // Read up to act 1's first customer line: the act's customers are alive from here on.
  std::string line;
  do {
    line = demo.read_line();
  } while (!line.empty() && line.find("customer  1 (pid") == std::string::npos);
  REQUIRE_FALSE(line.empty());
  std::vector<pid_t> customers = children(demo.pid());
  CHECK(customers.size() == 5);
  demo.close_stdout();
  auto status = demo.wait_for_end();
  REQUIRE(status.has_value());
  CHECK(*status == 128 + SIGPIPE);
  CHECK(demo.err().empty());
  require_nothing_left(demo.pid(), customers, tmpdir);
}

TEST_CASE("an interrupted sweep keeps every finished point and leaves nothing running",
          "[interrupt]") {
  TempDir dir, workdir;
  // The first point ends at once; the second thinks for 20 s, so the interrupt finds it
  // running.
  Ticketsim sweep(dir,
                  {"sweep",
                   "--vary",
                   "latency=0,20s",
                   "--modes",
                   "none",
                   "--procs",
                   "2",
                   "--trials",
                   "1",
                   "--search-latency",
                   "0",
                   "--hold",
                   "0",
                   "--jsonl",
                   dir.file("points.jsonl"),
                   "--csv",
                   dir.file("points.csv"),
                   "--html",
                   dir.file("points.html"),
                   "--workdir",
                   workdir.path()},
                  {});
  std::vector<pid_t> customers;
  REQUIRE(Ticketsim::wait_until([&] {
    customers = children(sweep.pid());
    return customers.size() == 2 && read_file(dir.file("points.jsonl")).size() > 0;
  }));
  auto status = sweep.interrupt(SIGINT);
  REQUIRE(status.has_value());
  CHECK(*status == 130);
  const std::string jsonl = read_file(dir.file("points.jsonl"));
  CHECK(std::count(jsonl.begin(), jsonl.end(), '\n') == 1);
  CHECK(nlohmann::json::parse(jsonl)["latency"] == "0");
  const std::string csv = read_file(dir.file("points.csv"));
  CHECK(std::count(csv.begin(), csv.end(), '\n') == 2);  // the header and the finished point
  CHECK_THAT(sweep.out(), Catch::Contains("interrupted after 1 of 2 points"));
  CHECK_THAT(sweep.err(), Catch::Contains("--html was not written"));
  CHECK_FALSE(std::filesystem::exists(dir.file("points.html")));
  require_nothing_left(sweep.pid(), customers, workdir);
}
