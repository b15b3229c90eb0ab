#include "simulator/cli/help_formatter.h"

#include <algorithm>
#include <sstream>

#include "simulator/text/display_width.h"
#include "simulator/text/translate.h"
#include "simulator/text/wrap.h"

namespace ticketsim {
namespace {

// The column where a help line's description starts: after its indentation and its first
// word group ("--flag TEXT"), at the first run of two or more spaces; -1 when none.
int description_column(const std::string& line) {
  std::size_t start = line.find_first_not_of(' ');
  if (start == std::string::npos) return -1;
  std::size_t gap = line.find("  ", start);
  if (gap == std::string::npos) return -1;
  std::size_t text = line.find_first_not_of(' ', gap);
  if (text == std::string::npos) return -1;
  return display_width(std::string_view(line).substr(0, text));
}

class WrappingFormatter : public CLI::Formatter {
 public:
  explicit WrappingFormatter(int width) : width_(width) {
    column_width(static_cast<std::size_t>(std::clamp(width / 3, 16, 30)));
    label("REQUIRED", tr("REQUIRED"));
    label("Usage", tr("Usage"));
    label("OPTIONS", tr("OPTIONS"));
    label("SUBCOMMAND", tr("SUBCOMMAND"));
    label("SUBCOMMANDS", tr("SUBCOMMANDS"));
    label("Options", tr("Options"));
    label("Positionals", tr("Positionals"));
    label("Subcommands", tr("Subcommands"));
  }

  std::string make_help(const CLI::App* app, std::string name,
                        CLI::AppFormatMode mode) const override {
    return wrap_help(CLI::Formatter::make_help(app, std::move(name), mode), width_);
  }

 private:
  int width_;
};

}  // namespace

std::string wrap_help(const std::string& help, int width) {
  std::istringstream lines(help);
  std::string out;
  for (std::string line; std::getline(lines, line);) {
    if (display_width(line) <= width) {
      out += line + '\n';
      continue;
    }
    const int indent = static_cast<int>(std::min(line.find_first_not_of(' '), line.size()));
    const int column = description_column(line);
    if (column > 0 && column <= width / 2) {
      // "  --flag TEXT   description": the name as it is, the description wrapped under
      // itself.
      std::size_t cut = 0;
      int seen = 0;
      while (cut < line.size() && seen < column) {
        const std::size_t at = cut;
        seen += code_point_width(next_code_point(line, cut));
        if (seen > column) cut = at;
      }
      std::string wrapped = wrap_text(line.substr(cut), width - column, 0, 0);
      std::istringstream parts(wrapped);
      bool first = true;
      for (std::string part; std::getline(parts, part);) {
        out += (first ? line.substr(0, cut) : std::string(static_cast<std::size_t>(column), ' ')) +
               part + '\n';
        first = false;
      }
    } else {
      // A description CLI11 moved under a long flag name continues in its own column;
      // other text (a command's summary) hangs two columns in.
      const int hanging = indent >= 8 ? indent : indent + 2;
      out += wrap_text(std::string_view(line).substr(static_cast<std::size_t>(indent)), width,
                       indent, hanging);
    }
  }
  return out;
}

std::shared_ptr<CLI::Formatter> wrapping_formatter(int width) {
  return std::make_shared<WrappingFormatter>(width);
}

}  // namespace ticketsim
