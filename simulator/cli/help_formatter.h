// The help of every command, translated and wrapped to the output's width.
#pragma once

#include <memory>

#include <CLI/CLI.hpp>

namespace ticketsim {

// CLI11's formatter, with every line of the help wrapped at word boundaries to `width`
// columns (by display width: CJK counts two): a flag's description continues under itself,
// other text under its own indentation. CLI11's fixed words ("Usage", "Options", ...) are
// translated.
std::shared_ptr<CLI::Formatter> wrapping_formatter(int width);

// Wraps already formatted help text the same way (exposed for tests).
std::string wrap_help(const std::string& help, int width);

}  // namespace ticketsim
