#include "storage/store_document.h"

#include <catch2/catch.hpp>

#include <string>

using ticketsim::StoreDocument;
using ticketsim::StoreFormatError;

namespace {

// The problem parse() reports for `text`, or "" when it accepts it.
std::string problem_with(const std::string& text) {
  try {
    StoreDocument::parse(text);
    return "";
  } catch (const StoreFormatError& e) {
    return e.what();
  }
}

}  // namespace

TEST_CASE("a store's count is read from the lesson's minimal form", "[store]") {
  CHECK(StoreDocument::parse("{\"count\": 1}").count() == 1);
  CHECK(StoreDocument::parse("{\"count\": 0}").count() == 0);
  CHECK(StoreDocument::parse("{\"count\": 9007199254740992}").count() ==
        ticketsim::kMaxTicketCount);
}

TEST_CASE("extra keys survive a rewrite in their original order", "[store]") {
  StoreDocument document = StoreDocument::parse(
      R"({"zeta": [1, 2], "count": 5, "event": "Lesson 004", "alpha": {"nested": true}})");
  document.set_count(4);
  CHECK(document.serialize() ==
        "{\"zeta\":[1,2],\"count\":4,\"event\":\"Lesson 004\",\"alpha\":{\"nested\":true}}\n");
  CHECK(StoreDocument::parse(document.serialize()).count() == 4);
}

TEST_CASE("a whole number written as 2.0 is accepted and rewritten as an integer", "[store]") {
  StoreDocument document = StoreDocument::parse("{\"count\": 2.0}");
  CHECK(document.count() == 2);
  CHECK(document.serialize() == "{\"count\":2}\n");
}

TEST_CASE("an invalid store is rejected with a message naming the problem", "[store]") {
  CHECK_THAT(problem_with(""), Catch::Contains("empty"));
  CHECK_THAT(problem_with("   \n"), Catch::Contains("empty"));
  CHECK_THAT(problem_with("count = 1"), Catch::Contains("not valid JSON"));
  CHECK_THAT(problem_with("{\"count\": 1"), Catch::Contains("not valid JSON"));
  CHECK_THAT(problem_with("[1, 2]"), Catch::Contains("top level is an array"));
  CHECK_THAT(problem_with("42"), Catch::Contains("top level"));
  CHECK_THAT(problem_with("{\"tickets\": 1}"), Catch::Contains("\"count\" is missing"));
  CHECK_THAT(problem_with("{\"count\": -1}"), Catch::Contains("negative (-1)"));
  CHECK_THAT(problem_with("{\"count\": 1.5}"), Catch::Contains("fractional (1.5)"));
  CHECK_THAT(problem_with("{\"count\": \"5\"}"), Catch::Contains("a string (\"5\")"));
  CHECK_THAT(problem_with("{\"count\": true}"), Catch::Contains("a boolean"));
  CHECK_THAT(problem_with("{\"count\": null}"), Catch::Contains("null"));
  CHECK_THAT(problem_with("{\"count\": [1]}"), Catch::Contains("an array"));
  CHECK_THAT(problem_with("{\"count\": 9007199254740993}"), Catch::Contains("beyond 2^53"));
  CHECK_THAT(problem_with("{\"count\": 1e300}"), Catch::Contains("beyond 2^53"));
  CHECK_THAT(problem_with("{\"count\": 99999999999999999999999}"), Catch::Contains("beyond 2^53"));
}

TEST_CASE("deeply nested JSON is refused before it is parsed", "[store]") {
  std::string deep =
      "{\"count\": 1, \"x\": " + std::string(100000, '[') + std::string(100000, ']') + "}";
  CHECK_THAT(problem_with(deep), Catch::Contains("nested deeper than"));
  std::string shallow = "{\"count\": 1, \"x\": [[[\"[[[[[[[[[[\"]]]}";  // brackets in strings
  CHECK(problem_with(shallow).empty());
}

TEST_CASE("text that is not UTF-8 is rejected", "[store]") {
  CHECK_THAT(problem_with("{\"count\": 1, \"event\": \"\xff\xfe\"}"),
             Catch::Contains("not valid JSON"));
}

TEST_CASE("a half-written store is a torn read and not an exception", "[store]") {
  // What a reader sees between pwrite of {"count":9} and ftruncate of {"count":10}.
  CHECK_FALSE(StoreDocument::try_parse("{\"count\":9}}").has_value());
  CHECK_FALSE(StoreDocument::try_parse("").has_value());
  CHECK_FALSE(StoreDocument::try_parse("{\"cou").has_value());
  REQUIRE(StoreDocument::try_parse("{\"count\":9}").has_value());
}
