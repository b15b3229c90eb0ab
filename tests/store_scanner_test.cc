// The purchase path's scanner must agree with the full parser (StoreDocument, nlohmann).
#include "storage/store_scanner.h"

#include <catch2/catch.hpp>

#include <random>
#include <string>
#include <vector>

#include "storage/store_document.h"

using ticketsim::scan_store;
using ticketsim::ScanStatus;
using ticketsim::StoreDocument;

namespace {

// The agreement the scanner promises, for one text.
void require_agreement(const std::string& text) {
  CAPTURE(text);
  auto scan = scan_store(text);
  auto document = StoreDocument::try_parse(text);
  if (scan.status == ScanStatus::kInvalid) REQUIRE_FALSE(document.has_value());
  if (scan.status == ScanStatus::kCanonical) {
    REQUIRE(document.has_value());
    REQUIRE(document->count() == scan.count);
  }
  if (document.has_value()) REQUIRE(scan.status != ScanStatus::kInvalid);
}

const std::vector<std::string> kCorpus{
    // valid and canonical
    R"({"count":1})",
    R"({"count": 0})",
    " \n{ \"count\" :\t42 }\r\n",
    R"({"count":9007199254740992})",
    R"({"event":"Lesson 004","count":1})",
    R"({"a":{"count":"nested keys do not count"},"count":7})",
    R"({"count":1,"seats":[1,2.5,-3e2,true,false,null,{"x":[]}]})",
    "{\"count\":1,\"name\":\"caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x8E\xAB\"}",
    R"({"count":1,"e":"\" \\ \/ \b \f \n \r \t \u00e9 \ud83c\udfab"})",
    "\xEF\xBB\xBF{\"count\":3}",
    // valid JSON, count not canonical
    R"({"count":2.0})",
    R"({"count":2e0})",
    R"({"count":-0})",
    R"({"co\u0075nt":5})",
    R"({"count":1,"count":2})",
    R"({"count":"x","count":2})",
    R"({"count":1.5})",
    // invalid as stores
    "",
    " ",
    "{",
    "}",
    "[]",
    "1",
    "null",
    R"({"count":-1})",
    R"({"count":"1"})",
    R"({"count":true})",
    R"({"count":null})",
    R"({"count":[1]})",
    R"({"tickets":1})",
    R"({"count":9007199254740993})",
    R"({"count":99999999999999999999999})",
    R"({"count":01})",
    R"({"count":1,})",
    R"({"count":1}})",
    R"({"count":1} x)",
    R"({"count":1)",
    R"({count:1})",
    R"({'count':1})",
    R"({"count":1,"x":tru})",
    R"({"count":1,"x":"\x"})",
    R"({"count":1,"x":"\ud800"})",
    R"({"count":1,"x":"\udc00"})",
    R"({"count":1,"x":"\u12"})",
    "{\"count\":1,\"x\":\"\x01\"}",
    "{\"count\":1,\"x\":\"\xff\"}",
    "{\"count\":1,\"x\":\"\xC0\xAF\"}",
    "{\"count\":1,\"x\":\"\xED\xA0\x80\"}",
    "{\"count\":1,\"x\":\"\xF4\x90\x80\x80\"}",
    "{\"count\":1,\"x\":\"\xE2\x82\"}",
    R"({"count":1,"x":1.})",
    R"({"count":1,"x":.5})",
    R"({"count":1,"x":1e})",
    R"({"count":1,"x":+1})",
    R"({"count":1,"x":[1,]})",
    // Numbers nlohmann rejects as overflowing a double, in any key (found by the fuzzer).
    R"({"x": 4.5e7060, "count": 1})",
    R"({"x": -1e309, "count": 1})",
    R"({"x": 1e-400, "count": 1})",
    "{\"count\": 1, \"x\": 1" + std::string(400, '0') + "}",
    // NUL bytes: nlohmann's lexer stops at one as if the text ended (found by the fuzzer).
    std::string("{\"count\":1}\0", 12),
    std::string("{\"count\":1}\0garbage", 19),
    std::string("{\"count\":\0 1}", 13),
};

}  // namespace

TEST_CASE("the scanner agrees with the full parser on a hand-picked corpus", "[scanner]") {
  for (const std::string& text : kCorpus) require_agreement(text);
  CHECK(scan_store(R"({"count":1})").status == ScanStatus::kCanonical);
  CHECK(scan_store(R"({"count":2.0})").status == ScanStatus::kNotCanonical);
  CHECK(scan_store(R"({"count":1}})").status == ScanStatus::kInvalid);
}

TEST_CASE("the scanner agrees with the full parser on deep nesting", "[scanner]") {
  for (int depth : {63, 64, 65, 10000}) {
    std::string text =
        "{\"count\":1,\"x\":" + std::string(depth - 1, '[') + std::string(depth - 1, ']') + "}";
    require_agreement(text);
  }
}

TEST_CASE("the scanner agrees with the full parser on every prefix and every byte flip",
          "[scanner]") {
  // What torn reads look like: truncations, and one byte replaced.
  const std::string store =
      "{\"event\":\"caf\xC3\xA9\",\"count\":1234,\"seats\":[1,2.5e3,{\"a\":null}],\"ok\":true}\n";
  for (std::size_t length = 0; length <= store.size(); ++length) {
    require_agreement(store.substr(0, length));
  }
  std::mt19937 random(2026);
  for (int i = 0; i < 20000; ++i) {
    std::string mutated = store;
    mutated[random() % mutated.size()] = static_cast<char>(random() % 256);
    if (i % 3 == 0) mutated.insert(random() % mutated.size(), 1, "{}[]\",:0-e.\\u"[random() % 13]);
    require_agreement(mutated);
  }
}

TEST_CASE("with_count replaces the count token and keeps every other byte", "[scanner]") {
  const std::string text = "{ \"event\" : \"x\",\n \"count\" :  10 , \"z\":[] }";
  auto scan = scan_store(text);
  REQUIRE(scan.status == ScanStatus::kCanonical);
  CHECK(ticketsim::with_count(text, scan, 9) ==
        "{ \"event\" : \"x\",\n \"count\" :  9 , \"z\":[] }");
  CHECK(ticketsim::with_count(text, scan, 1000) ==
        "{ \"event\" : \"x\",\n \"count\" :  1000 , \"z\":[] }");
}
