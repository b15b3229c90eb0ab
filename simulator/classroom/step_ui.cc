#include "simulator/classroom/step_ui.h"

#include <limits.h>
#include <poll.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <memory>
#include <optional>
#include <vector>

#include <fmt/format.h>

#include "simulator/experiment/prepared_store.h"
#include "simulator/report/report_text.h"
#include "simulator/schedule/step_driver.h"
#include "simulator/text/display_width.h"
#include "simulator/text/terminal_width.h"
#include "simulator/text/translate.h"
#include "simulator/text/wrap.h"
#include "storage/posix_io.h"
#include "ticketsim/experiment.h"
#include "ticketsim/interrupt.h"

namespace ticketsim {
namespace {

// Puts a terminal in raw mode (no echo, a key at a time; Ctrl-C still interrupts) and
// restores it on destruction. Does nothing for a descriptor that is not a terminal.
class RawTerminal {
 public:
  explicit RawTerminal(int fd) : fd_(fd) {
    if (::isatty(fd_) == 0 || ::tcgetattr(fd_, &saved_) != 0) return;
    termios raw = saved_;
    raw.c_lflag &= static_cast<tcflag_t>(~(ICANON | ECHO));
    raw.c_cc[VMIN] = 1;
    raw.c_cc[VTIME] = 0;
    active_ = ::tcsetattr(fd_, TCSANOW, &raw) == 0;
  }
  ~RawTerminal() {
    if (active_) ::tcsetattr(fd_, TCSANOW, &saved_);
  }
  RawTerminal(const RawTerminal&) = delete;
  RawTerminal& operator=(const RawTerminal&) = delete;

 private:
  int fd_;
  termios saved_{};
  bool active_ = false;
};

// One key, or nullopt at end of input or on an interrupt.
std::optional<char> read_key(int fd) {
  char key;
  for (;;) {
    ssize_t n = ::read(fd, &key, 1);
    if (n == 1) return key;
    if (n < 0 && errno == EINTR && interrupt_signal() == 0) continue;
    return std::nullopt;
  }
}

// The columns of the terminal `fd` draws on, or 80 when it is not one.
int screen_width(int fd) {
  winsize size{};
  if (::isatty(fd) != 0 && ::ioctl(fd, TIOCGWINSZ, &size) == 0 && size.ws_col > 0) {
    return size.ws_col;
  }
  return output_width();
}

// Drawing stops at an interrupt: the screen is left as it is and the report follows.
class StepInterrupted : public std::exception {};

// The screen needs this many columns: below it, it says so instead of drawing lanes.
constexpr int kMinWidth = 60;

// True when `step` is a lock step of a mode that has no lock (none, join): such steps are
// granted without a key and never shown.
bool invisible(const ExperimentConfig& config, Step step) {
  return !mode_takes_lock(config.mode) && (step == Step::kAcquire || step == Step::kRelease);
}

class StepScreen {
 public:
  StepScreen(const ExperimentConfig& config, const StepUiOptions& options, int out_fd)
      : config_(config), options_(options), out_fd_(out_fd) {}

