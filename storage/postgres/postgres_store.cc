#include "storage/postgres/postgres_store.h"

#include <signal.h>
#include <time.h>
#include <unistd.h>

#include <cerrno>

#include <cstring>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "simulator/text/translate.h"
#include "storage/postgres/libpq_library.h"
#include "storage/postgres/shared_experiment.h"
#include "ticketsim/errors.h"

namespace ticketsim {
namespace {

// How long the parent waits for the database when it creates, reads or removes a row.
constexpr std::int64_t kParentTimeoutNs = 30'000'000'000;
// ... and for its first contact in a run, when a server that accepts connections and never
// answers should be reported soon.
constexpr std::int64_t kFirstContactTimeoutNs = 10'000'000'000;

// Every customer session's statements, prepared once per connection. The names are the row
// ($1) and counts; the advisory lock's key is derived from the row's name by the server.
constexpr const char* kCustomerSetup =
    "SET client_connection_check_interval = 1000;"
    "PREPARE ts_read(text) AS SELECT count FROM ticketsim.trial_stores WHERE name = $1;"
    "PREPARE ts_lock_row(text) AS"
    " SELECT count FROM ticketsim.trial_stores WHERE name = $1 FOR UPDATE;"
    "PREPARE ts_lock_row_nowait(text) AS"
    " SELECT count FROM ticketsim.trial_stores WHERE name = $1 FOR UPDATE NOWAIT;"
    "PREPARE ts_lock_advisory(text) AS SELECT 1 FROM pg_advisory_xact_lock(hashtextextended($1, "
    "0));"
    "PREPARE ts_try_advisory(text) AS"
    " SELECT CASE WHEN pg_try_advisory_xact_lock(hashtextextended($1, 0)) THEN 1 ELSE 0 END;"
    "PREPARE ts_write(text, bigint) AS UPDATE ticketsim.trial_stores SET count = $2 WHERE name = "
    "$1;"
    "PREPARE ts_swap(text, bigint, bigint) AS UPDATE ticketsim.trial_stores SET count = $3"
    " WHERE name = $1 AND count = $2 RETURNING count;"
    "PREPARE ts_write_fenced(text, bigint, bigint) AS UPDATE ticketsim.trial_stores"
    " SET count = $2, fence = $3 WHERE name = $1 AND fence <= $3 RETURNING count;"
    "PREPARE ts_fence(text) AS SELECT fence FROM ticketsim.trial_stores WHERE name = $1;"
    "PREPARE ts_take(text) AS UPDATE ticketsim.trial_stores SET count = count - 1"
    " WHERE name = $1 AND count > 0 RETURNING count;";

// SQLSTATEs after which the transaction is gone and retrying it may succeed: serialization
// failure, deadlock detected.
bool transaction_conflict(const std::string& sqlstate) {
  return sqlstate == "40001" || sqlstate == "40P01";
}

}  // namespace

bool is_postgres_url(std::string_view store) {
  return store.rfind("postgresql://", 0) == 0 || store.rfind("postgres://", 0) == 0;
}

namespace {

// Where the passwords in `url` are, as [begin, end) offsets: the userinfo's
// (scheme://user:PASSWORD@host) and every password=... parameter.
std::vector<std::pair<std::size_t, std::size_t>> password_spans(std::string_view url) {
  std::vector<std::pair<std::size_t, std::size_t>> spans;
  const std::size_t scheme = url.find("://");
  if (scheme != std::string_view::npos) {
    const std::size_t start = scheme + 3;
    const std::size_t at = url.find('@', start);
    const std::size_t slash = url.find('/', start);
    const std::size_t colon = url.find(':', start);
    if (at != std::string_view::npos && (slash == std::string_view::npos || at < slash) &&
        colon != std::string_view::npos && colon < at) {
      spans.emplace_back(colon + 1, at);
    }
  }
  for (std::size_t key = url.find("password="); key != std::string_view::npos;
       key = url.find("password=", key + 1)) {
    const std::size_t begin = key + std::strlen("password=");
    const std::size_t end = url.find_first_of("& ", begin);
    spans.emplace_back(begin, end == std::string_view::npos ? url.size() : end);
  }
  return spans;
}

}  // namespace

std::string redacted_postgres_url(std::string_view url) {
  std::string text(url);
  const auto spans = password_spans(url);
  for (auto span = spans.rbegin(); span != spans.rend(); ++span) {  // last first: offsets hold
    text.replace(span->first, span->second - span->first, "***");
  }
  return text;
}

StoreError database_error(const std::string& url, const std::string& message) {
  std::string text = message;
  for (const auto& [begin, end] : password_spans(url)) {
    const std::string password = url.substr(begin, end - begin);
    if (password.empty()) continue;
    // libpq's messages may quote the URI or a piece of it (a malformed one, a bad
    // percent-encoding): no copy of the password leaves.
    for (std::size_t at = text.find(password); at != std::string::npos;
         at = text.find(password, at + 3)) {
      text.replace(at, password.size(), "***");
    }
  }
  return StoreError(redacted_postgres_url(url), text);
}

void throw_database_failure(const std::string& url, const PgAnswer& answer) {
  const StoreError error = database_error(url, answer.message);
  if (answer.failed()) {
    // libpq's own words (error.problem()) stay as libpq wrote them.
    throw RunError(trf("cannot reach the database store {}: {}", error.path(), error.problem()));
  }
  throw error;
}

void check_postgres_url(const std::string& url) {
  const LibPq& pq = libpq();
  char* error = nullptr;
  PQconninfoOption* options = pq.conninfoParse(url.c_str(), &error);
  if (options == nullptr) {
    std::string why = error != nullptr ? error : "not a PostgreSQL connection URI";
    if (error != nullptr) pq.freemem(error);
    while (!why.empty() && (why.back() == '\n' || why.back() == ' ')) why.pop_back();
    throw database_error(url, why);
  }
  pq.conninfoFree(options);
}

PostgresTicketStore::PostgresTicketStore(const std::string& url, const std::string& row,
                                         std::int64_t timeout_ns)
    : connection_(url, kCustomerSetup),
      url_full_(url),
      row_(row),
      url_(redacted_postgres_url(url)),
      timeout_ns_(timeout_ns) {}

StoreReply PostgresTicketStore::reply_for(const PgAnswer& answer, bool writes) {
  switch (answer.kind) {
    case PgAnswer::Kind::kRows:
      return StoreReply{StoreStatus::kOk, answer.value.value_or(0)};
    case PgAnswer::Kind::kSqlError:
      if (transaction_conflict(answer.sqlstate)) {
        in_transaction_ = false;
        connection_.exec("ROLLBACK", deadline());
        throw TransactionConflict("PostgreSQL: " + answer.message);
      }
      throw database_error(url_full_, answer.message);
    case PgAnswer::Kind::kTimeout:
    case PgAnswer::Kind::kLost: {
      // A statement inside a transaction never takes effect without its COMMIT, which
      // the lost connection rolls back; a statement on its own may have.
      const bool may_have_run = writes && answer.sent && !in_transaction_;
      in_transaction_ = false;
      StoreStatus status = may_have_run                              ? StoreStatus::kIndeterminate
                           : answer.kind == PgAnswer::Kind::kTimeout ? StoreStatus::kTimeout
                                                                     : StoreStatus::kConnectionLost;
      return StoreReply{status, 0, "PostgreSQL: " + answer.message};
    }
  }
  return StoreReply{StoreStatus::kConnectionLost};
}

StoreReply PostgresTicketStore::read_count() {
  PgAnswer answer = connection_.exec_prepared("ts_read", {row_.c_str()}, deadline());
  if (answer.ok() && (answer.rows == 0 || !answer.value)) return StoreReply{StoreStatus::kTorn};
  return reply_for(answer, /*writes=*/false);
}

StoreReply PostgresTicketStore::write_count(std::int64_t count) {
  const std::string value = std::to_string(count);
  PgAnswer answer =
      connection_.exec_prepared("ts_write", {row_.c_str(), value.c_str()}, deadline());
  StoreReply reply = reply_for(answer, /*writes=*/true);
  if (reply.ok()) reply.count = count;
  return reply;
}

StoreReply PostgresTicketStore::compare_and_set(std::int64_t expected, std::int64_t desired) {
  const std::string from = std::to_string(expected);
  const std::string to = std::to_string(desired);
  PgAnswer answer =
      connection_.exec_prepared("ts_swap", {row_.c_str(), from.c_str(), to.c_str()}, deadline());
  if (answer.ok() && answer.rows == 0) return StoreReply{StoreStatus::kConflict, -1};
  return reply_for(answer, /*writes=*/true);
}

StoreReply PostgresTicketStore::write_count_fenced(std::int64_t count, std::int64_t token) {
  const std::string value = std::to_string(count);
  const std::string fence = std::to_string(token);
  PgAnswer answer = connection_.exec_prepared(
      "ts_write_fenced", {row_.c_str(), value.c_str(), fence.c_str()}, deadline());
  if (answer.ok() && answer.rows == 0) {
    PgAnswer newer = connection_.exec_prepared("ts_fence", {row_.c_str()}, deadline());
    return StoreReply{StoreStatus::kConflict, newer.value.value_or(-1)};
  }
  StoreReply reply = reply_for(answer, /*writes=*/true);
  if (reply.ok()) reply.count = count;
  return reply;
}

bool PostgresTicketStore::meet_other_hosts(const std::string& point, int hosts,
                                           std::int64_t deadline_ns) {
  // Inside a transaction (serializable's race point) the purchase's own connection would
  // see its snapshot, never the other hosts' arrivals: meet over a connection of its own.
  if (!in_transaction_) return meet_hosts(connection_, row_, point, hosts, deadline_ns);
  if (!barrier_) barrier_.emplace(url_full_, "");
  return meet_hosts(*barrier_, row_, point, hosts, deadline_ns);
}

StoreReply PostgresTicketStore::take_one() {
  PgAnswer answer = connection_.exec_prepared("ts_take", {row_.c_str()}, deadline());
  if (answer.ok() && answer.rows == 0) return StoreReply{StoreStatus::kConflict, 0};
  return reply_for(answer, /*writes=*/true);
}

void PostgresTicketStore::restore(std::int64_t count) {
  require_answer(write_count(count), "write");
}

StoreReply PostgresTicketStore::begin(TransactionIsolation isolation) {
  const char* sql = isolation == TransactionIsolation::kSerializable
                        ? "BEGIN ISOLATION LEVEL SERIALIZABLE"
                        : "BEGIN";
  StoreReply reply = reply_for(connection_.exec(sql, deadline()), /*writes=*/false);
  if (reply.ok()) in_transaction_ = true;
  return reply;
}

StoreReply PostgresTicketStore::lock_row(bool wait, std::int64_t deadline_ns) {
  PgAnswer answer =
      connection_.exec_prepared(wait ? "ts_lock_row" : "ts_lock_row_nowait", {row_.c_str()},
                                deadline_ns != 0 ? deadline_ns : deadline());
  if (answer.kind == PgAnswer::Kind::kSqlError && answer.sqlstate == "55P03") {
    rollback();  // lock_not_available: the NOWAIT found it held
    return StoreReply{StoreStatus::kConflict, -1};
  }
  return reply_for(answer, /*writes=*/false);
}

StoreReply PostgresTicketStore::lock_advisory(bool wait, std::int64_t deadline_ns) {
  PgAnswer answer =
      connection_.exec_prepared(wait ? "ts_lock_advisory" : "ts_try_advisory", {row_.c_str()},
                                deadline_ns != 0 ? deadline_ns : deadline());
  if (answer.ok() && answer.value.value_or(0) == 0) {
    rollback();  // pg_try_advisory_xact_lock found it held
    return StoreReply{StoreStatus::kConflict, -1};
  }
  return reply_for(answer, /*writes=*/false);
}

StoreReply PostgresTicketStore::commit() {
  if (!in_transaction_) return StoreReply{};
  PgAnswer answer = connection_.exec("COMMIT", deadline());
  // COMMIT is the write: an answer lost after it was sent leaves the outcome unknown.
  in_transaction_ = false;
  if (answer.failed()) {
    return StoreReply{answer.sent ? StoreStatus::kIndeterminate : StoreStatus::kConnectionLost, 0,
                      "PostgreSQL: " + answer.message};
  }
  return reply_for(answer, /*writes=*/true);
}

void PostgresTicketStore::rollback() {
  if (!in_transaction_) return;
  in_transaction_ = false;
  connection_.exec("ROLLBACK", deadline());  // a lost connection rolls back too
}

namespace {

// Runs one of the parent's statements, all of them idempotent, on `admin`. With `retry`
// (after the trial began: the server may be restarting) it tries again, reconnecting, while
// the server cannot be reached, until kParentTimeoutNs has passed; the first contact fails at
// once, so that a wrong address is reported without a wait. Returns the answer or the last
// failure.
PgAnswer parent_exec(PgConnection& admin, const char* sql,
                     std::initializer_list<const char*> params, bool retry) {
  const std::int64_t deadline = pg_clock_ns() + (retry ? kParentTimeoutNs : kFirstContactTimeoutNs);
  std::int64_t pause_ns = 50'000'000;
  for (;;) {
    PgAnswer answer =
        params.size() == 0 ? admin.exec(sql, deadline) : admin.exec_params(sql, params, deadline);
    const bool starting = answer.kind == PgAnswer::Kind::kSqlError && answer.sqlstate == "57P03";
    if (!retry || (!answer.failed() && !starting)) return answer;
    if (pg_clock_ns() + pause_ns > deadline) return answer;
    admin.close();
    const timespec pause{0, static_cast<long>(pause_ns)};
    ::nanosleep(&pause, nullptr);
  }
}

// Creates what is missing, nothing else. No ALTER TABLE, ever: its ACCESS EXCLUSIVE lock
// would queue behind any customer of another run idle in a transaction on the table (a
// `step` session between two keys), and every query of every run would queue behind it.
constexpr const char* kSchema =
    "SET client_min_messages = warning;"
    "BEGIN;"
    "SELECT pg_advisory_xact_lock(hashtextextended('ticketsim.schema', 0));"
    "CREATE SCHEMA IF NOT EXISTS ticketsim;"
    "CREATE TABLE IF NOT EXISTS ticketsim.trial_stores ("
    " name text PRIMARY KEY,"
    " count bigint,"
    " host text NOT NULL,"
    " pid integer NOT NULL,"
    " created timestamptz NOT NULL DEFAULT clock_timestamp(),"
    " fence bigint NOT NULL DEFAULT 0);"
    "COMMIT;";

// The databases whose schema this process has made sure of: a run of many trials does it
// once, not per trial (concurrent runs are ordered by the advisory lock in kSchema).
std::set<std::string>& schemas_ensured() {
  static std::set<std::string> urls;
  return urls;
}

// The parent's side: creates the row before the customers fork (over a connection it
// closes before they do), then, after they are reaped, reads it, restores it if needed and
// deletes it over one more connection, kept from the first of those to the last. Nothing is
// shared across fork.
class PostgresStoreProvider final : public StoreProvider {
 public:
  PostgresStoreProvider(std::string url, const StoreSite& site)
      : url_(std::move(url)),
        row_(site.object_name),
        timeout_ns_(site.timeout_ns),
        shared_(site.shared),
        after_(url_, "") {
    PgConnection before(url_, "");
    if (schemas_ensured().count(url_) == 0) {
      check(parent_exec(before, kSchema, {}, /*retry=*/false));
      schemas_ensured().insert(url_);
    }
    char host[256] = {};
    ::gethostname(host, sizeof host - 1);
    const std::string tickets = std::to_string(site.tickets);
    const std::string pid = std::to_string(::getpid());
    // A shared row (--hosts) is made by the first host to come; the others find it there.
    check(parent_exec(before,
                      shared_ ? "INSERT INTO ticketsim.trial_stores (name, count, host, pid)"
                                " VALUES ($1, $2, $3, $4) ON CONFLICT (name) DO NOTHING"
                              : "INSERT INTO ticketsim.trial_stores (name, count, host, pid)"
                                " VALUES ($1, $2, $3, $4)",
                      {row_.c_str(), tickets.c_str(), host, pid.c_str()}, /*retry=*/false));
  }

