// The README's library example is the consumer project the suite builds and runs, word for word.
#include <catch2/catch.hpp>

#include <string>

#include "tests/test_support.h"

namespace {

std::string source(const std::string& path) {
  return ticketsim::testing::read_file(ticketsim::testing::source_path(path));
}

}  // namespace

TEST_CASE("the README shows the consumer project's test verbatim", "[docs]") {
  REQUIRE_THAT(source("README.md"),
               Catch::Contains("```cpp\n" + source("tests/consumer/ticket_tests.cc") + "```"));
}

TEST_CASE("the README shows the consumer project's CMakeLists.txt verbatim", "[docs]") {
  REQUIRE_THAT(source("README.md"),
               Catch::Contains("```cmake\n" + source("tests/consumer/CMakeLists.txt") + "```"));
}
