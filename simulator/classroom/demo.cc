#include "simulator/classroom/demo.h"

#include <unistd.h>

#include <algorithm>
#include <stdexcept>

#include <fmt/format.h>

#include "simulator/classroom/demo_text.h"
#include "simulator/classroom/step_ui.h"
#include "simulator/engine/clock.h"
#include "simulator/experiment/prepared_store.h"
#include "simulator/experiment/run_trial.h"
#include "simulator/schedule/step_driver.h"
#include "ticketsim/experiment.h"
#include "ticketsim/interrupt.h"

namespace ticketsim {
namespace {

using fmt::arg;

class Demo {
 public:
  Demo(const DemoOptions& options, const DemoText& text, int in_fd, int out_fd)
      : options_(options), text_(text), in_fd_(in_fd), out_fd_(out_fd) {}

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
    say("\n" + std::string(text_.end));
    return 0;
  }

  static bool interrupted() { return interrupt_signal() != 0; }
  // The status of a demo that stopped early: interrupted, or quit at a prompt.
  static int ending() { return interrupted() ? 128 + interrupt_signal() : 0; }

  // Stdout's reader stopped reading and an interrupt came: the demo ends where it is.
  class Interrupted : public std::exception {};

  void say(const std::string& line) {
    if (!write_unless_interrupted(out_fd_, line + "\n")) throw Interrupted();
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
    if (options_.pace) {
      // In slices, so that an interrupt ends a long pace within a moment.
      const std::int64_t until = monotonic_ns() + options_.pace->count();
      while (!interrupted() && monotonic_ns() < until) {
        sleep_for_ns(std::min<std::int64_t>(until - monotonic_ns(), 50'000'000));
      }
      return !interrupted();
    }
    if (::isatty(in_fd_) == 0) return true;
    say(std::string(text_.pause));
    char c = 0;
    bool quit = false;
    for (;;) {
      ssize_t n = ::read(in_fd_, &c, 1);
      if (n != 1 || c == '\n') break;  // end of input, an interrupt (EINTR) or Enter
      if (c == 'q' || c == 'Q') quit = true;
    }
    return !quit && !interrupted();
  }