  // Draws the whole screen for the driver's current state, fitted to the terminal's width.
  void draw(const StepDriver& driver, const std::string& message) {
    const int width = screen_width(out_fd_);
    std::string screen = "\x1b[H\x1b[2J";  // home, clear
    if (width < kMinWidth) {
      screen += wrap_text(trf("ticketsim step needs a terminal at least {} columns wide (this one "
                              "has {}): widen it and press a key, or press q to quit.",
                              kMinWidth, width),
                          width);
      if (!write_unless_interrupted(out_fd_, screen)) throw StepInterrupted();
      return;
    }
    std::optional<std::int64_t> count = driver.store_count();
    std::string count_text = !shown() ? "?" : count ? std::to_string(*count) : tr("torn");
    std::string heading =
        trf("ticketsim step - mode {} - {} x {} - store count: {}", mode_name(config_.mode),
            counted(config_.procs, "{} customer", "{} customers"),
            counted(config_.attempts, "{} attempt", "{} attempts"), bold(count_text));
    if (mode_takes_lock(config_.mode)) {
      const int holder = driver.lock_holder();
      heading += holder < 0 ? tr(" - lock: free") : trf(" - lock: held by customer {}", holder + 1);
    }
    screen += wrap_text(heading, width, 0, 2);
    screen += wrap_text(
        options_.predict
            ? trf("keys: 1-{} move that customer one step, u undo, r reveal/hide, "
                  "q quit",
                  config_.procs)
            : trf("keys: 1-{} move that customer one step, u undo, q quit", config_.procs),
        width, 0, 2);
    screen += "\n";
    // One lane per customer: who it is and its next step, then what it has done so far.
    for (int c = 0; c < driver.procs(); ++c) {
      auto next = driver.next_step(c);
      std::string next_text = next ? trf("next: {}", step_name(*next)) : tr("finished");
      if (next && !driver.blocker(c).empty()) next_text += tr(" (waits for the lock)");
      std::string who = driver.ppid(c) != 0
                            ? trf("pid {} (parent {})", driver.pid(c), driver.ppid(c))
                            : trf("pid {} (exited)", driver.pid(c));
      screen += wrap_text(fmt::format("  {}  {}  {}", c + 1, pad_to_width(who, 24), next_text),
                          width, 0, 5);
      screen += wrap_text(trf("done: {}", history_of(driver, c)), width, 5, 11);
    }
    screen += "\n" + wrap_text(message, width);
    if (driver.all_finished()) {
      int sold = 0;
      for (int c = 0; c < driver.procs(); ++c) sold += driver.bought(c);
      const std::int64_t tickets = count_tickets_;
      screen += wrap_text(
          !shown() ? std::string(tr("All done. Press r to reveal what happened, q to see the "
                                    "report."))
          : sold > tickets
              ? trf("All done: {} sold from {} - {} OVERSOLD.",
                    counted(sold, "{} ticket", "{} tickets"),
                    counted(tickets, "{} ticket", "{} tickets"), sold - tickets)
              : trf("All done: {} sold from {}.", counted(sold, "{} ticket", "{} tickets"),
                    counted(tickets, "{} ticket", "{} tickets")),
          width);
    }
    if (!write_unless_interrupted(out_fd_, screen)) throw StepInterrupted();
  }

  void set_tickets(std::int64_t tickets) { count_tickets_ = tickets; }
  void toggle_reveal() { revealed_ = !revealed_; }
  bool shown() const { return !options_.predict || revealed_; }

 private:
  std::string bold(const std::string& text) const {
    return options_.use_color ? fmt::format("\x1b[1m{}\x1b[0m", text) : text;
  }

  // The steps `customer` took, with what they saw when nothing is hidden.
  std::string history_of(const StepDriver& driver, int customer) const {
    std::vector<std::string> steps;
    for (const StepRecord& step : driver.log()) {
      if (step.customer != customer || step.outcome == StepOutcome::kSkipped) continue;
      if (invisible(config_, step.step)) continue;
      std::string text(step_name(step.step));
      if (step.outcome == StepOutcome::kBlocked) {
        text += tr("[waiting]");
      } else if (shown() && step.step == Step::kSearch && step.value >= 0) {
        text += trf("(saw {})", step.value);
      } else if (shown() && step.step == Step::kRead && step.value >= 0) {
        text += fmt::format("({})", step.value);
      } else if (shown() && step.step == Step::kWrite) {
        text += step.note == "bought a ticket" ? trf("({}) BOUGHT", step.value) : tr("(sold out)");
      }
      steps.push_back(std::move(text));
    }
    std::string text;
    for (const std::string& step : steps) text += (text.empty() ? "" : " ") + step;
    return text.empty() ? "-" : text;
  }

