// The terminal timeline: one lane per customer, fitted to the width, summarised when large.
#include "simulator/report/timeline_text.h"

#include <catch2/catch.hpp>

#include <chrono>
#include <sstream>
#include <string>
#include <vector>

#include "simulator/oracle/witnesses.h"
#include "tests/test_support.h"
#include "ticketsim/experiment.h"

using namespace std::chrono_literals;
using ticketsim::ExperimentConfig;
using ticketsim::Mode;
using ticketsim::Schedule;

using ticketsim::testing::lines_of;

namespace {

// Lines that are customer lanes ("  #3    p1234  *|...|").
std::vector<std::string> lanes_of(const std::string& text) {
  std::vector<std::string> lanes;
  for (const std::string& line : lines_of(text)) {
    if (line.rfind("  #", 0) == 0) lanes.push_back(line);
  }
  return lanes;
}

ticketsim::TrialResult trial_of(Mode mode, int procs) {
  ExperimentConfig config;
  config.mode = mode;
  config.schedule = Schedule::kLockstep;
  config.procs = procs;
  config.latency = ticketsim::DurationRange::exactly(2ms);
  config.hold = {};  // think time only: no hold, no network before searching
  config.search_latency = {};
  return ticketsim::run_experiment(config).trials.at(0);
}

// Times of the drawn trials below, in nanoseconds.
constexpr std::int64_t kMs = 1'000'000, kStart = 5 * kMs;

// An empty lockstep trial of `procs` customers, one attempt each, started at kStart.
ticketsim::TrialResult drawn_trial(Mode mode, int procs, std::int64_t tickets) {
  ticketsim::TrialResult trial;
  trial.mode = mode;
  trial.schedule = Schedule::kLockstep;
  trial.procs = procs;
  trial.attempts = 1;
  trial.tickets = tickets;
  trial.t_start = kStart;
  return trial;
}

// Adds a customer that bought in `purchase` and exited 0.1 ms after it.
void add_buyer(ticketsim::TrialResult& trial, ticketsim::CustomerHistory customer,
               ticketsim::PurchaseRecord purchase) {
  purchase.outcome = ticketsim::Outcome::kBought;
  purchase.write_state = ticketsim::WriteState::kDone;
  customer.purchases.push_back(purchase);
  customer.t_exit = purchase.t_released + kMs / 10;
  trial.customers.push_back(customer);
}

// The lockstep race of mode none with fixed times, so that the drawing does not depend on how
// fast this machine forks: every customer searches, reads count=1 within 0.15 ms of the
// others, thinks 2 ms and writes count=0.
ticketsim::TrialResult drawn_race(int procs) {
  ticketsim::TrialResult trial = drawn_trial(Mode::kNone, procs, 1);
  for (int i = 0; i < procs; ++i) {
    const std::int64_t skew = i * 10'000;  // 10 us apart
    ticketsim::CustomerHistory customer;
    customer.index = i;
    customer.pid = 1000 + i;
    customer.t_spawn = kStart + skew;
    customer.search = {kStart + kMs / 10 + skew,
                       kStart + kMs / 10 + skew,
                       kStart + kMs / 10 + skew,
                       kStart + kMs / 10 + skew,
                       1,
                       ticketsim::Outcome::kSeen};
    ticketsim::PurchaseRecord purchase;
    purchase.t_lock_requested = purchase.t_lock_acquired = kStart + kMs + skew;
    purchase.t_read = purchase.t_lock_acquired + 10'000;
    purchase.t_write_begin = purchase.t_read + 2 * kMs;
    purchase.t_written = purchase.t_released = purchase.t_write_begin + 50'000;
    purchase.value_read = 1;
    purchase.value_written = 0;
    add_buyer(trial, customer, purchase);
  }
  trial.sold = procs;
  trial.oversold = procs - 1;
  trial.witnesses = ticketsim::find_witnesses(trial.customers, trial.tickets);
  return trial;
}

// A locked trial with fixed times: all customers ask for the lock at once and get it in turn,
// each holding it 2 ms, so customer i waits 2i ms.
ticketsim::TrialResult drawn_queue(int procs) {
  ticketsim::TrialResult trial = drawn_trial(Mode::kFlock, procs, procs);
  for (int i = 0; i < procs; ++i) {
    ticketsim::CustomerHistory customer;
    customer.index = i;
    customer.pid = 1000 + i;
    customer.t_spawn = kStart;
    ticketsim::PurchaseRecord purchase;
    purchase.t_lock_requested = kStart + kMs;
    purchase.t_lock_acquired = purchase.t_lock_requested + i * 2 * kMs;
    purchase.t_read = purchase.t_lock_acquired + 10'000;
    purchase.t_write_begin = purchase.t_read + kMs;
    purchase.t_written = purchase.t_write_begin + 50'000;
    purchase.t_released = purchase.t_lock_acquired + 2 * kMs - 1;
    purchase.value_read = procs - i;
    purchase.value_written = procs - i - 1;
    add_buyer(trial, customer, purchase);
  }
  trial.sold = procs;
  trial.witnesses = ticketsim::find_witnesses(trial.customers, trial.tickets);
  return trial;
}

}  // namespace

