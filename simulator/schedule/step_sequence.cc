#include "simulator/schedule/step_sequence.h"

namespace ticketsim {

PurchaseSteps purchase_steps(Mode mode, bool database) {
  if (mode == Mode::kServer || mode == Mode::kAtomic) return PurchaseSteps::kOneStep;
  if (mode == Mode::kOptimistic) {
    return database ? PurchaseSteps::kCompareAndSet : PurchaseSteps::kOptimistic;
  }
  return PurchaseSteps::kLocked;
}

StepSequence::StepSequence(Mode mode, int attempts, bool database)
    : shape_(purchase_steps(mode, database)), attempts_(attempts) {}

std::optional<Step> StepSequence::next() const {
  switch (phase_) {
    case Phase::kSearch:
      return Step::kSearch;
    case Phase::kLook:
    case Phase::kRead:
      return Step::kRead;
    case Phase::kAcquire:
      return Step::kAcquire;
    case Phase::kWrite:
      return Step::kWrite;
    case Phase::kRelease:
      return Step::kRelease;
    case Phase::kBuy:
      return Step::kBuy;
    case Phase::kDone:
      return std::nullopt;
  }
  return std::nullopt;
}

bool StepSequence::conflicted() const {
  return shape_ == PurchaseSteps::kOptimistic && retries_ < kOptimisticRetries &&
         (check_ < 0 || look_ < 0 || check_ != look_);
}

StepSequence::Phase StepSequence::first_of_purchase() const {
  switch (shape_) {
    case PurchaseSteps::kOneStep:
      return Phase::kBuy;
    case PurchaseSteps::kCompareAndSet:
      return Phase::kRead;
    case PurchaseSteps::kOptimistic:
      return retries_ < kOptimisticRetries ? Phase::kLook : Phase::kAcquire;
    case PurchaseSteps::kLocked:
      break;
  }
  return Phase::kAcquire;
}

StepSequence::Phase StepSequence::after_release() const {
  return attempt_ >= attempts_ ? Phase::kDone : first_of_purchase();
}

void StepSequence::advance(std::int64_t value) {
  switch (phase_) {
    case Phase::kSearch:
      phase_ = after_release();
      break;
    case Phase::kLook:
      look_ = value;
      phase_ = Phase::kAcquire;
      break;
    case Phase::kAcquire:
      phase_ = Phase::kRead;
      break;
    case Phase::kRead:
      check_ = value;
      // A conflict gives the purchase up at once: release, then look again.
      phase_ = conflicted() ? Phase::kRelease : Phase::kWrite;
      break;
    case Phase::kWrite:
      if (shape_ == PurchaseSteps::kCompareAndSet) {  // the write was the whole purchase
        ++attempt_;
        retries_ = 0;
        check_ = -1;
        phase_ = after_release();
      } else {
        phase_ = Phase::kRelease;
      }
      break;
    case Phase::kRelease:
      if (conflicted()) {
        ++retries_;
      } else {
        ++attempt_;
        retries_ = 0;
      }
      look_ = check_ = -1;
      phase_ = after_release();
      break;
    case Phase::kBuy:
      ++attempt_;
      phase_ = after_release();
      break;
    case Phase::kDone:
      break;
  }
}

void StepSequence::conflict() {
  if (phase_ == Phase::kDone || phase_ == Phase::kSearch) return;
  ++retries_;
  look_ = check_ = -1;
  phase_ = first_of_purchase();
}

std::vector<std::int64_t> StepSequence::key() const {
  return {static_cast<std::int64_t>(phase_), attempt_, retries_, look_, check_};
}

}  // namespace ticketsim
