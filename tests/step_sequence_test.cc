// StepSequence: the steps a customer takes next, as the parent and the customer both derive them.
#include <catch2/catch.hpp>

#include <vector>

#include "simulator/schedule/step_sequence.h"

using ticketsim::Mode;
using ticketsim::Step;
using ticketsim::StepSequence;

namespace {

// Takes every step, answering reads from `reads` in turn; returns the steps taken.
std::vector<Step> walk(StepSequence sequence, std::vector<std::int64_t> reads) {
  std::vector<Step> steps;
  std::size_t next_read = 0;
  while (auto step = sequence.next()) {
    steps.push_back(*step);
    std::int64_t value = -1;
    if (*step == Step::kRead) value = next_read < reads.size() ? reads[next_read++] : 0;
    sequence.advance(value);
    REQUIRE(steps.size() < 1000);
  }
  return steps;
}

}  // namespace

TEST_CASE("a purchase is acquire, read, write, release, after one search", "[schedule]") {
  using enum Step;
  for (Mode mode : {Mode::kNone, Mode::kFlock, Mode::kRobustMutex, Mode::kJoin}) {
    CHECK(walk(StepSequence(mode, 2), {1, 0}) == std::vector<Step>{kSearch, kAcquire, kRead, kWrite,
                                                                   kRelease, kAcquire, kRead,
                                                                   kWrite, kRelease});
  }
}

TEST_CASE("server: a purchase is one buy request", "[schedule]") {
  using enum Step;
  CHECK(walk(StepSequence(Mode::kServer, 3), {}) == std::vector<Step>{kSearch, kBuy, kBuy, kBuy});
}

TEST_CASE("optimistic looks, checks, and starts over when the count changed in between",
          "[schedule]") {
  using enum Step;
  // Unchanged: look 1, check 1, write.
  CHECK(walk(StepSequence(Mode::kOptimistic, 1), {1, 1}) ==
        std::vector<Step>{kSearch, kRead, kAcquire, kRead, kWrite, kRelease});
  // Changed (look 1, check 0): release, look again (0), check 0, write (it finds none).
  StepSequence sequence(Mode::kOptimistic, 1);
  CHECK(walk(sequence, {1, 0, 0, 0}) == std::vector<Step>{kSearch, kRead, kAcquire, kRead, kRelease,
                                                          kRead, kAcquire, kRead, kWrite,
                                                          kRelease});
  // A torn look or check is a conflict too.
  CHECK(walk(StepSequence(Mode::kOptimistic, 1), {-1, 1, 1, 1}).size() == 10);
}

TEST_CASE("optimistic stops retrying after kOptimisticRetries conflicts and reads holding the lock",
          "[schedule]") {
  std::vector<std::int64_t> reads;
  for (int i = 0; i < ticketsim::kOptimisticRetries; ++i) {
    reads.push_back(5);  // look
    reads.push_back(4);  // check: changed
  }
  reads.push_back(3);  // the pessimistic read, holding the lock
  const std::vector<Step> steps = walk(StepSequence(Mode::kOptimistic, 1), reads);
  // search, 64 x (look, acquire, check, release), then acquire, read, write, release.
  REQUIRE(steps.size() == 1 + 4 * static_cast<std::size_t>(ticketsim::kOptimisticRetries) + 4);
  CHECK(std::vector<Step>(steps.end() - 4, steps.end()) ==
        std::vector<Step>{Step::kAcquire, Step::kRead, Step::kWrite, Step::kRelease});
}

TEST_CASE("a database's optimistic purchase is read then write, and reads again after a conflict",
          "[schedule]") {
  using enum Step;
  StepSequence sequence(Mode::kOptimistic, 1, /*database=*/true);
  CHECK(sequence.shape() == ticketsim::PurchaseSteps::kCompareAndSet);
  sequence.advance();   // search
  sequence.advance(2);  // read 2
  REQUIRE(sequence.next() == kWrite);
  sequence.conflict();  // the count was no longer 2
  CHECK(sequence.retries() == 1);
  CHECK(sequence.value_read() == -1);
  CHECK(walk(sequence, {1}) == std::vector<Step>{kRead, kWrite});
}

TEST_CASE("a database's atomic purchase is one buy, as server's", "[schedule]") {
  using enum Step;
  CHECK(walk(StepSequence(Mode::kAtomic, 2, true), {}) == std::vector<Step>{kSearch, kBuy, kBuy});
}

TEST_CASE("serializable begins again at acquire when the database aborts its transaction",
          "[schedule]") {
  using enum Step;
  for (Step aborted_at : {kRead, kWrite, kRelease}) {
    StepSequence sequence(Mode::kSerializable, 1, true);
    sequence.advance();  // search
    while (sequence.next() != aborted_at) sequence.advance(1);
    sequence.conflict();
    CHECK(sequence.retries() == 1);
    CHECK(sequence.attempt() == 0);
    CHECK(walk(sequence, {0}) == std::vector<Step>{kAcquire, kRead, kWrite, kRelease});
  }
}
