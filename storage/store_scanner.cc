#include "storage/store_scanner.h"

#include <charconv>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <string>

#include "storage/store_document.h"

namespace ticketsim {
namespace {

// A recursive-descent validator over the raw bytes. Recursion is bounded by
// kMaxStoreDepth, so hostile nesting cannot exhaust the stack.
class Scanner {
 public:
  explicit Scanner(std::string_view text) : text_(text) {}

  StoreScan run() {
    if (text_.substr(0, 3) == "\xEF\xBB\xBF") pos_ = 3;  // nlohmann skips a UTF-8 BOM too
    skip_whitespace();
    if (pos_ >= text_.size() || text_[pos_] != '{') return {};
    if (!object(1, /*top_level=*/true)) return {};
    skip_whitespace();
    if (pos_ != text_.size() || count_keys_ == 0) return {};
    StoreScan scan;
    if (count_keys_ == 1 && !count_key_escaped_ && count_kind_ == CountKind::kPlainInteger) {
      scan.status = ScanStatus::kCanonical;
      scan.count = count_;
      scan.count_begin = count_begin_;
      scan.count_end = count_end_;
      return scan;
    }
    // The last "count" wins (as in nlohmann). Forms left to StoreDocument: a number with a
    // fraction or exponent, -0, an escaped or repeated key. Anything else it rejects too.
    if (count_kind_ == CountKind::kOther || count_kind_ == CountKind::kNegative ||
        count_kind_ == CountKind::kTooLarge) {
      if (count_keys_ == 1) return {};
    }
    scan.status = ScanStatus::kNotCanonical;
    return scan;
  }

 private:
  // What the (last) "count" member holds.
  enum class CountKind { kPlainInteger, kOtherNumber, kNegative, kTooLarge, kOther };

  bool at_end() const { return pos_ >= text_.size(); }
  unsigned char peek() const { return static_cast<unsigned char>(text_[pos_]); }

  void skip_whitespace() {
    while (!at_end()) {
      char c = text_[pos_];
      if (c != ' ' && c != '\t' && c != '\n' && c != '\r') return;
      ++pos_;
    }
  }

  bool value(int depth) {
    if (at_end()) return false;
    switch (text_[pos_]) {
      case '{':
        return object(depth + 1, false);
      case '[':
        return array(depth + 1);
      case '"':
        return string(nullptr);
      case 't':
        return literal("true");
      case 'f':
        return literal("false");
      case 'n':
        return literal("null");
      default:
        return number();
    }
  }

  bool literal(std::string_view word) {
    if (text_.substr(pos_, word.size()) != word) return false;
    pos_ += word.size();
    return true;
  }

  bool object(int depth, bool top_level) {
    if (depth > kMaxStoreDepth) return false;
    ++pos_;  // '{'
    skip_whitespace();
    if (!at_end() && text_[pos_] == '}') {
      ++pos_;
      return true;
    }
    for (;;) {
      skip_whitespace();
      if (at_end() || text_[pos_] != '"') return false;
      KeyMatch key;
      if (!string(&key)) return false;
      skip_whitespace();
      if (at_end() || text_[pos_] != ':') return false;
      ++pos_;
      skip_whitespace();
      bool is_count = top_level && key.is_count();
      std::size_t begin = pos_;
      if (!value(depth)) return false;
      if (is_count) record_count(begin, pos_, key.escaped);
      skip_whitespace();
      if (at_end()) return false;
      if (text_[pos_] == ',') {
        ++pos_;
        continue;
      }
      if (text_[pos_] != '}') return false;
      ++pos_;
      return true;
    }
  }

  bool array(int depth) {
    if (depth > kMaxStoreDepth) return false;
    ++pos_;  // '['
    skip_whitespace();
    if (!at_end() && text_[pos_] == ']') {
      ++pos_;
      return true;
    }
    for (;;) {
      skip_whitespace();
      if (!value(depth)) return false;
      skip_whitespace();
      if (at_end()) return false;
      if (text_[pos_] == ',') {
        ++pos_;
        continue;
      }
      if (text_[pos_] != ']') return false;
      ++pos_;
      return true;
    }
  }

