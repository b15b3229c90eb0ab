#include "simulator/text/display_width.h"

#include <algorithm>
#include <array>
#include <utility>

namespace ticketsim {
namespace {

// East Asian Wide and Fullwidth ranges (Unicode 15, UAX #11), merged where adjacent.
constexpr std::array<std::pair<char32_t, char32_t>, 18> kWide{{
    {0x1100, 0x115F},
    {0x231A, 0x231B},
    {0x2329, 0x232A},
    {0x2E80, 0x303E},
    {0x3041, 0x33FF},
    {0x3400, 0x4DBF},
    {0x4E00, 0x9FFF},
    {0xA000, 0xA4CF},
    {0xA960, 0xA97F},
    {0xAC00, 0xD7A3},
    {0xF900, 0xFAFF},
    {0xFE10, 0xFE19},
    {0xFE30, 0xFE6F},
    {0xFF00, 0xFF60},
    {0xFFE0, 0xFFE6},
    {0x1F300, 0x1F64F},
    {0x1F900, 0x1F9FF},
    {0x20000, 0x3FFFD},
}};

bool is_combining(char32_t c) {
  return (c >= 0x0300 && c <= 0x036F) || (c >= 0x200B && c <= 0x200F) ||
         (c >= 0xFE00 && c <= 0xFE0F);
}

}  // namespace

int code_point_width(char32_t c) {
  if (c < 0x20 || (c >= 0x7F && c < 0xA0) || is_combining(c)) return 0;
  for (const auto& [low, high] : kWide) {
    if (c >= low && c <= high) return 2;
  }
  return 1;
}

char32_t next_code_point(std::string_view text, std::size_t& i) {
  const auto lead = static_cast<unsigned char>(text[i]);
  int length = lead < 0x80           ? 1
               : (lead >> 5) == 0x6  ? 2
               : (lead >> 4) == 0xE  ? 3
               : (lead >> 3) == 0x1E ? 4
                                     : 0;
  if (length == 0 || i + static_cast<std::size_t>(length) > text.size()) {
    ++i;
    return 0xFFFD;
  }
  char32_t c = length == 1 ? lead : lead & (0x7F >> length);
  for (int k = 1; k < length; ++k) {
    const auto next = static_cast<unsigned char>(text[i + static_cast<std::size_t>(k)]);
    if ((next & 0xC0) != 0x80) {
      ++i;
      return 0xFFFD;
    }
    c = (c << 6) | (next & 0x3F);
  }
  i += static_cast<std::size_t>(length);
  return c;
}

int display_width(std::string_view text) {
  int width = 0;
  std::size_t i = 0;
  while (i < text.size()) {
    if (text[i] == '\x1b' && i + 1 < text.size() && text[i + 1] == '[') {
      i += 2;  // CSI: parameters, then one final byte in @..~
      while (i < text.size() && !(text[i] >= '@' && text[i] <= '~')) ++i;
      ++i;
      continue;
    }
    const char32_t c = next_code_point(text, i);
    width += c == 0xFFFD ? 1 : code_point_width(c);
  }
  return width;
}

std::string pad_to_width(std::string_view text, int width, bool right_align) {
  const int padding = std::max(0, width - display_width(text));
  std::string out;
  out.reserve(text.size() + static_cast<std::size_t>(padding));
  if (right_align) out.append(static_cast<std::size_t>(padding), ' ');
  out.append(text);
  if (!right_align) out.append(static_cast<std::size_t>(padding), ' ');
  return out;
}

}  // namespace ticketsim
