// The class's language and the screen's width, through the command line as users run it.
#include <sstream>
#include <string>
#include <vector>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "simulator/text/display_width.h"
#include "tests/test_support.h"

using ticketsim::testing::CommandResult;
using ticketsim::testing::ticketsim_cli_env;

namespace {

// Fast workloads of every text-printing command (the lesson's shape, without its waits).
const std::vector<std::vector<std::string>> kCommands{
    {"run", "--schedule", "lockstep", "--customers", "--latency", "0", "--search-latency", "0",
     "--hold", "0"},
    {"run", "--trials", "3", "--latency", "0", "--search-latency", "0", "--hold", "0"},
    {"compare", "--trials", "2", "--latency", "0", "--search-latency", "0", "--hold", "0"},
    {"sweep", "--vary", "procs=2,4", "--modes", "none,flock", "--trials", "2", "--latency", "0",
     "--search-latency", "0", "--hold", "0"},
    {"run", "--schedule", "lockstep", "--procs", "50", "--timeline", "--latency", "0",
     "--search-latency", "0", "--hold", "0"},
    {"compare", "--timeline", "--modes", "none,flock", "--latency", "0", "--search-latency", "0",
     "--hold", "0"},
    {"demo", "--pace", "0", "--procs", "4"},
    {"--help"},
    {"run", "--help"},
    {"compare", "--help"},
    {"sweep", "--help"},
    {"step", "--help"},
    {"demo", "--help"},
    {"explore", "--procs", "2", "--mode", "named-mutex", "--crashes", "1"},
    {"explore", "--procs", "2", "--max-schedules", "3", "--no-reduction"},
    {"explore", "--help"},
    {"report", "--help"},
};

// The lines of `text` wider than `width` display columns.
std::vector<std::string> too_wide(const std::string& text, int width) {
  std::vector<std::string> wide;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    if (ticketsim::display_width(line) > width) wide.push_back(line);
  }
  return wide;
}

}  // namespace

TEST_CASE("every command's text fits 80 columns when COLUMNS is unset and 60 when it says so",
          "[language][width]") {
  for (const char* language : {"en", "zh"}) {
    for (const auto& [environment, width] :
         {std::pair{std::vector<std::string>{"COLUMNS"}, 80},
          std::pair{std::vector<std::string>{"COLUMNS=60"}, 60}}) {
      for (std::vector<std::string> args : kCommands) {
        args.insert(args.end(), {"--lang", language});
        CAPTURE(language, width, args);
        CommandResult result = ticketsim_cli_env(environment, args);
        REQUIRE(result.exit_code == 0);
        CAPTURE(result.out);
        CHECK(too_wide(result.out, width).empty());
        CHECK(result.out.size() > 100);
      }
    }
  }
}

TEST_CASE("the language comes from --lang, else LANGUAGE, LC_ALL, LC_MESSAGES or LANG",
          "[language]") {
  const std::vector<std::string> run{"run", "--latency", "0", "--search-latency",
                                     "0",   "--hold",    "0"};
  auto chinese = [](const CommandResult& result) {
    return result.out.find("发生了什么") != std::string::npos;
  };
  auto with = [&](std::vector<std::string> environment, std::vector<std::string> extra = {}) {
    std::vector<std::string> args = run;
    args.insert(args.end(), extra.begin(), extra.end());
    environment.insert(environment.end(), {"LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"});
    // Removals first, then the settings: env applies its arguments in order.
    std::stable_partition(environment.begin(), environment.end(),
                          [](const std::string& s) { return s.find('=') == std::string::npos; });
    CommandResult result = ticketsim_cli_env(environment, args);
    REQUIRE(result.exit_code == 0);
    return result;
  };
  CHECK_FALSE(chinese(with({})));
  CHECK(chinese(with({}, {"--lang", "zh"})));
  CHECK(chinese(with({"LANG=zh_CN.UTF-8"})));
  CHECK(chinese(with({"LANG=zh_TW.UTF-8"})));  // any zh_* reads Chinese
  CHECK(chinese(with({"LC_ALL=zh_CN.UTF-8", "LANG=en_US.UTF-8"})));
  CHECK(chinese(with({"LANGUAGE=zh_CN:en", "LANG=C"})));
  CHECK_FALSE(chinese(with({"LANGUAGE=en", "LANG=zh_CN.UTF-8"})));
  CHECK_FALSE(chinese(with({"LANG=zh_CN.UTF-8"}, {"--lang", "en"})));
  CHECK_FALSE(chinese(with({"LANG=fr_FR.UTF-8"})));  // no catalogue: English
  CHECK(chinese(with({}, {"--lang=zh"})));
}

TEST_CASE("a --lang naming a language with no catalogue is refused before anything runs",
          "[language]") {
  CommandResult result = ticketsim_cli_env({}, {"run", "--lang", "fr"});
  CHECK(result.exit_code == 2);
  CHECK_THAT(result.err, Catch::Contains("--lang") && Catch::Contains("'fr'"));
  CHECK(result.out.empty());
}

