/* The hand-written baseline for the database modes: what a programmer would write with libpq
 * to run N processes x M purchases against one row, issuing the same statements ticketsim
 * issues per mode (storage/postgres/postgres_store.cc), with none of ticketsim's recording.
 * The parent creates the row (in ticketsim's schema, under its own name) and removes it.
 *
 * usage: libpq_loop MODE PROCS PURCHASES TICKETS
 * The database is libpq's default, from the environment (PGHOST, PGPORT, PGUSER, ...).
 * MODE: none, row-lock, advisory, optimistic, atomic, serializable. Prints "sold N final C". */
#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static PGconn* connect_or_die(void) {
  PGconn* conn = PQconnectdb("");
  if (PQstatus(conn) != CONNECTION_OK) {
    fprintf(stderr, "libpq_loop: %s", PQerrorMessage(conn));
    exit(1);
  }
  return conn;
}

/* Runs a statement; returns its first value (or -1), or -2 on a serialization failure. */
static long long run(PGconn* conn, PGresult* result) {
  long long value = -1;
  ExecStatusType status = PQresultStatus(result);
  if (status == PGRES_TUPLES_OK && PQntuples(result) > 0) value = atoll(PQgetvalue(result, 0, 0));
  if (status == PGRES_TUPLES_OK && PQntuples(result) == 0) value = -3; /* no row matched */
  if (status == PGRES_FATAL_ERROR) {
    const char* state = PQresultErrorField(result, PG_DIAG_SQLSTATE);
    if (state != NULL && strcmp(state, "40001") == 0) {
      value = -2;
    } else {
      fprintf(stderr, "libpq_loop: %s", PQerrorMessage(conn));
      exit(1);
    }
  }
  PQclear(result);
  return value;
}

static long long simple(PGconn* conn, const char* sql) { return run(conn, PQexec(conn, sql)); }

static long long prepared(PGconn* conn, const char* name, int n, const char* a, const char* b,
                          const char* c) {
  const char* values[3] = {a, b, c};
  return run(conn, PQexecPrepared(conn, name, n, values, NULL, NULL, 0));
}

static int customer(const char* mode, const char* row, int purchases) {
  PGconn* conn = connect_or_die();
  simple(conn,
         "PREPARE ts_read(text) AS SELECT count FROM ticketsim.trial_stores WHERE name = $1;"
         "PREPARE ts_lock_row(text) AS"
         " SELECT count FROM ticketsim.trial_stores WHERE name = $1 FOR UPDATE;"
         "PREPARE ts_lock_advisory(text) AS"
         " SELECT 1 FROM pg_advisory_xact_lock(hashtextextended($1, 0));"
         "PREPARE ts_write(text, bigint) AS"
         " UPDATE ticketsim.trial_stores SET count = $2 WHERE name = $1;"
         "PREPARE ts_swap(text, bigint, bigint) AS UPDATE ticketsim.trial_stores SET count = $3"
         " WHERE name = $1 AND count = $2 RETURNING count;"
         "PREPARE ts_take(text) AS UPDATE ticketsim.trial_stores SET count = count - 1"
         " WHERE name = $1 AND count > 0 RETURNING count;");
  int sold = 0;
  char next[32];
  prepared(conn, "ts_read", 1, row, NULL, NULL); /* the search */
  for (int i = 0; i < purchases; ++i) {
    if (strcmp(mode, "atomic") == 0) {
      sold += prepared(conn, "ts_take", 1, row, NULL, NULL) >= 0;
    } else if (strcmp(mode, "optimistic") == 0) {
      for (;;) {
        long long count = prepared(conn, "ts_read", 1, row, NULL, NULL);
        if (count <= 0) break;
        char seen[32];
        snprintf(seen, sizeof seen, "%lld", count);
        snprintf(next, sizeof next, "%lld", count - 1);
        if (prepared(conn, "ts_swap", 3, row, seen, next) >= 0) {
          ++sold;
          break;
        }
      }
    } else if (strcmp(mode, "none") == 0) {
      long long count = prepared(conn, "ts_read", 1, row, NULL, NULL);
      if (count > 0) {
        snprintf(next, sizeof next, "%lld", count - 1);
        prepared(conn, "ts_write", 2, row, next, NULL);
        ++sold;
      }
    } else {
      for (;;) { /* row-lock, advisory, serializable: one transaction, retried on 40001 */
        const int serializable = strcmp(mode, "serializable") == 0;
        simple(conn, serializable ? "BEGIN ISOLATION LEVEL SERIALIZABLE" : "BEGIN");
        if (strcmp(mode, "row-lock") == 0) prepared(conn, "ts_lock_row", 1, row, NULL, NULL);
        if (strcmp(mode, "advisory") == 0) prepared(conn, "ts_lock_advisory", 1, row, NULL, NULL);
        long long count = prepared(conn, "ts_read", 1, row, NULL, NULL);
        if (count == -2) { simple(conn, "ROLLBACK"); continue; }
        if (count > 0) {
          snprintf(next, sizeof next, "%lld", count - 1);
          if (prepared(conn, "ts_write", 2, row, next, NULL) == -2) { simple(conn, "ROLLBACK"); continue; }
        }
        if (simple(conn, "COMMIT") == -2) continue;
        sold += count > 0;
        break;
      }
    }
  }
  PQfinish(conn);
  return sold > 255 ? 255 : sold; /* the exit status only says whether it sold */
}

int main(int argc, char** argv) {
  if (argc != 5) {
    fprintf(stderr, "usage: libpq_loop MODE PROCS PURCHASES TICKETS\n");
    return 2;
  }
  const char* mode = argv[1];
  const int procs = atoi(argv[2]);
  const int purchases = atoi(argv[3]);
  char row[64];
  snprintf(row, sizeof row, "libpq_loop.%d", (int)getpid());
  PGconn* admin = connect_or_die();
  simple(admin, "SET client_min_messages = warning; CREATE SCHEMA IF NOT EXISTS ticketsim;"
                "CREATE TABLE IF NOT EXISTS ticketsim.trial_stores (name text PRIMARY KEY,"
                " count bigint, host text NOT NULL, pid integer NOT NULL,"
                " created timestamptz NOT NULL DEFAULT clock_timestamp())");
  const char* insert[2] = {row, argv[4]};
  run(admin, PQexecParams(admin,
                          "INSERT INTO ticketsim.trial_stores (name, count, host, pid)"
                          " VALUES ($1, $2, 'libpq_loop', 0)",
                          2, NULL, insert, NULL, NULL, 0));
  for (int i = 0; i < procs; ++i) {
    pid_t pid = fork();
    if (pid == 0) _exit(customer(mode, row, purchases));
  }
  int status;
  while (wait(&status) > 0) {
  }
  const char* key[1] = {row};
  long long final_count = run(admin, PQexecParams(admin,
                                                  "DELETE FROM ticketsim.trial_stores WHERE name = $1"
                                                  " RETURNING count",
                                                  1, NULL, key, NULL, NULL, 0));
  printf("final %lld\n", final_count);
  PQfinish(admin);
  return 0;
}
