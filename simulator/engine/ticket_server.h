// Mode server: one owner process sells every ticket; customers ask it over a Unix socket.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <string>

#include "simulator/engine/shared_table.h"
#include "storage/ticket_store.h"
#include "storage/unique_fd.h"
#include "ticketsim/config.h"

namespace ticketsim {

// What a customer asks the server (one SOCK_SEQPACKET message each way).
struct ServerRequest {
  std::int32_t op = 0;  // kServerSearch or kServerBuy
  std::int32_t customer = 0;
  std::int32_t attempt = 0;
};
inline constexpr std::int32_t kServerSearch = 1;
inline constexpr std::int32_t kServerBuy = 2;

// The answer: the outcome the server recorded (Outcome as an integer) and the count it saw.
struct ServerReply {
  std::int32_t outcome = 0;
  std::int64_t count = -1;
};

// The trial's ticket server: a child process forked before the customers, listening on
// `socket_path` (in the trial directory). It alone opens the store: for each request, one at a
// time in the order its poll finds them ready, it reads the count, and for a purchase thinks
// (config.latency), writes count - 1 if there is a ticket and holds (config.hold), recording
// every step in the customer's slot of the shared table as a lock holder would (acquired =
// the server took the request; released = it answered). The destructor kills and reaps it;
// the socket goes with the trial directory. Throws SystemError if it cannot start.
class TicketServer {
 public:
  TicketServer(const std::string& socket_path, const ExperimentConfig& config,
               const StoreProvider& store, SharedTable& table, std::uint64_t seed);
  ~TicketServer();
  TicketServer(const TicketServer&) = delete;
  TicketServer& operator=(const TicketServer&) = delete;

  const std::string& socket_path() const { return socket_path_; }

 private:
  std::string socket_path_;
  pid_t pid_ = -1;
};

// A customer's connection to the server. ask() sends one request and waits for its answer;
// throws std::runtime_error if the server cannot be reached or went away.
class ServerConnection {
 public:
  explicit ServerConnection(const std::string& socket_path);
  ServerReply ask(const ServerRequest& request);

 private:
  UniqueFd fd_;
};

}  // namespace ticketsim
