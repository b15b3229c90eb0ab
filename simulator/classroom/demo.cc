#include "simulator/classroom/demo.h"

#include <poll.h>
#include <termios.h>
#include <unistd.h>

#include <algorithm>
#include <optional>
#include <stdexcept>

#include <fmt/format.h>

#include "simulator/classroom/demo_text.h"
#include "simulator/classroom/raw_terminal.h"
#include "simulator/classroom/step_ui.h"
#include "simulator/engine/clock.h"
#include "simulator/experiment/prepared_store.h"
#include "simulator/experiment/run_trial.h"
#include "simulator/oracle/witnesses.h"
#include "simulator/report/explore_report.h"
#include "simulator/report/text_table.h"
#include "simulator/schedule/step_driver.h"
#include "simulator/text/translate.h"
#include "simulator/text/wrap.h"
#include "ticketsim/experiment.h"
#include "ticketsim/explore.h"
#include "ticketsim/interrupt.h"

namespace ticketsim {
namespace {

using fmt::arg;

class Demo {
 public:
  Demo(const DemoOptions& options, int in_fd, int out_fd)
      : options_(options), text_(demo_text()), in_fd_(in_fd), out_fd_(out_fd) {}

  int run() {
    try {
      return acts();
    } catch (const Interrupted&) {
      return ending();  // the acts' customers were killed and reaped on the way out
    }
  }

 private:
  int acts() {
    say(heading(text_.title));
    ExperimentConfig lesson = config(Mode::kNone, Schedule::kRoundRobin);
    PreparedStore store = prepare_store(lesson);
    say(fmt::format(fmt::runtime(text_.setup), arg("procs", options_.procs),
                    arg("parent", ::getpid()), arg("store", trim(store.bytes))));
    if (!acts_one_and_two(lesson, store) || !pause()) return ending();
    act_three(store);
    if (interrupted() || !pause()) return ending();
    act_four(store);
    if (interrupted() || !pause()) return ending();
    act_five();
    if (interrupted()) return ending();
    say("\n" + text_.end);
    return 0;
  }

  static bool interrupted() { return interrupt_signal() != 0; }
  // The status of a demo that stopped early: interrupted, or quit at a prompt. A terminal's
  // Ctrl-C leaves "^C" on the last line: the shell's prompt starts on a line of its own.
  int ending() const {
    if (!interrupted()) return 0;
    if (::isatty(out_fd_) != 0) write_unless_interrupted(out_fd_, "\n");
    return 128 + interrupt_signal();
  }

  // Stdout's reader stopped reading and an interrupt came: the demo ends where it is.
  class Interrupted : public std::exception {};

  // Writes `text` wrapped to the screen's width, each line indented by `indent` columns
  // (continuation lines by two more).
  void say(const std::string& text, int indent = 0) {
    const std::string out = wrap_text(text, options_.width, indent, indent + 2);
    if (!write_unless_interrupted(out_fd_, out)) throw Interrupted();
  }

  std::string heading(std::string_view title) const {
    std::string line(title);
    return options_.use_color ? "\n\x1b[1m" + line + "\x1b[0m" : "\n" + line;
  }

  static std::string trim(std::string text) {
    while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
    return text;
  }

  ExperimentConfig config(Mode mode, Schedule schedule) const {
    ExperimentConfig config;
    config.mode = mode;
    config.schedule = schedule;
    config.procs = options_.procs;
    config.tickets = 1;
    return config;
  }

  // Between acts: the pace, or Enter on a terminal. False when the demo should stop: an
  // interrupt (Ctrl-C ends a pause at once, before the next act prints anything) or `q`.
  bool pause() {
    if (interrupted()) return false;
    // Keys are read only when the teacher sees the prompt: stdin and stdout both terminals
    // (`demo > file` at a terminal does not wait for keys nobody is asked to press).
    const bool at_terminal = ::isatty(in_fd_) != 0 && ::isatty(out_fd_) != 0;
    if (!options_.pace && !at_terminal) return true;
    if (!options_.pace) say(text_.pause);
    // One key, no Enter needed: q quits at once, any other key goes on (or, with a pace,
    // waits out the pace). Polled in slices, so that Ctrl-C ends the pause at once and
    // nothing of the next act is printed.
    std::optional<RawTerminal> keys;
    if (at_terminal) keys.emplace(in_fd_);
    const std::int64_t until = options_.pace ? monotonic_ns() + options_.pace->count() : 0;
    for (;;) {
      if (interrupted()) return false;
      if (options_.pace && monotonic_ns() >= until) return true;
      const int slice_ms = options_.pace ? static_cast<int>(std::min<std::int64_t>(
                                               (until - monotonic_ns()) / 1'000'000 + 1, 50))
                                         : 100;
      if (!at_terminal) {
        sleep_for_ns(static_cast<std::int64_t>(slice_ms) * 1'000'000);
        continue;
      }
      pollfd ready{in_fd_, POLLIN, 0};
      if (::poll(&ready, 1, slice_ms) <= 0) continue;
      char c = 0;
      if (::read(in_fd_, &c, 1) != 1) return !interrupted();  // end of input: go on
      if (c == 'q' || c == 'Q') return false;
      if (!options_.pace) return !interrupted();
    }
  }

