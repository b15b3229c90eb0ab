// A store plugged in through the seam (TrialInput::make_store), without touching customers,
// trials or reports: a store that times out, loses its connection or leaves a write's result
// unknown is counted honestly by real customers and the oracle.
#include <catch2/catch.hpp>

#include <memory>
#include <string>

#include "simulator/engine/trial.h"
#include "simulator/experiment/run_trial.h"
#include "storage/file_store.h"
#include "storage/ticket_store.h"
#include "tests/test_support.h"
#include "ticketsim/experiment.h"

using ticketsim::ExperimentConfig;
using ticketsim::Mode;
using ticketsim::StoreProvider;
using ticketsim::StoreReply;
using ticketsim::StoreSlot;
using ticketsim::StoreSnapshot;
using ticketsim::StoreStatus;
using ticketsim::TicketStore;
using ticketsim::TrialInput;
using ticketsim::TrialResult;
using ticketsim::testing::TempDir;

namespace {

// What the failing store does wrong.
struct Fault {
  bool on_read = false;  // fail reads (else writes)
  StoreStatus status;    // the failure it answers
  bool applied = false;  // a failed write took effect all the same
};

// The file store, except that every read or every write answers `fault.status`.
class FailingStore final : public TicketStore {
 public:
  FailingStore(const StoreProvider& inner, Fault fault)
      : inner_slot_(std::make_unique<StoreSlot>()),
        inner_(inner.open_for_customer(*inner_slot_)),
        fault_(fault) {}

  StoreReply read_count() override {
    if (fault_.on_read) return StoreReply(fault_.status, 0, "injected by the test");
    return inner_.read_count();
  }
  StoreReply write_count(std::int64_t count) override {
    if (fault_.on_read) return inner_.write_count(count);
    if (fault_.applied) inner_.write_count(count);
    return StoreReply(fault_.status, 0, "injected by the test");
  }
  StoreReply compare_and_set(std::int64_t expected, std::int64_t desired) override {
    return inner_.compare_and_set(expected, desired);
  }
  void restore(std::int64_t count) override { inner_.restore(count); }

 private:
  std::unique_ptr<StoreSlot> inner_slot_;  // the file store's own handle
  TicketStore& inner_;
  Fault fault_;
};

class FailingStoreProvider final : public StoreProvider {
 public:
  FailingStoreProvider(std::unique_ptr<StoreProvider> inner, Fault fault)
      : inner_(std::move(inner)), fault_(fault) {}
  TicketStore& open_for_customer(StoreSlot& slot) const override {
    return slot.emplace<FailingStore>(*inner_, fault_);
  }
  StoreSnapshot snapshot() const override { return inner_->snapshot(); }
  void restore(std::int64_t count) const override { inner_->restore(count); }

 private:
  std::unique_ptr<StoreProvider> inner_;
  Fault fault_;
};

TrialResult run_with(const Fault& fault, ExperimentConfig config) {
  TempDir workdir;
  config.workdir = workdir.path();
  config.validate();
  const std::string store = "{\"count\": " + std::to_string(*config.tickets) + "}";
  TrialInput input{&config, store, *config.tickets, 0, {}, {}};
  input.make_store = [fault](const ticketsim::StoreSite& site) -> std::unique_ptr<StoreProvider> {
    return std::make_unique<FailingStoreProvider>(ticketsim::make_file_store_provider(site), fault);
  };
  TrialResult result = ticketsim::run_trial(input);
  REQUIRE(workdir.entries().empty());
  return result;
}

ExperimentConfig three_customers(Mode mode) {
  ExperimentConfig config;
  config.mode = mode;
  config.procs = 3;
  config.tickets = 3;
  config.latency = {};
  config.hold = {};  // think time only: no hold, no network before searching
  config.search_latency = {};
  return config;
}

}  // namespace

TEST_CASE("writes whose result never came back are indeterminate, not sales", "[seam]") {
  TrialResult trial =
      run_with({false, StoreStatus::kIndeterminate, true}, three_customers(Mode::kFlock));
  CHECK(trial.errors == 3);
  CHECK_THAT(trial.first_error, Catch::Contains("the store did not answer a write: indeterminate"));
  CHECK(trial.sold == 0);
  CHECK(trial.writes_made == 0);
  CHECK(trial.indeterminate == 3);
  CHECK(trial.final_count == 0);  // they did take effect
  CHECK(trial.verdict() == "ERROR");
  REQUIRE(trial.lost_updates);
  CHECK(*trial.lost_updates_max >= *trial.lost_updates);
}

TEST_CASE("writes that timed out before reaching the store leave it untouched", "[seam]") {
  auto status = GENERATE(StoreStatus::kTimeout, StoreStatus::kConnectionLost);
  CAPTURE(ticketsim::store_status_name(status));
  TrialResult trial = run_with({false, status, false}, three_customers(Mode::kFlock));
  CHECK(trial.errors == 3);
  CHECK(trial.sold == 0);
  CHECK(trial.indeterminate == 0);
  CHECK(trial.final_count == 3);
  CHECK(trial.lost_updates == 0);
  CHECK_FALSE(trial.unsafe());
}

TEST_CASE("reads the store cannot answer fail the customers, never hang the trial", "[seam]") {
  auto mode = GENERATE(Mode::kNone, Mode::kFlock, Mode::kRobustMutex, Mode::kJoin);
  CAPTURE(ticketsim::mode_name(mode));
  TrialResult trial = run_with({true, StoreStatus::kConnectionLost, false}, three_customers(mode));
  CHECK(trial.errors == 3);
  CHECK_THAT(trial.first_error, Catch::Contains("connection-lost"));
  CHECK_FALSE(trial.stalled);
  CHECK(trial.sold == 0);
  CHECK(trial.final_count == 3);
}

TEST_CASE("under a controlled schedule a store that cannot answer fails the step, not the run",
          "[seam]") {
  auto fault = GENERATE(Fault{true, StoreStatus::kTimeout, false},
                        Fault{false, StoreStatus::kIndeterminate, true});
  ExperimentConfig config = three_customers(Mode::kFlock);
  config.schedule = ticketsim::Schedule::kRoundRobin;
  TrialResult trial = run_with(fault, config);
  CHECK(trial.errors == 3);
  CHECK(trial.sold == 0);
  CHECK_FALSE(trial.stalled);
  CHECK(trial.indeterminate == (fault.on_read ? 0 : 3));
  int failed_steps = 0;
  for (const ticketsim::StepRecord& step : trial.steps) {
    if (step.outcome != ticketsim::StepOutcome::kFailed) continue;
    ++failed_steps;
    CHECK(step.step == (fault.on_read ? ticketsim::Step::kSearch : ticketsim::Step::kWrite));
    CHECK_THAT(step.note, Catch::Contains("the store did not answer"));
  }
  CHECK(failed_steps == 3);
  CHECK(trial.unfinished.empty());
}
