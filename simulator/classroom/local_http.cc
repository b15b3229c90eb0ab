#include "simulator/classroom/local_http.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdint>
#include <string_view>

#include <fmt/format.h>

#include "simulator/engine/clock.h"
#include "simulator/text/translate.h"
#include "storage/posix_io.h"

namespace ticketsim {
namespace {

constexpr std::size_t kMaxRequest = 16 * 1024;
constexpr std::int64_t kIdleNs = 5'000'000'000;

std::string percent_decoded(std::string_view text) {
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '+') {
      out += ' ';
    } else if (text[i] == '%' && i + 2 < text.size() && std::isxdigit(text[i + 1]) &&
               std::isxdigit(text[i + 2])) {
      out += static_cast<char>(std::stoi(std::string(text.substr(i + 1, 2)), nullptr, 16));
      i += 2;
    } else {
      out += text[i];
    }
  }
  return out;
}

const char* reason(int status) {
  switch (status) {
    case 200:
      return "OK";
    case 400:
      return "Bad Request";
    case 403:
      return "Forbidden";
    case 404:
      return "Not Found";
    case 405:
      return "Method Not Allowed";
    default:
      return "Error";
  }
}

// Writes all of `text` to a client socket (a client that went away loses its answer).
void send_all(int fd, std::string_view text) {
  while (!text.empty()) {
    ssize_t sent = ::send(fd, text.data(), text.size(), MSG_NOSIGNAL);
    if (sent < 0 && errno == EINTR) continue;
    if (sent <= 0) return;
    text.remove_prefix(static_cast<std::size_t>(sent));
  }
}

void answer(int fd, const HttpResponse& response) {
  send_all(fd, fmt::format("HTTP/1.1 {} {}\r\nContent-Type: {}\r\nContent-Length: {}\r\n"
                           "Cache-Control: no-store\r\nX-Content-Type-Options: nosniff\r\n"
                           "Connection: close\r\n\r\n",
                           response.status, reason(response.status), response.content_type,
                           response.body.size()));
  send_all(fd, response.body);
}

}  // namespace

bool parse_http_request(const std::string& head, HttpRequest& request) {
  const std::size_t line_end = head.find("\r\n");
  const std::string line = head.substr(0, line_end);
  const std::size_t first = line.find(' ');
  const std::size_t second = line.find(' ', first + 1);
  if (first == std::string::npos || second == std::string::npos ||
      line.compare(second + 1, 7, "HTTP/1.") != 0) {
    return false;
  }
  request.method = line.substr(0, first);
  const std::string target = line.substr(first + 1, second - first - 1);
  const std::size_t question = target.find('?');
  request.path = percent_decoded(target.substr(0, question));
  if (question != std::string::npos) {
    std::string_view query = std::string_view(target).substr(question + 1);
    while (!query.empty()) {
      const std::size_t amp = query.find('&');
      std::string_view pair = query.substr(0, amp);
      const std::size_t equals = pair.find('=');
      request.query[percent_decoded(pair.substr(0, equals))] =
          equals == std::string_view::npos ? "" : percent_decoded(pair.substr(equals + 1));
      if (amp == std::string_view::npos) break;
      query.remove_prefix(amp + 1);
    }
  }
  std::size_t at = line_end == std::string::npos ? head.size() : line_end + 2;
  while (at < head.size()) {
    const std::size_t end = std::min(head.find("\r\n", at), head.size());
    const std::string header = head.substr(at, end - at);
    const std::size_t colon = header.find(':');
    if (colon != std::string::npos) {
      std::string name = header.substr(0, colon);
      std::transform(name.begin(), name.end(), name.begin(),
                     [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
      std::size_t value = header.find_first_not_of(' ', colon + 1);
      request.headers[name] = value == std::string::npos ? "" : header.substr(value);
    }
    at = end + 2;
  }
  return true;
}

LocalHttpServer::LocalHttpServer(int port) {
  listener_.reset(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0));
  if (!listener_.valid()) throw SystemError(tr("socket"), "127.0.0.1", errno);
  int yes = 1;
  ::setsockopt(listener_.get(), SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);  // never reachable from another machine
  address.sin_port = htons(static_cast<std::uint16_t>(port));
  const std::string where = fmt::format("127.0.0.1:{}", port);
  if (::bind(listener_.get(), reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
    throw SystemError(tr("bind"), where, errno);
  }
  if (::listen(listener_.get(), 16) != 0) throw SystemError(tr("listen"), where, errno);
  socklen_t length = sizeof address;
  ::getsockname(listener_.get(), reinterpret_cast<sockaddr*>(&address), &length);
  port_ = ntohs(address.sin_port);
}

void LocalHttpServer::serve(int timeout_ms,
                            const std::function<HttpResponse(const HttpRequest&)>& handler) {
  std::vector<pollfd> polled{{listener_.get(), POLLIN, 0}};
  for (const Client& client : clients_) polled.push_back({client.fd.get(), POLLIN, 0});
  if (::poll(polled.data(), polled.size(), timeout_ms) <= 0) return;  // quiet, or EINTR
  if (polled[0].revents & POLLIN) {
    for (;;) {
      int fd = ::accept4(listener_.get(), nullptr, nullptr, SOCK_CLOEXEC | SOCK_NONBLOCK);
      if (fd < 0) break;
      clients_.push_back(Client{UniqueFd(fd), "", monotonic_ns()});
    }
  }
  const std::int64_t now = monotonic_ns();
  for (Client& client : clients_) {
    char chunk[4096];
    for (;;) {
      ssize_t got = ::recv(client.fd.get(), chunk, sizeof chunk, 0);
      if (got > 0) {
        client.buffer.append(chunk, static_cast<std::size_t>(got));
        if (client.buffer.size() > kMaxRequest) break;
        continue;
      }
      if (got == 0) client.since_ns = 0;  // the client closed: drop it
      break;
    }
    const std::size_t end = client.buffer.find("\r\n\r\n");
    if (end != std::string::npos || client.buffer.size() > kMaxRequest) {
      HttpRequest request;
      if (end != std::string::npos && parse_http_request(client.buffer.substr(0, end), request)) {
        answer(client.fd.get(), handler(request));
      } else {
        answer(client.fd.get(), HttpResponse{400, "text/plain; charset=utf-8", "bad request\n"});
      }
      client.since_ns = 0;  // answered: close it
    }
    if (client.since_ns != 0 && now - client.since_ns > kIdleNs) client.since_ns = 0;
  }
  clients_.erase(std::remove_if(clients_.begin(), clients_.end(),
                                [](const Client& client) { return client.since_ns == 0; }),
                 clients_.end());
}

}  // namespace ticketsim
