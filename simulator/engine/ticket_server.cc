#include "simulator/engine/ticket_server.h"

#include <signal.h>
#include <sys/epoll.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <vector>

#include "simulator/engine/clock.h"
#include "simulator/engine/random.h"
#include "simulator/text/translate.h"
#include "storage/posix_io.h"

namespace ticketsim {
namespace {

// The socket address for `path`, or SystemError (ENAMETOOLONG) when it does not fit.
sockaddr_un address_of(const std::string& path) {
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  if (path.size() >= sizeof(address.sun_path)) {
    throw SystemError(tr("bind the ticket server's socket (use a shorter --workdir)"), path,
                      ENAMETOOLONG);
  }
  std::memcpy(address.sun_path, path.c_str(), path.size() + 1);
  return address;
}

// The server's side of one request, recorded in the customer's slot as its lock holder
// would record it.
class Seller {
 public:
  Seller(const ExperimentConfig& config, TicketStore& store, SharedTable& table, std::uint64_t seed)
      : config_(config), store_(store), table_(table), random_(seed) {}

  ServerReply serve(const ServerRequest& request) {
    if (request.customer < 0 || request.customer >= table_.procs()) return {};
    if (request.op == kServerSearch) return search(table_.slot(request.customer).search);
    if (request.op != kServerBuy || request.attempt < 0 || request.attempt >= table_.attempts()) {
      return {};
    }
    return buy(table_.purchase(request.customer, request.attempt));
  }

 private:
  std::int64_t now() const { return config_.record_times ? monotonic_ns() : 0; }

  ServerReply search(SearchRecord& record) {
    record.t_lock_acquired = now();
    const StoreReply read = store_.read_count();
    record.t_read = now();
    if (read.status == StoreStatus::kTorn || read.failed()) {
      record.outcome = read.failed() ? Outcome::kError : Outcome::kTornRead;
    } else {
      record.value_seen = read.count;
      record.outcome = Outcome::kSeen;
    }
    record.t_released = now();
    return {static_cast<std::int32_t>(record.outcome), record.value_seen};
  }

  ServerReply buy(PurchaseRecord& record) {
    record.t_lock_acquired = now();
    const StoreReply read = store_.read_count();
    record.t_read = now();
    if (read.status == StoreStatus::kOk) record.value_read = read.count;
    sleep_for_ns(draw_latency_ns(config_.latency, random_));
    record.t_write_begin = now();
    if (read.failed()) {
      record.outcome = Outcome::kError;
    } else if (read.status == StoreStatus::kTorn) {
      record.outcome = Outcome::kTornRead;
    } else if (read.count > 0) {
      record.write_state = WriteState::kBegun;
      const StoreReply wrote = store_.write_count(read.count - 1);
      if (wrote.failed()) {
        if (wrote.status != StoreStatus::kIndeterminate) record.write_state = WriteState::kNone;
        record.outcome = Outcome::kError;
      } else {
        record.write_state = WriteState::kDone;
        record.t_written = now();
        record.value_written = read.count - 1;
        record.outcome = Outcome::kBought;
        sleep_for_ns(config_.hold.count());
      }
    } else {
      record.outcome = Outcome::kSoldOut;
    }
    record.t_released = now();
    return {static_cast<std::int32_t>(record.outcome), record.value_read};
  }

