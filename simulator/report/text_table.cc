#include "simulator/report/text_table.h"

#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <numeric>

#include "simulator/text/display_width.h"
#include "simulator/text/wrap.h"

namespace ticketsim {
namespace {

// A header on one line, or split in two at the break that makes its wider half narrowest:
// at a space, or between two wide (CJK) characters.
std::vector<std::string> split_header(const std::string& header, bool two_lines) {
  if (!two_lines) return {header};
  std::vector<std::string> best{header};
  int best_width = display_width(header);
  // A Chinese heading of three characters or fewer is one word (不安全 split in two would
  // read 安全, "safe"): it stays whole. Nothing breaks after an opening bracket or before a
  // closing one.
  const bool short_cjk = header.find(' ') == std::string::npos && best_width <= 6;
  constexpr std::u32string_view kOpening = U"(（[「『《";
  constexpr std::u32string_view kClosing = U")）]」』》，、：";
  std::size_t i = 0;
  char32_t previous = 0;
  while (i < header.size()) {
    const std::size_t at = i;
    const char32_t c = next_code_point(header, i);
    const bool space = c == U' ';
    const bool between_wide = !short_cjk && at > 0 && code_point_width(c) == 2 &&
                              code_point_width(previous) == 2 &&
                              kOpening.find(previous) == std::u32string_view::npos &&
                              kClosing.find(c) == std::u32string_view::npos;
    if (space || between_wide) {
      std::string first = header.substr(0, at);
      std::string second = header.substr(space ? i : at);
      const int width = std::max(display_width(first), display_width(second));
      if (width < best_width) {
        best_width = width;
        best = {first, second};
      }
    }
    previous = c;
  }
  return best;
}

}  // namespace

TextTable::TextTable(std::vector<std::string> headers) : headers_(std::move(headers)) {}

void TextTable::add_row(std::vector<Cell> cells) {
  cells.resize(headers_.size());
  rows_.push_back(std::move(cells));
}

std::string TextTable::render(bool use_color, int max_width) const {
  const std::size_t columns = headers_.size();
  auto colored = [&](const Cell& cell, std::string text) {
    if (!use_color || cell.color.empty()) return text;
    return "\x1b[" + cell.color + "m" + text + "\x1b[0m";
  };
  // Layouts from the roomiest to the most compact: header lines, gap between columns.
  for (auto [two_lines, gap] : {std::pair{false, 2}, std::pair{true, 2}, std::pair{true, 1}}) {
    std::vector<std::vector<std::string>> header_lines;
    std::vector<int> widths(columns);
    for (std::size_t c = 0; c < columns; ++c) {
      for (const auto& row : rows_) widths[c] = std::max(widths[c], display_width(row[c].text));
      // Only a heading wider than its figures gains from a second line.
      const bool split = two_lines && display_width(headers_[c]) > widths[c];
      header_lines.push_back(split_header(headers_[c], split));
      for (const std::string& line : header_lines.back()) {
        widths[c] = std::max(widths[c], display_width(line));
      }
    }
    const int total =
        std::accumulate(widths.begin(), widths.end(), 0) + gap * static_cast<int>(columns - 1);
    if (total > max_width) {
      if (two_lines && gap == 1) break;  // the most compact is too wide: blocks, below
      continue;
    }
    // First column and the last (a verdict word) read left to right; numbers align right.
    auto pad = [&](const std::string& text, std::size_t column) {
      const bool left = column == 0 || column + 1 == columns;
      return pad_to_width(text, widths[column], !left);
    };
    const std::string space(static_cast<std::size_t>(gap), ' ');
    std::string out;
    std::size_t header_rows = 0;
    for (const auto& lines : header_lines) header_rows = std::max(header_rows, lines.size());
    for (std::size_t r = 0; r < header_rows; ++r) {
      std::string line;
      for (std::size_t c = 0; c < columns; ++c) {
        // A header on one line sits on the bottom line, beside the figures it names.
        const auto& lines = header_lines[c];
        const std::size_t skip = header_rows - lines.size();
        line += (c == 0 ? "" : space) + pad(r >= skip ? lines[r - skip] : "", c);
      }
      while (!line.empty() && line.back() == ' ') line.pop_back();
      out += line + '\n';
    }
    for (const auto& row : rows_) {
      std::string line;
      for (std::size_t c = 0; c < columns; ++c) {
        line += (c == 0 ? "" : space) + colored(row[c], pad(row[c].text, c));
      }
      while (!line.empty() && line.back() == ' ') line.pop_back();
      out += line + '\n';
    }
    return out;
  }
  // Too narrow for columns: each row as its label, then "header value" pairs, wrapped.
  std::string out;
  for (const auto& row : rows_) {
    out += colored(row[0], row[0].text) + '\n';
    std::string pairs;
    for (std::size_t c = 1; c < columns; ++c) {
      if (c > 1) pairs += ", ";
      pairs += headers_[c] + " " + colored(row[c], row[c].text);
    }
    out += wrap_text(pairs, max_width, 2, 4);
  }
  return out;
}

bool stdout_wants_color() {
  const char* no_color = std::getenv("NO_COLOR");
  if (no_color != nullptr && *no_color != '\0') return false;
  return ::isatty(STDOUT_FILENO) == 1;
}

}  // namespace ticketsim
