// The PostgreSQL store and the database's own modes, against a private cluster: CTest runs
// this program under pg_virtualenv (tests/CMakeLists.txt), which starts a throw-away
// PostgreSQL and sets PGHOST, PGPORT, PGUSER, PGPASSWORD and PGDATABASE, so the store
// "postgresql://" (libpq fills in the rest from them) is that cluster.
#include <catch2/catch.hpp>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdlib>
#include <string>
#include <vector>

#include "simulator/text/display_width.h"
#include "tests/private_redis.h"
#include "tests/test_support.h"
#include "ticketsim/errors.h"
#include "ticketsim/experiment.h"

using ticketsim::ExperimentConfig;
using ticketsim::Mode;
using ticketsim::Schedule;
using ticketsim::testing::run_command;
using ticketsim::testing::ticketsim_cli;

namespace {

const std::string kStore = "postgresql://";

// Runs `sql` with psql in the private cluster; its output without alignment, without the
// last newline.
std::string psql(const std::string& sql) {
  auto result =
      run_command({"/usr/bin/psql", "-X", "-A", "-t", "-q", "-v", "ON_ERROR_STOP=1", "-c", sql});
  INFO(result.err);
  REQUIRE(result.exit_code == 0);
  if (!result.out.empty() && result.out.back() == '\n') result.out.pop_back();
  return result.out;
}

// ticketsim's rows in the database (none when every run cleaned up after itself).
std::string trial_rows() {
  return psql(
      "SELECT coalesce(string_agg(name, ','), '') FROM ticketsim.trial_stores WHERE "
      "to_regclass('ticketsim.trial_stores') IS NOT NULL");
}

ExperimentConfig lockstep(Mode mode, int procs, std::int64_t tickets, int trials) {
  ExperimentConfig config;
  config.store_path = kStore;
  config.mode = mode;
  config.schedule = Schedule::kLockstep;
  config.procs = procs;
  config.tickets = tickets;
  config.trials = trials;
  config.latency = {std::chrono::milliseconds(2), std::chrono::milliseconds(2)};
  config.hold = {};
  config.search_latency = {};
  return config;
}

}  // namespace

TEST_CASE("the private cluster is there (PGHOST set by pg_virtualenv)", "[database]") {
  REQUIRE(std::getenv("PGHOST") != nullptr);
  REQUIRE(psql("SELECT 1") == "1");
}

TEST_CASE("mode none on a database row oversells by exactly procs - tickets under lockstep",
          "[database]") {
  auto result = ticketsim::run_experiment(lockstep(Mode::kNone, 6, 2, 5));
  REQUIRE(result.trials.size() == 5);
  for (const auto& trial : result.trials) {
    CAPTURE(trial.index);
    REQUIRE(trial.database_store);
    REQUIRE(trial.sold == 6);
    REQUIRE(trial.oversold == 4);
    REQUIRE(trial.final_count == 1);  // everyone read 2 and wrote 1
    REQUIRE(trial.lost_updates == 5);
    REQUIRE(trial.errors == 0);
    REQUIRE(trial.unsafe());
  }
  REQUIRE(trial_rows().empty());
}

TEST_CASE("the database's modes sell exactly the tickets with the race window held open",
          "[database]") {
  auto mode = GENERATE(Mode::kRowLock, Mode::kAdvisory, Mode::kOptimistic, Mode::kAtomic,
                       Mode::kSerializable, Mode::kFlock);
  CAPTURE(ticketsim::mode_name(mode));
  // Lockstep: every customer has searched and is at the purchase before anyone buys; the 2 ms
  // think time inside each purchase is the window none loses in.
  auto result = ticketsim::run_experiment(lockstep(mode, 6, 3, 8));
  REQUIRE(result.trials.size() == 8);
  for (const auto& trial : result.trials) {
    CAPTURE(trial.index);
    REQUIRE(trial.sold == 3);
    REQUIRE(trial.oversold == 0);
    REQUIRE(trial.final_count == 0);
    REQUIRE(trial.lost_updates == 0);
    REQUIRE(trial.errors == 0);
    // Serializable transactions overlap by design; the others exclude.
    if (ticketsim::mode_promises_mutual_exclusion(mode)) REQUIRE(trial.mutex_violations == 0);
    REQUIRE(trial.verdict() == "safe");
  }
  REQUIRE(trial_rows().empty());
}

TEST_CASE("serializable and optimistic retry every purchase that lost its race", "[database]") {
  auto mode = GENERATE(Mode::kSerializable, Mode::kOptimistic);
  CAPTURE(ticketsim::mode_name(mode));
  // Lockstep: all 4 read the count before anyone writes, so in the first round one purchase
  // wins and the other 3 are aborted (serializable) or find the count changed (optimistic).
  auto result = ticketsim::run_experiment(lockstep(mode, 4, 4, 3));
  for (const auto& trial : result.trials) {
    CAPTURE(trial.index);
    REQUIRE(trial.sold == 4);
    REQUIRE(trial.oversold == 0);
    REQUIRE(trial.retries >= 3);
  }
}

