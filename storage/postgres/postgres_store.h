// A PostgreSQL table as the TicketStore: one row per trial in ticketsim's own schema.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "storage/postgres/pg_connection.h"
#include "storage/ticket_store.h"
#include "ticketsim/errors.h"

namespace ticketsim {

// True when `store` names a PostgreSQL database: a postgresql:// or postgres:// URI.
bool is_postgres_url(std::string_view store);

// `url` with its password (user:PASSWORD@ or password=...) replaced by "***", for reports,
// errors and records.
std::string redacted_postgres_url(std::string_view url);

// The StoreError for `message` about the database at `url`: the URL redacted, and any copy
// of its password in the message (libpq quotes malformed URIs) replaced by "***".
StoreError database_error(const std::string& url, const std::string& message);

// Throws what `answer`, a statement's failure, means: RunError when the database could not be
// reached or did not answer in time (the run failed, as with an unreachable Redis: exit 1),
// else database_error() (the store refused: exit 2). Passwords redacted either way.
[[noreturn]] void throw_database_failure(const std::string& url, const PgAnswer& answer);

// Throws StoreError (naming the redacted URL) when libpq cannot parse `url`.
void check_postgres_url(const std::string& url);

// The schema and table ticketsim keeps its rows in; it creates them if missing and touches
// nothing else in the database.
inline constexpr const char* kPostgresSchema = "ticketsim";
inline constexpr const char* kPostgresTable = "ticketsim.trial_stores";

// What a transaction begun by a database lock mode is.
enum class TransactionIsolation { kReadCommitted, kSerializable };

// One customer's row, reached over its own connection. Outside a transaction every
// statement commits by itself (mode none's read and write); the database lock modes
// (locks/row_lock.h, ...) open a transaction around the purchase with begin() and end it
// with commit() or rollback(), and the reads and writes in between belong to it.
// A statement the server aborts its transaction for (serialization failure, deadlock)
// throws TransactionConflict, after rolling the transaction back.
class PostgresTicketStore final : public TicketStore {
 public:
  // `timeout_ns` bounds every statement (a lock wait passes its own deadline).
  PostgresTicketStore(const std::string& url, const std::string& row, std::int64_t timeout_ns);

  StoreReply read_count() override;
  // In a transaction the write is part of it, and takes effect at commit(); outside one it
  // commits at once (a lost answer is then kIndeterminate).
  StoreReply write_count(std::int64_t count) override;
  // UPDATE ... WHERE count = expected RETURNING: kOk, or kConflict (count unknown: -1).
  StoreReply compare_and_set(std::int64_t expected, std::int64_t desired) override;
  bool compare_and_set_is_atomic() const override { return true; }
  bool reads_need_lock() const override { return false; }
  // One UPDATE ... SET count = count - 1 WHERE count > 0 RETURNING count: kOk with the count
  // left, or kConflict with count 0 when nothing was left to sell.
  StoreReply take_one() override;
  // UPDATE ... SET count, fence = token WHERE fence <= token RETURNING: kOk, or kConflict
  // with the newer token the row holds.
  StoreReply write_count_fenced(std::int64_t count, std::int64_t token) override;
  // The barrier rows are keyed by this trial's row name (storage/postgres/shared_experiment.h).
  bool meet_other_hosts(const std::string& point, int hosts, std::int64_t deadline_ns) override;
  void restore(std::int64_t count) override;

  // Opens a transaction. kOk, or a failure (nothing begun).
  StoreReply begin(TransactionIsolation isolation);
  // In a transaction: locks the row (SELECT ... FOR UPDATE), waiting until `deadline_ns`
  // (0: the statement timeout) or, unless `wait`, not at all: kOk with the count, kConflict
  // when another transaction holds it (nowait; the transaction is rolled back), kTimeout.
  StoreReply lock_row(bool wait, std::int64_t deadline_ns);
  // In a transaction: takes the transaction-scoped advisory lock keyed by the row's name
  // (pg_advisory_xact_lock), as lock_row() does.
  StoreReply lock_advisory(bool wait, std::int64_t deadline_ns);
  // Ends the transaction: kOk; kIndeterminate when the answer was lost
  // after COMMIT was sent; kConnectionLost when it never reached the server.
  StoreReply commit();
  // Ends the transaction, undoing it (or forgets it when the connection is gone).
  void rollback() override;
  bool in_transaction() const override { return in_transaction_; }

 private:
  std::int64_t deadline() const { return pg_clock_ns() + timeout_ns_; }
  // Maps a statement's answer to the store's, `writes` when the statement changes the row.
  StoreReply reply_for(const PgAnswer& answer, bool writes);

  PgConnection connection_;
  std::string url_full_;                 // with its password: for a second connection
  std::optional<PgConnection> barrier_;  // --hosts: barriers met while in a transaction
  std::string row_;
  std::string url_;  // redacted, for errors
  std::int64_t timeout_ns_;
  bool in_transaction_ = false;
};

// Deletes the rows that runs on this host left when they were killed (their pid is gone),
// and returns their names. Throws StoreError when the database cannot be reached.
std::vector<std::string> remove_rows_of_dead_runs(const std::string& url);

// Creates the trial's row (named site.object_name, holding site.tickets) in `url`'s
// ticketsim schema, creating the schema and table if missing; the provider deletes the row
// when destroyed. Throws StoreError naming the redacted URL when the database cannot be
// reached or refuses. Each customer opens its own connection.
std::unique_ptr<StoreProvider> make_postgres_store_provider(const std::string& url,
                                                            const StoreSite& site);

}  // namespace ticketsim
