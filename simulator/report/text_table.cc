#include "simulator/report/text_table.h"

#include <unistd.h>

#include <algorithm>
#include <cstdlib>

namespace ticketsim {
namespace {

// Display width of UTF-8 text: counts code points, not bytes (good enough for our labels).
std::size_t display_width(const std::string& text) {
  return static_cast<std::size_t>(
      std::count_if(text.begin(), text.end(), [](char c) { return (c & 0xC0) != 0x80; }));
}

}  // namespace

TextTable::TextTable(std::vector<std::string> headers) : headers_(std::move(headers)) {}

void TextTable::add_row(std::vector<Cell> cells) {
  cells.resize(headers_.size());
  rows_.push_back(std::move(cells));
}

std::string TextTable::render(bool use_color) const {
  std::vector<std::size_t> widths(headers_.size());
  for (std::size_t c = 0; c < headers_.size(); ++c) {
    widths[c] = display_width(headers_[c]);
    for (const auto& row : rows_) widths[c] = std::max(widths[c], display_width(row[c].text));
  }
  auto pad = [&](const std::string& text, std::size_t column) {
    std::string padding(widths[column] - display_width(text), ' ');
    // First column and the last (a verdict word) read left to right; numbers align right.
    bool left = column == 0 || column + 1 == headers_.size();
    return left ? text + padding : padding + text;
  };
  std::string out;
  for (std::size_t c = 0; c < headers_.size(); ++c) {
    out += (c == 0 ? "" : "  ") + pad(headers_[c], c);
  }
  while (!out.empty() && out.back() == ' ') out.pop_back();
  out += '\n';
  for (const auto& row : rows_) {
    std::string line;
    for (std::size_t c = 0; c < headers_.size(); ++c) {
      std::string cell = pad(row[c].text, c);
      if (use_color && !row[c].color.empty())
        cell = "\x1b[" + row[c].color + "m" + cell + "\x1b[0m";
      line += (c == 0 ? "" : "  ") + cell;
    }
    while (!line.empty() && line.back() == ' ') line.pop_back();
    out += line + '\n';
  }
  return out;
}

bool stdout_wants_color() {
  const char* no_color = std::getenv("NO_COLOR");
  if (no_color != nullptr && *no_color != '\0') return false;
  return ::isatty(STDOUT_FILENO) == 1;
}

}  // namespace ticketsim
