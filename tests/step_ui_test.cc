// ticketsim step in a real terminal (tmux), and ticketsim demo from start to end.
#include <unistd.h>

#include <catch2/catch.hpp>

#include <chrono>
#include <regex>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "simulator/text/display_width.h"
#include "tests/test_support.h"

using ticketsim::testing::run_command;

namespace {

// A detached tmux session running one command, on its own server socket in a temporary
// directory that goes with the session (tmux leaves a -L socket behind in /tmp/tmux-<uid>).
class TmuxSession {
 public:
  explicit TmuxSession(const std::string& command, int columns = 120)
      : socket_(socket_dir_.file("tmux")) {
    auto started =
        tmux({"new-session", "-d", "-s", "t", "-x", std::to_string(columns), "-y", "40", command});
    REQUIRE(started.exit_code == 0);
  }
  ~TmuxSession() { tmux({"kill-server"}); }

  void keys(const std::string& keys) {
    REQUIRE(tmux({"send-keys", "-t", "t", keys}).exit_code == 0);
  }

  // The screen as it is, with lines the terminal wrapped joined back into one.
  std::string joined_screen() { return tmux({"capture-pane", "-t", "t", "-p", "-J"}).out; }

  // The screen once it shows `expected` (polling; the program redraws after every key).
  std::string screen_with(const std::string& expected) {
    std::string screen;
    for (int i = 0; i < 600; ++i) {  // up to 15 s: a loaded machine (CI, ASan) is slow
      screen = tmux({"capture-pane", "-t", "t", "-p"}).out;
      if (screen.find(expected) != std::string::npos) return screen;
      std::this_thread::sleep_for(std::chrono::milliseconds(25));
    }
    FAIL("the screen never showed '" << expected << "':\n" << screen);
    return screen;
  }

 private:
  ticketsim::testing::CommandResult tmux(std::vector<std::string> args) {
    args.insert(args.begin(), {"/usr/bin/tmux", "-S", socket_});
    return run_command(args);
  }
  ticketsim::testing::TempDir socket_dir_;
  std::string socket_;
};

// The lane of customer `n`: "  2  pid 123 (parent 100)  next: ..." and the lines under it
// ("     done: ...").
std::string lane(const std::string& screen, int n) {
  std::smatch match;
  std::regex pattern("\n  " + std::to_string(n) + "  [^\n]*(\n     [^\n]*)*");
  REQUIRE(std::regex_search(screen, match, pattern));
  return match.str();
}

// The screen with pids masked: undo replays on fresh processes, so only they may differ.
std::string without_pids(const std::string& screen) {
  return std::regex_replace(screen, std::regex("[0-9]{2,}"), "P");
}

// True when no line of `joined` (a screen captured with the terminal's own wrapping undone)
// is wider than `columns`: the program wrapped every line itself, at word boundaries.
bool fits(const std::string& joined, int columns) {
  std::istringstream lines(joined);
  for (std::string line; std::getline(lines, line);) {
    if (ticketsim::display_width(line) > columns) return false;
  }
  return true;
}

}  // namespace

