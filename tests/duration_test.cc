#include "ticketsim/duration.h"

#include <catch2/catch.hpp>

#include <chrono>
#include <string>

using namespace std::chrono_literals;
using ticketsim::DurationError;
using ticketsim::format_duration;
using ticketsim::parse_duration;
using ticketsim::parse_duration_range;

namespace {

std::string problem_with(const std::string& text) {
  try {
    parse_duration_range(text);
    return "";
  } catch (const DurationError& e) {
    return e.what();
  }
}

}  // namespace

TEST_CASE("durations accept the units users type", "[duration]") {
  CHECK(parse_duration("0") == 0ns);
  CHECK(parse_duration("50ms") == 50ms);
  CHECK(parse_duration("200us") == 200us);
  CHECK(parse_duration("200\xC2\xB5s") == 200us);
  CHECK(parse_duration("1.5s") == 1500ms);
  CHECK(parse_duration("750ns") == 750ns);
  CHECK(parse_duration("2min") == 120s);
  CHECK(parse_duration(" 10 ms ") == 10ms);
  CHECK(parse_duration("0ms") == 0ns);
}

TEST_CASE("malformed or negative durations are refused with the reason", "[duration]") {
  CHECK_THAT(problem_with("-5ms"), Catch::Contains("negative"));
  CHECK_THAT(problem_with("5"), Catch::Contains("no unit"));
  CHECK_THAT(problem_with("5 parsecs"), Catch::Contains("unknown unit 'parsecs'"));
  CHECK_THAT(problem_with("ms"), Catch::Contains("not a number"));
  CHECK_THAT(problem_with(""), Catch::Contains("empty"));
  CHECK_THAT(problem_with("1.2.3ms"), Catch::Contains("not a number"));
  CHECK_THAT(problem_with("2h"), Catch::Contains("unknown unit"));
  CHECK_THAT(problem_with("61min"), Catch::Contains("longer than one hour"));
}

TEST_CASE("a latency range is MIN..MAX with MIN <= MAX", "[duration]") {
  auto range = parse_duration_range("10ms..50ms");
  CHECK(range.min == 10ms);
  CHECK(range.max == 50ms);
  CHECK_FALSE(range.fixed());
  CHECK(parse_duration_range("5ms").fixed());
  CHECK_THAT(problem_with("50ms..10ms"), Catch::Contains("ends before it starts"));
}

TEST_CASE("durations print in their shortest exact form", "[duration]") {
  CHECK(format_duration(0ns) == "0");
  CHECK(format_duration(50ms) == "50ms");
  CHECK(format_duration(200us) == "200us");
  CHECK(format_duration(1500ms) == "1.5s");
  CHECK(ticketsim::format_duration_range(parse_duration_range("1ms..2ms")) == "1ms..2ms");
}
