// Word wrapping by display width, for English and for CJK text (which breaks between any
// two characters, except before closing and after opening punctuation).
#pragma once

#include <string>
#include <string_view>

namespace ticketsim {

// `text` wrapped to lines of at most `width` columns, each ending in '\n'. The first line of
// each paragraph ('\n' in `text` starts one) is indented by `indent` spaces, the lines after
// it by `hanging`. Lines break at spaces and, between wide (CJK) characters, anywhere the
// punctuation allows; a single word wider than the line is cut at the width, so no line is
// ever wider than `width` (when `width` exceeds the indentation). Runs of spaces inside a
// line are kept, so aligned columns survive when they fit.
std::string wrap_text(std::string_view text, int width, int indent = 0, int hanging = 0);

}  // namespace ticketsim
