// The frame every HTML report shares: escaping, the page head with its style sheet, the tail.
#pragma once

#include <string>
#include <string_view>

#include "simulator/report/output_file.h"

namespace ticketsim {

// `text` with & < > " replaced by their entities, safe inside elements and quoted attributes.
std::string escape(std::string_view text);

// Writes <!DOCTYPE html> through <body>, with `title` and the reports' inline style sheet.
void page_head(const std::string& title, TextSink& out);
// Writes the inline script that marks what the browser laid out, and closes the page.
void page_tail(TextSink& out);

}  // namespace ticketsim
