// ticketsim step in a real terminal (tmux), and ticketsim demo from start to end.
#include <unistd.h>

#include <catch2/catch.hpp>

#include <chrono>
#include <regex>
#include <string>
#include <thread>
#include <vector>

#include "tests/test_support.h"

using ticketsim::testing::run_command;

namespace {

// A detached tmux session running one command, on its own server socket in a temporary
// directory that goes with the session (tmux leaves a -L socket behind in /tmp/tmux-<uid>).
class TmuxSession {
 public:
  explicit TmuxSession(const std::string& command) : socket_(socket_dir_.file("tmux")) {
    auto started = tmux({"new-session", "-d", "-s", "t", "-x", "120", "-y", "30", command});
    REQUIRE(started.exit_code == 0);
  }
  ~TmuxSession() { tmux({"kill-server"}); }

  void keys(const std::string& keys) {
    REQUIRE(tmux({"send-keys", "-t", "t", keys}).exit_code == 0);
  }

  // The screen once it shows `expected` (polling; the program redraws after every key).
  std::string screen_with(const std::string& expected) {
    std::string screen;
    for (int i = 0; i < 200; ++i) {
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

// The lane of customer `n` ("  2  pid 123 (100) ...").
std::string lane(const std::string& screen, int n) {
  std::smatch match;
  std::regex pattern("\n  " + std::to_string(n) + "  pid [^\n]*");
  REQUIRE(std::regex_search(screen, match, pattern));
  return match.str();
}

// The screen with pids masked: undo replays on fresh processes, so only they may differ.
std::string without_pids(const std::string& screen) {
  return std::regex_replace(screen, std::regex("pid [0-9]+ \\([0-9]+\\)"), "pid P (P)");
}

}  // namespace

TEST_CASE("step: keys move the named customer and undo restores the previous screen", "[step]") {
  REQUIRE(::access("/usr/bin/tmux", X_OK) == 0);  // installed by scripts/bootstrap.sh
  TmuxSession session(ticketsim::testing::ticketsim_binary() +
                      " step --procs 3 --mode flock; sleep 60");
  std::string start = session.screen_with("Press a customer's number");
  CHECK_THAT(lane(start, 1), Catch::Contains("search"));
  CHECK_THAT(start, Catch::Contains("lock: free"));

  session.keys("2");  // customer 2 searches; nobody else moves
  std::string after_search = session.screen_with("Last: customer 2 search");
  CHECK_THAT(lane(after_search, 2), Catch::Contains("search(saw 1)"));
  CHECK_THAT(lane(after_search, 2), Catch::Contains("acquire"));
  CHECK(lane(after_search, 1) == lane(start, 1));
  CHECK(lane(after_search, 3) == lane(start, 3));

  session.keys("2");  // customer 2 takes the lock
  std::string holding = session.screen_with("lock: held by customer 2");
  session.keys("1");  // customer 1 searches: blocked by the writer's lock
  std::string blocked = session.screen_with("Last: customer 1 search: BLOCKED");
  CHECK_THAT(lane(blocked, 1), Catch::Contains("search[blocked]"));

  session.keys("u");  // undo the blocked attempt: back to the screen before it
  std::string undone = session.screen_with("Undone: replayed 2 steps");
  auto body = [](const std::string& screen) { return screen.substr(0, screen.find("\nLast:")); };
  auto undone_body = undone.substr(0, undone.find("\nUndone:"));
  CHECK(without_pids(undone_body) == without_pids(body(holding)));

  session.keys("q");  // the report shows what ran after the undo: exactly the two steps kept
  std::string report = session.screen_with("Schedule that ran");
  CHECK_THAT(report, Catch::Contains("\n  2:search 2:acquire\n"));
}

TEST_CASE("step --predict hides the count until revealed", "[step]") {
  REQUIRE(::access("/usr/bin/tmux", X_OK) == 0);
  TmuxSession session(ticketsim::testing::ticketsim_binary() +
                      " step --procs 2 --predict; sleep 60");
  session.screen_with("store count: ?");
  session.keys("1");
  std::string hidden = session.screen_with("Last: customer 1 search");
  CHECK_THAT(lane(hidden, 1), !Catch::Contains("saw"));
  session.keys("r");
  std::string shown = session.screen_with("store count: 1");
  CHECK_THAT(lane(shown, 1), Catch::Contains("search(saw 1)"));
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
    std::string parent = zh ? "父进程 " : "parent ";
    std::regex line(zh ? "进程 [0-9]+，父进程 [0-9]+" : "pid [0-9]+, parent [0-9]+");
    auto lines = std::distance(std::sregex_iterator(result.out.begin(), result.out.end(), line),
                               std::sregex_iterator());
    CHECK(lines == 6 * 2);  // each customer searched, then bought
    CHECK_THAT(result.out, Catch::Contains(zh ? "超卖 5 张" : "5 oversold"));
    CHECK_THAT(result.out, Catch::Contains(zh ? "同一张票卖了两次" : "one ticket sold twice"));
    for (const char* mode : {"flock", "fcntl", "ofd", "named-mutex", "robust-mutex"}) {
      CHECK_THAT(result.out, Catch::Contains(mode));
    }
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