TEST_CASE("JSON keys and values stay English under --lang zh", "[language]") {
  CommandResult result =
      ticketsim_cli_env({}, {"run", "--json", "--schedule", "lockstep", "--lang", "zh"});
  REQUIRE(result.exit_code == 0);
  auto report = nlohmann::json::parse(result.out);
  CHECK(report["verdict"] == "UNSAFE");
  int double_sales = 0;
  for (const auto& witness : report["witnesses"]) {
    if (witness["kind"] != "double_sale") continue;
    ++double_sales;
    CHECK_THAT(witness["text"].get<std::string>(), Catch::StartsWith("ticket 1 was sold"));
  }
  CHECK(double_sales == 1);
  CHECK(result.out.find("票") == std::string::npos);
  // A crash and a stall, described while the reader's language is Chinese, are recorded in
  // English all the same.
  CommandResult stalled = ticketsim_cli_env(
      {}, {"run", "--json", "--mode", "named-mutex", "--procs", "3", "--crash-prob", "1",
           "--lock-timeout", "200ms", "--latency", "1ms", "--lang", "zh"});
  REQUIRE(stalled.exit_code == 0);
  CHECK(stalled.out.find("顾客") == std::string::npos);
  auto stall = nlohmann::json::parse(stalled.out);
  CHECK_THAT(stall["trials"][0]["stall_reason"].get<std::string>(),
             Catch::StartsWith("a customer waited 200ms for the named-mutex lock"));
  // ... and the text report says it in Chinese, with the system's own words readable.
  CommandResult text =
      ticketsim_cli_env({}, {"run", "--mode", "named-mutex", "--procs", "3", "--crash-prob", "1",
                             "--lock-timeout", "200ms", "--latency", "1ms", "--lang", "zh"});
  CHECK_THAT(text.out, Catch::Contains("一位顾客等 named-mutex 锁等了 200ms 后放弃了"));
  CommandResult unwritable = ticketsim_cli_env({}, {"run", "--workdir", "/proc/1", "--lang", "zh"});
  CHECK(unwritable.exit_code != 0);
  CHECK(unwritable.err.find("??") == std::string::npos);
}

TEST_CASE("the witnesses lead with the double sale and its arithmetic", "[language]") {
  CommandResult result = ticketsim_cli_env(
      {}, {"run", "--schedule", "lockstep", "--latency", "0", "--search-latency", "0"});
  REQUIRE(result.exit_code == 0);
  const auto witnesses = result.out.find("Witnesses (");
  REQUIRE(witnesses != std::string::npos);
  const std::string first_line =
      result.out.substr(result.out.find('\n', witnesses) + 1,
                        result.out.find('\n', result.out.find('\n', witnesses) + 1) -
                            result.out.find('\n', witnesses) - 1);
  CHECK_THAT(first_line, Catch::StartsWith("  ticket 1 was sold 15 times: pids"));
  CHECK_THAT(result.out, Catch::Contains("each read count=1 and wrote count=0"));
  CHECK_THAT(result.out, Catch::Contains("15 customers were told \"you bought a ticket\", but the "
                                         "store held 1 ticket: 14 tickets oversold."));
}

TEST_CASE("errors name the flag or file in the class's language, and change nothing",
          "[language]") {
  ticketsim::testing::TempDir dir;
  const std::string store = dir.file("tickets.json");
  ticketsim::testing::write_file(store, "{\"count\": \"x\"}");
  struct Case {
    std::vector<std::string> args;
    const char* named;
    const char* english;
    const char* chinese;
  };
  const std::vector<Case> cases{
      {{"run", "--procs", "0"}, "--procs", "must be between 1 and", "必须在 1 到"},
      {{"run", "--latency", "5xs"}, "--latency", "has an unknown unit", "的单位 'xs' 未知"},
      {{"run", "--store", store}, store.c_str(), "is a string", "是字符串"},
      {{"run", "--schedule", "script:1:fly"}, "--schedule", "unknown step 'fly'", "未知步骤 'fly'"},
      {{"sweep", "--vary", "procs=4..2:1"}, "--vary", "runs backwards", "是倒着的"},
      {{"step", "--port", "80"}, "--port", "add --web", "请加上 --web"},
  };
  for (const Case& c : cases) {
    for (const char* lang : {"en", "zh"}) {
      std::vector<std::string> args = c.args;
      args.insert(args.end(), {"--lang", lang});
      CAPTURE(args);
      CommandResult result = ticketsim_cli_env({}, args);
      CHECK(result.exit_code == 2);
      CHECK(result.out.empty());
      CHECK_THAT(result.err, Catch::Contains(c.named));
      CHECK_THAT(result.err, Catch::Contains(std::string(lang) == "zh" ? c.chinese : c.english));
    }
  }
  CHECK(ticketsim::testing::read_file(store) == "{\"count\": \"x\"}");
}
