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

#include "simulator/classroom/raw_terminal.h"
#include "simulator/classroom/step_session.h"
#include "simulator/report/report_text.h"
#include "simulator/text/display_width.h"
#include "simulator/text/terminal_width.h"
#include "simulator/text/translate.h"
#include "simulator/text/wrap.h"
#include "storage/posix_io.h"
#include "ticketsim/experiment.h"
#include "ticketsim/interrupt.h"

namespace ticketsim {
namespace {

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

// Discards what is already waiting on `fd` (the rest of an escape sequence or of a UTF-8
// character), without waiting for more.
void drain_pending_input(int fd) {
  char discard[64];
  pollfd ready{fd, POLLIN, 0};
  while (::poll(&ready, 1, 10) > 0 && (ready.revents & POLLIN) != 0) {
    if (::read(fd, discard, sizeof discard) <= 0) return;
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

// Draws a session on a terminal, fitted to the terminal's width at each draw.
class StepScreen {
 public:
  StepScreen(const StepSession& session, const StepUiOptions& options, int out_fd)
      : session_(session), options_(options), out_fd_(out_fd) {}

  // Draws the whole screen with `message` under the lanes.
  void draw(const std::string& message) {
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
    const ExperimentConfig& config = session_.config();
    std::string heading =
        trf("ticketsim step - mode {} - {} x {} - store count: {}", mode_name(config.mode),
            counted(config.procs, "{} customer", "{} customers"),
            counted(config.attempts, "{} attempt", "{} attempts"), bold(session_.count_text()));
    if (session_.shows_lock()) {
      const int holder = session_.lock_holder();
      heading += holder < 0 ? tr(" - lock: free") : trf(" - lock: held by customer {}", holder + 1);
    }
    screen += wrap_text(heading, width, 0, 2);
    screen +=
        wrap_text(session_.predict()
                      ? trf("keys: 1-{} move that customer one step, u undo, r reveal/hide, "
                            "q quit",
                            config.procs)
                      : trf("keys: 1-{} move that customer one step, u undo, q quit", config.procs),
                  width, 0, 2);
    screen += "\n";
    // One lane per customer: who it is and its next step, then what it has done so far.
    for (const LaneView& lane : session_.lanes()) {
      std::string who = lane.ppid != 0 ? trf("pid {} (parent {})", lane.pid, lane.ppid)
                                       : trf("pid {} (exited)", lane.pid);
      screen += wrap_text(
          fmt::format("  {}  {}  {}", lane.customer + 1, pad_to_width(who, 24), lane.next), width,
          0, 5);
      std::string done;
      for (const std::string& step : lane.done) done += (done.empty() ? "" : " ") + step;
      screen += wrap_text(trf("done: {}", done.empty() ? "-" : done), width, 5, 11);
    }
    screen += "\n" + wrap_text(message, width);
    if (std::string all_done = session_.all_done_text(); !all_done.empty()) {
      screen += wrap_text(all_done, width);
    }
    if (!write_unless_interrupted(out_fd_, screen)) throw StepInterrupted();
  }

 private:
  std::string bold(const std::string& text) const {
    return options_.use_color ? fmt::format("\x1b[1m{}\x1b[0m", text) : text;
  }

  const StepSession& session_;
  const StepUiOptions& options_;
  int out_fd_;
};

}  // namespace

int run_step_ui(const ExperimentConfig& config, const StepUiOptions& options, int in_fd,
                int out_fd) {
  StepSession session(config, options.predict);
  RawTerminal terminal(in_fd);
  StepScreen screen(session, options, out_fd);
  std::string message = tr("Press a customer's number to let it take its next step.");
  for (;;) {
    // Drawn too narrow to show the lanes: the next key only redraws (the one the teacher
    // presses after widening the window too), it never moves a customer unseen.
    const bool drawn_narrow = screen_width(out_fd) < kMinWidth;
    try {
      screen.draw(message);
    } catch (const StepInterrupted&) {
      break;
    }
    std::optional<char> key = read_key(in_fd);
    if (!key || *key == 'q' || *key == 'Q') break;
    if (drawn_narrow || screen_width(out_fd) < kMinWidth) continue;
    if (static_cast<unsigned char>(*key) < 0x20 || static_cast<unsigned char>(*key) > 0x7e) {
      // Enter, an arrow's escape sequence, a byte of a UTF-8 character: nothing to echo.
      drain_pending_input(in_fd);
      message = tr("That key does nothing here.");
      continue;
    }
    if (*key >= '1' && *key <= '9' && *key - '1' < session.procs()) {
      message = session.press(*key - '1');
    } else if (*key == 'u' || *key == 'U') {
      message = session.undo();
    } else if ((*key == 'r' || *key == 'R') && options.predict) {
      message = session.toggle_reveal();
    } else {
      message = trf("Key '{}' does nothing here.", *key);
    }
  }
  const std::string report =
      session.finish(screen_width(out_fd), options.use_color, interrupt_signal());
  // The report of an interrupted step is written unless stdout's reader stopped reading.
  write_unless_interrupted(out_fd, "\n" + report);
  const int interrupted_by = interrupt_signal();
  return interrupted_by != 0 ? 128 + interrupted_by : 0;
}

bool write_unless_interrupted(int fd, std::string_view text) {
  while (!text.empty()) {
    // Wait for room in slices: an interrupt that arrives while the reader is not reading is
    // seen within one slice. After POLLOUT a pipe takes PIPE_BUF bytes without blocking.
    pollfd ready{fd, POLLOUT, 0};
    int polled = ::poll(&ready, 1, 50);
    if (polled < 0 && errno != EINTR) {
      throw SystemError(tr("wait to write to"), "standard output", errno);
    }
    if (polled <= 0) {
      if (interrupt_signal() != 0) return false;
      continue;
    }
    ssize_t written = ::write(fd, text.data(), std::min<std::size_t>(text.size(), PIPE_BUF));
    if (written < 0) {
      if (errno == EINTR || errno == EAGAIN) continue;
      throw SystemError(tr("write"), "standard output", errno);
    }
    text.remove_prefix(static_cast<std::size_t>(written));
  }
  return true;
}

}  // namespace ticketsim
