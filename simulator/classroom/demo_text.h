// The demo's sentences, in English and Chinese.
#pragma once

#include <string_view>

namespace ticketsim {

// Every sentence the demo prints, as fmt format strings with named arguments.
struct DemoText {
  std::string_view title;
  std::string_view setup;  // {procs} {parent} {store}
  std::string_view act1;
  std::string_view searched;  // {n} {pid} {ppid} {count}
  std::string_view act2;
  std::string_view act2_how;
  std::string_view bought;    // {n} {pid} {ppid} {read} {wrote}
  std::string_view sold_out;  // {n} {pid} {ppid}
  std::string_view oversold;  // {sold} {tickets} {oversold}
  std::string_view witness;
  std::string_view lost_update;  // {a} {b} {read} {ta} {tb} {wrote} {twb} {twa}
  std::string_view double_sale;  // {ticket} {times} {pids}
  std::string_view act3;
  std::string_view act3_how;
  std::string_view locked;  // {mode} {sold} {blocked} {oversold}
  std::string_view act4;
  std::string_view joined;  // {sold} {oversold} {blocked}
  std::string_view act5;    // {procs} {latency}
  std::string_view cost_header;
  std::string_view cost_row;  // {mode} {sold} {oversold} {wall}
  std::string_view moral;     // {mode} {ratio}
  std::string_view pause;
  std::string_view end;
};

// The text for `lang` ("en" or "zh"); nullptr for any other language.
const DemoText* demo_text(std::string_view lang);

}  // namespace ticketsim