  // Acts 1 and 2 are one trial with the lesson's interleaving, granted step by step.
  // False when the demo should stop between the two acts.
  bool acts_one_and_two(const ExperimentConfig& lesson, const PreparedStore& store) {
    TrialInput input{&lesson, store.bytes, store.tickets, 0, {}, {}};
    StepDriver driver(input);
    say(heading(text_.act1));
    for (int c = 0; c < driver.procs(); ++c) {
      const StepRecord& search = driver.step(c, Step::kSearch);
      say(fmt::format(fmt::runtime(text_.searched), arg("n", c + 1), arg("pid", driver.pid(c)),
                      arg("ppid", driver.ppid(c)), arg("count", search.value)),
          2);
    }
    if (!pause()) return false;
    // Times in act 2 count from its start: the pause before it is the teacher's, not the
    // customers'.
    const std::int64_t act2_start = monotonic_ns();
    say(heading(text_.act2));
    say(text_.act2_how);
    for (Step step : {Step::kAcquire, Step::kRead}) {
      for (int c = 0; c < driver.procs(); ++c) driver.step(c, step);
    }
    std::vector<std::int64_t> read(static_cast<std::size_t>(driver.procs()), -1);
    for (const StepRecord& record : driver.log()) {
      if (record.step == Step::kRead)
        read[static_cast<std::size_t>(record.customer)] = record.value;
    }
    for (int c = 0; c < driver.procs(); ++c) {
      const StepRecord& write = driver.step(c, Step::kWrite);
      if (write.note == "bought a ticket") {
        say(fmt::format(fmt::runtime(text_.bought), arg("n", c + 1), arg("pid", driver.pid(c)),
                        arg("ppid", driver.ppid(c)), arg("read", read[static_cast<std::size_t>(c)]),
                        arg("wrote", write.value)),
            2);
      } else {
        say(fmt::format(fmt::runtime(text_.sold_out), arg("n", c + 1), arg("pid", driver.pid(c)),
                        arg("ppid", driver.ppid(c))),
            2);
      }
    }
    for (int c = 0; c < driver.procs(); ++c) driver.step(c, Step::kRelease);
    TrialResult trial = driver.finish();
    say("\n" + fmt::format(fmt::runtime(text_.oversold), arg("sold", trial.sold),
                           arg("tickets", trial.tickets), arg("oversold", trial.oversold)));
    // The headline first (one ticket sold to every customer), then a pair that shows how.
    if (!trial.witnesses.empty()) {
      say(text_.witness);
      if (!trial.witnesses.double_sales.empty()) {
        say(describe(trial.witnesses.double_sales.front(), act2_start), 2);
      }
      if (!trial.witnesses.lost_updates.empty()) {
        say(describe(trial.witnesses.lost_updates.front(), act2_start), 2);
      }
    }
    say_explored();
    return true;
  }

  // The race act's count: every interleaving of (up to) 3 customers explored, and how many
  // oversell. Said only when the search completed (an interrupt leaves it out).
  void say_explored() {
    ExploreConfig config;
    config.workload.mode = Mode::kNone;
    config.workload.procs = std::min(options_.procs, 3);
    config.workload.tickets = 1;
    const ExploreResult result = explore(config);
    if (!result.complete || !result.interleavings_total) return;
    long double oversell = 0;
    for (const ExploredOutcome& outcome : result.outcomes) {
      if (outcome.oversold == 0) continue;
      if (!outcome.interleavings) return;
      oversell += *outcome.interleavings;
    }
    say("\n" + fmt::format(fmt::runtime(text_.explored), arg("shown", config.workload.procs),
                           arg("total", format_interleavings(*result.interleavings_total)),
                           arg("oversell", format_interleavings(oversell)),
                           arg("schedules", result.schedules_run),
                           arg("seconds", result.elapsed_s)));
  }

