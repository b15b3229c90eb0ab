// RawTerminal: a terminal that hands over one key at a time, for the classroom's prompts.
#pragma once

#include <termios.h>

namespace ticketsim {

// Puts the terminal of `fd` in raw mode (no echo, a key at a time; Ctrl-C still interrupts)
// and restores it on destruction. Does nothing for a descriptor that is not a terminal.
class RawTerminal {
 public:
  explicit RawTerminal(int fd);
  ~RawTerminal();
  RawTerminal(const RawTerminal&) = delete;
  RawTerminal& operator=(const RawTerminal&) = delete;

 private:
  int fd_;
  termios saved_{};
  bool active_ = false;
};

}  // namespace ticketsim
