// The HTML report, opened in a real headless browser (Debian's chromium).
#include <unistd.h>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <regex>
#include <string>
#include <vector>

#include "tests/test_support.h"

using ticketsim::testing::read_file;
using ticketsim::testing::run_command;
using ticketsim::testing::TempDir;

namespace {

const char* const kChromium = "/usr/bin/chromium";

// The DOM after the page loaded and its script ran, as headless chromium prints it.
std::string rendered_dom(const std::string& html_path, const TempDir& profile) {
  REQUIRE(::access(kChromium, X_OK) == 0);  // installed by scripts/bootstrap.sh
  auto result = run_command({kChromium, "--headless", "--no-sandbox", "--disable-gpu",
                             "--disable-quic", "--no-first-run", "--disable-background-networking",
                             "--disable-component-update", "--disable-sync",
                             "--user-data-dir=" + profile.path(), "--virtual-time-budget=5000",
                             "--dump-dom", "file://" + html_path});
  REQUIRE(result.exit_code == 0);
  return result.out;
}

// The integer value of `attribute` on <body>, as the page's script set it after layout.
int body_attribute(const std::string& dom, const std::string& attribute) {
  std::smatch match;
  std::regex pattern(attribute + "=\"([0-9]+)\"");
  REQUIRE(std::regex_search(dom, match, pattern));
  return std::stoi(match[1]);
}

nlohmann::json run_with_html(const std::vector<std::string>& args, const std::string& html) {
  std::vector<std::string> argv{ticketsim::testing::ticketsim_binary()};
  argv.insert(argv.end(), args.begin(), args.end());
  argv.insert(argv.end(), {"--json", "--html", html});
  auto result = run_command(argv);
  REQUIRE(result.exit_code == 0);
  return nlohmann::json::parse(result.out);
}

}  // namespace

TEST_CASE("the HTML report renders one lane per customer and the witness marks", "[html]") {
  TempDir dir, profile;
  std::string html = dir.file("race.html");
  auto json = run_with_html(
      {"run", "--procs", "12", "--tickets", "2", "--schedule", "lockstep", "--latency", "1ms"},
      html);
  int lost_update_witnesses = 0;
  for (const auto& witness : json["witnesses"]) {
    if (witness["kind"] == "lost_update") ++lost_update_witnesses;
  }
  REQUIRE(lost_update_witnesses > 0);
  std::string page = read_file(html);
  CHECK(page.find("http://") == page.rfind("http://www.w3.org/2000/svg"));  // no network use
  CHECK(page.find("<script src") == std::string::npos);
  std::string dom = rendered_dom(html, profile);
  CHECK(body_attribute(dom, "data-rendered-lanes") == 12);
  CHECK(body_attribute(dom, "data-witness-marks") == lost_update_witnesses);
  CHECK(dom.find("class=\"lane witnessed\"") != std::string::npos);
}

TEST_CASE("a locked run's HTML report has lanes and no witness marks", "[html]") {
  TempDir dir, profile;
  std::string html = dir.file("flock.html");
  run_with_html({"run", "--mode", "flock", "--procs", "6", "--latency", "1ms"}, html);
  std::string dom = rendered_dom(html, profile);
  CHECK(body_attribute(dom, "data-rendered-lanes") == 6);
  CHECK(body_attribute(dom, "data-witness-marks") == 0);
}