  ~PostgresStoreProvider() override {
    if (shared_) return;  // the last host to finish the trial removes it
    try {
      parent_exec(after_, "DELETE FROM ticketsim.trial_stores WHERE name = $1", {row_.c_str()},
                  /*retry=*/true);
    } catch (...) {
      // The row stays; the next run on this host removes the rows of dead runs.
    }
  }

  TicketStore& open_for_customer(StoreSlot& slot) const override {
    return slot.emplace<PostgresTicketStore>(url_, row_, timeout_ns_);
  }

  StoreSnapshot snapshot() const override {
    PgAnswer answer =
        parent_exec(after_, "SELECT count FROM ticketsim.trial_stores WHERE name = $1",
                    {row_.c_str()}, /*retry=*/true);
    check(answer);
    if (answer.rows == 0 || !answer.value) return StoreSnapshot{};
    return StoreSnapshot{*answer.value, "{\"count\": " + std::to_string(*answer.value) + "}"};
  }

  void restore(std::int64_t count) const override {
    const std::string value = std::to_string(count);
    check(parent_exec(after_, "UPDATE ticketsim.trial_stores SET count = $2 WHERE name = $1",
                      {row_.c_str(), value.c_str()}, /*retry=*/true));
  }

 private:
  void check(const PgAnswer& answer) const {
    if (!answer.ok()) throw_database_failure(url_, answer);
  }

