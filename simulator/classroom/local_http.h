// LocalHttpServer: the smallest HTTP/1.1 server the classroom needs, on 127.0.0.1 only.
//
// Why not a library: Debian ships cpp-httplib only as a shared library, and the ticketsim
// program is linked statically; and it runs a thread pool, while the step classroom forks
// customer processes, which is safest from a single-threaded parent. This server is one
// thread and one poll() loop: requests of at most 16 KiB, answered and closed (no keep-alive).
#pragma once

#include <functional>
#include <map>
#include <string>
#include <vector>

#include "storage/unique_fd.h"

namespace ticketsim {

struct HttpRequest {
  std::string method;                          // "GET", "POST"
  std::string path;                            // "/state", without the query
  std::map<std::string, std::string> query;    // percent-decoded
  std::map<std::string, std::string> headers;  // names in lower case
};

struct HttpResponse {
  int status = 200;
  std::string content_type = "text/plain; charset=utf-8";
  std::string body;
};

class LocalHttpServer {
 public:
  // Listens on 127.0.0.1:`port` (0: a port the kernel picks). Throws SystemError.
  explicit LocalHttpServer(int port);
  int port() const { return port_; }

  // Waits up to `timeout_ms` for activity, then reads what arrived and answers every complete
  // request with `handler` (malformed or oversized ones with 400). Connections that say
  // nothing within 5 s are closed. Returns after one round; EINTR ends the round early.
  void serve(int timeout_ms, const std::function<HttpResponse(const HttpRequest&)>& handler);

 private:
  struct Client {
    UniqueFd fd;
    std::string buffer;
    std::int64_t since_ns;
  };
  UniqueFd listener_;
  int port_ = 0;
  std::vector<Client> clients_;
};

// `request` parsed from its head (request line and headers, up to the blank line); false
// when it is not an HTTP/1.x request line.
bool parse_http_request(const std::string& head, HttpRequest& request);

}  // namespace ticketsim