TEST_CASE("a database run touches nothing but its own rows, and removes them", "[database]") {
  psql(
      "CREATE TABLE IF NOT EXISTS public.customers_own (id int, note text);"
      "DELETE FROM public.customers_own; INSERT INTO public.customers_own VALUES (1, 'mine')");
  auto run = ticketsim_cli({"run", "--store", kStore, "--mode", "row-lock", "--procs", "4",
                            "--tickets", "2", "--trials", "3", "--latency", "1ms", "--hold", "0",
                            "--search-latency", "0"});
  INFO(run.out << run.err);
  REQUIRE(run.exit_code == 0);
  REQUIRE(run.out.find("safe") != std::string::npos);
  REQUIRE(psql("SELECT id || ':' || note FROM public.customers_own") == "1:mine");
  REQUIRE(psql("SELECT string_agg(table_name, ',') FROM information_schema.tables WHERE "
               "table_schema = 'ticketsim'") == "trial_stores");
  REQUIRE(trial_rows().empty());
}

TEST_CASE("a database compare reports the six database modes and flock side by side",
          "[database]") {
  auto run = ticketsim_cli({"compare", "--store", kStore, "--modes", "all", "--procs", "4",
                            "--tickets", "2", "--schedule", "lockstep", "--latency", "1ms",
                            "--hold", "0", "--search-latency", "0", "--json"});
  INFO(run.out << run.err);
  REQUIRE(run.exit_code == 0);
  for (const char* mode : {"\"none\"", "\"row-lock\"", "\"advisory\"", "\"optimistic\"",
                           "\"atomic\"", "\"serializable\""}) {
    CAPTURE(mode);
    REQUIRE(run.out.find(mode) != std::string::npos);
  }
  REQUIRE(trial_rows().empty());
}

TEST_CASE(
    "a database or a Redis that cannot be reached fails the run (exit 1), naming it, "
    "password hidden",
    "[database]") {
  // Port 1 on the loopback: nothing listens there.
  auto run = ticketsim_cli({"run", "--store", "postgresql://someone:secret@127.0.0.1:1/db",
                            "--mode", "row-lock", "--procs", "2"});
  INFO(run.out << run.err);
  REQUIRE(run.exit_code == 1);
  REQUIRE(run.err.find("cannot reach the database store postgresql://someone:***@127.0.0.1:1/db") !=
          std::string::npos);
  REQUIRE(run.err.find("secret") == std::string::npos);
  REQUIRE(run.err.find("connect") != std::string::npos);
  auto redis = ticketsim_cli({"run", "--store", kStore, "--mode", "redis-lock", "--redis",
                              "redis://127.0.0.1:1", "--procs", "2"});
  INFO(redis.out << redis.err);
  REQUIRE(redis.exit_code == 1);
  REQUIRE(redis.err.find("Redis at redis://127.0.0.1:1") != std::string::npos);
  REQUIRE(trial_rows().empty());
}

