// The headline benchmarks of `make bench`: whole processes, each measured against a
// whole-process baseline in the same run.
//
// Every figure runs its ticketsim command (A) and its baseline command (B) alternately,
// A, B, A, B, ..., after warm-up pairs, and reports the medians. Each command is started with
// posix_spawn and reaped with wait4: the wall time is CLOCK_MONOTONIC from just before the
// spawn to just after the reap, and the peak RSS is wait4's ru_maxrss. Stdout goes to
// /dev/null (ticketsim's text report is part of the run, as users run it); stderr goes to a
// scratch file that is shown when a command fails.
//
// What ru_maxrss means here (Linux): the largest of the process's own high-water mark and
// those of the descendants it reaped (a maximum, not a sum). ticketsim's customers are forks
// of the parent that allocate next to nothing, so for ticketsim this is the parent's peak.
// It also includes the spawner's own resident pages at the moment of exec (the kernel carries
// the pre-exec high-water mark across exec): the "spawn floor" printed below, a few MB, is the
// smallest figure this driver can report.
//
// Every command runs with TMPDIR set to a private mkdtemp directory; at the end the driver
// checks that the commands left nothing in it (nor in /dev/shm), reports what they left, and
// removes the directory.
//
// usage: whole_process_bench [--ticketsim PATH] [--reps N] [--heavy-reps N] [--warmups N]
//                            [--only KEY,KEY] [--list] (see --help)
#include <dirent.h>
#include <fcntl.h>
#include <spawn.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdarg>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "bench/machine_description.h"

extern char** environ;

