// Figures that are right or say they are unknown, words that never contradict them, and flags
// that are honoured or refused: the oracle on hand-made records (for windows no crash point
// can hit) and the ticketsim binary on forced races, crashes and stalls.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <chrono>
#include <filesystem>
#include <optional>
#include <regex>
#include <string>
#include <vector>

#include "simulator/oracle/analysis.h"
#include "simulator/report/report_json.h"
#include "simulator/report/report_text.h"
#include "tests/pause_checks.h"
#include "tests/test_support.h"
#include "ticketsim/experiment.h"

using namespace std::chrono_literals;
using ticketsim::CustomerHistory;
using ticketsim::ExperimentConfig;
using ticketsim::ExperimentResult;
using ticketsim::Mode;
using ticketsim::Outcome;
using ticketsim::PurchaseRecord;
using ticketsim::Schedule;
using ticketsim::TrialResult;
using ticketsim::WriteState;
using ticketsim::testing::read_file;
using ticketsim::testing::run_command;
using ticketsim::testing::TempDir;
using ticketsim::testing::ticketsim_cli;
using ticketsim::testing::write_file;
using Json = nlohmann::json;

namespace {

// --- Hand-made trials: records as customers leave them, for the oracle and the reports. ---

constexpr std::int64_t kStart = 5'000'000'000;  // CLOCK_MONOTONIC of the trial's first fork
constexpr std::int64_t kMs = 1'000'000;

// A customer that searched at `at_ms` (waiting `search_wait_ms` for the reader lock) and saw
// `seen`.
CustomerHistory customer(int index, std::int64_t seen = 1, std::int64_t at_ms = 0,
                         std::int64_t search_wait_ms = 0) {
  CustomerHistory c;
  c.index = index;
  c.pid = 4100 + index;
  c.ppid = 4000;
  c.t_spawn = kStart + at_ms * kMs;
  c.search.t_lock_requested = c.t_spawn;
  c.search.t_lock_acquired = c.t_spawn + search_wait_ms * kMs;
  c.search.t_read = c.search.t_lock_acquired + 1000;
  c.search.t_released = c.search.t_read;
  c.search.value_seen = seen;
  c.search.outcome = Outcome::kSeen;
  c.t_exit = c.search.t_released + 50 * kMs;
  return c;
}

// A purchase that read `read` at `at_ms` and got as far as `state` with its write; `outcome`
// is what it recorded (kNotRun: it died before recording anything more).
PurchaseRecord purchase(std::int64_t read, std::int64_t at_ms, WriteState state, Outcome outcome) {
  PurchaseRecord p;
  p.t_lock_requested = p.t_lock_acquired = kStart + at_ms * kMs;
  p.t_read = p.t_lock_acquired + 1000;
  p.value_read = read;
  p.write_state = state;
  p.outcome = outcome;
  if (state != WriteState::kNone) p.t_write_begin = p.t_read + kMs;
  if (outcome == Outcome::kBought) {
    p.t_written = p.t_write_begin + 1000;
    p.value_written = read - 1;
    p.t_released = p.t_written + 1000;
  }
  if (outcome == Outcome::kSoldOut) p.t_released = p.t_read + 1000;
  return p;
}

PurchaseRecord bought(std::int64_t read, std::int64_t at_ms) {
  return purchase(read, at_ms, WriteState::kDone, Outcome::kBought);
}

// Analyses `customers` as one trial that started with `tickets` and ended with `final_count`.
TrialResult analysed(Mode mode, Schedule schedule, std::int64_t tickets,
                     std::optional<std::int64_t> final_count,
                     std::vector<CustomerHistory> customers) {
  TrialResult trial;
  trial.mode = mode;
  trial.schedule = schedule;
  trial.procs = static_cast<int>(customers.size());
  trial.attempts = 1;
  trial.tickets = tickets;
  trial.final_count = final_count;
  trial.t_start = kStart;
  trial.wall_ns = 200 * kMs;
  ticketsim::analyse_trial(trial, customers, /*search_is_shared=*/mode != Mode::kNamedMutex);
  trial.customers = std::move(customers);
  return trial;
}

ExperimentResult experiment_of(std::vector<TrialResult> trials) {
  ExperimentResult result;
  result.config.mode = trials.front().mode;
  result.config.schedule = trials.front().schedule;
  result.config.procs = trials.front().procs;
  result.config.latency = {};
  result.config.hold = {};  // think time only: no hold, no network before searching
  result.config.search_latency = {};
  result.config.trials = static_cast<int>(trials.size());
  result.store_label = "(fresh store)";
  result.tickets = trials.front().tickets;
  for (std::size_t i = 0; i < trials.size(); ++i) trials[i].index = static_cast<int>(i);
  result.trials = std::move(trials);
  return result;
}

std::string text_of(const ExperimentResult& result, bool color = false) {
  ticketsim::TextReportOptions options;
  options.use_color = color;
  options.width = 1000;  // one line per row and sentence: the cells are split on spaces
  return ticketsim::render_run_report(result, options);
}

std::string joined(const std::vector<std::string>& sentences) {
  std::string text;
  for (const std::string& sentence : sentences) text += sentence + "\n";
  return text;
}

// The report's table row whose first cell is `label`.
std::string row_of(const std::string& text, const std::string& label) {
  std::smatch match;
  REQUIRE(std::regex_search(text, match, std::regex("\n" + label + " [^\n]*")));
  return match.str().substr(1);
}

// The cells of a table row (columns are separated by two spaces or more).
std::vector<std::string> cells_of(const std::string& row) {
  std::vector<std::string> cells;
  std::regex separator(" {2,}");
  for (std::sregex_token_iterator it(row.begin(), row.end(), separator, -1), end; it != end; ++it) {
    if (!it->str().empty()) cells.push_back(*it);
  }
  return cells;
}

// --- The binary. ---

Json json_of(const ticketsim::testing::CommandResult& result) {
  INFO(result.err);
  REQUIRE(result.exit_code == 0);
  return Json::parse(result.out);
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// Point 4: every count is right or says it is unknown.

TEST_CASE(
    "a customer killed after its write landed but before recording it counts as a write "
    "made, never as a negative lost update",
    "[figures]") {
  // Customer 2 read 1 and wrote 0; it was killed before it recorded the sale.
  CustomerHistory first = customer(0, 2), second = customer(1, 2);
  first.purchases = {bought(2, 1)};
  second.purchases = {purchase(1, 3, WriteState::kDone, Outcome::kNotRun)};
  second.killed_by_run = true;
  TrialResult trial = analysed(Mode::kFlock, Schedule::kFree, 2, 0, {first, second});
  CHECK(trial.sold == 1);  // only customer 1 was told
  CHECK(trial.writes_made == 2);
  CHECK(trial.indeterminate == 0);
  CHECK(trial.lost_updates == 0);  // sold - (tickets - final) would say -1
  CHECK(trial.lost_updates_max == 0);
  ExperimentResult result = experiment_of({trial});
  Json json = ticketsim::run_report_json(result);
  CHECK(json["lost_updates"] == 0);
  CHECK(json["trials"][0]["lost_updates"] == 0);
  std::vector<std::string> cells = cells_of(row_of(text_of(result), "flock"));
  REQUIRE(cells.size() == 9);
  CHECK(cells[3] == "0");

  // Both read 1: the unrecorded write erased the recorded one. The sales alone would say 0.
  CustomerHistory racer = customer(1, 1);
  first = customer(0, 1);
  first.purchases = {bought(1, 1)};
  racer.purchases = {purchase(1, 1, WriteState::kDone, Outcome::kNotRun)};
  trial = analysed(Mode::kNone, Schedule::kFree, 1, 0, {first, racer});
  CHECK(trial.sold == 1);
  CHECK(trial.lost_updates == 1);
  CHECK(trial.verdict() == "UNSAFE");
  CHECK_THAT(joined(ticketsim::explain_trial(trial)), Catch::Contains("1 decrement vanished"));
}

TEST_CASE(
    "a purchase that died while writing is indeterminate: lost updates become a range, "
    "never negative",
    "[figures]") {
  CustomerHistory first = customer(0, 2), second = customer(1, 2);
  first.purchases = {bought(2, 1)};
  second.purchases = {purchase(1, 3, WriteState::kBegun, Outcome::kNotRun)};
  SECTION("the store shows that the write landed") {
    TrialResult trial = analysed(Mode::kFlock, Schedule::kFree, 2, 0, {first, second});
    CHECK(trial.indeterminate == 1);
    CHECK(trial.lost_updates == 0);
    CHECK(trial.lost_updates_max == 0);
  }
  SECTION("the store cannot tell whether it landed") {
    TrialResult trial = analysed(Mode::kFlock, Schedule::kFree, 2, 1, {first, second});
    CHECK(trial.writes_made == 1);
    CHECK(trial.indeterminate == 1);
    CHECK(trial.lost_updates == 0);
    CHECK(trial.lost_updates_max == 1);
    ExperimentResult result = experiment_of({trial});
    std::string text = text_of(result);
    CHECK(cells_of(row_of(text, "flock")).at(3) == "0-1");
    CHECK_THAT(text, Catch::Contains("1 purchase died while writing the store"));
    CHECK_THAT(text, Catch::Contains("indeterminate"));
    CHECK_THAT(text, !Catch::Contains("no update lost"));  // up to one may have been
    Json json = ticketsim::run_report_json(result);
    CHECK(json["lost_updates"] == 0);
    CHECK(json["lost_updates_max"] == 1);
    CHECK(json["indeterminate"] == 1);
    CHECK(json["trials"][0]["lost_updates_max"] == 1);
    CHECK(json["summary"]["lost_updates_total_max"] == 1);
  }
}

TEST_CASE(
    "customers that die in the middle of their writes leave indeterminate purchases, "
    "known from their own records",
    "[figures]") {
  // Atomic writes: each dies after writing half of its temporary file, before the rename.
  Json json = json_of(ticketsim_cli({"run", "--mode", "flock", "--procs", "4", "--tickets", "10",
                                     "--latency", "0", "--crash-prob", "1", "--crash-at",
                                     "mid-write", "--write", "atomic", "--json", "--customers"}));
  CHECK(json["sold"] == 0);
  CHECK(json["final_count"] == 10);
  CHECK(json["indeterminate"] == 4);
  CHECK(json["lost_updates"] == 0);
  CHECK(json["lost_updates_max"] == 4);
  REQUIRE(json["customers"].size() == 4);
  for (const Json& customer : json["customers"]) {
    REQUIRE(customer["purchases"].size() == 1);
    CHECK(customer["purchases"][0]["write"] == "begun");
    CHECK(customer["purchases"][0]["outcome"] == "not_run");
  }
}

TEST_CASE(
    "an unreadable final store makes the final count and the lost updates unknown, never "
    "0 or -1",
    "[figures]") {
  SECTION("a customer dies half-way through rewriting the store in place") {
    std::vector<std::string> args{
        "run", "--mode",    "flock", "--procs",      "8", "--attempts", "2",        "--tickets",
        "10",  "--latency", "300us", "--crash-prob", "1", "--crash-at", "mid-write"};
    auto text_run = ticketsim_cli(args);
    args.push_back("--json");
    Json json = json_of(ticketsim_cli(args));
    CHECK(json["final_count"].is_null());
    CHECK(json["lost_updates"].is_null());
    CHECK(json["lost_updates_max"].is_null());
    CHECK(json["trials"][0]["final_count"].is_null());
    CHECK(json["trials"][0]["lost_updates"].is_null());
    CHECK(json["verdict"] == "UNSAFE");
    CAPTURE(text_run.out);
    REQUIRE(text_run.exit_code == 0);
    std::vector<std::string> cells = cells_of(row_of(text_run.out, "flock"));
    REQUIRE(cells.size() == 9);
    CHECK(cells[3] == "unknown");
    CHECK(cells[5] == "unreadable");
    CHECK_THAT(text_run.out, Catch::Contains("the final count and the lost updates are unknown"));
  }
  SECTION("next to an oversell") {
    std::vector<CustomerHistory> buyers;
    for (int i = 0; i < 4; ++i) {
      buyers.push_back(customer(i, 2));
      buyers.back().purchases = {bought(2, 1)};
    }
    TrialResult trial = analysed(Mode::kNone, Schedule::kLockstep, 2, std::nullopt, buyers);
    CHECK(trial.oversold == 2);
    CHECK_FALSE(trial.lost_updates.has_value());
    ExperimentResult result = experiment_of({trial});
    std::vector<std::string> cells = cells_of(row_of(text_of(result), "none"));
    REQUIRE(cells.size() == 9);
    CHECK(cells[2] == "2");
    CHECK(cells[3] == "unknown");  // was 0 next to oversold 2
    CHECK(cells[5] == "unreadable");
    Json json = ticketsim::run_report_json(result);
    CHECK(json["oversold"] == 2);
    CHECK(json["lost_updates"].is_null());
    CHECK(json["final_count"].is_null());
    CHECK(json["summary"]["lost_updates_total"].is_null());
  }
}

TEST_CASE("compare states final counts over readable stores only and never a negative one",
          "[figures]") {
  SECTION("every trial's store is unreadable") {
    std::vector<std::string> args{"compare",   "--modes",      "flock,join", "--procs",
                                  "4",         "--tickets",    "100",        "--latency",
                                  "0",         "--crash-prob", "1",          "--crash-at",
                                  "mid-write", "--trials",     "2"};
    auto text_run = ticketsim_cli(args);
    CAPTURE(text_run.out, text_run.err);
    REQUIRE(text_run.exit_code == 0);
    for (const char* mode : {"flock", "join"}) {
      std::vector<std::string> cells = cells_of(row_of(text_run.out, mode));
      REQUIRE(cells.size() == 9);
      CHECK(cells[3] == "unknown");
      CHECK(cells[5] == "unreadable");  // was -1-0
    }
    CHECK_THAT(text_run.out, !Catch::Contains("-1"));
    args.push_back("--json");
    Json json = json_of(ticketsim_cli(args));
    for (const Json& mode : json["results"]) {
      CHECK(mode["final_count_min"].is_null());
      CHECK(mode["final_count_max"].is_null());
      CHECK(mode["final_count_unknown_trials"] == 2);
      CHECK(mode["lost_updates_total"].is_null());
      CHECK(mode["lost_updates_total_max"].is_null());
    }
  }
  SECTION("some trials' stores are unreadable") {
    auto trial = [](std::optional<std::int64_t> final_count) {
      CustomerHistory buyer = customer(0, 1);
      buyer.purchases = {bought(1, 1)};
      return analysed(Mode::kFlock, Schedule::kFree, 1, final_count, {buyer});
    };
    ExperimentResult result = experiment_of({trial(0), trial(std::nullopt), trial(0)});
    ticketsim::Comparison comparison;
    comparison.results = {result};
    ticketsim::TextReportOptions wide;
    wide.width = 1000;  // one line per row: the cells are split on spaces
    std::string text = ticketsim::render_compare_report(comparison, {}, wide);
    std::vector<std::string> cells = cells_of(row_of(text, "flock"));
    REQUIRE(cells.size() == 9);
    CHECK(cells[3] == "0+?");               // two trials lost nothing, one is unknown
    CHECK(cells[5] == "0 (1 unreadable)");  // the readable ones, and how many were not
    Json json = ticketsim::compare_report_json(comparison, {});
    CHECK(json["results"][0]["final_count_min"] == 0);
    CHECK(json["results"][0]["final_count_unknown_trials"] == 1);
    CHECK(json["results"][0]["lost_updates_unknown_trials"] == 1);
  }
}

TEST_CASE("lock waits count every wait for a lock, the search's reader lock included",
          "[figures]") {
  // Customer 2 waited 900 ms for the reader lock to search, customer 3 was killed after
  // waiting 150 ms for the purchase lock (the trial lasted 200 ms).
  CustomerHistory holder = customer(0, 1), searcher = customer(1, 1, 10, 900),
                  killed = customer(2, 1, 20);
  holder.purchases = {bought(1, 1)};
  searcher.purchases = {purchase(0, 950, WriteState::kNone, Outcome::kSoldOut)};
  PurchaseRecord waiting;
  waiting.t_lock_requested = kStart + 50 * kMs;
  killed.purchases = {waiting};
  killed.killed_by_run = true;
  TrialResult trial = analysed(Mode::kFlock, Schedule::kFree, 1, 0, {holder, searcher, killed});
  CHECK(trial.lock_wait_ns == 900 * kMs + 150 * kMs);
}

TEST_CASE("a stopped lock holder: the others' waits are counted, never reported as 0 ms",
          "[figures]") {
  ExperimentConfig config;
  config.mode = Mode::kFlock;
  config.procs = 5;
  config.latency = {};
  config.hold = {};  // think time only: no hold, no network before searching
  config.search_latency = {};
  config.pause_holder = 1s;  // the first purchase to hold the lock stops for 1 s
  SECTION("step times recorded: the waits behind the stopped holder are counted and shown") {
    ExperimentResult result = ticketsim::run_experiment(config);
    const TrialResult& trial = result.trials.at(0);
    CHECK(trial.paused_ns >= std::chrono::nanoseconds(1s).count());
    // Whoever asked for the lock (to search or to buy) during the pause got it only after.
    const auto effect = ticketsim::testing::pause_effect(trial);
    REQUIRE(effect.holders == 1);
    CHECK(effect.granted_during_pause == 0);
    REQUIRE(effect.waited_out >= 1);
    CHECK(trial.lock_wait_ns >= effect.forced_wait_ns);
    const double waited_ms = static_cast<double>(trial.lock_wait_ns) / 1e6;
    std::smatch waited;
    std::string text = text_of(result);
    REQUIRE(std::regex_search(text, waited, std::regex("customers waited ([0-9.]+) ms")));
    CHECK(std::stod(waited[1]) == Approx(waited_ms).margin(0.1));
    CHECK(ticketsim::trial_json(trial)["lock_wait_ms"].get<double>() ==
          Approx(waited_ms).margin(0.001));
  }
  SECTION("step times not recorded: the wait is unknown") {
    config.record_times = false;
    ExperimentResult result = ticketsim::run_experiment(config);
    std::string text = text_of(result);
    CHECK_THAT(text, !Catch::Contains("waited 0.0 ms"));
    CHECK_THAT(text, Catch::Contains("is unknown (--no-times"));
    CHECK(ticketsim::trial_json(result.trials.at(0))["lock_wait_ms"].is_null());
  }
}

TEST_CASE("a stalled trial exits 0 every time, and no customer the run stopped counts as failed",
          "[figures]") {
  struct Case {
    std::string name;
    std::vector<std::string> args;
  };
  std::vector<Case> cases{
      // Lockstep without a lock: the first customer stops inside its purchase and the others
      // wait at the race point until the trial timeout breaks the barrier.
      {"barrier",
       {"run", "--schedule", "lockstep", "--procs", "4", "--latency", "0", "--pause-holder", "5s",
        "--trial-timeout", "500ms", "--json"}},
      // The first holder of the semaphore dies holding it; the others give up waiting.
      {"lock timeout",
       {"run", "--mode", "named-mutex", "--schedule", "lockstep", "--procs", "4", "--attempts", "2",
        "--latency", "0", "--crash-prob", "1", "--lock-timeout", "200ms", "--json"}},
  };
  for (const Case& c : cases) {
    for (int run = 0; run < 3; ++run) {
      CAPTURE(c.name, run);
      Json json = json_of(ticketsim_cli(c.args));  // exit 0 every time
      CHECK(json["stalled"] == true);
      CHECK(json["verdict"] == "STALLED");
      CHECK(json["errors"] == 0);
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Point 8: words never contradict figures.

TEST_CASE("a trial of mode none that did not race is unprotected, never safe and never green",
          "[figures]") {
  SECTION("the lesson's run without think time: UNSAFE or unprotected, whatever the OS did") {
    Json json = json_of(ticketsim_cli({"run", "--latency", "0", "--procs", "4", "--json"}));
    CHECK((json["verdict"] == "UNSAFE" || json["verdict"] == "unprotected"));
    CHECK(json["trials"][0]["verdict"] != "safe");
  }
  SECTION("a schedule that runs the purchases apart") {
    ExperimentConfig config;
    config.mode = Mode::kNone;
    config.procs = 2;
    config.schedule = Schedule::kScript;
    config.script = ticketsim::parse_script(
        "1:search 1:acquire 1:read 1:write 1:release 2:search 2:acquire 2:read 2:write "
        "2:release");
    config.trials = 2;
    ExperimentResult result = ticketsim::run_experiment(config);
    for (const TrialResult& trial : result.trials) {
      CHECK(trial.sold == 1);
      CHECK_FALSE(trial.unsafe());
      CHECK(trial.verdict() == "unprotected");
    }
    CHECK(ticketsim::summarize(result).verdict == "unprotected");
    std::string colored = text_of(result, /*color=*/true);
    CHECK_THAT(colored, Catch::Contains("\x1b[33munprotected"));  // yellow
    CHECK_THAT(colored, !Catch::Contains("\x1b[32m"));            // nothing green
    std::string text = text_of(result);
    // "safe" never appears as a word of its own ("unsafe", of the statistics, is not one).
    for (std::size_t at = text.find("safe"); at != std::string::npos;
         at = text.find("safe", at + 1)) {
      CAPTURE(text.substr(at >= 20 ? at - 20 : 0, 40));
      CHECK((at >= 2 && text.compare(at - 2, 2, "un") == 0));
    }
    CHECK_THAT(text, Catch::Contains("No race was seen"));
    CHECK_THAT(text, Catch::Contains("nothing protected the store"));
    // Nothing enforced mutual exclusion: the purchases merely did not overlap.
    CHECK_THAT(text, !Catch::Contains("Mutual exclusion: held"));
    CHECK_THAT(text, Catch::Contains("not enforced (mode none has no lock)"));

    config.mode = Mode::kFlock;  // the same steps under a lock are safe, in green
    ticketsim::Comparison comparison =
        ticketsim::run_comparison(config, {Mode::kNone, Mode::kFlock});
    ticketsim::TextReportOptions options;
    options.use_color = true;
    std::string compared = ticketsim::render_compare_report(comparison, {}, options);
    CHECK_THAT(row_of(compared, "none"), Catch::Contains("\x1b[33munprotected"));
    CHECK_THAT(row_of(compared, "flock"), Catch::Contains("\x1b[32msafe"));
  }
}

TEST_CASE("an UNSAFE verdict is never followed by a sentence saying no race was seen",
          "[figures]") {
  auto clean = [] {
    CustomerHistory a = customer(0, 2), b = customer(1, 2);
    a.purchases = {bought(2, 1)};
    b.purchases = {bought(1, 5)};
    return analysed(Mode::kNone, Schedule::kFree, 2, 0, {a, b});
  };
  auto check_no_denial = [](const TrialResult& trial) {
    CAPTURE(trial.verdict());
    REQUIRE(trial.verdict() == "UNSAFE");
    std::string sentences = joined(ticketsim::explain_trial(trial));
    CAPTURE(sentences);
    CHECK_THAT(sentences, !Catch::Contains("No race"));
    CHECK_THAT(sentences, !Catch::Contains("happened to"));
    CHECK_THAT(sentences, !Catch::Contains("no update lost"));
  };
  SECTION("whichever finding made it UNSAFE") {
    // A lost update only: both read 2 and wrote 1 (tickets 2, final 1), nothing oversold.
    CustomerHistory a = customer(0, 2), b = customer(1, 2);
    a.purchases = {bought(2, 1)};
    b.purchases = {bought(2, 2)};
    check_no_denial(analysed(Mode::kNone, Schedule::kFree, 2, 1, {a, b}));
    // Oversold: both bought the last ticket.
    a.purchases = {bought(1, 1)};
    b.purchases = {bought(1, 2)};
    check_no_denial(analysed(Mode::kNone, Schedule::kFree, 1, 0, {a, b}));
    // A torn read and nothing else.
    TrialResult torn = clean();
    torn.customers[1].search.outcome = Outcome::kTornRead;
    ticketsim::analyse_trial(torn, torn.customers, true);
    check_no_denial(torn);
    // An unreadable final store and nothing else.
    TrialResult unreadable = clean();
    unreadable.final_count.reset();
    ticketsim::analyse_trial(unreadable, unreadable.customers, true);
    check_no_denial(unreadable);
    // A lock that let two purchases overlap, with the counts right by luck.
    a.purchases = {bought(2, 1)};
    b.purchases = {bought(1, 1)};
    b.purchases[0].t_read = a.purchases[0].t_written + 10;  // read after a's write, inside
    b.purchases[0].t_written = b.purchases[0].t_read + 10;  // a's critical section
    b.purchases[0].t_released = b.purchases[0].t_written + 10;
    TrialResult overlapped = analysed(Mode::kFlock, Schedule::kFree, 2, 0, {a, b});
    CHECK(overlapped.mutex_violations > 0);
    check_no_denial(overlapped);
  }
  SECTION("several trials: the one that raced is the one explained") {
    CustomerHistory a = customer(0, 2), b = customer(1, 2);
    a.purchases = {bought(2, 1)};
    b.purchases = {bought(2, 2)};
    TrialResult raced = analysed(Mode::kNone, Schedule::kFree, 2, 1, {a, b});
    ExperimentResult result = experiment_of({clean(), raced, clean()});
    std::string text = text_of(result);
    CAPTURE(text);
    CHECK(cells_of(row_of(text, "none \\(all 3\\)")).back() == "UNSAFE");
    CHECK_THAT(text, Catch::Contains("What happened in trial #2"));
    CHECK_THAT(text, !Catch::Contains("No race"));
    CHECK_THAT(text, !Catch::Contains("the OS"));
  }
  SECTION("real trials, raced by lockstep") {
    auto result = ticketsim_cli(
        {"run", "--schedule", "lockstep", "--procs", "4", "--latency", "0", "--trials", "3"});
    CAPTURE(result.out);
    REQUIRE(result.exit_code == 0);
    CHECK(cells_of(row_of(result.out, "none \\(all 3\\)")).back() == "UNSAFE");
    CHECK_THAT(result.out, !Catch::Contains("No race"));
  }
}

TEST_CASE("controlled and replayed schedules never credit the OS", "[figures]") {
  TempDir dir;
  const std::string serial =
      "script:1:search 1:acquire 1:read 1:write 1:release 2:search 2:acquire 2:read 2:write "
      "2:release";
  SECTION("a script that runs the purchases apart, and its replay") {
    auto scripted = ticketsim_cli({"run", "--procs", "2", "--schedule", serial});
    CAPTURE(scripted.out);
    REQUIRE(scripted.exit_code == 0);
    CHECK_THAT(scripted.out, Catch::Contains("the schedule ran the purchases apart"));
    CHECK_THAT(scripted.out, !Catch::Contains("the OS"));
    auto report = ticketsim_cli({"run", "--procs", "2", "--schedule", serial, "--json"});
    REQUIRE(report.exit_code == 0);
    write_file(dir.file("report.json"), report.out);
    auto replayed = ticketsim_cli({"run", "--schedule", "replay:" + dir.file("report.json")});
    CAPTURE(replayed.out, replayed.err);
    REQUIRE(replayed.exit_code == 0);
    CHECK_THAT(replayed.out, Catch::Contains("the schedule ran the purchases apart"));
    CHECK_THAT(replayed.out, !Catch::Contains("the OS"));
  }
  SECTION("a script whose purchases overlap without losing an update") {
    auto overlapping = ticketsim_cli(
        {"run", "--procs", "2", "--tickets", "2", "--schedule",
         "script:1:search 2:search 1:acquire 2:acquire 1:read 1:write 2:read 2:write 1:release "
         "2:release"});
    CAPTURE(overlapping.out);
    REQUIRE(overlapping.exit_code == 0);
    CHECK(cells_of(row_of(overlapping.out, "none")).back() == "unprotected");
    // No lock was broken (there is none), but the overlap is stated.
    CHECK_THAT(overlapping.out,
               Catch::Contains("Mutual exclusion: not enforced (mode none has no lock); 1 pair "
                               "of searches and purchases overlapped"));
    CHECK_THAT(overlapping.out, !Catch::Contains("BROKEN"));
    // Not "ran the purchases apart": they overlapped, and the schedule, not luck, ordered them.
    CHECK_THAT(overlapping.out, !Catch::Contains("apart"));
    CHECK_THAT(overlapping.out,
               Catch::Contains("searches and purchases overlapped (1 pair), but each purchase was "
                               "scheduled to read "
                               "after the previous write"));
    CHECK_THAT(overlapping.out, !Catch::Contains("the OS"));
  }
  SECTION("random and round-robin schedules") {
    for (const char* schedule : {"random", "round-robin"}) {
      for (const char* seed : {"1", "2", "3"}) {
        auto result = ticketsim_cli(
            {"run", "--procs", "2", "--tickets", "2", "--schedule", schedule, "--seed", seed});
        CAPTURE(schedule, seed, result.out);
        REQUIRE(result.exit_code == 0);
        CHECK_THAT(result.out, !Catch::Contains("the OS"));
        CHECK_THAT(result.out, !Catch::Contains("happened to"));
      }
    }
  }
}

TEST_CASE("a store with no ticket is never said to have raced apart or to race under lockstep",
          "[figures]") {
  for (const char* schedule : {"free", "lockstep"}) {
    auto result = ticketsim_cli(
        {"run", "--tickets", "0", "--procs", "3", "--latency", "0", "--schedule", schedule});
    CAPTURE(schedule, result.out);
    REQUIRE(result.exit_code == 0);
    CHECK(cells_of(row_of(result.out, "none")).back() == "unprotected");
    CHECK_THAT(result.out, Catch::Contains("the store held no ticket, so nobody wrote it"));
    CHECK_THAT(result.out, !Catch::Contains("after the previous write"));  // there was none
    CHECK_THAT(result.out, !Catch::Contains("lockstep forces the race"));  // it cannot
    CHECK_THAT(result.out, !Catch::Contains("the OS"));
  }
}

TEST_CASE("critical sections a stall cut short are reported unchecked, never covered by 'held'",
          "[figures]") {
  // Every customer is inside its purchase when the trial times out: the first to write stops
  // for an hour, and lockstep holds the others at the race point until it writes. The timeout
  // leaves room for all four to get there, however slowly this machine forks.
  auto result =
      ticketsim_cli({"run", "--schedule", "lockstep", "--procs", "4", "--latency", "0",
                     "--search-latency", "0", "--pause-holder", "60min", "--trial-timeout", "3s"});
  CAPTURE(result.out);
  REQUIRE(result.exit_code == 0);
  CHECK_THAT(result.out, Catch::Contains("cut short before release"));
  CHECK_THAT(result.out, Catch::Contains("no two finished purchases overlapped"));
  // Mode none has no lock to wait on: no "lock holder", no "waited 0.0 ms for the lock".
  CHECK_THAT(result.out, Catch::Contains("mode none has no lock for the others to wait on"));
  CHECK_THAT(result.out, !Catch::Contains("lock holder"));
}

// ---------------------------------------------------------------------------------------------
// Point 9: every flag is honoured or refused before any trial runs.

TEST_CASE("a JSON report with --customers carries every customer's record", "[figures]") {
  Json json =
      json_of(ticketsim_cli({"run", "--schedule", "lockstep", "--procs", "3", "--attempts", "2",
                             "--tickets", "10", "--latency", "0", "--json", "--customers"}));
  REQUIRE(json["customers"].size() == 3);
  for (int i = 0; i < 3; ++i) {
    const Json& customer = json["customers"][static_cast<std::size_t>(i)];
    CHECK(customer["customer"] == i + 1);
    CHECK(customer["pid"].get<int>() > 0);
    CHECK(customer["ppid"].get<int>() > 0);
    CHECK(customer["search"]["outcome"] == "seen");
    CHECK(customer["search"]["seen"] == 10);
    REQUIRE(customer["purchases"].size() == 2);
    for (const Json& purchase : customer["purchases"]) {
      CHECK(purchase["outcome"] == "bought");
      CHECK(purchase["write"] == "done");
      CHECK(purchase["wrote"] == purchase["read"].get<int>() - 1);
    }
  }
  // Without --customers the document has no such member.
  Json plain = json_of(ticketsim_cli({"run", "--procs", "2", "--latency", "0", "--json"}));
  CHECK_FALSE(plain.contains("customers"));
}

TEST_CASE("a flag that cannot apply is refused before any trial runs, with exit 2 naming it",
          "[figures]") {
  TempDir dir, workdir;
  auto report = ticketsim_cli({"run", "--procs", "2", "--json", "--schedule",
                               "script:1:search 2:search 1:acquire 1:read 1:write 1:release"});
  REQUIRE(report.exit_code == 0);
  write_file(dir.file("report.json"), report.out);
  const std::string replay = "replay:" + dir.file("report.json");
  write_file(dir.file("store.json"), "{\"count\": 3}");
  struct Case {
    std::vector<std::string> args;
    std::string flag;
  };
  // Free-schedule cases think for 30 s: had a trial run, the command would take that long.
  const std::vector<std::string> slow{"--latency", "30s", "--procs", "2"};
  auto with_slow = [&](std::vector<std::string> args) {
    args.insert(args.begin() + 1, slow.begin(), slow.end());
    return args;
  };
  std::vector<Case> cases{
      {with_slow({"run", "--json", "--timeline"}), "--timeline"},
      {with_slow({"run", "--json", "--customers", "--timeline"}), "--timeline"},
      {with_slow({"run", "--no-times", "--history", dir.file("history.json")}), "--history"},
      {with_slow({"run", "--no-times", "--html", dir.file("report.html")}), "--html"},
      {with_slow({"run", "--no-times", "--trace", dir.file("trace.json")}), "--trace"},
      {with_slow({"run", "--no-times", "--timeline"}), "--timeline"},
      {with_slow({"compare", "--no-times", "--html", dir.file("report.html")}), "--html"},
      {with_slow({"compare", "--expect-safe", "--modes", "none"}), "--expect-safe"},
      {with_slow({"run", "--crash-at", "mid-write"}), "--crash-at"},
      {with_slow({"run", "--mode", "flock", "--lock-timeout", "1s"}), "--lock-timeout"},
      {with_slow({"run", "--lock-timeout", "1s"}), "--lock-timeout"},
      {with_slow({"compare", "--modes", "none,flock,fcntl,ofd,join", "--lock-timeout", "1s"}),
       "--lock-timeout"},
      {with_slow({"run", "--store", dir.file("store.json"), "--in-place", "--trials", "2"}),
       "--in-place"},
      {with_slow({"compare", "--store", dir.file("store.json"), "--in-place"}), "--in-place"},
      {{"run", "--schedule", "script:1:search", "--latency", "10ms"}, "--latency"},
      {{"run", "--schedule", "random", "--latency", "0"}, "--latency"},
      {{"run", "--schedule", "round-robin", "--search-latency", "1ms"}, "--search-latency"},
      {{"run", "--schedule", "round-robin", "--trial-timeout", "1s"}, "--trial-timeout"},
      {{"run", "--schedule", "random", "--mode", "named-mutex", "--lock-timeout", "1s"},
       "--lock-timeout"},
      {{"run", "--schedule", "random", "--crash-prob", "0.5"}, "--schedule"},
      {{"run", "--schedule", "random", "--pause-holder", "1s"}, "--schedule"},
      {{"run", "--schedule", replay, "--procs", "5"}, "--procs"},
      {{"run", "--schedule", replay, "--mode", "flock"}, "--mode"},
      {{"run", "--schedule", replay, "--attempts", "2"}, "--attempts"},
      {{"run", "--schedule", replay, "--tickets", "4"}, "--tickets"},
      {{"run", "--schedule", replay, "--trial-timeout", "1s"}, "--trial-timeout"},
  };
  for (Case c : cases) {
    c.args.push_back("--workdir");
    c.args.push_back(workdir.path());
    const auto started = std::chrono::steady_clock::now();
    auto result = ticketsim_cli(c.args);
    const auto took = std::chrono::steady_clock::now() - started;
    CAPTURE(c.args, result.err);
    CHECK(result.exit_code == 2);
    CHECK(result.out.empty());
    CHECK_THAT(result.err, Catch::Contains(c.flag));
    CHECK(took < 10s);  // refused at once, not after the experiment
  }
  CHECK(workdir.entries().empty());
  CHECK_FALSE(std::filesystem::exists(dir.file("history.json")));
  CHECK_FALSE(std::filesystem::exists(dir.file("report.html")));
  CHECK(read_file(dir.file("store.json")) == "{\"count\": 3}");
}

TEST_CASE("a timeout flag is honoured wherever it can apply", "[figures]") {
  // Named-mutex customers give up on a lock its dead holder left taken.
  Json json =
      json_of(ticketsim_cli({"run", "--mode", "named-mutex", "--procs", "3", "--latency", "0",
                             "--crash-prob", "1", "--lock-timeout", "200ms", "--json"}));
  CHECK(json["stalled"] == true);
  CHECK(json["workload"]["lock_timeout_ms"] == 200);
  CHECK_THAT(json["trials"][0]["stall_reason"].get<std::string>(), Catch::Contains("gave up"));
  // In a comparison it applies to the modes that can time out, and is accepted for the list.
  Json compared =
      json_of(ticketsim_cli({"compare", "--modes", "flock,robust-mutex", "--procs", "2",
                             "--latency", "0", "--trials", "1", "--lock-timeout", "1s", "--json"}));
  CHECK(compared["workload"]["lock_timeout_ms"] == 1000);
}