TEST_CASE("the timeline draws one lane per customer and marks the witnessed", "[timeline]") {
  auto trial = drawn_race(15);
  std::string text = ticketsim::render_timeline(trial, {80, false, 40});
  auto lanes = lanes_of(text);
  REQUIRE(lanes.size() == 15);
  for (const std::string& line : lines_of(text)) CHECK(line.size() <= 80);
  for (const std::string& lane : lanes) {
    CHECK(lane.find('*') != std::string::npos);  // every buyer is witnessed
    CHECK(lane.find('~') != std::string::npos);  // everyone thought (2 ms) ...
    CHECK(lane.find('W') != std::string::npos);  // ... and wrote
  }
  CHECK(text.find("\x1b[") == std::string::npos);
  // Everyone held the (absent) lock at once.
  CHECK(text.find("lock max 15") != std::string::npos);
}

TEST_CASE("a locked trial's timeline never shows two customers in the lock", "[timeline]") {
  auto trial = trial_of(Mode::kFlock, 8);
  std::string text = ticketsim::render_timeline(trial, {120, false, 40});
  REQUIRE(lanes_of(text).size() == 8);
  CHECK(text.find("lock max 1 ") != std::string::npos);
  CHECK(trial.witnesses.empty());
}

TEST_CASE("a customer that waited for the lock is drawn waiting, the first one is not",
          "[timeline]") {
  // How long each real customer waits depends on how fast this machine forks, so the waits are
  // drawn: all eight ask together and hold the lock 2 ms each, one after another.
  auto trial = drawn_queue(8);
  std::string text = ticketsim::render_timeline(trial, {120, false, 40});
  auto lanes = lanes_of(text);
  REQUIRE(lanes.size() == 8);
  CHECK(text.find("lock max 1 ") != std::string::npos);
  CHECK(lanes.front().find('.') == std::string::npos);
  for (std::size_t i = 1; i < lanes.size(); ++i) CHECK(lanes[i].find('.') != std::string::npos);
}

TEST_CASE("colour is used only when asked for", "[timeline]") {
  auto trial = trial_of(Mode::kNone, 4);
  CHECK(ticketsim::render_timeline(trial, {80, true, 40}).find("\x1b[") != std::string::npos);
}

TEST_CASE("a 1000-customer timeline is summarised within the terminal", "[timeline]") {
  ExperimentConfig config;
  config.mode = Mode::kNone;
  config.schedule = Schedule::kLockstep;
  config.procs = 1000;
  config.latency = ticketsim::DurationRange::exactly(1ms);
  config.hold = {};  // think time only: no hold, no network before searching
  config.search_latency = {};
  auto trial = ticketsim::run_experiment(config).trials.at(0);
  std::string text = ticketsim::render_timeline(trial, {100, false, 40});
  auto lines = lines_of(text);
  CHECK(lanes_of(text).size() == 40);
  CHECK(lines.size() < 50);
  for (const std::string& line : lines) CHECK(line.size() <= 100);
  CHECK(text.find("showing 40 of 1000 customers") != std::string::npos);
  CHECK(text.find("wait max") != std::string::npos);
  CHECK(text.find("busy max") != std::string::npos);
}