  // Acts 1 and 2 are one trial with the lesson's interleaving, granted step by step.
  // False when the demo should stop between the two acts.
  bool acts_one_and_two(const ExperimentConfig& lesson, const PreparedStore& store) {
    TrialInput input{&lesson, store.bytes, store.tickets, 0, {}};
    StepDriver driver(input);
    say(heading(text_.act1));
    for (int c = 0; c < driver.procs(); ++c) {
      const StepRecord& search = driver.step(c, Step::kSearch);
      say(fmt::format(fmt::runtime(text_.searched), arg("n", c + 1), arg("pid", driver.pid(c)),
                      arg("ppid", driver.ppid(c)), arg("count", search.value)));
    }
    if (!pause()) return false;
    say(heading(text_.act2));
    say(std::string(text_.act2_how));
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
                        arg("wrote", write.value)));
      } else {
        say(fmt::format(fmt::runtime(text_.sold_out), arg("n", c + 1), arg("pid", driver.pid(c)),
                        arg("ppid", driver.ppid(c))));
      }
    }
    for (int c = 0; c < driver.procs(); ++c) driver.step(c, Step::kRelease);
    TrialResult trial = driver.finish();
    say("\n" + fmt::format(fmt::runtime(text_.oversold), arg("sold", trial.sold),
                           arg("tickets", trial.tickets), arg("oversold", trial.oversold)));
    if (!trial.witnesses.lost_updates.empty() || !trial.witnesses.double_sales.empty()) {
      say(std::string(text_.witness));
      auto ms = [&](std::int64_t t) { return static_cast<double>(t - trial.t_start) / 1e6; };
      if (!trial.witnesses.lost_updates.empty()) {
        const LostUpdateWitness& w = trial.witnesses.lost_updates.front();
        say(fmt::format(fmt::runtime(text_.lost_update), arg("a", w.overwritten.pid),
                        arg("b", w.writer.pid), arg("read", w.writer.read_value),
                        arg("ta", ms(w.overwritten.read_ns)), arg("tb", ms(w.writer.read_ns)),
                        arg("wrote", w.writer.wrote_value), arg("twb", ms(w.writer.wrote_ns)),
                        arg("twa", ms(w.overwritten.wrote_ns))));
      }
      if (!trial.witnesses.double_sales.empty()) {
        const DoubleSaleWitness& w = trial.witnesses.double_sales.front();
        std::string pids;
        for (const PurchaseRef& buyer : w.buyers)
          pids += (pids.empty() ? "" : ", ") + std::to_string(buyer.pid);
        say(fmt::format(fmt::runtime(text_.double_sale), arg("ticket", w.ticket),
                        arg("times", w.buyers.size()), arg("pids", pids)));
      }
    }
    return true;
  }

  static int blocked_steps(const TrialResult& trial) {
    return static_cast<int>(
        std::count_if(trial.steps.begin(), trial.steps.end(),
                      [](const StepRecord& s) { return s.outcome == StepOutcome::kBlocked; }));
  }

  void act_three(const PreparedStore& store) {
    say(heading(text_.act3));
    say(std::string(text_.act3_how));
    for (Mode mode : all_modes()) {
      if (!mode_takes_lock(mode) || interrupted()) continue;
      ExperimentConfig locked = config(mode, Schedule::kRoundRobin);
      TrialResult trial = run_trial(TrialInput{&locked, store.bytes, store.tickets, 0, {}});
      say(fmt::format(fmt::runtime(text_.locked), arg("mode", mode_name(mode)),
                      arg("sold", trial.sold), arg("oversold", trial.oversold),
                      arg("blocked", blocked_steps(trial))));
    }
  }

  void act_four(const PreparedStore& store) {
    say(heading(text_.act4));
    ExperimentConfig joined = config(Mode::kJoin, Schedule::kRoundRobin);
    TrialResult trial = run_trial(TrialInput{&joined, store.bytes, store.tickets, 0, {}});
    say(fmt::format(fmt::runtime(text_.joined), arg("sold", trial.sold),
                    arg("oversold", trial.oversold), arg("blocked", blocked_steps(trial))));
  }

  // Real time, real scheduler: the cost of safety in wall time.
  void act_five() {
    const Nanoseconds latency = std::chrono::milliseconds(10);
    say(heading(fmt::format(fmt::runtime(text_.act5), arg("procs", options_.procs),
                            arg("latency", format_duration(latency)))));
    say(std::string(text_.cost_header));
    ExperimentConfig free_run = config(Mode::kNone, Schedule::kFree);
    free_run.latency = DurationRange::exactly(latency);
    free_run.keep_history = HistoryKept::kNone;
    Comparison comparison = run_comparison(free_run, modes_for_schedule(Schedule::kFree));
    double none_ms = 0, flock_ms = 0;
    for (const ExperimentResult& result : comparison.results) {
      const TrialResult& trial = result.trials.at(0);
      say(fmt::format(fmt::runtime(text_.cost_row), arg("mode", mode_name(trial.mode)),
                      arg("sold", trial.sold), arg("oversold", trial.oversold),
                      arg("wall", trial.wall_ms())));
      if (trial.mode == Mode::kNone) none_ms = trial.wall_ms();
      if (trial.mode == Mode::kFlock) flock_ms = trial.wall_ms();
    }
    if (none_ms > 0 && flock_ms > 0) {
      say("\n" + fmt::format(fmt::runtime(text_.moral), arg("mode", "flock"),
                             arg("ratio", flock_ms / none_ms)));
    }
  }

  const DemoOptions& options_;
  const DemoText& text_;
  int in_fd_;
  int out_fd_;
};

}  // namespace

int run_demo(const DemoOptions& options, int in_fd, int out_fd) {
  const DemoText* text = demo_text(options.lang);
  if (text == nullptr) {
    throw std::invalid_argument("unknown language '" + options.lang + "'; expected en or zh");
  }
  return Demo(options, *text, in_fd, out_fd).run();
}

}  // namespace ticketsim
