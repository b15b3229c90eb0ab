#include "storage/postgres/pg_connection.h"

#include <poll.h>
#include <time.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstdlib>
#include <cstring>
#include <utility>
#include <vector>

#include "storage/postgres/libpq_library.h"
#include "ticketsim/interrupt.h"

namespace ticketsim {
namespace {

// libpq's messages end with a newline (and may hold several lines): one line for reports.
std::string one_line(const char* text) {
  std::string line;
  for (const char* c = text != nullptr ? text : ""; *c != '\0'; ++c) {
    const bool space = *c == ' ' || *c == '\n' || *c == '\r' || *c == '\t';
    if (space && (line.empty() || line.back() == ' ')) continue;  // one space between words
    line += space ? ' ' : *c;
  }
  while (!line.empty() && line.back() == ' ') line.pop_back();
  return line.empty() ? "no message" : line;
}

// SQLSTATEs that mean the session is gone, whatever the statement: class 08 (connection
// exception) and the server shutting down or restarting (57P01-57P03).
bool session_lost(const std::string& sqlstate) {
  return sqlstate.rfind("08", 0) == 0 || sqlstate == "57P01" || sqlstate == "57P02" ||
         sqlstate == "57P03";
}

}  // namespace

std::int64_t pg_clock_ns() {
  timespec now{};
  ::clock_gettime(CLOCK_MONOTONIC, &now);
  return static_cast<std::int64_t>(now.tv_sec) * 1'000'000'000 + now.tv_nsec;
}

PgConnection::PgConnection(std::string url, std::string setup)
    : pq_(libpq()), url_(std::move(url)), setup_(std::move(setup)) {}

PgConnection::PgConnection(PgConnection&& other) noexcept
    : pq_(other.pq_),
      url_(std::move(other.url_)),
      setup_(std::move(other.setup_)),
      conn_(std::exchange(other.conn_, nullptr)),
      ever_connected_(other.ever_connected_) {}

PgConnection::~PgConnection() { close(); }

void PgConnection::close() {
  if (conn_ != nullptr) pq_.finish(std::exchange(conn_, nullptr));
}

PgAnswer PgConnection::broken(PgAnswer::Kind kind, bool sent, std::string message) {
  close();
  PgAnswer answer;
  answer.kind = kind;
  answer.sent = sent;
  answer.message = std::move(message);
  return answer;
}

bool PgConnection::wait_socket(bool for_write, std::int64_t deadline_ns) {
  pollfd fd{pq_.socket(conn_), static_cast<short>(for_write ? POLLOUT : POLLIN), 0};
  if (fd.fd < 0) return true;  // no socket: let libpq report the failure
  for (;;) {
    int timeout_ms = -1;
    if (deadline_ns != 0) {
      const std::int64_t left = deadline_ns - pg_clock_ns();
      if (left <= 0) return false;
      timeout_ms = static_cast<int>((left + 999'999) / 1'000'000);
    }
    const int ready = ::poll(&fd, 1, timeout_ms);
    if (ready > 0) return true;                 // readable, writable, or an error libpq will read
    if (interrupt_signal() != 0) return false;  // Ctrl-C: give up waiting, as at a deadline
    if (ready < 0 && errno != EINTR) return true;
    if (ready == 0 && deadline_ns != 0 && pg_clock_ns() >= deadline_ns) return false;
  }
}

PgAnswer PgConnection::connect(std::int64_t deadline_ns) {
  if (conn_ != nullptr) return PgAnswer{};
  // The first connection fails at once (a wrong address is reported without a wait); a
  // connection that worked before and broke is tried again until the deadline, every
  // 50 ms, as a client waits for a restarting server.
  for (;;) {
    PgAnswer answer = connect_once(deadline_ns);
    if (answer.ok()) {
      ever_connected_ = true;
      return answer;
    }
    const std::int64_t pause = 50'000'000;
    if (!ever_connected_ || answer.kind == PgAnswer::Kind::kTimeout ||
        (deadline_ns != 0 && pg_clock_ns() + pause > deadline_ns) || interrupt_signal() != 0) {
      return answer;
    }
    const timespec wait{0, pause};
    ::nanosleep(&wait, nullptr);
  }
}

std::int64_t PgConnection::connect_timeout_ns() const {
  // libpq applies connect_timeout (the URL's, or PGCONNECT_TIMEOUT) only when it blocks; an
  // asynchronous connection must bound itself. As libpq reads it: whole seconds, at least 2;
  // 0, negative or unparseable: no bound of its own.
  PQconninfoOption* options = pq_.conninfo(conn_);
  if (options == nullptr) return 0;
  std::int64_t seconds = 0;
  for (PQconninfoOption* option = options; option->keyword != nullptr; ++option) {
    if (std::strcmp(option->keyword, "connect_timeout") != 0 || option->val == nullptr) continue;
    char* end = nullptr;
    const long long value = std::strtoll(option->val, &end, 10);
    if (end != option->val && *end == '\0' && value > 0) seconds = std::max<long long>(value, 2);
  }
  pq_.conninfoFree(options);
  return seconds * 1'000'000'000;
}

PgAnswer PgConnection::connect_once(std::int64_t deadline_ns) {
  const char* keywords[] = {"dbname", "application_name", nullptr};
  const char* values[] = {url_.c_str(), "ticketsim", nullptr};
  conn_ = pq_.connectStartParams(keywords, values, /*expand_dbname=*/1);
  if (conn_ == nullptr) return broken(PgAnswer::Kind::kLost, false, "libpq: out of memory");
  if (pq_.status(conn_) == CONNECTION_BAD) {
    return broken(PgAnswer::Kind::kLost, false, one_line(pq_.errorMessage(conn_)));
  }
  if (const std::int64_t limit = connect_timeout_ns(); limit > 0) {
    const std::int64_t by = pg_clock_ns() + limit;
    deadline_ns = deadline_ns == 0 ? by : std::min(deadline_ns, by);
  }
  PostgresPollingStatusType state = PGRES_POLLING_WRITING;
  while (state != PGRES_POLLING_OK) {
    if (state == PGRES_POLLING_FAILED) {
      return broken(PgAnswer::Kind::kLost, false, one_line(pq_.errorMessage(conn_)));
    }
    if (!wait_socket(state == PGRES_POLLING_WRITING, deadline_ns)) {
      return broken(PgAnswer::Kind::kTimeout, false, "no connection before the deadline");
    }
    state = pq_.connectPoll(conn_);
  }
  // The server's notices (a WARNING that it is shutting down, ...) are not for the user's
  // terminal: failures reach the caller as answers.
  pq_.setNoticeProcessor(
      conn_, [](void*, const char*) {}, nullptr);
  if (pq_.setnonblocking(conn_, 1) != 0) {
    return broken(PgAnswer::Kind::kLost, false, one_line(pq_.errorMessage(conn_)));
  }
  if (!setup_.empty()) {
    PgAnswer setup = exec(setup_.c_str(), deadline_ns);
    if (!setup.ok()) {
      close();
      setup.sent = false;  // nothing of the caller's was sent
      return setup;
    }
  }
  return PgAnswer{};
}

// Connects if needed, hands the statement to libpq with `send` (0: it could not), then waits
// for the answer.
template <typename Send>
PgAnswer PgConnection::send_and_await(std::int64_t deadline_ns, Send send) {
  PgAnswer connection = connect(deadline_ns);
  if (!connection.ok()) return connection;
  if (send() == 0) return broken(PgAnswer::Kind::kLost, false, one_line(pq_.errorMessage(conn_)));
  return await(deadline_ns);
}

PgAnswer PgConnection::exec(const char* sql, std::int64_t deadline_ns) {
  return send_and_await(deadline_ns, [&] { return pq_.sendQuery(conn_, sql); });
}

PgAnswer PgConnection::exec_prepared(const char* name, std::initializer_list<const char*> params,
                                     std::int64_t deadline_ns) {
  // An initializer_list's elements are one array: libpq's parameter array, as it is.
  return send_and_await(deadline_ns, [&] {
    return pq_.sendQueryPrepared(conn_, name, static_cast<int>(params.size()), params.begin(),
                                 nullptr, nullptr, 0);
  });
}

PgAnswer PgConnection::exec_params(const char* sql, std::initializer_list<const char*> params,
                                   std::int64_t deadline_ns) {
  return send_and_await(deadline_ns, [&] {
    return pq_.sendQueryParams(conn_, sql, static_cast<int>(params.size()), nullptr, params.begin(),
                               nullptr, nullptr, 0);
  });
}

PgAnswer PgConnection::await(std::int64_t deadline_ns) {
  // Push the request out; from here on it may run on the server whatever happens to us.
  for (;;) {
    const int flushed = pq_.flush(conn_);
    if (flushed == 0) break;
    if (flushed < 0) return broken(PgAnswer::Kind::kLost, true, one_line(pq_.errorMessage(conn_)));
    if (!wait_socket(/*for_write=*/true, deadline_ns)) {
      return broken(PgAnswer::Kind::kTimeout, true, "no answer before the deadline");
    }
    if (pq_.consumeInput(conn_) == 0) {
      return broken(PgAnswer::Kind::kLost, true, one_line(pq_.errorMessage(conn_)));
    }
  }
  PgAnswer answer;
  bool failed = false;
  for (;;) {
    while (pq_.isBusy(conn_) != 0) {
      if (!wait_socket(/*for_write=*/false, deadline_ns)) {
        return broken(PgAnswer::Kind::kTimeout, true, "no answer before the deadline");
      }
      if (pq_.consumeInput(conn_) == 0) {
        return broken(PgAnswer::Kind::kLost, true, one_line(pq_.errorMessage(conn_)));
      }
    }
    PGresult* result = pq_.getResult(conn_);
    if (result == nullptr) break;
    const ExecStatusType status = pq_.resultStatus(result);
    if (status == PGRES_TUPLES_OK || status == PGRES_COMMAND_OK) {
      if (!failed) {
        answer.rows = pq_.ntuples(result);
        answer.value.reset();
        answer.text.clear();
        if (answer.rows > 0 && pq_.getisnull(result, 0, 0) == 0) {
          const char* text = pq_.getvalue(result, 0, 0);
          answer.text = text;
          std::int64_t value = 0;
          const char* end = text + std::strlen(text);
          auto [ptr, error] = std::from_chars(text, end, value);
          if (error == std::errc() && ptr == end) answer.value = value;
        }
      }
    } else if (!failed) {
      failed = true;
      const char* state = pq_.resultErrorField(result, PG_DIAG_SQLSTATE);
      answer.kind = PgAnswer::Kind::kSqlError;
      answer.sqlstate = state != nullptr ? state : "";
      answer.message = one_line(pq_.resultErrorMessage(result));
    }
    pq_.clear(result);
  }
  if (pq_.status(conn_) == CONNECTION_BAD ||
      (failed && (answer.sqlstate.empty() || session_lost(answer.sqlstate)))) {
    std::string message = failed ? answer.message : one_line(pq_.errorMessage(conn_));
    return broken(PgAnswer::Kind::kLost, true, std::move(message));
  }
  return answer;
}

}  // namespace ticketsim