TEST_CASE("step: keys move the named customer and undo restores the previous screen", "[step]") {
  REQUIRE(::access("/usr/bin/tmux", X_OK) == 0);  // installed by scripts/bootstrap.sh
  TmuxSession session(ticketsim::testing::ticketsim_binary() +
                      " step --procs 3 --mode flock; sleep 60");
  std::string start = session.screen_with("Press a customer's number");
  CHECK_THAT(lane(start, 1), Catch::Contains("search"));
  CHECK_THAT(start, Catch::Contains("lock: free"));

  session.keys("u");  // nothing to undo yet: nothing changes
  std::string nothing = session.screen_with("Nothing to undo.");
  CHECK(lane(nothing, 1) == lane(start, 1));

  session.keys("2");  // customer 2 searches; nobody else moves
  std::string after_search = session.screen_with("Last: customer 2 search");
  CHECK_THAT(lane(after_search, 2), Catch::Contains("search(saw 1)"));
  CHECK_THAT(lane(after_search, 2), Catch::Contains("next: acquire"));
  CHECK(lane(after_search, 1) == lane(start, 1));
  CHECK(lane(after_search, 3) == lane(start, 3));

  session.keys("2");  // customer 2 takes the lock
  std::string holding = session.screen_with("lock: held by customer 2");
  session.keys("1");  // customer 1 searches: the writer's lock holds it back
  std::string blocked = session.screen_with("Last: customer 1 search: BLOCKED");
  CHECK_THAT(lane(blocked, 1), Catch::Contains("search[waiting]"));
  session.keys("1");  // again: it is still waiting, and nothing is added to its lane
  std::string again = session.screen_with("Customer 1 is still waiting");
  CHECK(lane(again, 1) == lane(blocked, 1));

  session.keys("u");  // undo the blocked attempt: back to the screen before it
  std::string undone = session.screen_with("Undone: replayed 2 steps");
  auto body = [](const std::string& screen) { return screen.substr(0, screen.find("\nLast:")); };
  auto undone_body = undone.substr(0, undone.find("\nUndone:"));
  CHECK(without_pids(undone_body) == without_pids(body(holding)));

  session.keys("q");  // the report shows what ran after the undo: exactly the two steps kept
  std::string report = session.screen_with("Schedule that ran");
  CHECK_THAT(report, Catch::Contains("\n  2:search 2:acquire\n"));
  // A person chose the steps: no timing figures, and a session left halfway is unfinished.
  CHECK_THAT(report, Catch::Contains("schedule by hand"));
  CHECK_THAT(report, !Catch::Contains("wall") && !Catch::Contains("purchases per"));
  CHECK_THAT(report, Catch::Contains("unfinished"));
  CHECK_THAT(report, !Catch::Contains("safe"));
}

TEST_CASE("step: a finished customer's key changes nothing, and mode none has no lock steps",
          "[step]") {
  TmuxSession session(ticketsim::testing::ticketsim_binary() +
                      " step --procs 2 --mode none; sleep 60");
  std::string start = session.screen_with("Press a customer's number");
  CHECK_THAT(start, !Catch::Contains("lock:"));
  session.keys("1");
  std::string searched = session.screen_with("Last: customer 1 search");
  CHECK_THAT(lane(searched, 1), Catch::Contains("next: read"));  // no acquire in between
  session.keys("1");
  session.keys("1");
  std::string done = session.screen_with("Last: customer 1 write");
  CHECK_THAT(lane(done, 1), Catch::Contains("finished"));
  CHECK_THAT(lane(done, 1), !Catch::Contains("acquire") && !Catch::Contains("release"));
  session.keys("1");
  std::string pressed = session.screen_with("Customer 1 has finished");
  CHECK(lane(pressed, 1) == lane(done, 1));
  CHECK_THAT(lane(pressed, 1), !Catch::Contains("exit"));
}

TEST_CASE("step: a session quit before any purchase says so and judges nothing", "[step]") {
  TmuxSession session(ticketsim::testing::ticketsim_binary() +
                      " step --procs 2 --mode flock; sleep 60");
  session.screen_with("Press a customer's number");
  session.keys("q");
  std::string report = session.screen_with("What happened");
  CHECK_THAT(report, Catch::Contains("before any customer wrote the store"));
  CHECK_THAT(report, !Catch::Contains(" safe") && !Catch::Contains("0 tickets sold"));
}

TEST_CASE("step --predict hides the count until revealed", "[step]") {
  REQUIRE(::access("/usr/bin/tmux", X_OK) == 0);
  TmuxSession session(ticketsim::testing::ticketsim_binary() +
                      " step --procs 2 --mode flock --predict; sleep 60");
  session.screen_with("store count: ?");
  for (const char* key : {"1", "1", "1", "1"}) session.keys(key);  // search, acquire, read, write
  std::string hidden = session.screen_with("Last: customer 1 write");
  // Nothing on the screen tells the count or the outcome: not the lane, not the last line.
  CHECK_THAT(hidden, !Catch::Contains("saw") && !Catch::Contains("count=") &&
                         !Catch::Contains("BOUGHT") && !Catch::Contains("bought") &&
                         !Catch::Contains("sold"));
  session.keys("r");
  std::string shown = session.screen_with("Revealed.");
  CHECK_THAT(shown, Catch::Contains("store count: 0"));
  CHECK_THAT(lane(shown, 1), Catch::Contains("search(saw 1)"));
  CHECK_THAT(lane(shown, 1), Catch::Contains("BOUGHT"));
  session.keys("r");  // and hidden again: the screen says so and hides it all again
  std::string again = session.screen_with("Hidden again");
  CHECK_THAT(again, Catch::Contains("store count: ?"));
  CHECK_THAT(again, !Catch::Contains("saw") && !Catch::Contains("BOUGHT"));
}