  std::string url_;
  std::string row_;
  std::int64_t timeout_ns_;
  bool shared_;
  // Opened by the first use after the customers were reaped (snapshot, restore or the
  // removal), never before a fork.
  mutable PgConnection after_;
};

}  // namespace

std::vector<std::string> remove_rows_of_dead_runs(const std::string& url) {
  PgConnection admin(url, "");
  char host[256] = {};
  ::gethostname(host, sizeof host - 1);
  const std::int64_t deadline = pg_clock_ns() + kFirstContactTimeoutNs;
  PgAnswer exists =
      admin.exec("SELECT 1 WHERE to_regclass('ticketsim.trial_stores') IS NOT NULL", deadline);
  if (!exists.ok()) throw_database_failure(url, exists);
  std::vector<std::string> removed;
  if (exists.rows == 0) return removed;
  PgAnswer pids = admin.exec_params(
      "SELECT string_agg(DISTINCT pid::text, ',') FROM ticketsim.trial_stores WHERE host = $1",
      {host}, deadline);
  if (!pids.ok()) throw_database_failure(url, pids);
  std::size_t start = 0;
  while (start < pids.text.size()) {
    std::size_t comma = pids.text.find(',', start);
    if (comma == std::string::npos) comma = pids.text.size();
    const std::string pid = pids.text.substr(start, comma - start);
    start = comma + 1;
    if (::kill(static_cast<pid_t>(std::stol(pid)), 0) == 0 || errno != ESRCH) continue;
    PgAnswer gone =
        admin.exec_params("DELETE FROM ticketsim.trial_stores WHERE host = $1 AND pid = $2",
                          {host, pid.c_str()}, deadline);
    if (gone.ok()) removed.push_back(std::string(kPostgresTable) + " rows of pid " + pid);
  }
  return removed;
}

std::unique_ptr<StoreProvider> make_postgres_store_provider(const std::string& url,
                                                            const StoreSite& site) {
  return std::make_unique<PostgresStoreProvider>(url, site);
}

}  // namespace ticketsim