namespace {

#ifndef TICKETSIM_BINARY
#define TICKETSIM_BINARY "ticketsim"
#endif
#ifndef FORK_REAP_BINARY
#define FORK_REAP_BINARY "fork_reap"
#endif
#ifndef PURCHASE_LOOP_BINARY
#define PURCHASE_LOOP_BINARY "purchase_loop"
#endif
#ifndef LESSON_PROGRAM
#define LESSON_PROGRAM "bench/lesson_ticket.py"
#endif

struct Options {
  std::string ticketsim = TICKETSIM_BINARY;
  std::string fork_reap = FORK_REAP_BINARY;
  std::string purchase_loop = PURCHASE_LOOP_BINARY;
  std::string lesson = LESSON_PROGRAM;
  std::string python = "python3";
  int reps = 11;       // pairs for most figures (up to about 2 s a pair)
  int heavy_reps = 3;  // pairs for the heavy ones (about 4 and 8 s a pair)
  int warmups = 1;     // unmeasured pairs before each figure
  std::vector<std::string> only;
  bool list = false;
};

std::int64_t monotonic_ns() {
  timespec ts;
  ::clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<std::int64_t>(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec;
}

double median(std::vector<double> values) {
  if (values.empty()) return 0;
  std::sort(values.begin(), values.end());
  std::size_t n = values.size();
  return n % 2 == 1 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
}

std::string format(const char* pattern, ...) __attribute__((format(printf, 1, 2)));
std::string format(const char* pattern, ...) {
  char buffer[1024];
  va_list args;
  va_start(args, pattern);
  std::vsnprintf(buffer, sizeof buffer, pattern, args);
  va_end(args);
  return buffer;
}

std::string join(const std::vector<std::string>& parts, std::string_view separator) {
  std::string out;
  for (const std::string& part : parts) {
    if (!out.empty()) out += separator;
    out += part;
  }
  return out;
}

std::string read_file(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

std::set<std::string> directory_entries(const std::string& path) {
  std::set<std::string> names;
  if (DIR* dir = ::opendir(path.c_str())) {
    while (dirent* entry = ::readdir(dir)) {
      std::string name = entry->d_name;
      if (name != "." && name != "..") names.insert(name);
    }
    ::closedir(dir);
  }
  return names;
}

// CPU seconds the whole machine has been busy (all CPUs, from /proc/stat), and CPU seconds
// used by this driver and every command it reaped. Their difference over a figure is what
// other processes used meanwhile: a figure measured on a busy machine says so.
double machine_busy_s() {
  std::ifstream stat("/proc/stat");
  std::string cpu;
  long long user = 0, nice = 0, system = 0, idle = 0, iowait = 0, irq = 0, softirq = 0, steal = 0;
  stat >> cpu >> user >> nice >> system >> idle >> iowait >> irq >> softirq >> steal;
  return static_cast<double>(user + nice + system + irq + softirq + steal) /
         static_cast<double>(::sysconf(_SC_CLK_TCK));
}

double own_cpu_s() {
  double total = 0;
  for (int who : {RUSAGE_SELF, RUSAGE_CHILDREN}) {
    rusage usage{};
    ::getrusage(who, &usage);
    total += static_cast<double>(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) +
             static_cast<double>(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
  }
  return total;
}

// One finished command.
struct Sample {
  double ms = 0;
  double peak_mib = 0;
};

// Starts commands with posix_spawn in a private TMPDIR and reaps them with wait4.
class Spawner {
 public:
  Spawner() {
    const char* tmp = std::getenv("TMPDIR");
    std::string pattern = std::string(tmp && *tmp ? tmp : "/tmp") + "/whole_process_bench.XXXXXX";
    std::vector<char> buffer(pattern.begin(), pattern.end());
    buffer.push_back('\0');
    if (::mkdtemp(buffer.data()) == nullptr) {
      std::perror("whole_process_bench: mkdtemp");
      std::exit(1);
    }
    scratch_ = buffer.data();
    stderr_path_ = scratch_ + "/stderr.txt";
    for (char** entry = environ; *entry != nullptr; ++entry) {
      if (std::strncmp(*entry, "TMPDIR=", 7) != 0) environment_.push_back(*entry);
    }
    environment_.push_back("TMPDIR=" + scratch_);
    for (std::string& entry : environment_) environment_pointers_.push_back(entry.data());
    environment_pointers_.push_back(nullptr);
  }

  Spawner(const Spawner&) = delete;
  Spawner& operator=(const Spawner&) = delete;

  const std::string& scratch() const { return scratch_; }

  // Runs argv[0] (a path; not searched in PATH) to completion. Returns false, with
  // `failure` set, when it could not start or did not exit with status 0.
  bool run(const std::vector<std::string>& argv, Sample* sample, std::string* failure) {
    std::vector<char*> args;
    for (const std::string& arg : argv) args.push_back(const_cast<char*>(arg.c_str()));
    args.push_back(nullptr);
    posix_spawn_file_actions_t actions;
    ::posix_spawn_file_actions_init(&actions);
    ::posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
    ::posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
    ::posix_spawn_file_actions_addopen(&actions, 2, stderr_path_.c_str(),
                                       O_WRONLY | O_CREAT | O_TRUNC, 0644);
    pid_t pid = -1;
    std::int64_t start = monotonic_ns();
    int rc =
        ::posix_spawn(&pid, args[0], &actions, nullptr, args.data(), environment_pointers_.data());
    ::posix_spawn_file_actions_destroy(&actions);
    if (rc != 0) {
      *failure = format("cannot start %s: %s", argv[0].c_str(), std::strerror(rc));
      return false;
    }
    int status = 0;
    rusage usage{};
    while (::wait4(pid, &status, 0, &usage) < 0) {
      if (errno != EINTR) {
        *failure = format("wait4: %s", std::strerror(errno));
        return false;
      }
    }
    std::int64_t end = monotonic_ns();
    sample->ms = static_cast<double>(end - start) / 1e6;
    sample->peak_mib = static_cast<double>(usage.ru_maxrss) / 1024.0;  // ru_maxrss is in KiB
    if (WIFEXITED(status) && WEXITSTATUS(status) == 0) return true;
    std::string why = WIFEXITED(status) ? format("exited with status %d", WEXITSTATUS(status))
                                        : format("killed by signal %d", WTERMSIG(status));
    std::string errors = read_file(stderr_path_);
    if (errors.size() > 2000) errors = "..." + errors.substr(errors.size() - 2000);
    *failure = join(argv, " ") + " " + why + (errors.empty() ? "" : ":\n" + errors);
    return false;
  }

  // Removes the scratch directory. Returns what the commands left in it (empty when
  // nothing): the driver's own stderr file and lesson store are not counted.
  std::vector<std::string> remove_scratch(const std::set<std::string>& ours) {
    std::vector<std::string> left;
    for (const std::string& name : directory_entries(scratch_)) {
      if (!ours.count(name)) left.push_back(name);
      std::string path = scratch_ + "/" + name;
      if (::unlink(path.c_str()) != 0 && errno == EISDIR) {
        // A directory a command left behind: reported, and removed below with its files.
        for (const std::string& inner : directory_entries(path)) {
          ::unlink((path + "/" + inner).c_str());
        }
        ::rmdir(path.c_str());
      }
    }
    ::rmdir(scratch_.c_str());
    return left;
  }

 private:
  std::string scratch_;
  std::string stderr_path_;
  std::vector<std::string> environment_;
  std::vector<char*> environment_pointers_;
};

enum class Goal {
  kNone,           // for information
  kRatioAtMost,    // ticketsim median / baseline median <= goal
  kFasterAtLeast,  // baseline median / ticketsim median >= goal
};

struct Figure {
  std::string key;    // for --only
  std::string title;  // the table's first column
  std::vector<std::string> ticketsim;
  std::string baseline_title;         // empty: no baseline
  std::vector<std::string> baseline;  // empty: no baseline
  bool heavy = false;
  Goal goal = Goal::kNone;
  double goal_value = 0;
  double max_ms = 0;        // > 0: ticketsim's median must not exceed it
  double max_peak_mib = 0;  // > 0: ticketsim's peak RSS must not exceed it

  // Measured.
  std::vector<Sample> a, b;
  std::string failure;
  double seconds = 0;       // wall time of the whole figure, warm-ups included
  double others_cpu_s = 0;  // CPU time other processes used meanwhile
};

struct Verdict {
  bool measured = false;
  bool pass = true;
  std::string ratio;   // as shown
  std::string target;  // as shown
  std::vector<std::string> misses;
};

double peak(const std::vector<Sample>& samples) {
  double most = 0;
  for (const Sample& s : samples) most = std::max(most, s.peak_mib);
  return most;
}

std::vector<double> times(const std::vector<Sample>& samples) {
  std::vector<double> ms;
  for (const Sample& s : samples) ms.push_back(s.ms);
  return ms;
}

std::string ms_text(double ms);  // "226 ms", "13.52 s" (below)

Verdict judge(const Figure& figure) {
  Verdict v;
  std::vector<std::string> targets;
  if (figure.goal == Goal::kRatioAtMost) targets.push_back(format("<= %gx", figure.goal_value));
  if (figure.goal == Goal::kFasterAtLeast) {
    targets.push_back(format(">= %.0fx faster", figure.goal_value));
  }
  if (figure.max_ms > 0) targets.push_back("<= " + ms_text(figure.max_ms));
  if (figure.max_peak_mib > 0) targets.push_back(format("peak <= %.0f MB", figure.max_peak_mib));
  v.target = targets.empty() ? "(information)" : join(targets, ", ");
  if (!figure.failure.empty() || figure.a.empty()) return v;
  v.measured = true;
  double a_ms = median(times(figure.a));
  double a_peak = peak(figure.a);
  if (!figure.b.empty()) {
    double b_ms = median(times(figure.b));
    double ratio = a_ms / b_ms;
    if (figure.goal == Goal::kFasterAtLeast) {
      v.ratio = format("%.1fx faster", b_ms / a_ms);
      if (b_ms / a_ms < figure.goal_value) {
        v.pass = false;
        v.misses.push_back(format("%.1fx faster, not %.0fx: ticketsim would need %.1f ms (-%.0f%%)",
                                  b_ms / a_ms, figure.goal_value, b_ms / figure.goal_value,
                                  100 * (1 - b_ms / figure.goal_value / a_ms)));
      }
    } else {
      v.ratio = format("%.2fx", ratio);
      if (figure.goal == Goal::kRatioAtMost && ratio > figure.goal_value) {
        v.pass = false;
        v.misses.push_back(format("%.2fx, not <= %.1fx: %.0f%% over (ticketsim would need %.1f ms)",
                                  ratio, figure.goal_value, 100 * (ratio / figure.goal_value - 1),
                                  b_ms * figure.goal_value));
      }
    }
  } else {
    v.ratio = "-";
  }
  if (figure.max_ms > 0 && a_ms > figure.max_ms) {
    v.pass = false;
    v.misses.push_back(format("%.0f ms, not <= %.0f ms: %.0f%% over", a_ms, figure.max_ms,
                              100 * (a_ms / figure.max_ms - 1)));
  }
  if (figure.max_peak_mib > 0 && a_peak > figure.max_peak_mib) {
    v.pass = false;
    v.misses.push_back(format("peak %.1f MB, not <= %.0f MB: %.0f%% over", a_peak,
                              figure.max_peak_mib, 100 * (a_peak / figure.max_peak_mib - 1)));
  }
  return v;
}

std::string ms_text(double ms) {
  if (ms >= 10000) return format("%.2f s", ms / 1000);
  if (ms >= 100) return format("%.0f ms", ms);
  return format("%.1f ms", ms);
}

std::string cell(const std::vector<Sample>& samples) {
  if (samples.empty()) return "-";
  return format("%s (%.1f MB)", ms_text(median(times(samples))).c_str(), peak(samples));
}

// Prints rows as a Markdown table whose columns line up in a terminal too.
void print_markdown(const std::vector<std::vector<std::string>>& rows) {
  std::vector<std::size_t> widths;
  auto width = [](const std::string& text) {
    std::size_t n = 0;  // display width of UTF-8 text: count non-continuation bytes
    for (unsigned char c : text) n += (c & 0xC0) != 0x80;
    return n;
  };
  for (const auto& row : rows) {
    widths.resize(std::max(widths.size(), row.size()));
    for (std::size_t i = 0; i < row.size(); ++i) widths[i] = std::max(widths[i], width(row[i]));
  }
  for (std::size_t r = 0; r < rows.size(); ++r) {
    std::string line = "|";
    for (std::size_t i = 0; i < rows[r].size(); ++i) {
      line += " " + rows[r][i] + std::string(widths[i] - width(rows[r][i]), ' ') + " |";
    }
    std::puts(line.c_str());
    if (r == 0) {
      line = "|";
      for (std::size_t w : widths) line += " " + std::string(w, '-') + " |";
      std::puts(line.c_str());
    }
  }
}

// The interpreter `python3` (or --python) really is: a pyenv or similar shim in PATH is a
// shell script whose start-up is not the lesson's cost.
std::string resolve_python(const std::string& python) {
  std::string quoted = "'";
  for (char c : python) quoted += c == '\'' ? std::string("'\\''") : std::string(1, c);
  quoted += "'";
  std::string command = quoted + " -c 'import sys; print(sys.executable)' 2>/dev/null";
  std::string path;
  if (FILE* pipe = ::popen(command.c_str(), "r")) {
    char buffer[4096];
    if (std::fgets(buffer, sizeof buffer, pipe)) path = buffer;
    ::pclose(pipe);
  }
  while (!path.empty() && (path.back() == '\n' || path.back() == '\r')) path.pop_back();
  return path;
}

// A path posix_spawn can run without searching PATH.
std::string executable(const std::string& path) {
  if (path.find('/') != std::string::npos) return path;
  return "./" + path;
}

void usage(const char* program) {
  std::printf(
      "usage: %s [options]\n"
      "  --ticketsim PATH      the CLI to measure (default: %s)\n"
      "  --fork-reap PATH      baseline (default: %s)\n"
      "  --purchase-loop PATH  baseline (default: %s)\n"
      "  --lesson PATH         the lesson's Python program (default: %s)\n"
      "  --python PATH         its interpreter (default: python3, resolved to sys.executable)\n"
      "  --reps N              measured pairs for the light figures (default 11)\n"
      "  --heavy-reps N        measured pairs for the heavy figures (default 3)\n"
      "  --warmups N           unmeasured pairs before each figure (default 1)\n"
      "  --only KEY[,KEY]      run only these figures (see --list)\n"
      "  --list                list the figures and exit\n",
      program, TICKETSIM_BINARY, FORK_REAP_BINARY, PURCHASE_LOOP_BINARY, LESSON_PROGRAM);
}

Options parse_options(int argc, char** argv) {
  Options options;
  for (int i = 1; i < argc; ++i) {
    std::string flag = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) {
        std::fprintf(stderr, "whole_process_bench: %s needs a value\n", flag.c_str());
        std::exit(2);
      }
      return argv[++i];
    };
    auto number = [&]() {
      std::string text = value();
      char* end = nullptr;
      long n = std::strtol(text.c_str(), &end, 10);
      if (*end != '\0' || n < 0 || n > 1000) {
        std::fprintf(stderr, "whole_process_bench: %s: not a count: %s\n", flag.c_str(),
                     text.c_str());
        std::exit(2);
      }
      return static_cast<int>(n);
    };
    if (flag == "--help" || flag == "-h") {
      usage(argv[0]);
      std::exit(0);
    } else if (flag == "--ticketsim") {
      options.ticketsim = value();
    } else if (flag == "--fork-reap") {
      options.fork_reap = value();
    } else if (flag == "--purchase-loop") {
      options.purchase_loop = value();
    } else if (flag == "--lesson") {
      options.lesson = value();
    } else if (flag == "--python") {
      options.python = value();
    } else if (flag == "--reps") {
      options.reps = number();
    } else if (flag == "--heavy-reps") {
      options.heavy_reps = number();
    } else if (flag == "--warmups") {
      options.warmups = number();
    } else if (flag == "--only") {
      std::stringstream keys(value());
      for (std::string key; std::getline(keys, key, ',');) options.only.push_back(key);
    } else if (flag == "--list") {
      options.list = true;
    } else {
      std::fprintf(stderr, "whole_process_bench: unknown option %s (see --help)\n", flag.c_str());
      std::exit(2);
    }
  }
  if (options.reps < 1 || options.heavy_reps < 1) {
    std::fprintf(stderr, "whole_process_bench: --reps and --heavy-reps must be at least 1\n");
    std::exit(2);
  }
  return options;
}

std::vector<Figure> figures(const Options& o, const std::string& python,
                            const std::string& lesson_store) {
  const std::string ts = executable(o.ticketsim);
  const std::string fork_reap = executable(o.fork_reap);
  const std::string loop = executable(o.purchase_loop);
  // No think time anywhere (the default workload waits 10 ms for the network, thinks 10 ms
  // and holds 15 ms): these figures measure what the tool costs, not what it simulates.
  const std::vector<std::string> no_waits = {"--latency", "0",      "--search-latency",
                                             "0",         "--hold", "0"};
  auto with_no_waits = [&](std::vector<std::string> command) {
    command.insert(command.end(), no_waits.begin(), no_waits.end());
    return command;
  };
  auto run = [&](const std::string& procs) {
    return with_no_waits({ts, "run", "--mode", "flock", "--procs", procs});
  };
  auto purchases = [&](const std::string& attempts, const std::string& tickets) {
    return with_no_waits({ts, "run", "--mode", "flock", "--procs", "8", "--attempts", attempts,
                          "--tickets", tickets});
  };
  std::vector<Figure> list;
  {
    Figure f;
    f.key = "fork1000";
    f.title = "`run --mode flock --procs 1000` (1000 customers x 1 purchase; no think time)";
    f.ticketsim = run("1000");
    f.baseline_title = "`fork_reap 1000`";
    f.baseline = {fork_reap, "1000"};
    f.goal = Goal::kRatioAtMost;
    f.goal_value = 1.3;
    list.push_back(f);
  }
  {
    Figure f;
    f.key = "fork10000";
    f.title = "`run --mode flock --procs 10000` (no think time)";
    f.ticketsim = run("10000");
    f.baseline_title = "`fork_reap 10000`";
    f.baseline = {fork_reap, "10000"};
    f.goal = Goal::kRatioAtMost;
    f.goal_value = 1.6;
    f.max_peak_mib = 30;
    list.push_back(f);
  }
  {
    Figure f;
    f.key = "loop20k";
    f.title = "`run --mode flock --procs 8 --attempts 20000 --tickets 160000` (no think time)";
    f.ticketsim = purchases("20000", "160000");
    f.baseline_title = "`purchase_loop 8 20000`";
    f.baseline = {loop, "8", "20000"};
    f.goal = Goal::kRatioAtMost;
    f.goal_value = 1.3;
    list.push_back(f);
  }
  {
    Figure f;
    f.key = "loop100k";
    f.title = "`run --mode flock --procs 8 --attempts 100000 --tickets 800000` (no think time)";
    f.ticketsim = purchases("100000", "800000");
    f.baseline_title = "`purchase_loop 8 100000`";
    f.baseline = {loop, "8", "100000"};
    f.heavy = true;
    f.max_peak_mib = 300;
    list.push_back(f);
  }
  {
    Figure f;
    f.key = "compare";
    f.title =
        "`compare --modes all --procs 8 --attempts 20000 --trials 3 --tickets 160000` (no think "
        "time)";
    f.ticketsim = with_no_waits({ts, "compare", "--modes", "all", "--procs", "8", "--attempts",
                                 "20000", "--trials", "3", "--tickets", "160000"});
    f.heavy = true;
    f.max_ms = 15000;
    f.max_peak_mib = 150;
    list.push_back(f);
  }
  {
    // A sweep against the same points run one by one with `run`, in one shell.
    Figure f;
    f.key = "sweep";
    f.title = "`sweep --vary procs=50,100,200 --modes none,flock,join --trials 3` (no think time)";
    f.ticketsim = with_no_waits(
        {ts, "sweep", "--vary", "procs=50,100,200", "--modes", "none,flock,join", "--trials", "3"});
    std::string script;
    for (const char* procs : {"50", "100", "200"}) {
      for (const char* mode : {"none", "flock", "join"}) {
        script += "'" + ts + "' run --mode " + mode + " --procs " + procs +
                  " --trials 3 --latency 0 --search-latency 0 --hold 0 || exit 1\n";
      }
    }
    f.baseline_title = "the same 9 points, one `run --trials 3` each, from one shell";
    f.baseline = {"/bin/sh", "-c", script};
    f.goal = Goal::kRatioAtMost;
    f.goal_value = 1.05;
    list.push_back(f);
  }
  {
    // The modes that are safe another way than a lock, each against flock on its workload.
    Figure f;
    f.key = "optimistic";
    f.title = "`run --mode optimistic --trials 10` (the lesson's workload) against flock";
    f.ticketsim = {ts, "run", "--mode", "optimistic", "--trials", "10"};
    f.baseline_title = "`run --mode flock --trials 10`";
    f.baseline = {ts, "run", "--mode", "flock", "--trials", "10"};
    list.push_back(f);
  }
  {
    Figure f;
    f.key = "server";
    f.title = "`run --mode server --procs 200 --tickets 100` (no think time) against flock";
    f.ticketsim =
        with_no_waits({ts, "run", "--mode", "server", "--procs", "200", "--tickets", "100"});
    f.baseline_title = "the same with `--mode flock`";
    f.baseline =
        with_no_waits({ts, "run", "--mode", "flock", "--procs", "200", "--tickets", "100"});
    list.push_back(f);
  }
  {
    Figure f;
    f.key = "pool";
    f.title = "`run --mode flock --procs 4000 --pool 2` (no think time) against no pool";
    f.ticketsim = with_no_waits({ts, "run", "--mode", "flock", "--procs", "4000", "--pool", "2"});
    f.baseline_title = "`run --mode flock --procs 4000`";
    f.baseline = with_no_waits({ts, "run", "--mode", "flock", "--procs", "4000"});
    list.push_back(f);
  }
  {
    Figure f;
    f.key = "lesson";
    f.title = "`run --mode flock --procs 1000` (no think time) against the lesson's Python program";
    f.ticketsim = run("1000");
    f.baseline_title = "`python3 bench/lesson_ticket.py 1000 STORE` (multiprocessing.Lock)";
    f.baseline = {python, o.lesson, "1000", lesson_store};
    f.goal = Goal::kFasterAtLeast;
    f.goal_value = 15;
    list.push_back(f);
  }
  {
    // Exhaustive exploration: every one of the 252 interleavings of 2 customers x 1 purchase,
    // each on fresh processes, against the same number of scripted trials run one by one.
    Figure f;
    f.key = "explore";
    f.title = "`explore --procs 2 --no-reduction` (all 252 schedules of 2 customers x 1 attempt)";
    f.ticketsim = {ts, "explore", "--procs", "2", "--no-reduction"};
    f.baseline_title = "`run --procs 2 --schedule script:... --trials 252` (one process)";
    f.baseline = {ts,
                  "run",
                  "--procs",
                  "2",
                  "--schedule",
                  "script:1:search 2:search 1:acquire 1:read 2:acquire 2:read "
                  "1:write 2:write 1:release 2:release",
                  "--trials",
                  "252"};
    f.max_ms = 252;  // at least 1,000 schedules per second
    list.push_back(f);
  }
  if (!o.only.empty()) {
    std::vector<Figure> chosen;
    for (const std::string& key : o.only) {
      auto it =
          std::find_if(list.begin(), list.end(), [&](const Figure& f) { return f.key == key; });
      if (it == list.end()) {
        std::fprintf(stderr, "whole_process_bench: no figure %s (see --list)\n", key.c_str());
        std::exit(2);
      }
      chosen.push_back(*it);
    }
    list = chosen;
  }
  return list;
}

// The exploration's rate, and what the reduction saves on a few workloads (one run each of
// `explore --json`, with and without reduction where the unreduced space is small enough).
void print_explore_figures(const Figure& figure, const std::string& ts) {
  const double ms = median(times(figure.a));
  std::printf(
      "\nExplore: 252 schedules in %s (median) = %.0f schedules/s on this machine "
      "(target: at least 1,000/s)\n",
      ms_text(ms).c_str(), 252 / (ms / 1000));
  std::printf(
      "Reduction (schedules run with partial-order reduction, against the interleavings "
      "they stand for):\n");
  const char* workloads[] = {"--procs 2",
                             "--procs 3",
                             "--procs 3 --tickets 2",
                             "--procs 4",
                             "--procs 2 --attempts 2",
                             "--procs 3 --mode flock",
                             "--procs 3 --mode flock --crashes 1",
                             "--procs 3 --mode named-mutex --crashes 1"};
  for (const char* workload : workloads) {
    const std::string command = "'" + ts + "' explore " + workload + " --json";
    FILE* pipe = ::popen(command.c_str(), "r");
    if (pipe == nullptr) continue;
    std::string out;
    char buffer[4096];
    while (std::size_t n = std::fread(buffer, 1, sizeof buffer, pipe)) out.append(buffer, n);
    const int status = ::pclose(pipe);
    auto number = [&](const std::string& key) {
      const std::size_t at = out.find("\"" + key + "\": ");
      return at == std::string::npos ? -1.0 : std::atof(out.c_str() + at + key.size() + 4);
    };
    const double run = number("schedules_run"), total = number("interleavings_total");
    const double seconds = number("elapsed_s");
    if (status != 0 || run <= 0) {
      std::printf("  %-42s FAILED (exit %d)\n", workload, status);
      continue;
    }
    std::printf("  %-42s %8.0f schedules for %12.0f interleavings: %8.1fx fewer, %.2f s\n",
                workload, run, total, total / run, seconds);
  }
}

// Runs one figure: warm-up pairs, then measured pairs, A (ticketsim) before B (baseline).
// Progress goes to stderr: a counter on a terminal, one line per figure otherwise.
void measure(Figure& figure, int reps, int warmups, Spawner& spawner) {
  const std::int64_t start = monotonic_ns();
  const double busy = machine_busy_s(), own = own_cpu_s();
  const bool terminal = ::isatty(STDERR_FILENO) == 1;
  if (!terminal) {
    std::fprintf(stderr, "whole_process_bench: %s: %d warm-up and %d measured pair(s)\n",
                 figure.key.c_str(), warmups, reps);
  }
  for (int i = 0; i < warmups + reps && figure.failure.empty(); ++i) {
    bool measured = i >= warmups;
    if (terminal) {
      std::fprintf(stderr, "\r  %-10s %s %d/%d ", figure.key.c_str(), measured ? "pair" : "warm-up",
                   measured ? i - warmups + 1 : i + 1, measured ? reps : warmups);
      std::fflush(stderr);
    }
    Sample a, b;
    if (!spawner.run(figure.ticketsim, &a, &figure.failure)) break;
    if (!figure.baseline.empty() && !spawner.run(figure.baseline, &b, &figure.failure)) break;
    if (!measured) continue;
    figure.a.push_back(a);
    if (!figure.baseline.empty()) figure.b.push_back(b);
  }
  if (terminal) std::fprintf(stderr, "\r%60s\r", "");
  figure.seconds = static_cast<double>(monotonic_ns() - start) / 1e9;
  figure.others_cpu_s = std::max(0.0, (machine_busy_s() - busy) - (own_cpu_s() - own));
}

}  // namespace

int main(int argc, char** argv) {
  Options options = parse_options(argc, argv);
  std::string python = resolve_python(options.python);
  Spawner spawner;
  const std::string lesson_store_name = "lesson-store.json";
  std::vector<Figure> list = figures(options, python.empty() ? options.python : python,
                                     spawner.scratch() + "/" + lesson_store_name);
  if (options.list) {
    for (const Figure& f : list) {
      std::printf("%-10s %s\n           A: %s\n", f.key.c_str(), f.title.c_str(),
                  join(f.ticketsim, " ").c_str());
      if (!f.baseline.empty()) std::printf("           B: %s\n", join(f.baseline, " ").c_str());
    }
    spawner.remove_scratch({});
    return 0;
  }
  std::set<std::string> shm_before = directory_entries("/dev/shm");

  // The spawn floor: ru_maxrss of a command that does nothing (see the top of this file).
  Sample floor;
  std::string failure;
  bool floor_ok = spawner.run({executable(options.fork_reap), "0"}, &floor, &failure);

  std::int64_t start = monotonic_ns();
  for (Figure& figure : list) {
    measure(figure, figure.heavy ? options.heavy_reps : options.reps, options.warmups, spawner);
  }
  double total_s = static_cast<double>(monotonic_ns() - start) / 1e9;

  std::printf("\nWhole processes, ticketsim (A) against its baseline (B), alternated A, B, A, B\n");
  std::printf("(%s; %d warm-up pair(s), then %d measured pairs, %d for the heavy figures;\n",
              ticketsim::bench::machine_description().c_str(), options.warmups, options.reps,
              options.heavy_reps);
  std::printf(
      "median wall time, spawn to reap; in brackets the peak RSS, the largest ru_maxrss over "
      "the measured runs; MB = MiB)\n\n");
  std::vector<std::vector<std::string>> rows = {{"figure", "ticketsim median (peak)", "baseline",
                                                 "baseline median (peak)", "ratio", "target",
                                                 "result"}};
  int missed = 0, failed = 0;
  std::vector<std::string> notes;
  for (const Figure& figure : list) {
    Verdict v = judge(figure);
    std::string result;
    if (!v.measured) {
      result = "FAILED";
      ++failed;
    } else {
      result = v.pass ? "PASS" : "MISS";
      missed += !v.pass;
    }
    rows.push_back({figure.title, cell(figure.a),
                    figure.baseline.empty() ? "(none: absolute targets)" : figure.baseline_title,
                    cell(figure.b), v.measured ? v.ratio : "-", v.target, result});
    for (const std::string& miss : v.misses) notes.push_back(figure.key + ": MISS " + miss);
    if (!figure.failure.empty()) notes.push_back(figure.key + ": FAILED " + figure.failure);
  }
  print_markdown(rows);

  std::printf(
      "\nSpread (min / median / max over the measured runs), and the share of the machine's CPU "
      "time\nthat other processes used while the figure ran (0%% on a quiet machine):\n");
  const double cpus = static_cast<double>(::sysconf(_SC_NPROCESSORS_ONLN));
  for (const Figure& figure : list) {
    if (figure.a.empty()) continue;
    auto spread = [](const std::vector<Sample>& s) {
      std::vector<double> ms = times(s);
      return format("%s / %s / %s", ms_text(*std::min_element(ms.begin(), ms.end())).c_str(),
                    ms_text(median(ms)).c_str(),
                    ms_text(*std::max_element(ms.begin(), ms.end())).c_str());
    };
    std::string line = format("  %-10s n=%zu  A %s", figure.key.c_str(), figure.a.size(),
                              spread(figure.a).c_str());
    if (!figure.b.empty()) {
      // The ratio of each pair, oriented as the table's ratio column.
      const bool faster = figure.goal == Goal::kFasterAtLeast;
      std::vector<double> ratios;
      for (std::size_t i = 0; i < figure.a.size() && i < figure.b.size(); ++i) {
        ratios.push_back(faster ? figure.b[i].ms / figure.a[i].ms
                                : figure.a[i].ms / figure.b[i].ms);
      }
      line += format("  B %s  median of pair ratios %s %.2fx", spread(figure.b).c_str(),
                     faster ? "B/A" : "A/B", median(ratios));
    }
    double others = 100 * figure.others_cpu_s / (figure.seconds * cpus);
    line += format("  others %.0f%%", others);
    std::puts(line.c_str());
    if (others > 10) {
      notes.push_back(format("%s: WARNING other processes used %.0f%% of the CPUs while it ran",
                             figure.key.c_str(), others));
    }
  }
  for (const Figure& figure : list) {
    if (figure.key == "explore" && !figure.a.empty())
      print_explore_figures(figure, figure.ticketsim[0]);
  }
  if (floor_ok) {
    std::printf(
        "Spawn floor: `fork_reap 0` (a C program that does nothing) measures %.1f MB peak RSS "
        "here;\nno figure can be smaller (ru_maxrss carries the spawner's pages across exec).\n",
        floor.peak_mib);
  }
  std::printf("Python: %s. Total %.0f s.\n",
              python.empty() ? (options.python + " (not resolved)").c_str() : python.c_str(),
              total_s);

  std::vector<std::string> left = spawner.remove_scratch({"stderr.txt", lesson_store_name});
  std::vector<std::string> shm_left;
  for (const std::string& name : directory_entries("/dev/shm")) {
    if (!shm_before.count(name)) shm_left.push_back(name);
  }
  if (!left.empty()) notes.push_back("left behind in TMPDIR: " + join(left, ", "));
  if (!shm_left.empty()) notes.push_back("new in /dev/shm: " + join(shm_left, ", "));
  for (const std::string& note : notes) std::printf("%s\n", note.c_str());
  std::printf("\n%zu figures: %zu PASS, %d MISS, %d FAILED\n", list.size(),
              list.size() - static_cast<std::size_t>(missed + failed), missed, failed);
  // Missing a target is a finding, not a failure of the benchmark; a command that failed is.
  return failed > 0 || !left.empty() ? 1 : 0;
}