  // Tracks whether a key decodes to exactly "count", without allocating.
  struct KeyMatch {
    std::size_t length = 0;
    bool matches = true;
    bool escaped = false;
    void add(char32_t code_point) {
      static constexpr std::string_view kCount = "count";
      if (length >= kCount.size() || code_point != static_cast<char32_t>(kCount[length])) {
        matches = false;
      }
      ++length;
    }
    bool is_count() const { return matches && length == 5; }
  };

  static int hex_value(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  }

  bool hex4(char32_t* out) {
    if (text_.size() - pos_ < 4) return false;
    char32_t value = 0;
    for (int i = 0; i < 4; ++i) {
      int digit = hex_value(text_[pos_ + i]);
      if (digit < 0) return false;
      value = value * 16 + static_cast<char32_t>(digit);
    }
    pos_ += 4;
    *out = value;
    return true;
  }

  // After '\': one escape sequence, with \u surrogates paired as nlohmann requires.
  bool escape(char32_t* code_point) {
    if (at_end()) return false;
    char c = text_[pos_++];
    switch (c) {
      case '"':
      case '\\':
      case '/':
        *code_point = static_cast<char32_t>(c);
        return true;
      case 'b':
        *code_point = '\b';
        return true;
      case 'f':
        *code_point = '\f';
        return true;
      case 'n':
        *code_point = '\n';
        return true;
      case 'r':
        *code_point = '\r';
        return true;
      case 't':
        *code_point = '\t';
        return true;
      case 'u': {
        char32_t unit;
        if (!hex4(&unit)) return false;
        if (unit >= 0xDC00 && unit <= 0xDFFF) return false;  // a low surrogate first
        if (unit >= 0xD800 && unit <= 0xDBFF) {
          char32_t low;
          if (text_.substr(pos_, 2) != "\\u") return false;
          pos_ += 2;
          if (!hex4(&low) || low < 0xDC00 || low > 0xDFFF) return false;
          unit = 0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00);
        }
        *code_point = unit;
        return true;
      }
      default:
        return false;
    }
  }

  // One UTF-8 sequence starting at pos_ (RFC 3629: no overlongs, no surrogates, <= U+10FFFF).
  bool utf8(char32_t* code_point) {
    unsigned char lead = peek();
    int extra;
    char32_t value;
    unsigned char min_second = 0x80, max_second = 0xBF;
    if (lead >= 0xC2 && lead <= 0xDF) {
      extra = 1;
      value = lead & 0x1F;
    } else if (lead >= 0xE0 && lead <= 0xEF) {
      extra = 2;
      value = lead & 0x0F;
      if (lead == 0xE0) min_second = 0xA0;
      if (lead == 0xED) max_second = 0x9F;
    } else if (lead >= 0xF0 && lead <= 0xF4) {
      extra = 3;
      value = lead & 0x07;
      if (lead == 0xF0) min_second = 0x90;
      if (lead == 0xF4) max_second = 0x8F;
    } else {
      return false;
    }
    if (text_.size() - pos_ <= static_cast<std::size_t>(extra)) return false;
    for (int i = 1; i <= extra; ++i) {
      auto byte = static_cast<unsigned char>(text_[pos_ + i]);
      unsigned char low = i == 1 ? min_second : 0x80;
      unsigned char high = i == 1 ? max_second : 0xBF;
      if (byte < low || byte > high) return false;
      value = (value << 6) | (byte & 0x3F);
    }
    pos_ += static_cast<std::size_t>(extra) + 1;
    *code_point = value;
    return true;
  }

  bool string(KeyMatch* key) {
    ++pos_;  // '"'
    while (!at_end()) {
      unsigned char c = peek();
      char32_t code_point;
      if (c == '"') {
        ++pos_;
        return true;
      }
      if (c < 0x20) return false;  // control characters must be escaped
      if (c == '\\') {
        ++pos_;
        if (!escape(&code_point)) return false;
        if (key != nullptr) key->escaped = true;
      } else if (c < 0x80) {
        code_point = c;
        ++pos_;
      } else if (!utf8(&code_point)) {
        return false;
      }
      if (key != nullptr) key->add(code_point);
    }
    return false;
  }