  // How many times a customer had to wait for the lock: a step the lock held back, counted
  // once until that customer next moves (the schedule asks a waiting customer again at each
  // of its turns; the kernel would simply have kept it asleep in the lock's queue).
  static int waits(const TrialResult& trial) {
    std::vector<bool> waiting(static_cast<std::size_t>(trial.procs), false);
    int count = 0;
    for (const StepRecord& step : trial.steps) {
      auto who = static_cast<std::size_t>(step.customer);
      if (who >= waiting.size()) continue;
      if (step.outcome == StepOutcome::kBlocked) {
        count += waiting[who] ? 0 : 1;
        waiting[who] = true;
      } else if (step.outcome == StepOutcome::kDone) {
        waiting[who] = false;
      }
    }
    return count;
  }

  void act_three(const PreparedStore& store) {
    say(heading(text_.act3));
    say(text_.act3_how);
    // The lock modes whose steps a schedule can grant one at a time (not optimistic or server:
    // their purchases are not a lock around a read and a write).
    for (Mode mode : modes_for_schedule(Schedule::kRoundRobin)) {
      if (!mode_takes_lock(mode) || interrupted()) continue;
      ExperimentConfig locked = config(mode, Schedule::kRoundRobin);
      TrialResult trial = run_trial(TrialInput{&locked, store.bytes, store.tickets, 0, {}, {}});
      say(fmt::format(fmt::runtime(text_.locked), arg("mode", mode_name(mode)),
                      arg("sold", trial.sold), arg("oversold", trial.oversold),
                      arg("waits", waits(trial))),
          2);
    }
  }

  void act_four(const PreparedStore& store) {
    say(heading(text_.act4));
    ExperimentConfig joined = config(Mode::kJoin, Schedule::kRoundRobin);
    TrialResult trial = run_trial(TrialInput{&joined, store.bytes, store.tickets, 0, {}, {}});
    say(fmt::format(fmt::runtime(text_.joined), arg("sold", trial.sold),
                    arg("oversold", trial.oversold)),
        2);
  }

  // Real time, real scheduler: the cost of safety in wall time.
  void act_five() {
    // The default workload: the lesson's own times at 1/100.
    ExperimentConfig free_run = config(Mode::kNone, Schedule::kFree);
    free_run.keep_history = HistoryKept::kNone;
    say(heading(fmt::format(fmt::runtime(text_.act5), arg("procs", options_.procs),
                            arg("search", format_duration(free_run.search_latency)),
                            arg("latency", format_duration_range(free_run.latency)),
                            arg("hold", format_duration(free_run.hold)))));
    Comparison comparison = run_comparison(free_run, modes_for_schedule(Schedule::kFree));
    // An interrupted comparison's last mode ran only partly: no figures, no moral from it.
    if (interrupted()) return;
    TextTable table({text_.cost_mode, text_.cost_sold, text_.cost_oversold, text_.cost_wall, ""});
    double none_ms = 0, flock_ms = 0;
    for (const ExperimentResult& result : comparison.results) {
      const TrialResult& trial = result.trials.at(0);
      table.add_row({{std::string(mode_name(trial.mode))},
                     {fmt::format("{}", trial.sold)},
                     {fmt::format("{}", trial.oversold)},
                     {fmt::format("{:.1f}", trial.wall_ms())},
                     {""}});
      if (trial.mode == Mode::kNone) none_ms = trial.wall_ms();
      if (trial.mode == Mode::kFlock) flock_ms = trial.wall_ms();
    }
    std::string rows = table.render(false, options_.width - 2);
    std::string indented;
    for (std::size_t at = 0; at < rows.size();) {
      const std::size_t end = rows.find('\n', at);
      indented += "  " + rows.substr(at, end - at + 1);
      at = end + 1;
    }
    if (!write_unless_interrupted(out_fd_, indented)) throw Interrupted();
    if (none_ms > 0 && flock_ms > 0) {
      say("\n" + fmt::format(fmt::runtime(text_.moral), arg("mode", "flock"),
                             arg("ratio", flock_ms / none_ms)));
    }
  }

  const DemoOptions& options_;
  const DemoText text_;
  int in_fd_;
  int out_fd_;
};

}  // namespace

int run_demo(const DemoOptions& options, int in_fd, int out_fd) {
  return Demo(options, in_fd, out_fd).run();
}

}  // namespace ticketsim
