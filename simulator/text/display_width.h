// Display width: how many terminal columns a UTF-8 string takes. CJK ideographs, kana,
// Hangul and full-width forms take two; combining marks and ANSI colour escapes take none.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace ticketsim {

// The columns one code point takes: 0, 1 or 2.
int code_point_width(char32_t c);

// The columns `text` takes (ESC [ ... m colour sequences count zero). Invalid UTF-8 bytes
// count one column each, as a terminal shows a replacement character.
int display_width(std::string_view text);

// Decodes the code point at `text[i]`, advancing `i` past it (one byte when invalid).
char32_t next_code_point(std::string_view text, std::size_t& i);

// `text` padded with spaces on the right (left when `right_align`) to `width` columns.
std::string pad_to_width(std::string_view text, int width, bool right_align = false);

}  // namespace ticketsim
