#include <sstream>
#include <string>

#include <catch2/catch.hpp>

#include "simulator/report/text_table.h"
#include "simulator/text/display_width.h"

namespace {

ticketsim::TextTable report_table(bool chinese) {
  ticketsim::TextTable table(
      chinese ? std::vector<std::string>{"模式", "售出", "超卖", "丢失更新", "撕裂读", "最终余票",
                                         "耗时（毫秒）", "每秒购买", "结论"}
              : std::vector<std::string>{"mode", "sold", "oversold", "lost updates", "torn reads",
                                         "final count", "wall ms", "purchases per s", "verdict"});
  table.add_row({{"robust-mutex"},
                 {"1"},
                 {"14 (3/3)"},
                 {"14"},
                 {"0"},
                 {"0-1"},
                 {"178.2"},
                 {"12277"},
                 {chinese ? "不安全" : "unprotected", "31"}});
  return table;
}

int widest_line(const std::string& text) {
  int widest = 0;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    widest = std::max(widest, ticketsim::display_width(line));
  }
  return widest;
}

}  // namespace

TEST_CASE("a table compacts to fit 80 and 60 columns, in English and Chinese", "[text]") {
  for (bool chinese : {false, true}) {
    for (int width : {80, 60}) {
      CAPTURE(chinese, width);
      std::string text = report_table(chinese).render(true, width);
      CAPTURE(text);
      CHECK(widest_line(text) <= width);
      CHECK_THAT(text, Catch::Contains("12277"));
      CHECK_THAT(text, Catch::Contains("robust-mutex"));
    }
  }
}

TEST_CASE("a heading sits above its figures by display width, Chinese included", "[text]") {
  ticketsim::TextTable table({"模式", "耗时（毫秒）", "结论"});
  table.add_row({{"none"}, {"36.2"}, {"不安全"}});
  std::string text = table.render(false, 200);
  std::istringstream in(text);
  std::string heading, row;
  std::getline(in, heading);
  std::getline(in, row);
  // The figure is right-aligned under its heading: both end in the same column.
  auto end_of = [](const std::string& line, const std::string& cell) {
    return ticketsim::display_width(line.substr(0, line.find(cell) + cell.size()));
  };
  CHECK(end_of(heading, "耗时（毫秒）") == end_of(row, "36.2"));
  CHECK(end_of(heading, "模式") - 4 == end_of(row, "none") - 4);  // both start the line
}

TEST_CASE("a table too wide for any column layout becomes one block per row", "[text]") {
  std::string text = report_table(false).render(false, 40);
  CAPTURE(text);
  CHECK(widest_line(text) <= 40);
  CHECK_THAT(text, Catch::StartsWith("robust-mutex\n"));
  CHECK_THAT(text, Catch::Contains("oversold 14 (3/3)"));
  CHECK_THAT(text, Catch::Contains("12277"));
}
