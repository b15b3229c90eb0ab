#include "simulator/text/wrap.h"

#include <algorithm>
#include <vector>

#include "simulator/text/display_width.h"

namespace ticketsim {
namespace {

// Closing punctuation never starts a line; opening punctuation never ends one.
constexpr std::u32string_view kNoBreakBefore = U")]},.;:!?%，。、；：！？）」』》〉】”’…·～";
constexpr std::u32string_view kNoBreakAfter = U"([{（「『《〈【“‘";

// A piece of a paragraph that stays on one line: its bytes, its width, and whether a
// space separates it from the piece before it.
struct Piece {
  std::string text;
  int width = 0;
  bool after_space = false;
  std::string spaces;  // the spaces before it, kept when the line does not break there
};

// Splits a paragraph into pieces: words between spaces, cut further between wide
// characters where a line may break.
std::vector<Piece> pieces_of(std::string_view paragraph) {
  std::vector<Piece> pieces;
  std::string spaces;
  bool open = false;  // the last piece may still grow
  char32_t previous = 0;
  std::size_t i = 0;
  while (i < paragraph.size()) {
    if (paragraph[i] == ' ') {
      spaces += ' ';
      open = false;
      previous = ' ';
      ++i;
      continue;
    }
    const std::size_t start = i;
    if (paragraph[i] == '\x1b') {  // a colour escape joins the piece it sits in
      ++i;
      while (i < paragraph.size() &&
             !(paragraph[i] >= '@' && paragraph[i] <= '~' && i > start + 1)) {
        ++i;
      }
      ++i;
      std::string_view escape = paragraph.substr(start, std::min(i, paragraph.size()) - start);
      if (!open) {
        pieces.push_back(Piece{"", 0, !spaces.empty(), spaces});
        spaces.clear();
        open = true;
      }
      pieces.back().text += escape;
      continue;
    }
    const char32_t c = next_code_point(paragraph, i);
    const int width = code_point_width(c);
    const bool wide_here = width == 2 || code_point_width(previous) == 2;
    const bool may_break = open && wide_here && previous != ' ' &&
                           kNoBreakBefore.find(c) == std::u32string_view::npos &&
                           kNoBreakAfter.find(previous) == std::u32string_view::npos;
    if (!open || may_break) {
      pieces.push_back(Piece{"", 0, !spaces.empty(), spaces});
      spaces.clear();
      open = true;
    }
    pieces.back().text += paragraph.substr(start, i - start);
    pieces.back().width += width;
    previous = c;
  }
  return pieces;
}

// Cuts a piece wider than `room` columns into pieces that fit.
std::vector<Piece> cut(const Piece& piece, int room) {
  std::vector<Piece> parts(1);
  parts.front().after_space = piece.after_space;
  parts.front().spaces = piece.spaces;
  std::size_t i = 0;
  while (i < piece.text.size()) {
    const std::size_t start = i;
    const int width = code_point_width(next_code_point(piece.text, i));
    if (parts.back().width + width > room && parts.back().width > 0) parts.emplace_back();
    parts.back().text += piece.text.substr(start, i - start);
    parts.back().width += width;
  }
  return parts;
}

}  // namespace

std::string wrap_text(std::string_view text, int width, int indent, int hanging) {
  std::string out;
  std::size_t begin = 0;
  while (begin <= text.size()) {
    const std::size_t end = std::min(text.find('\n', begin), text.size());
    std::string_view paragraph = text.substr(begin, end - begin);
    // A paragraph's own leading spaces belong to its first line's indentation.
    const std::size_t leading = std::min(paragraph.find_first_not_of(' '), paragraph.size());
    paragraph.remove_prefix(leading);
    int margin = indent + static_cast<int>(leading);
    std::string line(static_cast<std::size_t>(margin), ' ');
    int used = margin;
    bool line_empty = true;
    auto flush = [&]() {
      while (!line.empty() && line.back() == ' ') line.pop_back();
      out += line + '\n';
      margin = hanging;
      line.assign(static_cast<std::size_t>(margin), ' ');
      used = margin;
      line_empty = true;
    };
    for (const Piece& whole : pieces_of(paragraph)) {
      const int room = std::max(1, width - hanging);
      std::vector<Piece> parts = whole.width > room ? cut(whole, room) : std::vector<Piece>{whole};
      for (const Piece& piece : parts) {
        const std::string gap = line_empty ? "" : piece.spaces;
        if (!line_empty && used + static_cast<int>(gap.size()) + piece.width > width) flush();
        if (!line_empty) {
          line += gap;
          used += static_cast<int>(gap.size());
        }
        line += piece.text;
        used += piece.width;
        line_empty = false;
      }
    }
    flush();
    if (end == text.size()) break;
    begin = end + 1;
  }
  return out;
}

}  // namespace ticketsim
