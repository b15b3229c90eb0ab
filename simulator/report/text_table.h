// TextTable: aligned columns for terminal reports, with optional colour per cell.
#pragma once

#include <string>
#include <utility>
#include <vector>

namespace ticketsim {

// A table of text cells rendered with one space-padded column per header, measured in
// display columns (a CJK character takes two). The first and last columns are left-aligned,
// the others (figures) right-aligned. Colour (an ANSI SGR code such as "31" for red) is
// applied after padding, so escapes never disturb the alignment.
class TextTable {
 public:
  explicit TextTable(std::vector<std::string> headers);

  struct Cell {
    Cell(std::string text_in = {}, std::string color_in = {})  // NOLINT: implicit on purpose
        : text(std::move(text_in)), color(std::move(color_in)) {}
    std::string text;
    std::string color;  // empty: no colour
  };
  void add_row(std::vector<Cell> cells);

  // Renders header and rows, each line ending in '\n', no line wider than `max_width`
  // columns when the cells allow it: the table compacts step by step (headers on two
  // lines, then one space between columns) and, when even that is too wide, becomes one
  // block per row ("label" then "header value" pairs, wrapped). `use_color` false drops
  // colours.
  std::string render(bool use_color, int max_width = 80) const;

 private:
  std::vector<std::string> headers_;
  std::vector<std::vector<Cell>> rows_;
};

// True when stdout is a terminal and NO_COLOR is unset (https://no-color.org).
bool stdout_wants_color();

}  // namespace ticketsim
