#include <sstream>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "simulator/text/display_width.h"
#include "simulator/text/wrap.h"
#include "tests/test_support.h"

using ticketsim::testing::lines_of;

TEST_CASE("display width counts CJK characters as two columns and colour escapes as none",
          "[text]") {
  CHECK(ticketsim::display_width("count=0") == 7);
  CHECK(ticketsim::display_width("耗时（毫秒）") == 12);
  CHECK(ticketsim::display_width("\x1b[1;31mUNSAFE\x1b[0m") == 6);
  CHECK(ticketsim::display_width("é") == 1);
  CHECK(ticketsim::pad_to_width("售出", 6) == "售出  ");
  CHECK(ticketsim::pad_to_width("14", 4, true) == "  14");
}

TEST_CASE("English wraps at spaces and never breaks a word like count=0", "[text]") {
  const std::string sentence =
      "pid 22647 and pid 22648 both read count=1 (10.21 ms, 10.22 ms); 22648 wrote count=0 at "
      "20.26 ms over 22647's count=0 at 20.26 ms: one ticket sold twice";
  for (int width : {20, 40, 60, 80}) {
    CAPTURE(width);
    auto lines = lines_of(ticketsim::wrap_text(sentence, width, 2, 4));
    std::string rejoined;
    for (const std::string& line : lines) {
      CHECK(ticketsim::display_width(line) <= width);
      rejoined += (rejoined.empty() ? "" : " ") + line.substr(line.find_first_not_of(' '));
    }
    CHECK(rejoined == sentence);  // only spaces became line breaks
    CHECK(lines.front().rfind("  pid", 0) == 0);
    for (std::size_t i = 1; i < lines.size(); ++i) CHECK(lines[i].rfind("    ", 0) == 0);
  }
}

TEST_CASE("Chinese wraps between characters by display width, never before closing punctuation",
          "[text]") {
  const std::string sentence =
      "15 位顾客被告知“抢票成功”，但票库里只有 1 张票：超卖了 14 张票。顾客们读到同一个余票数，"
      "各自把 count-1 写入，覆盖了别人的写入。";
  for (int width : {10, 21, 30, 60}) {
    CAPTURE(width);
    for (const std::string& line : lines_of(ticketsim::wrap_text(sentence, width))) {
      CAPTURE(line);
      CHECK(ticketsim::display_width(line) <= width);
      for (const char* closing : {"，", "。", "：", "”"}) CHECK(line.rfind(closing, 0) != 0);
      const bool cut_count =
          line.find("count-") != std::string::npos && line.find("count-1") == std::string::npos;
      CHECK_FALSE(cut_count);  // "count-1" is one word
    }
  }
}

TEST_CASE("a word wider than the line is cut at the width, and leading spaces stay", "[text]") {
  auto lines = lines_of(ticketsim::wrap_text("/a/very/long/path/that/cannot/break", 10));
  REQUIRE(lines.size() == 4);
  for (const std::string& line : lines) CHECK(ticketsim::display_width(line) <= 10);
  CHECK(ticketsim::wrap_text("  indented", 80) == "  indented\n");
  CHECK(ticketsim::wrap_text("one\ntwo", 80, 2, 4) == "  one\n  two\n");
}