  const ExperimentConfig& config_;
  const StepUiOptions& options_;
  int out_fd_;
  bool revealed_ = false;
  std::int64_t count_tickets_ = 0;
};

// What the teacher's last key did, for the line under the lanes. With --predict and nothing
// revealed it names the step only: a value or an outcome would give the answer away.
std::string last_step_message(const StepRecord& step, bool shown) {
  if (shown) return trf("Last: {}", describe(step));
  return trf("Last: customer {} {}", step.customer + 1, step_name(step.step));
}

}  // namespace

int run_step_ui(const ExperimentConfig& config, const StepUiOptions& options, int in_fd,
                int out_fd) {
  ExperimentConfig controlled = config;
  controlled.schedule = Schedule::kRoundRobin;  // any controlled schedule: the teacher drives
  controlled.trials = 1;
  controlled.validate();
  PreparedStore store = prepare_store(controlled);
  TrialInput input{&controlled, store.bytes, store.tickets, 0, {}};

  RawTerminal terminal(in_fd);
  StepScreen screen(controlled, options, out_fd);
  screen.set_tickets(store.tickets);
  auto driver = std::make_unique<StepDriver>(input);
  std::vector<StepToken> taken;  // granted steps, for undo
  // Grants `customer`'s next step, then, in a mode without a lock, its lock steps too (they
  // do nothing and are never shown). Returns the step the key asked for.
  auto move = [&](int customer) -> const StepRecord& {
    const StepRecord& asked = driver->step(customer);
    const std::size_t at = driver->log().size() - 1;
    if (asked.outcome != StepOutcome::kSkipped) taken.push_back(StepToken{customer, asked.step});
    while (auto next = driver->next_step(customer)) {
      if (!invisible(controlled, *next)) break;
      taken.push_back(StepToken{customer, driver->step(customer).step});
    }
    return driver->log()[at];
  };
  std::string message = tr("Press a customer's number to let it take its next step.");
  for (;;) {
    try {
      screen.draw(*driver, message);
    } catch (const StepInterrupted&) {
      break;
    }
    std::optional<char> key = read_key(in_fd);
    if (!key || *key == 'q' || *key == 'Q') break;
    if (*key >= '1' && *key <= '9' && *key - '1' < controlled.procs) {
      const int customer = *key - '1';
      const std::string waiting_for = driver->blocker(customer);
      const auto& log = driver->log();
      const auto last = std::find_if(log.rbegin(), log.rend(),
                                     [&](const StepRecord& s) { return s.customer == customer; });
      const bool already_waiting =
          !waiting_for.empty() && last != log.rend() && last->outcome == StepOutcome::kBlocked;
      if (driver->finished(customer)) {
        message = trf("Customer {} has finished: its key does nothing now.", customer + 1);
      } else if (already_waiting) {
        // A blocked customer sleeps in the lock's queue: pressing its key again changes
        // nothing until the holder lets go.
        message = trf("Customer {} is still waiting: {}.", customer + 1, note_text(waiting_for));
      } else {
        message = last_step_message(move(customer), screen.shown());
      }
    } else if (*key == 'u' || *key == 'U') {
      if (taken.empty()) {
        message = tr("Nothing to undo.");
        continue;
      }
      // Undo the last step the teacher asked for, with the lock steps granted after it.
      while (!taken.empty() && invisible(controlled, taken.back().step)) taken.pop_back();
      if (!taken.empty()) taken.pop_back();
      driver.reset();  // kills the customers, removes the trial's resources
      driver = std::make_unique<StepDriver>(input);
      for (const StepToken& step : taken) driver->step(step.customer, step.step);
      message = trf("Undone: replayed {} on new processes (new pids, same state).",
                    counted(static_cast<std::int64_t>(taken.size()), "{} step", "{} steps"));
    } else if ((*key == 'r' || *key == 'R') && options.predict) {
      screen.toggle_reveal();
      message = screen.shown() ? tr("Revealed.") : tr("Hidden again: guess first.");
    } else {
      message = trf("Key '{}' does nothing here.", *key);
    }
  }
  TrialResult result = driver->finish();
  driver.reset();
  ExperimentResult experiment;
  experiment.config = controlled;
  experiment.store_label = store.label;
  experiment.tickets = store.tickets;
  experiment.trials.push_back(std::move(result));
  experiment.interrupted_by = interrupt_signal();
  TextReportOptions report_options;
  report_options.use_color = options.use_color;
  report_options.width = screen_width(out_fd);
  report_options.command = "step";
  report_options.schedule = tr("by hand (the keys pressed)");
  report_options.by_hand = true;
  // The report of an interrupted step is written unless stdout's reader stopped reading.
  write_unless_interrupted(out_fd, "\n" + render_run_report(experiment, report_options));
  experiment.interrupted_by = interrupt_signal();
  return experiment.interrupted_by != 0 ? 128 + experiment.interrupted_by : 0;
}

bool write_unless_interrupted(int fd, std::string_view text) {
  while (!text.empty()) {
    // Wait for room in slices: an interrupt that arrives while the reader is not reading is
    // seen within one slice. After POLLOUT a pipe takes PIPE_BUF bytes without blocking.
    pollfd ready{fd, POLLOUT, 0};
    int polled = ::poll(&ready, 1, 50);
    if (polled < 0 && errno != EINTR) {
      throw SystemError("wait to write to", "standard output", errno);
    }
    if (polled <= 0) {
      if (interrupt_signal() != 0) return false;
      continue;
    }
    ssize_t written = ::write(fd, text.data(), std::min<std::size_t>(text.size(), PIPE_BUF));
    if (written < 0) {
      if (errno == EINTR || errno == EAGAIN) continue;
      throw SystemError("write", "standard output", errno);
    }
    text.remove_prefix(static_cast<std::size_t>(written));
  }
  return true;
}

}  // namespace ticketsim
