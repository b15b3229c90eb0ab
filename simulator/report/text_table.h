// TextTable: aligned columns for terminal reports, with optional colour per cell.
#pragma once

#include <string>
#include <utility>
#include <vector>

namespace ticketsim {

// A table of text cells rendered with one space-padded column per header. Numeric-looking
// columns are right-aligned, the first column left-aligned. Colour (an ANSI SGR code such
// as "31" for red) is applied after padding, so escapes never disturb the alignment.
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

  // Renders header and rows, each line ending in '\n'. `use_color` false drops colours.
  std::string render(bool use_color) const;

 private:
  std::vector<std::string> headers_;
  std::vector<std::vector<Cell>> rows_;
};

// True when stdout is a terminal and NO_COLOR is unset (https://no-color.org).
bool stdout_wants_color();

}  // namespace ticketsim