TEST_CASE("a database that accepts but never answers is given up at the URL's connect_timeout",
          "[database]") {
  // A socket that listens and never answers: the kernel completes the handshake, and the
  // startup message waits for ever.
  const int listener = ::socket(AF_INET, SOCK_STREAM, 0);
  REQUIRE(listener >= 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  REQUIRE(::bind(listener, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0);
  REQUIRE(::listen(listener, 8) == 0);
  socklen_t length = sizeof address;
  REQUIRE(::getsockname(listener, reinterpret_cast<sockaddr*>(&address), &length) == 0);
  const std::string url = "postgresql://x@127.0.0.1:" + std::to_string(ntohs(address.sin_port)) +
                          "/db?sslmode=disable&connect_timeout=2";
  auto run = ticketsim_cli({"run", "--store", url, "--procs", "1"});
  ::close(listener);
  INFO(run.out << run.err);
  REQUIRE(run.exit_code == 1);
  REQUIRE(run.err.find("no connection before the deadline") != std::string::npos);
}

TEST_CASE("a run removes the rows that killed runs on this host left, and only those",
          "[database]") {
  // Make sure the table exists, then plant one row of a dead pid on this host and one of a
  // live pid (this test's own) elsewhere.
  auto first = ticketsim_cli({"run", "--store", kStore, "--procs", "1", "--latency", "0", "--hold",
                              "0", "--search-latency", "0"});
  REQUIRE(first.exit_code == 0);
  char host[256] = {};
  ::gethostname(host, sizeof host - 1);
  psql(std::string("INSERT INTO ticketsim.trial_stores (name, count, host, pid) VALUES "
                   "('killed-run', 1, '") +
       host + "', 2147483646), ('other-host', 1, 'elsewhere', 1)");
  // A work directory of its own: what killed runs left in /tmp is not this test's to count.
  ticketsim::testing::TempDir workdir;
  ExperimentConfig config = lockstep(Mode::kRowLock, 1, 1, 1);
  config.workdir = workdir.path();
  auto result = ticketsim::run_experiment(config);
  const std::string rows = trial_rows();
  psql("DELETE FROM ticketsim.trial_stores WHERE name = 'other-host'");  // whatever follows
  CHECK(rows == "other-host");
  REQUIRE(result.leftovers_removed.size() == 1);
  REQUIRE(result.leftovers_removed[0] == "ticketsim.trial_stores rows of pid 2147483646");
}

// ---- redis-lock: a lock served over the network, with leases ----

namespace {

ExperimentConfig redis_run(const ticketsim::testing::PrivateRedis& redis, int procs,
                           std::int64_t tickets, int trials) {
  ExperimentConfig config = lockstep(Mode::kRedisLock, procs, tickets, trials);
  config.redis_url = redis.url();
  return config;
}

}  // namespace

TEST_CASE(
    "redis-lock sells exactly the tickets with the race window held open, on a file or "
    "a database",
    "[database][redis]") {
  ticketsim::testing::PrivateRedis redis;
  const bool database = GENERATE(false, true);
  CAPTURE(database);
  ExperimentConfig config = redis_run(redis, 6, 3, 5);
  if (!database) config.store_path.clear();
  auto result = ticketsim::run_experiment(config);
  for (const auto& trial : result.trials) {
    CAPTURE(trial.index);
    REQUIRE(trial.sold == 3);
    REQUIRE(trial.oversold == 0);
    REQUIRE(trial.lost_updates == 0);
    REQUIRE(trial.mutex_violations == 0);
    REQUIRE(trial.leases_expired == 0);
    REQUIRE(trial.verdict() == "safe");
  }
  CHECK(redis.cli("KEYS ticketsim:*") == "\n");  // every trial removed its keys
}

TEST_CASE(
    "a lease shorter than a paused holder lets two customers hold the lock and oversell, "
    "every time",
    "[database][redis]") {
  ticketsim::testing::PrivateRedis redis;
  // Lockstep: all three are at the lock together. The first holder reads 1 and is stopped
  // for 1.5 s; its 150 ms lease runs out, the next customer takes the lock, reads 1 and
  // sells the ticket; the first wakes and writes what it read: the ticket is sold twice.
  ExperimentConfig config = redis_run(redis, 3, 1, 3);
  config.pause_holder = std::chrono::milliseconds(1500);
  config.lease = std::chrono::milliseconds(150);
  auto result = ticketsim::run_experiment(config);
  REQUIRE(result.trials.size() == 3);
  for (const auto& trial : result.trials) {
    CAPTURE(trial.index);
    REQUIRE(trial.leases_expired == 1);
    REQUIRE(trial.sold == 2);
    REQUIRE(trial.oversold == 1);
    REQUIRE(trial.mutex_violations > 0);
    REQUIRE(trial.unsafe());
  }
}

TEST_CASE("with fencing the same run is safe: the stale holder's write is fenced off",
          "[database][redis]") {
  ticketsim::testing::PrivateRedis redis;
  ExperimentConfig config = redis_run(redis, 3, 1, 3);
  config.pause_holder = std::chrono::milliseconds(1500);
  config.lease = std::chrono::milliseconds(150);
  config.fencing = true;
  auto result = ticketsim::run_experiment(config);
  for (const auto& trial : result.trials) {
    CAPTURE(trial.index);
    REQUIRE(trial.leases_expired == 1);
    REQUIRE(trial.fenced_off == 1);
    REQUIRE(trial.sold == 1);
    REQUIRE(trial.oversold == 0);
    REQUIRE(trial.lost_updates == 0);
    REQUIRE(trial.final_count == 0);
    REQUIRE(trial.verdict() == "safe");
    // The report names the write that was refused and the newer token.
    int fenced = 0;
    for (const auto& customer : trial.customers) {
      if (customer.fenced_attempt < 0) continue;
      ++fenced;
      REQUIRE(customer.fenced_token < customer.fenced_by);
    }
    if (!trial.customers.empty()) REQUIRE(fenced == 1);
  }
  auto run = ticketsim_cli({"run", "--store", kStore, "--mode", "redis-lock", "--redis",
                            redis.url(), "--procs", "3", "--tickets", "1", "--schedule", "lockstep",
                            "--pause-holder", "1500ms", "--lease", "150ms", "--fencing"});
  INFO(run.out << run.err);
  REQUIRE(run.exit_code == 0);
  REQUIRE(run.out.find("lease ran out") != std::string::npos);
  REQUIRE(run.out.find("was fenced off") != std::string::npos);
}

TEST_CASE("redis flags that cannot apply are refused before anything runs", "[database][redis]") {
  auto lease = ticketsim_cli({"run", "--mode", "flock", "--lease", "1s"});
  REQUIRE(lease.exit_code == 2);
  REQUIRE(lease.err.find("--lease") != std::string::npos);
  auto fencing_on_file =
      ticketsim_cli({"run", "--mode", "redis-lock", "--fencing", "--redis", "redis://x:1"});
  REQUIRE(fencing_on_file.exit_code == 2);
  REQUIRE(fencing_on_file.err.find("database store") != std::string::npos);
  auto bad_url = ticketsim_cli({"run", "--mode", "redis-lock", "--redis", "http://x"});
  REQUIRE(bad_url.exit_code == 2);
  REQUIRE(bad_url.err.find("redis://HOST[:PORT]") != std::string::npos);
  auto database_mode_on_file = ticketsim_cli({"run", "--mode", "row-lock"});
  REQUIRE(database_mode_on_file.exit_code == 2);
  REQUIRE(database_mode_on_file.err.find("postgresql://") != std::string::npos);
}

// ---- faults: the database restarted, Redis killed, a connection cut ----

namespace {

// Waits (up to 20 s) until `sql` returns a non-empty answer; returns it.
// The command line of one host of experiment `name`, of `hosts` hosts, with `args`.
std::vector<std::string> host_command(int hosts, const std::string& name,
                                      const std::vector<std::string>& args) {
  std::vector<std::string> argv{ticketsim::testing::ticketsim_binary(),
                                "run",
                                "--store",
                                kStore,
                                "--hosts",
                                std::to_string(hosts),
                                "--experiment",
                                name};
  argv.insert(argv.end(), args.begin(), args.end());
  return argv;
}

std::string await_row(const std::string& sql) {
  for (int i = 0; i < 2000; ++i) {
    std::string answer = psql(sql);
    if (!answer.empty()) return answer;
    ::usleep(10'000);
  }
  FAIL("nothing appeared for: " << sql);
  return "";
}

}  // namespace

TEST_CASE(
    "a connection cut between the write and its COMMIT counts the purchase "
    "indeterminate and leaves the count right",
    "[database][faults]") {
  ticketsim::testing::TempDir dir;
  // One customer, one ticket: it locks the row, writes 0, then holds 2 s before COMMIT.
  const pid_t run = ticketsim::testing::start_command(
      {ticketsim::testing::ticketsim_binary(), "run", "--store", kStore, "--mode", "row-lock",
       "--procs", "1", "--tickets", "1", "--latency", "0", "--search-latency", "0", "--hold", "2s",
       "--json"},
      dir.path() + "/out", dir.path() + "/err");
  const std::string backend = await_row(
      "SELECT pid FROM pg_stat_activity WHERE application_name = 'ticketsim' AND state = "
      "'idle in transaction' AND query LIKE '%ts_write%'");
  psql("SELECT pg_terminate_backend(" + backend + ")");
  // Exit 1: a customer failed (README "Exit status"); the report is printed all the same.
  REQUIRE(ticketsim::testing::wait_command(run) == 1);
  const std::string out = ticketsim::testing::read_file(dir.path() + "/out");
  INFO(out << ticketsim::testing::read_file(dir.path() + "/err"));
  REQUIRE(out.find("\"indeterminate\": 1") != std::string::npos);
  REQUIRE(out.find("\"final_count\": 1") != std::string::npos);  // rolled back
  REQUIRE(out.find("\"sold\": 0") != std::string::npos);
  REQUIRE(out.find("\"oversold\": 0") != std::string::npos);
  REQUIRE(trial_rows().empty());
}

TEST_CASE("the database restarted mid-trial: no hang, failed purchases counted, figures right",
          "[database][faults]") {
  ticketsim::testing::TempDir dir;
  const pid_t run = ticketsim::testing::start_command(
      {ticketsim::testing::ticketsim_binary(), "run", "--store", kStore, "--mode", "row-lock",
       "--procs", "4", "--attempts", "50", "--tickets", "1000", "--latency", "20ms",
       "--search-latency", "0", "--hold", "0", "--json"},
      dir.path() + "/out", dir.path() + "/err");
  await_row(
      "SELECT pid FROM pg_stat_activity WHERE application_name = 'ticketsim' AND state = "
      "'idle in transaction' LIMIT 1");
  const char* version = std::getenv("PGVERSION");
  REQUIRE(version != nullptr);
  auto restart =
      run_command({"/usr/bin/pg_ctlcluster", version, "regress", "restart", "-m", "immediate"});
  INFO(restart.out << restart.err);
  REQUIRE(restart.exit_code == 0);
  REQUIRE(ticketsim::testing::wait_command(run) == 1);
  const std::string out = ticketsim::testing::read_file(dir.path() + "/out");
  INFO(out << ticketsim::testing::read_file(dir.path() + "/err"));
  REQUIRE(out.find("\"errors\": 0,") == std::string::npos);  // customers lost connections
  REQUIRE(out.find("\"oversold\": 0") != std::string::npos);
  REQUIRE(out.find("\"lost_updates\": 0") != std::string::npos);
  REQUIRE(trial_rows().empty());
}

TEST_CASE("Redis killed mid-trial: no hang, the customers' failures counted, nothing oversold",
          "[database][redis][faults]") {
  ticketsim::testing::PrivateRedis redis;
  ticketsim::testing::TempDir dir;
  const pid_t run = ticketsim::testing::start_command(
      {ticketsim::testing::ticketsim_binary(), "run", "--mode", "redis-lock", "--redis",
       redis.url(), "--procs", "4", "--attempts", "50", "--tickets", "1000", "--latency", "20ms",
       "--search-latency", "0", "--hold", "0", "--json"},
      dir.path() + "/out", dir.path() + "/err");
  // Wait until a customer holds the lock (redis-cli prints an empty line for no keys).
  bool held = false;
  for (int i = 0; i < 2000 && !held; ++i) {
    held = redis.cli("KEYS ticketsim:lock:*").find("ticketsim:lock:") != std::string::npos;
    if (!held) ::usleep(10'000);
  }
  REQUIRE(held);
  redis.kill_now();
  REQUIRE(ticketsim::testing::wait_command(run) == 1);
  const std::string out = ticketsim::testing::read_file(dir.path() + "/out");
  INFO(out << ticketsim::testing::read_file(dir.path() + "/err"));
  REQUIRE(out.find("\"errors\": 0,") == std::string::npos);
  REQUIRE(out.find("Redis at redis://127.0.0.1:") != std::string::npos);
  REQUIRE(out.find("\"oversold\": 0") != std::string::npos);
  REQUIRE(out.find("\"lost_updates\": 0") != std::string::npos);
}

// ---- customers on several hosts, one experiment ----

namespace {

struct HostRun {
  int exit_code = -1;
  std::string out;
  std::string err;
};

// Starts `hosts` ticketsim processes with the same `args` (plus --hosts and --experiment)
// at once, as hosts would be started on different machines, and waits for all of them.
std::vector<HostRun> run_hosts(int hosts, const std::string& experiment,
                               const std::vector<std::string>& args) {
  ticketsim::testing::TempDir dir;
  std::vector<pid_t> pids;
  for (int host = 0; host < hosts; ++host) {
    const std::vector<std::string> argv = host_command(hosts, experiment, args);
    const std::string base = dir.path() + "/host" + std::to_string(host);
    pids.push_back(ticketsim::testing::start_command(argv, base + ".out", base + ".err"));
  }
  std::vector<HostRun> runs;
  for (int host = 0; host < hosts; ++host) {
    const std::string base = dir.path() + "/host" + std::to_string(host);
    HostRun run;
    run.exit_code = ticketsim::testing::wait_command(pids[static_cast<std::size_t>(host)]);
    run.out = ticketsim::testing::read_file(base + ".out");
    run.err = ticketsim::testing::read_file(base + ".err");
    runs.push_back(std::move(run));
  }
  return runs;
}

// The merged report of `experiment`, as JSON text.
std::string merged_json(const std::string& experiment) {
  auto report = ticketsim_cli({"report", "--experiment", experiment, "--store", kStore, "--json"});
  INFO(report.err);
  REQUIRE(report.exit_code == 0);
  return report.out;
}

}  // namespace

TEST_CASE(
    "two hosts in lockstep meet in the database: none oversells across them, and the "
    "host that finishes last prints the merged report",
    "[database][hosts]") {
  auto runs = run_hosts(2, "lockstep-none",
                        {"--mode", "none", "--procs", "2", "--tickets", "1", "--schedule",
                         "lockstep", "--latency", "20ms"});
  int merged = 0;
  for (const HostRun& run : runs) {
    INFO(run.out << run.err);
    REQUIRE(run.exit_code == 0);
    merged += run.out.find("2 customers on each of 2 hosts") != std::string::npos;
  }
  REQUIRE(merged == 1);  // exactly one host printed everyone's customers
  const std::string report = merged_json("lockstep-none");
  INFO(report);
  // Every one of the 4 customers read 1 before anyone wrote: 4 sold, 3 oversold.
  REQUIRE(report.find("\"sold\": 4") != std::string::npos);
  REQUIRE(report.find("\"oversold\": 3") != std::string::npos);
  REQUIRE(report.find("\"merged\": true") != std::string::npos);
  REQUIRE(report.find("\"clock_error_ms\"") != std::string::npos);
  REQUIRE(trial_rows().empty());
  REQUIRE(psql("SELECT count(*) FROM ticketsim.experiment_barriers") == "0");
}

TEST_CASE("flock across hosts protects nothing (each host locks its own file); row-lock does",
          "[database][hosts]") {
  // Lockstep: both hosts' first customers take their lock together. With flock each takes
  // its own host's lock file, reads 1 and thinks 1 s: both sell the one ticket. (Nothing
  // holds one host's holder until the other's has read, so the think time is the window:
  // long beside how far apart two hosts leave the barrier, even on a loaded machine.)
  auto flock = run_hosts(2, "flock-across",
                         {"--mode", "flock", "--procs", "2", "--tickets", "1", "--schedule",
                          "lockstep", "--latency", "1s"});
  for (const HostRun& run : flock) REQUIRE(run.exit_code == 0);
  const std::string flocked = merged_json("flock-across");
  INFO(flocked);
  REQUIRE(flocked.find("\"sold\": 2") != std::string::npos);
  REQUIRE(flocked.find("\"oversold\": 1") != std::string::npos);
  REQUIRE(flocked.find("\"verdict\": \"UNSAFE\"") != std::string::npos);
  auto row_lock = run_hosts(2, "row-lock-across",
                            {"--mode", "row-lock", "--procs", "2", "--tickets", "1", "--schedule",
                             "lockstep", "--latency", "200ms"});
  for (const HostRun& run : row_lock) REQUIRE(run.exit_code == 0);
  const std::string locked = merged_json("row-lock-across");
  INFO(locked);
  REQUIRE(locked.find("\"sold\": 1") != std::string::npos);
  REQUIRE(locked.find("\"oversold\": 0") != std::string::npos);
  REQUIRE(locked.find("\"verdict\": \"safe\"") != std::string::npos);
}

TEST_CASE("an experiment's name is taken once, its workload must match, and --forget deletes it",
          "[database][hosts]") {
  auto first = run_hosts(
      2, "named-once",
      {"--mode", "atomic", "--procs", "1", "--tickets", "2", "--latency", "0", "--hold", "0"});
  for (const HostRun& run : first) REQUIRE(run.exit_code == 0);
  auto again = ticketsim_cli({"run", "--store", kStore, "--hosts", "2", "--experiment",
                              "named-once", "--mode", "atomic", "--procs", "1", "--tickets", "2",
                              "--latency", "0", "--hold", "0"});
  REQUIRE(again.exit_code == 2);
  REQUIRE(again.err.find("already has its 2 hosts") != std::string::npos);
  auto forgot =
      ticketsim_cli({"report", "--experiment", "named-once", "--store", kStore, "--forget"});
  REQUIRE(forgot.exit_code == 0);
  auto gone = ticketsim_cli({"report", "--experiment", "named-once", "--store", kStore});
  REQUIRE(gone.exit_code == 2);
  REQUIRE(gone.err.find("no experiment named 'named-once'") != std::string::npos);
  // A second host with another workload is refused before it runs anything.
  psql(
      "INSERT INTO ticketsim.experiments (name, hosts, workload) VALUES ('mismatch', 2, "
      "'{\"mode\":\"none\"}')");
  auto mismatch = ticketsim_cli(
      {"run", "--store", kStore, "--hosts", "2", "--experiment", "mismatch", "--procs", "1"});
  REQUIRE(mismatch.exit_code == 2);
  REQUIRE(mismatch.err.find("another workload") != std::string::npos);
  auto without_database = ticketsim_cli({"run", "--hosts", "2", "--experiment", "x"});
  REQUIRE(without_database.exit_code == 2);
  REQUIRE(without_database.err.find("postgresql://") != std::string::npos);
  // Each host's parent grants only its own customers' steps: no schedule spans the hosts.
  for (const char* schedule : {"round-robin", "random", "script:1:search"}) {
    auto controlled = ticketsim_cli({"run", "--store", kStore, "--hosts", "2", "--experiment",
                                     "controlled", "--schedule", schedule});
    CAPTURE(schedule);
    REQUIRE(controlled.exit_code == 2);
    REQUIRE(controlled.err.find("--schedule") != std::string::npos);
    REQUIRE(controlled.err.find("across hosts") != std::string::npos);
  }
  REQUIRE(psql("SELECT count(*) FROM ticketsim.experiments WHERE name = 'controlled'") == "0");
}

TEST_CASE("database and Redis reports fit 60 and 80 columns in both languages",
          "[database][hosts][redis]") {
  ticketsim::testing::PrivateRedis redis;
  auto runs = run_hosts(
      2, "narrow",
      {"--mode", "flock", "--procs", "1", "--tickets", "1", "--latency", "0", "--hold", "0"});
  for (const HostRun& run : runs) REQUIRE(run.exit_code == 0);
  const std::vector<std::vector<std::string>> commands{
      {"report", "--experiment", "narrow", "--store", kStore},
      {"run", "--store", kStore, "--mode", "serializable", "--procs", "3", "--schedule", "lockstep",
       "--latency", "1ms"},
      {"run", "--store", kStore, "--mode", "redis-lock", "--redis", redis.url(), "--procs", "3",
       "--schedule", "lockstep", "--pause-holder", "600ms", "--lease", "100ms", "--fencing"},
  };
  for (const std::string language : {"en", "zh"}) {
    for (const int width : {60, 80}) {
      for (std::vector<std::string> args : commands) {
        args.insert(args.end(), {"--lang", language});
        CAPTURE(language, width, args);
        auto result =
            ticketsim::testing::ticketsim_cli_env({"COLUMNS=" + std::to_string(width)}, args);
        INFO(result.out << result.err);
        REQUIRE(result.exit_code == 0);
        for (const std::string& line : ticketsim::testing::lines_of(result.out)) {
          CAPTURE(line);
          CHECK(ticketsim::display_width(line) <= width);
        }
      }
    }
  }
}

TEST_CASE("a database trial's history is linearizable exactly when the report says it was safe",
          "[database][redis]") {
  ticketsim::testing::PrivateRedis redis;
  ticketsim::testing::TempDir dir;
  const std::string history = dir.path() + "/history.json";
  std::vector<std::vector<std::string>> runs;
  for (const char* mode : {"none", "row-lock", "advisory", "optimistic", "serializable"}) {
    runs.push_back({"--mode", mode, "--procs", "6", "--latency", "2ms"});
  }
  runs.push_back({"--mode", "atomic", "--procs", "6"});  // one statement: no think time
  const std::vector<std::string> lease{"--mode",  "redis-lock", "--redis",        redis.url(),
                                       "--procs", "3",          "--pause-holder", "600ms",
                                       "--lease", "100ms",      "--latency",      "2ms"};
  runs.push_back(lease);
  runs.push_back(lease);
  runs.back().push_back("--fencing");
  for (const std::vector<std::string>& run : runs) {
    std::vector<std::string> args{"run",        "--store",  kStore,      "--tickets", "3",
                                  "--schedule", "lockstep", "--history", history,     "--json"};
    args.insert(args.end(), run.begin(), run.end());
    CAPTURE(args);
    auto result = ticketsim_cli(args);
    INFO(result.out << result.err);
    REQUIRE(result.exit_code == 0);
    const bool safe = result.out.find("\"verdict\": \"safe\"") != std::string::npos;
    const bool unsafe = result.out.find("\"verdict\": \"UNSAFE\"") != std::string::npos;
    REQUIRE(safe != unsafe);
    auto check = ticketsim_cli({"check-history", history, "--tickets", "3"});
    INFO(check.out << check.err);
    REQUIRE(check.exit_code == (safe ? 0 : 3));
  }
}

TEST_CASE(
    "a script runs on a database: none loses the update it is told to, row-lock's "
    "second acquire is refused while the first holds the row",
    "[database]") {
  const std::string race =
      "script:1:search 2:search 1:acquire 1:read 2:acquire 2:read 1:write 1:release 2:write "
      "2:release";
  auto none = ticketsim_cli(
      {"run", "--store", kStore, "--mode", "none", "--procs", "2", "--schedule", race, "--json"});
  INFO(none.out << none.err);
  REQUIRE(none.exit_code == 0);
  REQUIRE(none.out.find("\"sold\": 2") != std::string::npos);
  REQUIRE(none.out.find("\"oversold\": 1") != std::string::npos);
  auto locked = ticketsim_cli(
      {"run", "--store", kStore, "--mode", "row-lock", "--procs", "2", "--schedule", race});
  INFO(locked.out << locked.err);
  REQUIRE(locked.exit_code == 0);
  REQUIRE(locked.out.find("2:acquire") != std::string::npos);
  REQUIRE(locked.out.find("BLOCKED (customer 1 holds the lock)") != std::string::npos);
  REQUIRE(locked.out.find("oversold") != std::string::npos);
  // A customer that dies after its UPDATE and before its COMMIT wrote nothing: the
  // transaction rolled back with its connection.
  auto crashed =
      ticketsim_cli({"run", "--store", kStore, "--mode", "row-lock", "--procs", "2", "--schedule",
                     "script:1:search 1:acquire 1:read 1:write 1:crash 2:search "
                     "2:acquire 2:read 2:write 2:release",
                     "--json"});
  INFO(crashed.out << crashed.err);
  REQUIRE(crashed.out.find("\"sold\": 1") != std::string::npos);
  REQUIRE(crashed.out.find("\"final_count\": 0") != std::string::npos);
  REQUIRE(crashed.out.find("\"lost_updates\": 0") != std::string::npos);
  REQUIRE(crashed.out.find("\"writes_made\": 1") != std::string::npos);
  REQUIRE(crashed.out.find("\"verdict\": \"UNSAFE\"") == std::string::npos);
  REQUIRE(trial_rows().empty());
}

TEST_CASE("a customer that dies before its COMMIT sold nothing: the transaction rolled back",
          "[database][faults]") {
  auto mode = GENERATE("row-lock", "advisory", "serializable");
  CAPTURE(mode);
  // Every purchase dies right before it releases the lock, that is before COMMIT.
  auto run = ticketsim_cli({"run",
                            "--store",
                            kStore,
                            "--mode",
                            mode,
                            "--procs",
                            "3",
                            "--tickets",
                            "2",
                            "--crash-prob",
                            "1",
                            "--crash-at",
                            "before-release",
                            "--latency",
                            "0",
                            "--hold",
                            "0",
                            "--search-latency",
                            "0",
                            "--json"});
  INFO(run.out << run.err);
  REQUIRE(run.out.find("\"sold\": 0") != std::string::npos);
  REQUIRE(run.out.find("\"final_count\": 2") != std::string::npos);
  REQUIRE(run.out.find("\"lost_updates\": 0") != std::string::npos);
  REQUIRE(run.out.find("\"writes_made\": 0") != std::string::npos);
  REQUIRE(run.out.find("\"indeterminate\": 0") != std::string::npos);
  REQUIRE(run.out.find("UNSAFE") == std::string::npos);
}

TEST_CASE("serializable purchases on two hosts meet in lockstep and sell exactly the tickets",
          "[database][hosts]") {
  auto runs = run_hosts(2, "serializable-hosts",
                        {"--mode", "serializable", "--procs", "2", "--tickets", "3", "--schedule",
                         "lockstep", "--latency", "5ms"});
  for (const HostRun& run : runs) {
    INFO(run.out << run.err);
    REQUIRE(run.exit_code == 0);
  }
  const std::string report = merged_json("serializable-hosts");
  INFO(report);
  REQUIRE(report.find("\"sold\": 3") != std::string::npos);
  REQUIRE(report.find("\"oversold\": 0") != std::string::npos);
  REQUIRE(report.find("\"stalled\": false") != std::string::npos);
}

TEST_CASE(
    "a host interrupted while it waits for the others abandons the experiment, and a "
    "late host stops at once",
    "[database][hosts]") {
  ticketsim::testing::TempDir dir;
  const std::vector<std::string> argv = host_command(2, "abandoned", {"--procs", "1"});
  const pid_t first =
      ticketsim::testing::start_command(argv, dir.path() + "/1.out", dir.path() + "/1.err");
  await_row(
      "SELECT arrived FROM ticketsim.experiment_barriers WHERE name = 'abandoned' AND "
      "arrived = 1");
  ::kill(first, SIGINT);
  REQUIRE(ticketsim::testing::wait_command(first) == 130);
  REQUIRE(psql("SELECT arrived FROM ticketsim.experiment_barriers WHERE name = 'abandoned'") ==
          "0");
  REQUIRE(psql("SELECT abandoned FROM ticketsim.experiments WHERE name = 'abandoned'") ==
          "host 1: interrupted by SIGINT");
  REQUIRE(trial_rows().empty());
  // The experiment's name is spent; a host arriving later is told why, at once.
  auto late = ticketsim_cli(
      {"run", "--store", kStore, "--hosts", "2", "--experiment", "abandoned", "--procs", "1"});
  INFO(late.out << late.err);
  REQUIRE(late.exit_code != 0);
  REQUIRE(late.err.find("abandoned") != std::string::npos);
}

TEST_CASE(
    "a host killed with kill -9 is noticed by its session's end: the hosts waiting with it "
    "stop within seconds, naming it",
    "[database][hosts]") {
  ticketsim::testing::TempDir dir;
  const std::vector<std::string> argv = host_command(3, "killed-host", {"--procs", "1"});
  const pid_t first = ticketsim::testing::start_command(argv, dir.file("1.out"), dir.file("1.err"));
  await_row(
      "SELECT arrived FROM ticketsim.experiment_barriers WHERE name = 'killed-host' AND "
      "arrived = 1");
  const pid_t second =
      ticketsim::testing::start_command(argv, dir.file("2.out"), dir.file("2.err"));
  await_row(
      "SELECT arrived FROM ticketsim.experiment_barriers WHERE name = 'killed-host' AND "
      "arrived = 2");
  // Host 2 cannot say it leaves; host 1, waiting for a third, would otherwise wait 10 minutes.
  ::kill(second, SIGKILL);
  REQUIRE(ticketsim::testing::wait_command(second) == 128 + SIGKILL);
  bool ended = false;
  for (int i = 0; i < 600 && !ended; ++i) {  // a presence check runs every second
    ended = ticketsim::testing::running_among({first}).empty();
    if (!ended) ::usleep(50'000);
  }
  if (!ended) ::kill(first, SIGKILL);
  REQUIRE(ended);
  CHECK(ticketsim::testing::wait_command(first) == 1);
  const std::string err = ticketsim::testing::read_file(dir.file("1.err"));
  INFO(err);
  CHECK(err.find("host 2 (pid " + std::to_string(second)) != std::string::npos);
  CHECK(err.find("is gone") != std::string::npos);
  CHECK(psql("SELECT abandoned FROM ticketsim.experiments WHERE name = 'killed-host'")
            .find("host 2 (pid") != std::string::npos);
  ticketsim_cli({"report", "--experiment", "killed-host", "--store", kStore, "--forget"});
}

TEST_CASE("a malformed URL's error never shows its password", "[database]") {
  for (const std::string url :
       {"postgresql://u:hun%zzter2@127.0.0.1:5491/db", "postgresql://u:hunter2@[::1"}) {
    CAPTURE(url);
    auto run = ticketsim_cli({"run", "--store", url, "--procs", "1"});
    INFO(run.err);
    REQUIRE(run.exit_code == 2);
    REQUIRE(run.err.find("zzter2") == std::string::npos);
    REQUIRE(run.err.find("hunter2") == std::string::npos);
    REQUIRE(run.err.find("***") != std::string::npos);
  }
}
