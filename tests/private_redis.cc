#include "tests/private_redis.h"

#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <stdexcept>
#include <thread>

namespace ticketsim::testing {
namespace {

// A port nobody listens on now: bind to port 0 and ask which port the kernel chose.
int free_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof address;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 ||
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
    ::close(fd);
    throw std::runtime_error("no free port on 127.0.0.1");
  }
  ::close(fd);
  return ntohs(address.sin_port);
}

}  // namespace

PrivateRedis::PrivateRedis() : port_(free_port()) {
  pid_ = start_command({"/usr/bin/redis-server", "--port", std::to_string(port_), "--bind",
                        "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", dir_.path()},
                       dir_.path() + "/out.log", dir_.path() + "/err.log");
  for (int i = 0; i < 1000; ++i) {
    if (cli("PING") == "PONG\n") return;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  kill_now();
  throw std::runtime_error("redis-server did not answer PING on port " + std::to_string(port_));
}

PrivateRedis::~PrivateRedis() { kill_now(); }

std::string PrivateRedis::cli(const std::string& command) const {
  std::vector<std::string> argv{"/usr/bin/redis-cli", "-p", std::to_string(port_)};
  std::size_t start = 0;
  while (start < command.size()) {
    std::size_t space = command.find(' ', start);
    if (space == std::string::npos) space = command.size();
    argv.push_back(command.substr(start, space - start));
    start = space + 1;
  }
  return run_command(argv).out;
}

void PrivateRedis::kill_now() {
  if (pid_ <= 0) return;
  ::kill(pid_, SIGKILL);
  int status = 0;
  ::waitpid(pid_, &status, 0);
  pid_ = -1;
}

}  // namespace ticketsim::testing
