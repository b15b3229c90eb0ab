// The README's example test is the file the suite builds and runs, word for word.
#include <catch2/catch.hpp>

#include <string>

#include "tests/test_support.h"

TEST_CASE("the README shows tests/example_user_test.cc verbatim", "[docs]") {
  std::string readme = ticketsim::testing::read_file(ticketsim::testing::source_path("README.md"));
  std::string example =
      ticketsim::testing::read_file(ticketsim::testing::source_path("tests/example_user_test.cc"));
  REQUIRE_THAT(readme, Catch::Contains("```cpp\n" + example + "```"));
}