TEST_CASE("step adapts to 60 columns in both languages and below that says how wide it needs",
          "[step][width]") {
  for (const char* lang : {"en", "zh"}) {
    CAPTURE(lang);
    TmuxSession session(ticketsim::testing::ticketsim_binary() +
                            " step --procs 9 --mode flock "
                            "--lang " +
                            lang + "; sleep 60",
                        60);
    const bool zh = std::string(lang) == "zh";
    std::string start = session.screen_with(zh ? "按一位顾客的编号" : "Press a customer's number");
    for (const char* key : {"1", "1", "2"}) session.keys(key);
    std::string screen = session.screen_with(zh ? "阻塞等待" : "BLOCKED");
    CAPTURE(screen);
    CHECK(fits(session.joined_screen(), 60));
    CHECK_THAT(lane(screen, 9), Catch::Contains(zh ? "下一步" : "next: search"));
  }
  TmuxSession narrow(ticketsim::testing::ticketsim_binary() + " step; sleep 60", 50);
  std::string narrow_screen = narrow.screen_with("needs a terminal at least 60");
  CHECK_THAT(narrow_screen, Catch::Contains("(this one has 50)"));
  // A key pressed on a screen too narrow to show the lanes moves nobody unseen.
  narrow.keys("1");
  narrow.keys("q");
  std::string report = narrow.screen_with("judge");  // "... so there is nothing to judge."
  CHECK_THAT(report, Catch::Contains("before any customer"));
  CHECK_THAT(report, !Catch::Contains("1:search"));
}

TEST_CASE("demo --pace 0 runs to the end in English and in Chinese", "[demo]") {
  for (const char* lang : {"en", "zh"}) {
    CAPTURE(lang);
    auto result = run_command({ticketsim::testing::ticketsim_binary(), "demo", "--pace", "0",
                               "--lang", lang, "--procs", "6"});
    REQUIRE(result.exit_code == 0);
    bool zh = std::string(lang) == "zh";
    for (const char* act : {"Act 1", "Act 2", "Act 3", "Act 4", "Act 5"}) {
      std::string heading = act;
      if (zh)
        heading = std::vector<std::string>{"第一幕", "第二幕", "第三幕", "第四幕",
                                           "第五幕"}[act[4] - '1'];
      CHECK_THAT(result.out, Catch::Contains(heading));
    }
    // Every customer line names its pid and its parent's, the demo's own pid.
    std::regex line(zh ? "进程 [0-9]+，父进程 [0-9]+" : "pid [0-9]+, ppid [0-9]+");
    auto lines = std::distance(std::sregex_iterator(result.out.begin(), result.out.end(), line),
                               std::sregex_iterator());
    CHECK(lines == 6 * 2);  // each customer searched, then bought
    CHECK_THAT(result.out, Catch::Contains(zh ? "超卖 5 张" : "5 oversold"));
    CHECK_THAT(result.out, Catch::Contains(zh ? "同一张票卖了两次" : "one ticket sold twice"));
    // Act 3: every lock sells the one ticket, and the five others each wait once in the
    // lock's queue (waits, not the schedule's polls); the waiters sleep, they do not retry.
    for (const char* mode : {"flock", "fcntl", "ofd", "named-mutex", "robust-mutex"}) {
      CAPTURE(mode);
      std::regex act3(std::string("\\n  ") + mode +
                      (zh ? " +卖出 1 张，超卖 0 张；被锁挡住、排队等待 5 次\\n"
                          : " +sold 1, oversold 0; 5 purchases waited in the lock's queue\\n"));
      CHECK(std::regex_search(result.out, act3));
    }
    CHECK_THAT(result.out, Catch::Contains(zh ? "阻塞等待" : "sleeps in the lock's queue"));
    CHECK_THAT(result.out, !Catch::Contains(zh ? "稍后再试" : "tries again"));
    CHECK_THAT(result.out, Catch::Contains(zh ? "演示结束" : "End of the demo"));
  }
}

