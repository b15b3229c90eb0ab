// How wide the user's screen is, for every text report and the help.
#pragma once

namespace ticketsim {

// The width text output must fit: the terminal's columns when stdout is a terminal, else
// $COLUMNS when it is a positive number, else 80. Never less than 20.
int output_width();

}  // namespace ticketsim
