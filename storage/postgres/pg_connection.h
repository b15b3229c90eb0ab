// PgConnection: one libpq connection whose every statement ends by a deadline.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>

// libpq's connection type (libpq-fe.h), declared here so that only the .cc files that call
// libpq need its header.
typedef struct pg_conn PGconn;

namespace ticketsim {

struct LibPq;

// How one statement (or a connection attempt) ended.
struct PgAnswer {
  enum class Kind {
    kRows,      // the server answered: `rows` rows, the first column of the first in `value`
    kSqlError,  // the server refused the statement: `sqlstate`, `message`
    kTimeout,   // no answer before the deadline; the connection was closed
    kLost,      // the connection broke (or could not be made); it is closed
  };
  Kind kind = Kind::kRows;
  int rows = 0;
  std::optional<std::int64_t> value;  // the first row's first column, when an integer
  std::string text;                   // the first row's first column as text ("" if null)
  std::string sqlstate;               // e.g. "40001" (serialization failure)
  std::string message;                // the server's or libpq's words, one line
  bool sent = false;  // kTimeout / kLost: the statement reached libpq's socket, so it may
                      // have run on the server

  bool ok() const { return kind == Kind::kRows; }
  bool failed() const { return kind == Kind::kTimeout || kind == Kind::kLost; }
};

// One connection to the server at `url` (a libpq connection URI or key=value string),
// opened on first use and again after it breaks. Never shared across fork: each process
// opens its own. Statements are sent asynchronously and waited for with poll(), so none
// outlives its deadline (a CLOCK_MONOTONIC time in ns; 0: no deadline): a statement that
// times out closes the connection, which makes the server roll its transaction back.
class PgConnection {
 public:
  // `setup` (may be empty) runs after every (re)connection, before the first statement:
  // the session's PREPAREs.
  PgConnection(std::string url, std::string setup);
  ~PgConnection();
  PgConnection(const PgConnection&) = delete;
  PgConnection& operator=(const PgConnection&) = delete;
  PgConnection(PgConnection&& other) noexcept;

  // Connects now if not connected: kRows (0 rows) when connected.
  PgAnswer connect(std::int64_t deadline_ns);
  // Runs `sql` (one or more statements, simple protocol): the last statement's rows, or the
  // first error.
  PgAnswer exec(const char* sql, std::int64_t deadline_ns);
  // Runs one statement with text parameters $1, $2, ... (extended protocol, unnamed).
  PgAnswer exec_params(const char* sql, std::initializer_list<const char*> params,
                       std::int64_t deadline_ns);
  // Runs the statement PREPAREd as `name` with text `params`.
  PgAnswer exec_prepared(const char* name, std::initializer_list<const char*> params,
                         std::int64_t deadline_ns);

  bool connected() const { return conn_ != nullptr; }
  // Closes the connection; the next statement reconnects. The server rolls back an open
  // transaction.
  void close();

 private:
  template <typename Send>
  PgAnswer send_and_await(std::int64_t deadline_ns, Send send);
  // Waits for the answer to what was just sent.
  PgAnswer await(std::int64_t deadline_ns);
  // Waits until the socket is readable (or writable, `for_write`) or the deadline passes.
  bool wait_socket(bool for_write, std::int64_t deadline_ns);
  PgAnswer broken(PgAnswer::Kind kind, bool sent, std::string message);
  PgAnswer connect_once(std::int64_t deadline_ns);
  // The connection's connect_timeout (URL or PGCONNECT_TIMEOUT) in ns, 0 when unbounded.
  std::int64_t connect_timeout_ns() const;

  const LibPq& pq_;
  std::string url_;
  std::string setup_;
  PGconn* conn_ = nullptr;
  bool ever_connected_ = false;
};

// The monotonic clock in ns (the customers' clock, locks/deadline.h's monotonic_ns).
std::int64_t pg_clock_ns();

}  // namespace ticketsim
