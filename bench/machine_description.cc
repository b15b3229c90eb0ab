#include "bench/machine_description.h"

#include <sys/utsname.h>
#include <unistd.h>

#include <fstream>

namespace ticketsim::bench {

std::string machine_description() {
  std::ifstream cpuinfo("/proc/cpuinfo");
  std::string line, model = "unknown CPU";
  while (std::getline(cpuinfo, line)) {
    if (line.rfind("model name", 0) == 0) {
      model = line.substr(line.find(':') + 2);
      break;
    }
  }
  utsname name{};
  ::uname(&name);
  return std::to_string(::sysconf(_SC_NPROCESSORS_ONLN)) + " cores, " + model + ", Linux " +
         name.release;
}

}  // namespace ticketsim::bench
