// The demo's sentences, from the message catalogue of the current language.
#pragma once

#include <string>

namespace ticketsim {

// Every sentence the demo prints, as fmt format strings with named arguments.
struct DemoText {
  std::string title;
  std::string setup;  // {procs} {parent} {store}
  std::string act1;
  std::string searched;  // {n} {pid} {ppid} {count}
  std::string act2;
  std::string act2_how;
  std::string bought;    // {n} {pid} {ppid} {read} {wrote}
  std::string sold_out;  // {n} {pid} {ppid}
  std::string oversold;  // {sold} {tickets} {oversold}
  std::string witness;
  std::string explored;  // {shown} {total} {oversell} {schedules} {seconds}
  std::string act3;
  std::string act3_how;
  std::string locked;  // {mode} {sold} {oversold} {waits}
  std::string act4;
  std::string joined;                                          // {sold} {oversold}
  std::string act5;                                            // {procs} {search} {latency} {hold}
  std::string cost_mode, cost_sold, cost_oversold, cost_wall;  // the cost table's headings
  std::string moral;                                           // {mode} {ratio}
  std::string pause;
  std::string end;
};

// The demo's text in the current language (set_language).
DemoText demo_text();

}  // namespace ticketsim
