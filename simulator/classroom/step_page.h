// The page of `ticketsim step --web`: one self-contained HTML document (style and script
// inline, nothing fetched from elsewhere) that drives a StepSession through its server.
#pragma once

#include <string>

namespace ticketsim {

// The page in the current language. It asks the server (same origin, with the token of its
// own URL) for the state and for each move, draws one lane per customer growing with each
// step, and takes clicks on a lane or the keys 1-9, u, r and q. `?play=1,2,u,r,q&pace=MS`
// presses those keys by itself, one every MS milliseconds (default 400): a prepared
// interleaving shown to a class, and the browser test's driver. The page marks its body
// with data-actions (keys pressed) and data-ended once the report is shown.
std::string step_page_html();

}  // namespace ticketsim
