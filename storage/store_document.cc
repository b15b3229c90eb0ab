#include "storage/store_document.h"
#include "simulator/text/translate.h"

#include <cmath>
#include <string>

#include <fmt/format.h>

namespace ticketsim {
namespace {

// Deepest bracket nesting in `text`, ignoring brackets inside strings. Runs before the
// parser so that a hostile file cannot make later recursive code overflow the stack.
int max_nesting_depth(std::string_view text) {
  int depth = 0, deepest = 0;
  bool in_string = false, escaped = false;
  for (char c : text) {
    if (in_string) {
      if (escaped) {
        escaped = false;
      } else if (c == '\\') {
        escaped = true;
      } else if (c == '"') {
        in_string = false;
      }
    } else if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      deepest = std::max(deepest, ++depth);
    } else if (c == ']' || c == '}') {
      --depth;
    }
  }
  return deepest;
}

// nlohmann's messages start with "[json.exception.parse_error.101] "; keep the readable part.
std::string readable_parse_error(const std::string& what) {
  auto close = what.find("] ");
  return close == std::string::npos ? what : what.substr(close + 2);
}

std::string describe_type(const nlohmann::ordered_json& value) {
  switch (value.type()) {
    case nlohmann::ordered_json::value_t::string:
      return trf("a string ({})", value.dump());
    case nlohmann::ordered_json::value_t::boolean:
      return trf("a boolean ({})", value.dump());
    case nlohmann::ordered_json::value_t::null:
      return tr("null");
    case nlohmann::ordered_json::value_t::array:
      return tr("an array");
    case nlohmann::ordered_json::value_t::object:
      return tr("an object");
    default:
      return value.dump();
  }
}

}  // namespace

std::optional<std::string> StoreDocument::find_problem(std::string_view text,
                                                       nlohmann::ordered_json* parsed,
                                                       std::int64_t* count) {
  if (text.find_first_not_of(" \t\r\n") == std::string_view::npos) {
    return std::string(tr("the file is empty; expected a JSON object such as {\"count\": 1}"));
  }
  // nlohmann's lexer stops at a NUL byte as if the text ended there; a JSON text has none.
  if (text.find('\0') != std::string_view::npos) {
    return std::string(tr("contains a NUL byte; expected JSON text"));
  }
  if (max_nesting_depth(text) > kMaxStoreDepth) {
    return trf("JSON is nested deeper than {} levels; a store is a flat object", kMaxStoreDepth);
  }
  nlohmann::ordered_json json;
  try {
    json = nlohmann::ordered_json::parse(text);
  } catch (const nlohmann::ordered_json::exception& e) {
    return trf("not valid JSON: {}", readable_parse_error(e.what()));
  }
  if (!json.is_object()) {
    return trf("the top level is {}; expected a JSON object such as {{\"count\": 1}}",
               json.is_array() ? std::string(tr("an array")) : describe_type(json));
  }
  auto it = json.find("count");
  if (it == json.end()) {
    return std::string(
        tr("field \"count\" is missing; expected a non-negative integer number of tickets"));
  }
  const auto& value = *it;
  std::int64_t tickets = 0;
  if (value.is_number_unsigned()) {
    auto u = value.get<std::uint64_t>();
    if (u > static_cast<std::uint64_t>(kMaxTicketCount)) {
      return trf("field \"count\" is {}, beyond 2^53 ({}); expected at most 2^53", u,
                 kMaxTicketCount);
    }
    tickets = static_cast<std::int64_t>(u);
  } else if (value.is_number_integer()) {
    tickets = value.get<std::int64_t>();
    if (tickets < 0) {
      return trf("field \"count\" is negative ({}); expected a non-negative integer", tickets);
    }
  } else if (value.is_number_float()) {
    double d = value.get<double>();
    if (d < 0) {
      return trf("field \"count\" is negative ({}); expected a non-negative integer", value.dump());
    }
    if (d > static_cast<double>(kMaxTicketCount)) {
      return trf("field \"count\" is {}, beyond 2^53 ({}); expected at most 2^53", value.dump(),
                 kMaxTicketCount);
    }
    if (std::floor(d) != d) {
      return trf("field \"count\" is fractional ({}); expected a whole number of tickets",
                 value.dump());
    }
    tickets = static_cast<std::int64_t>(d);
  } else {
    return trf("field \"count\" is {}; expected a non-negative integer", describe_type(value));
  }
  *parsed = std::move(json);
  *count = tickets;
  return std::nullopt;
}

StoreDocument StoreDocument::parse(std::string_view text) {
  nlohmann::ordered_json json;
  std::int64_t count = 0;
  if (auto problem = find_problem(text, &json, &count)) throw StoreFormatError(*problem);
  StoreDocument document(std::move(json), count);
  document.set_count(count);  // normalises 1.0 to 1 so writes are always integers
  return document;
}

std::optional<StoreDocument> StoreDocument::try_parse(std::string_view text) noexcept {
  try {
    return parse(text);
  } catch (...) {
    return std::nullopt;
  }
}

void StoreDocument::set_count(std::int64_t count) {
  count_ = count;
  json_["count"] = count;
}

std::string StoreDocument::serialize() const {
  std::string text = json_.dump();
  text += '\n';
  return text;
}

}  // namespace ticketsim