  static bool is_digit(char c) { return c >= '0' && c <= '9'; }

  // A number nlohmann accepts must also be finite as a double: it rejects any number, even
  // an integer too long for 64 bits, whose value overflows ("number overflow", found by the
  // fuzzer). Plain integers of up to 18 digits always fit, so only others are converted.
  static bool finite_as_double(std::string_view token) {
    char small[64];
    std::string large;
    const char* text;
    if (token.size() < sizeof small) {
      std::memcpy(small, token.data(), token.size());
      small[token.size()] = '\0';
      text = small;
    } else {
      large.assign(token);  // only hostile input gets here
      text = large.c_str();
    }
    return std::isfinite(std::strtod(text, nullptr));  // the "C" locale: '.' is the point
  }

  bool number() {
    const std::size_t start = pos_;
    if (!at_end() && text_[pos_] == '-') ++pos_;
    if (at_end() || !is_digit(text_[pos_])) return false;
    if (text_[pos_] == '0') {
      ++pos_;
    } else {
      while (!at_end() && is_digit(text_[pos_])) ++pos_;
    }
    plain_integer_ = true;
    if (!at_end() && text_[pos_] == '.') {
      ++pos_;
      if (at_end() || !is_digit(text_[pos_])) return false;
      while (!at_end() && is_digit(text_[pos_])) ++pos_;
      plain_integer_ = false;
    }
    if (!at_end() && (text_[pos_] == 'e' || text_[pos_] == 'E')) {
      ++pos_;
      if (!at_end() && (text_[pos_] == '+' || text_[pos_] == '-')) ++pos_;
      if (at_end() || !is_digit(text_[pos_])) return false;
      while (!at_end() && is_digit(text_[pos_])) ++pos_;
      plain_integer_ = false;
    }
    std::string_view token = text_.substr(start, pos_ - start);
    if (!plain_integer_ || token.size() > 18) return finite_as_double(token);
    return true;
  }

  void record_count(std::size_t begin, std::size_t end, bool key_escaped) {
    ++count_keys_;
    count_key_escaped_ = count_key_escaped_ || key_escaped;
    count_begin_ = begin;
    count_end_ = end;
    char first = text_[begin];
    bool is_number = first == '-' || is_digit(first);
    if (!is_number) {
      count_kind_ = CountKind::kOther;
    } else if (!plain_integer_) {
      count_kind_ = CountKind::kOtherNumber;
    } else if (first == '-') {
      // "-0" is zero to nlohmann; any other negative integer is rejected.
      count_kind_ =
          text_.substr(begin, end - begin) == "-0" ? CountKind::kOtherNumber : CountKind::kNegative;
    } else {
      std::uint64_t value = 0;
      auto [ptr, error] = std::from_chars(text_.data() + begin, text_.data() + end, value);
      if (error != std::errc() || value > static_cast<std::uint64_t>(kMaxTicketCount)) {
        count_kind_ = CountKind::kTooLarge;
      } else {
        count_kind_ = CountKind::kPlainInteger;
        count_ = static_cast<std::int64_t>(value);
      }
    }
  }

  std::string_view text_;
  std::size_t pos_ = 0;
  bool plain_integer_ = false;  // of the last number scanned
  int count_keys_ = 0;
  bool count_key_escaped_ = false;
  CountKind count_kind_ = CountKind::kOther;
  std::int64_t count_ = 0;
  std::size_t count_begin_ = 0, count_end_ = 0;
};

}  // namespace

StoreScan scan_store(std::string_view text) { return Scanner(text).run(); }

std::string with_count(std::string_view text, const StoreScan& scan, std::int64_t count) {
  char digits[24];
  auto [end, error] = std::to_chars(digits, digits + sizeof digits, count);
  (void)error;  // 24 characters hold any int64
  std::string rewritten;
  rewritten.reserve(text.size() + 2);
  rewritten.append(text.substr(0, scan.count_begin));
  rewritten.append(digits, end);
  rewritten.append(text.substr(scan.count_end));
  return rewritten;
}

}  // namespace ticketsim
