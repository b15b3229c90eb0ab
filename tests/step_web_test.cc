// ticketsim step --web, as a class sees it: a real browser (headless chromium) driving real
// customer processes through the page.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <catch2/catch.hpp>

#include <cerrno>
#include <chrono>
#include <regex>
#include <string>
#include <thread>
#include <vector>

#include "tests/test_support.h"

using ticketsim::testing::read_file;
using ticketsim::testing::run_command;
using ticketsim::testing::TempDir;

namespace {

// A `ticketsim step --web` running in the background, and the address it printed.
class WebStep {
 public:
  explicit WebStep(const std::vector<std::string>& extra) {
    std::vector<std::string> argv{ticketsim::testing::ticketsim_binary(), "step", "--web"};
    argv.insert(argv.end(), extra.begin(), extra.end());
    pid_ = ticketsim::testing::start_command(argv, dir_.file("out"), dir_.file("err"));
    std::smatch match;
    for (int i = 0; i < 400; ++i) {
      const std::string out = read_file(dir_.file("out"));
      if (std::regex_search(
              out, match, std::regex("http://127\\.0\\.0\\.1:([0-9]+)/\\?token=([0-9a-f]{32})"))) {
        url_ = match.str();
        port_ = std::stoi(match[1]);
        token_ = match[2];
        // The address stands alone on its line, so that a terminal can open it as printed.
        CHECK_THAT(out, Catch::Contains("\n" + url_ + "\n"));
        return;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(25));
    }
    FAIL("step --web printed no address: " << read_file(dir_.file("out"))
                                           << read_file(dir_.file("err")));
  }
  ~WebStep() {
    if (pid_ > 0 && ::kill(pid_, 0) == 0) {
      ::kill(pid_, SIGINT);
      ticketsim::testing::wait_command(pid_);
    }
  }

  // One raw HTTP request; the whole response (status line, headers, body).
  std::string request(const std::string& method, const std::string& target,
                      const std::string& host = "") const {
    int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    REQUIRE(fd >= 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    address.sin_port = htons(static_cast<std::uint16_t>(port_));
    REQUIRE(::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0);
    const std::string text = method + " " + target + " HTTP/1.1\r\nHost: " +
                             (host.empty() ? "127.0.0.1:" + std::to_string(port_) : host) +
                             "\r\n\r\n";
    REQUIRE(::send(fd, text.data(), text.size(), MSG_NOSIGNAL) ==
            static_cast<ssize_t>(text.size()));
    std::string response;
    char chunk[4096];
    for (ssize_t n; (n = ::recv(fd, chunk, sizeof chunk, 0)) > 0;) response.append(chunk, n);
    ::close(fd);
    return response;
  }

  // The page as headless chromium leaves it after pressing `play` by itself.
  std::string play(const std::string& keys) const {
    TempDir profile;
    auto result = run_command({"/usr/bin/chromium", "--headless", "--no-sandbox", "--disable-gpu",
                               "--no-first-run", "--disable-background-networking",
                               "--disable-component-update", "--disable-sync",
                               "--user-data-dir=" + profile.path(), "--virtual-time-budget=20000",
                               "--dump-dom", url_ + "&play=" + keys + "&pace=20"});
    REQUIRE(result.exit_code == 0);
    return result.out;
  }

  int wait() {
    const int status = ticketsim::testing::wait_command(pid_);
    pid_ = -1;
    return status;
  }
  pid_t pid() const { return pid_; }
  const std::string& token() const { return token_; }
  std::string output() const { return read_file(dir_.file("out")); }

 private:
  TempDir dir_;
  pid_t pid_ = -1;
  std::string url_, token_;
  int port_ = 0;
};

// The customers' pids the page or the state names ("pid 123").
std::vector<pid_t> pids_in(const std::string& text) {
  std::vector<pid_t> pids;
  std::regex pid("(?:pid|进程) ([0-9]+)");
  for (auto m = std::sregex_iterator(text.begin(), text.end(), pid); m != std::sregex_iterator();
       ++m) {
    pids.push_back(std::stoi((*m)[1]));
  }
  return pids;
}

bool gone(pid_t pid) { return ::kill(pid, 0) != 0 && errno == ESRCH; }

}  // namespace

TEST_CASE("step --web refuses a request without its token, or from another host name", "[web]") {
  WebStep web({"--procs", "2"});
  CHECK_THAT(web.request("GET", "/state"), Catch::StartsWith("HTTP/1.1 403"));
  CHECK_THAT(web.request("GET", "/?token=" + std::string(32, '0')),
             Catch::StartsWith("HTTP/1.1 403"));
  CHECK_THAT(web.request("POST", "/press?customer=0"), Catch::StartsWith("HTTP/1.1 403"));
  CHECK_THAT(web.request("GET", "/state?token=" + web.token(), "evil.example:80"),
             Catch::StartsWith("HTTP/1.1 403"));
  const std::string state = web.request("GET", "/state?token=" + web.token());
  CHECK_THAT(state, Catch::StartsWith("HTTP/1.1 200"));
  CHECK_THAT(state, Catch::Contains("next: search"));
  // Nothing moved: the refused press changed nothing.
  CHECK_THAT(state, !Catch::Contains("saw"));
}

TEST_CASE(
    "the page drives a lost update in a real browser and shows the report, in both "
    "languages",
    "[web]") {
  for (const char* lang : {"en", "zh"}) {
    CAPTURE(lang);
    const bool zh = std::string(lang) == "zh";
    WebStep web({"--procs", "2", "--mode", "none", "--lang", lang});
    // Both search, both read count=1, both write count=0: one ticket sold twice. Then quit.
    const std::string dom = web.play("1,2,1,2,1,2,q");
    CAPTURE(dom);
    CHECK_THAT(dom, Catch::Contains("data-actions=\"7\""));
    CHECK_THAT(dom, Catch::Contains("data-ended=\"1\""));
    CHECK_THAT(dom, Catch::Contains(zh ? "不安全" : "UNSAFE"));
    CHECK_THAT(dom, Catch::Contains(zh ? "同一张票卖了两次" : "one ticket sold twice"));
    CHECK_THAT(dom, Catch::Contains(zh ? "<html lang=\"zh\">" : "<html lang=\"en\">"));
    // Quitting stopped the server: it exited, reaped every customer and printed the report.
    CHECK(web.wait() == 0);
    const std::vector<pid_t> customers = pids_in(dom);
    REQUIRE(customers.size() >= 2);
    for (pid_t pid : customers) CHECK(gone(pid));
    CHECK_THAT(web.output(), Catch::Contains(zh ? "不安全" : "UNSAFE"));
  }
}

TEST_CASE("Ctrl-C stops step --web: every customer killed and reaped, the report printed",
          "[web]") {
  WebStep web({"--procs", "3", "--mode", "flock"});
  const std::string moved = web.request("POST", "/press?customer=0&token=" + web.token());
  CHECK_THAT(moved, Catch::Contains("saw 1"));
  const std::vector<pid_t> customers = pids_in(moved);
  REQUIRE(customers.size() == 3);
  ::kill(web.pid(), SIGINT);
  CHECK(web.wait() == 130);
  for (pid_t pid : customers) CHECK(gone(pid));
  CHECK_THAT(web.output(), Catch::Contains("Interrupted by SIGINT"));
}

TEST_CASE("step --port without --web is refused", "[web]") {
  auto result = ticketsim::testing::ticketsim_cli({"step", "--port", "8080"});
  CHECK(result.exit_code == 2);
  CHECK_THAT(result.err, Catch::Contains("--port") && Catch::Contains("--web"));
}