  const ExperimentConfig& config_;
  TicketStore& store_;
  SharedTable& table_;
  std::uint64_t random_;
};

// The server process: accepts every customer's connection and answers requests one at a time.
[[noreturn]] void serve_forever(int listen_fd, const ExperimentConfig& config,
                                const StoreProvider& provider, SharedTable& table,
                                std::uint64_t seed) {
  try {
    StoreSlot slot;
    Seller seller(config, provider.open_for_customer(slot), table, seed);
    UniqueFd poller(::epoll_create1(EPOLL_CLOEXEC));
    if (poller.get() < 0) throw SystemError(tr("epoll_create1"), "", errno);
    epoll_event event{};
    event.events = EPOLLIN;
    event.data.fd = listen_fd;
    ::epoll_ctl(poller.get(), EPOLL_CTL_ADD, listen_fd, &event);
    std::vector<epoll_event> ready(64);
    for (;;) {
      const int n = ::epoll_wait(poller.get(), ready.data(), static_cast<int>(ready.size()), -1);
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) throw SystemError(tr("epoll_wait"), "", errno);
      for (int i = 0; i < n; ++i) {
        const int fd = ready[static_cast<std::size_t>(i)].data.fd;
        if (fd == listen_fd) {
          const int client = ::accept4(listen_fd, nullptr, nullptr, SOCK_CLOEXEC);
          if (client < 0) continue;
          epoll_event client_event{};
          client_event.events = EPOLLIN;
          client_event.data.fd = client;
          ::epoll_ctl(poller.get(), EPOLL_CTL_ADD, client, &client_event);
          continue;
        }
        ServerRequest request;
        const ssize_t got = ::recv(fd, &request, sizeof request, 0);
        if (got < 0 && errno == EINTR) continue;
        if (got != static_cast<ssize_t>(sizeof request)) {  // the customer left (or garbled)
          ::close(fd);                                      // also leaves the epoll set
          continue;
        }
        const ServerReply reply = seller.serve(request);
        while (::send(fd, &reply, sizeof reply, MSG_NOSIGNAL) < 0 && errno == EINTR) {
        }
      }
    }
  } catch (...) {
    ::_exit(1);
  }
}

}  // namespace

TicketServer::TicketServer(const std::string& socket_path, const ExperimentConfig& config,
                           const StoreProvider& store, SharedTable& table, std::uint64_t seed)
    : socket_path_(socket_path) {
  const sockaddr_un address = address_of(socket_path);
  UniqueFd listener(::socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0));
  if (listener.get() < 0) throw SystemError(tr("socket"), socket_path, errno);
  if (::bind(listener.get(), reinterpret_cast<const sockaddr*>(&address), sizeof address) != 0) {
    throw SystemError(tr("bind"), socket_path, errno);
  }
  if (::listen(listener.get(), SOMAXCONN) != 0) throw SystemError(tr("listen"), socket_path, errno);
  const pid_t parent = ::getpid();
  std::fflush(nullptr);
  pid_ = ::fork();
  if (pid_ < 0) throw SystemError(tr("fork the ticket server"), socket_path, errno);
  if (pid_ == 0) {
    ::setpgid(0, 0);  // out of the terminal's group: the run decides when the server ends
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (::getppid() != parent) ::_exit(1);
    serve_forever(listener.get(), config, store, table, seed);
  }
  // The parent keeps no descriptor: the socket lives in the server and in its file.
}

TicketServer::~TicketServer() {
  if (pid_ <= 0) return;
  ::kill(pid_, SIGKILL);
  int status = 0;
  while (::waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
  }
}

ServerConnection::ServerConnection(const std::string& socket_path) {
  const sockaddr_un address = address_of(socket_path);
  fd_ = UniqueFd(::socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0));
  if (fd_.get() < 0) throw std::runtime_error(std::string("socket: ") + std::strerror(errno));
  int result;
  do {
    result = ::connect(fd_.get(), reinterpret_cast<const sockaddr*>(&address), sizeof address);
  } while (result != 0 && errno == EINTR);
  if (result != 0) {
    throw std::runtime_error("cannot reach the ticket server: " +
                             std::string(std::strerror(errno)));
  }
}

ServerReply ServerConnection::ask(const ServerRequest& request) {
  ssize_t sent;
  do {
    sent = ::send(fd_.get(), &request, sizeof request, MSG_NOSIGNAL);
  } while (sent < 0 && errno == EINTR);
  if (sent != static_cast<ssize_t>(sizeof request)) {
    throw std::runtime_error("the ticket server went away");
  }
  ServerReply reply;
  ssize_t got;
  do {
    got = ::recv(fd_.get(), &reply, sizeof reply, 0);
  } while (got < 0 && errno == EINTR);
  if (got != static_cast<ssize_t>(sizeof reply)) {
    throw std::runtime_error("the ticket server went away");
  }
  return reply;
}

}  // namespace ticketsim