TEST_CASE("a holder stopped by --pause-holder is drawn stopped on its own lane only", "[html]") {
  // The lanes that draw a stopped bar in the report at `html`.
  auto lanes_stopped = [](const std::string& html) {
    const std::string page = read_file(html);
    const std::regex lane(R"(<g class="lane[^"]*" data-customer="[0-9]+"[^>]*>(.*?)</g>)");
    int stopped = 0;
    for (auto it = std::sregex_iterator(page.begin(), page.end(), lane);
         it != std::sregex_iterator(); ++it) {
      stopped += (*it)[1].str().find("class=\"stopped\"") != std::string::npos;
    }
    return stopped;
  };
  TempDir dir;
  const std::vector<std::string> run{"run",        "--mode",   "flock",     "--procs", "3",
                                     "--schedule", "lockstep", "--latency", "1ms"};
  auto paused_run = run;
  paused_run.insert(paused_run.end(), {"--pause-holder", "100ms"});
  auto json = run_with_html(paused_run, dir.file("paused.html"));
  REQUIRE(json["trials"][0]["paused_ms"].get<double>() >= 100);
  CHECK(lanes_stopped(dir.file("paused.html")) == 1);  // the first holder's, nobody else's
  run_with_html(run, dir.file("plain.html"));
  CHECK(lanes_stopped(dir.file("plain.html")) == 0);
}

TEST_CASE("the compare HTML report has the safety-versus-throughput chart", "[html]") {
  TempDir dir, profile;
  std::string html = dir.file("compare.html");
  run_with_html({"compare", "--procs", "5", "--latency", "1ms", "--trials", "2"}, html);
  std::string dom = rendered_dom(html, profile);
  for (const char* mode : {"none", "flock", "fcntl", "ofd", "named-mutex", "robust-mutex",
                           "optimistic", "server", "join"}) {
    CAPTURE(mode);
    CHECK(dom.find(std::string("class=\"mode-bar\" data-mode=\"") + mode + "\"") !=
          std::string::npos);
  }
  CHECK(body_attribute(dom, "data-rendered-lanes") == 5 * 9);  // a timeline per mode
}

TEST_CASE("the compare HTML report states each mode's statistics as the JSON does", "[html]") {
  TempDir dir, profile;
  std::string html = dir.file("compare.html");
  nlohmann::json json = run_with_html({"compare", "--modes", "none,flock", "--schedule", "lockstep",
                                       "--procs", "3", "--latency", "0", "--trials", "2"},
                                      html);
  std::string dom = rendered_dom(html, profile);
  REQUIRE(dom.find("<table class=\"statistics\">") != std::string::npos);
  for (const auto& mode : json.at("results")) {
    CAPTURE(mode.dump());
    const std::string row =
        "<td>" + mode.at("mode").get<std::string>() + "</td><td>" +
        std::to_string(mode.at("unsafe_trials").get<int>()) + " of 2</td><td>" +
        (mode.at("unsafe_trials").get<int>() == 2 ? "1.00 [0.34, 1.00]" : "0.00 [0.00, 0.66]");
    CHECK(dom.find(row) != std::string::npos);
  }
}

TEST_CASE("the compare HTML report plots each mode's throughput against its unsafe probability",
          "[html]") {
  TempDir dir, profile;
  std::string html = dir.file("compare.html");
  nlohmann::json json = run_with_html({"compare", "--modes", "none,flock,join", "--schedule",
                                       "free", "--procs", "3", "--latency", "1ms", "--trials", "2"},
                                      html);
  std::string dom = rendered_dom(html, profile);
  CHECK(body_attribute(dom, "data-tradeoff-points") == 3);
  for (const auto& mode : json.at("results")) {
    const std::string name = mode.at("mode").get<std::string>();
    CAPTURE(name);
    // One point per mode, across at its unsafe probability (0 at x=60, 1 at x=580).
    std::smatch match;
    std::regex point("data-mode=\"" + name + "\">.*?<circle cx=\"([0-9.]+)\"");
    REQUIRE(std::regex_search(dom, match, point));
    CHECK(std::stod(match[1]) == Approx(60 + 520 * mode.at("unsafe_p").get<double>()).margin(0.1));
  }
}

TEST_CASE("the HTML report of 1000 customers draws 40 lanes and counts everyone under them",
          "[html]") {
  TempDir dir, profile;
  std::string html = dir.file("big.html");
  run_with_html({"run", "--procs", "1000", "--latency", "0"}, html);
  CHECK(read_file(html).size() < 1'500'000);
  std::string dom = rendered_dom(html, profile);
  CHECK(body_attribute(dom, "data-rendered-lanes") == 40);
  CHECK(body_attribute(dom, "data-overlapping-labels") == 0);
  // Buying and inside a critical section, counted over all 1000 (mode none: nobody waits).
  std::regex count_row("<g class=\"count-row\">");
  CHECK(std::distance(std::sregex_iterator(dom.begin(), dom.end(), count_row),
                      std::sregex_iterator()) == 2);
  CHECK(dom.find("40 of 1000 customers drawn") != std::string::npos);
}

TEST_CASE("every read has a mark with its count, every buyer a star, in English and Chinese",
          "[html]") {
  for (const char* lang : {"en", "zh"}) {
    for (const char* mode : {"none", "flock"}) {
      CAPTURE(lang, mode);
      TempDir dir, profile;
      std::string html = dir.file("run.html");
      // Lockstep forces the race without a lock (everyone reads before anyone writes).
      auto json = run_with_html(
          {"run", "--mode", mode, "--procs", "6", "--schedule", "lockstep", "--lang", lang}, html);
      std::string dom = rendered_dom(html, profile);
      // A search reads once and each purchase once: 12 reads, each marked with its value.
      CHECK(body_attribute(dom, "data-read-marks") == 12);
      std::regex value_mark("class=\"read-mark (search|purchase)\" data-value=\"[0-9]+\"");
      CHECK(std::distance(std::sregex_iterator(dom.begin(), dom.end(), value_mark),
                          std::sregex_iterator()) == 12);
      // Every customer told it bought a ticket has its star: 6 without a lock, 1 with flock.
      CHECK(body_attribute(dom, "data-buyer-marks") == json.at("sold").get<int>());
      CHECK(body_attribute(dom, "data-buyer-marks") == (std::string(mode) == "none" ? 6 : 1));
      // The overlap strip never covers a bar (the bars keep the legend's colours), and no
      // text is drawn over other text.
      CHECK(body_attribute(dom, "data-overlap-over-bars") == 0);
      CHECK(body_attribute(dom, "data-overlapping-labels") == 0);
      CHECK(dom.find(std::string("<html lang=\"") + lang + "\"") != std::string::npos);
      CHECK(dom.find(std::string(lang) == "zh" ? "发生了什么" : "What happened") !=
            std::string::npos);
    }
  }
}

TEST_CASE("the timelines of a comparison share one labelled time scale", "[html]") {
  for (const char* lang : {"en", "zh"}) {
    CAPTURE(lang);
    TempDir dir, profile;
    std::string html = dir.file("compare.html");
    run_with_html({"compare", "--modes", "none,flock,join", "--procs", "4", "--lang", lang}, html);
    std::string dom = rendered_dom(html, profile);
    CHECK(body_attribute(dom, "data-timeline-axes") == 3);  // an axis under each mode's lanes
    CHECK(body_attribute(dom, "data-overlapping-labels") == 0);
    // Each timeline's axis ends at the same label: one scale for every mode.
    // (string searches: std::regex recurses per character and overflows the stack on pages
    // this size under ASan)
    std::vector<std::string> last_labels;
    const std::string label_class = "class=\"axis axis-label\"";
    for (std::size_t at = dom.find("<svg class=\"timeline\""); at != std::string::npos;
         at = dom.find("<svg class=\"timeline\"", at + 1)) {
      const std::size_t end = dom.find("</svg>", at);
      std::string last;
      for (std::size_t label = dom.find(label_class, at); label != std::string::npos && label < end;
           label = dom.find(label_class, label + 1)) {
        const std::size_t text = dom.find('>', label) + 1;
        last = dom.substr(text, dom.find('<', text) - text);
      }
      last_labels.push_back(last);
    }
    REQUIRE(last_labels.size() == 3);
    CHECK(last_labels[0] == last_labels[1]);
    CHECK(last_labels[1] == last_labels[2]);
    CHECK(dom.find(std::string(lang) == "zh" ? "本次比较的每种模式都相同"
                                             : "the same for every mode") != std::string::npos);
  }
}

TEST_CASE("the sweep HTML report draws a line per mode and a tradeoff point per row", "[html]") {
  TempDir dir, profile;
  const std::string html = dir.file("sweep.html");
  auto result =
      run_command({ticketsim::testing::ticketsim_binary(), "sweep", "--vary", "procs=2,3",
                   "--modes", "none,flock", "--schedule", "lockstep", "--latency", "0",
                   "--search-latency", "0", "--hold", "0", "--trials", "2", "--html", html});
  REQUIRE(result.exit_code == 0);
  std::string dom = rendered_dom(html, profile);
  // Two charts (unsafe probability, throughput) x two modes x two points; one tradeoff point
  // per mode and point.
  CHECK(body_attribute(dom, "data-series-points") == 8);
  CHECK(body_attribute(dom, "data-tradeoff-points") == 4);
  for (const char* series : {"none", "flock"}) {
    CHECK(dom.find(std::string("class=\"series-line\" data-series=\"") + series + "\"") !=
          std::string::npos);
  }
}

TEST_CASE(
    "the explore HTML report lists every outcome with its script and draws the shortest "
    "unsafe schedule",
    "[html][explore]") {
  TempDir dir;
  TempDir profile;
  const std::string html = dir.file("explore.html");
  for (const char* lang : {"en", "zh"}) {
    CAPTURE(lang);
    auto json = run_with_html({"explore", "--procs", "3", "--lang", lang}, html);
    const std::string dom = rendered_dom(html, profile);
    // One row and one replayable script per outcome, in the JSON's order.
    std::size_t scripts = 0;
    for (std::size_t at = dom.find("class=\"script\""); at != std::string::npos;
         at = dom.find("class=\"script\"", at + 1)) {
      ++scripts;
    }
    CHECK(scripts == json["outcomes"].size() + 1);  // and the drawn schedule's own
    for (const auto& outcome : json["outcomes"]) {
      CHECK(dom.find(outcome["script"].get<std::string>()) != std::string::npos);
    }
    // The drawn schedule is the shortest unsafe one, run again: its three customers' lanes,
    // a mark at each of its 6 reads (3 searches, 3 purchases), a star for each buyer.
    const auto& unsafe = json["outcomes"][0];
    REQUIRE(unsafe["verdict"] == "UNSAFE");
    CHECK(dom.find("<code class=\"script\">" + unsafe["script"].get<std::string>() +
                   "</code></p>") != std::string::npos);
    CHECK(body_attribute(dom, "data-read-marks") == 6);
    CHECK(body_attribute(dom, "data-buyer-marks") == unsafe["sold"].get<int>());
    CHECK(body_attribute(dom, "data-overlapping-labels") == 0);
  }
}
