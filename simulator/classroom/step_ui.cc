#include "simulator/classroom/step_ui.h"

#include <limits.h>
#include <poll.h>
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
#include "simulator/text/translate.h"
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

// Drawing stops at an interrupt: the screen is left as it is and the report follows.
class StepInterrupted : public std::exception {};

class StepScreen {
 public:
  StepScreen(const ExperimentConfig& config, const StepUiOptions& options, int out_fd)
      : config_(config), options_(options), out_fd_(out_fd) {}

  // Draws the whole screen for the driver's current state.
  void draw(const StepDriver& driver, const std::string& message) {
    std::string screen = "\x1b[H\x1b[2J";  // home, clear
    std::optional<std::int64_t> count = driver.store_count();
    std::string count_text = !shown() ? "?" : count ? std::to_string(*count) : "torn";
    int holder = driver.lock_holder();
    std::string lock_text = !mode_takes_lock(config_.mode)
                                ? fmt::format("none ({})", mode_name(config_.mode))
                            : holder < 0 ? std::string("free")
                                         : fmt::format("held by customer {}", holder + 1);
    screen += fmt::format(
        "ticketsim step - mode {} - {} x {} - store count: {} - lock: {}\n",
        mode_name(config_.mode), counted(config_.procs, "{} customer", "{} customers"),
        counted(config_.attempts, "{} attempt", "{} attempts"), bold(count_text), lock_text);
    screen += fmt::format("keys: 1-{} move that customer one step, u undo, {}q quit\n\n",
                          config_.procs, options_.predict ? "r reveal/hide, " : "");
    screen += fmt::format("  #  {:<22} {:<23} {}\n", "customer (pid, parent)", "next step",
                          "done so far");
    for (int c = 0; c < driver.procs(); ++c) {
      auto next = driver.next_step(c);
      std::string next_text = next ? std::string(step_name(*next)) : "finished";
      std::string blocked = driver.blocker(c);
      if (next && !blocked.empty()) next_text += " (would block)";
      std::string who = fmt::format("pid {} ({})", driver.pid(c),
                                    driver.ppid(c) != 0 ? std::to_string(driver.ppid(c)) : "-");
      screen +=
          fmt::format("  {}  {:<22} {:<23} {}\n", c + 1, who, next_text, history_of(driver, c));
    }
    screen += fmt::format("\n{}\n", message);
    if (driver.all_finished()) {
      int sold = 0;
      for (int c = 0; c < driver.procs(); ++c) sold += driver.bought(c);
      std::int64_t tickets = count_tickets_;
      screen +=
          shown() ? fmt::format("All done: {} sold from {}{}.\n",
                                counted(sold, "{} ticket", "{} tickets"),
                                counted(tickets, "{} ticket", "{} tickets"),
                                sold > tickets ? fmt::format(" - {} OVERSOLD", sold - tickets) : "")
                  : std::string("All done. Press r to reveal what happened.\n");
    }
    if (!write_unless_interrupted(out_fd_, screen)) throw StepInterrupted();
  }

  void set_tickets(std::int64_t tickets) { count_tickets_ = tickets; }
  void toggle_reveal() { revealed_ = !revealed_; }

 private:
  bool shown() const { return !options_.predict || revealed_; }
  std::string bold(const std::string& text) const {
    return options_.use_color ? fmt::format("\x1b[1m{}\x1b[0m", text) : text;
  }

  std::string history_of(const StepDriver& driver, int customer) const {
    std::string text;
    for (const StepRecord& step : driver.log()) {
      if (step.customer != customer || step.outcome == StepOutcome::kSkipped) continue;
      if (!text.empty()) text += ' ';
      text += step_name(step.step);
      if (step.outcome == StepOutcome::kBlocked) {
        text += "[blocked]";
      } else if (shown() && step.step == Step::kSearch && step.value >= 0) {
        text += fmt::format("(saw {})", step.value);
      } else if (shown() && step.step == Step::kRead && step.value >= 0) {
        text += fmt::format("({})", step.value);
      } else if (shown() && step.step == Step::kWrite) {
        text +=
            step.note == "bought a ticket" ? fmt::format("({}) BOUGHT", step.value) : "(sold out)";
      }
    }
    return text.empty() ? "-" : text;
  }

  const ExperimentConfig& config_;
  const StepUiOptions& options_;
  int out_fd_;
  bool revealed_ = false;
  std::int64_t count_tickets_ = 0;
};

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
  std::string message = "Press a customer's number to let it take its next step.";
  for (;;) {
    try {
      screen.draw(*driver, message);
    } catch (const StepInterrupted&) {
      break;
    }
    std::optional<char> key = read_key(in_fd);
    if (!key || *key == 'q' || *key == 'Q') break;
    if (*key >= '1' && *key <= '9' && *key - '1' < controlled.procs) {
      int customer = *key - '1';
      const StepRecord& step = driver->step(customer);
      if (step.outcome != StepOutcome::kSkipped) taken.push_back(StepToken{customer, step.step});
      message = fmt::format("Last: {}", describe(step));
    } else if (*key == 'u' || *key == 'U') {
      if (taken.empty()) {
        message = "Nothing to undo.";
        continue;
      }
      taken.pop_back();
      driver.reset();  // kills the customers, removes the trial's resources
      driver = std::make_unique<StepDriver>(input);
      for (const StepToken& step : taken) driver->step(step.customer, step.step);
      message =
          fmt::format("Undone: replayed {} on new processes (new pids, same state).",
                      counted(static_cast<std::int64_t>(taken.size()), "{} step", "{} steps"));
    } else if ((*key == 'r' || *key == 'R') && options.predict) {
      screen.toggle_reveal();
      message = "Revealed.";
    } else {
      message = fmt::format("Key '{}' does nothing here.", *key);
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
  report_options.command = "step";
  report_options.schedule = "by hand (the keys pressed)";
  // The report of an interrupted step is written unless stdout's reader stopped reading.
  write_unless_interrupted(out_fd,
                           fmt::format("\n{}", render_run_report(experiment, report_options)));
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
