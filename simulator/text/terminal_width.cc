#include "simulator/text/terminal_width.h"

#include <sys/ioctl.h>
#include <unistd.h>

#include <algorithm>
#include <charconv>
#include <cstdlib>
#include <cstring>

namespace ticketsim {

int output_width() {
  int width = 80;
  struct winsize size {};
  if (::isatty(STDOUT_FILENO) && ::ioctl(STDOUT_FILENO, TIOCGWINSZ, &size) == 0 &&
      size.ws_col > 0) {
    width = size.ws_col;
  } else if (const char* columns = std::getenv("COLUMNS"); columns != nullptr) {
    int value = 0;
    const char* end = columns + std::strlen(columns);
    if (auto [at, error] = std::from_chars(columns, end, value);
        error == std::errc() && at == end && value > 0) {
      width = value;
    }
  }
  return std::max(20, width);
}

}  // namespace ticketsim