TEST_CASE("cli: step and demo refuse what they cannot show", "[demo]") {
  auto many = run_command({ticketsim::testing::ticketsim_binary(), "step", "--procs", "12"});
  CHECK(many.exit_code == 2);
  CHECK_THAT(many.err, Catch::Contains("--procs"));
  auto french = run_command({ticketsim::testing::ticketsim_binary(), "demo", "--lang", "fr"});
  CHECK(french.exit_code == 2);
  CHECK_THAT(french.err, Catch::Contains("--lang"));
}

TEST_CASE("demo at a terminal: a key goes on, q quits at once, Ctrl-C ends without the next act",
          "[demo]") {
  {
    TmuxSession session(
        ticketsim::testing::ticketsim_binary() + " demo --procs 4; echo EXIT=$?; sleep 60", 80);
    session.screen_with("(Enter: continue, q: quit)");
    // The teacher talks a while before going on: act 2's times must not count it.
    std::this_thread::sleep_for(std::chrono::milliseconds(1500));
    session.keys("x");  // any key goes on, no Enter needed
    std::string act2 = session.screen_with("one ticket sold twice");
    std::smatch read_time;
    REQUIRE(std::regex_search(act2, read_time, std::regex("both read count=1 \\(([0-9.]+) ms")));
    CHECK(std::stod(read_time[1]) < 1500);  // the 1.5 s the teacher talked is not in it
    session.keys("q");                      // quits at the prompt at once
    std::string ended = session.screen_with("EXIT=");
    CHECK_THAT(ended, Catch::Contains("EXIT=0"));
    CHECK_THAT(ended, !Catch::Contains("Act 3"));
  }
  {
    TmuxSession session(
        ticketsim::testing::ticketsim_binary() + " demo --procs 4; echo EXIT=$?; sleep 60", 80);
    session.screen_with("(Enter: continue, q: quit)");
    session.keys("C-c");
    std::string ended = session.screen_with("EXIT=");
    CHECK_THAT(ended, Catch::Contains("EXIT=130"));
    CHECK_THAT(ended, !Catch::Contains("Act 2"));
  }
}

TEST_CASE("demo piped into head ends quietly, by SIGPIPE's status", "[demo]") {
  auto result =
      run_command({"/bin/bash", "-c",
                   ticketsim::testing::ticketsim_binary() +
                       " demo --pace 0 --procs 4 | head -3; echo \"status=${PIPESTATUS[0]}\""});
  REQUIRE(result.exit_code == 0);
  CHECK(result.err.empty());  // no error message about the closed pipe
  CHECK_THAT(result.out, Catch::StartsWith("\nticketsim demo"));
  CHECK_THAT(result.out, Catch::EndsWith("status=141\n"));
}

TEST_CASE("explore shows its progress on a terminal, and Ctrl-C prints what it found",
          "[explore][tmux]") {
  ticketsim::testing::TempDir workdir;
  // 756,756 schedules unreduced: far more than the seconds this test waits.
  TmuxSession session(ticketsim::testing::ticketsim_binary() +
                          " explore --procs 3 --no-reduction --workdir " + workdir.path() +
                          "; echo EXIT=$?; sleep 60",
                      80);
  // The line counts schedules, their rate and the branches left, and fits the screen.
  const std::string progress = session.screen_with("branches left");
  CHECK_THAT(progress, Catch::Contains("/s)"));
  session.keys("C-c");
  const std::string ended = session.screen_with("EXIT=");
  CHECK_THAT(ended, Catch::Contains("EXIT=130"));
  CHECK_THAT(ended, Catch::Contains("Incomplete: stopped by SIGINT"));
  CHECK_THAT(ended, !Catch::Contains("branches left,"));  // the progress line was cleared
  CHECK(workdir.entries().empty());
}
