#include "simulator/schedule/step_sequence.h"

namespace ticketsim {

StepSequence::StepSequence(Mode mode, int attempts)
    : optimistic_(mode == Mode::kOptimistic), server_(mode == Mode::kServer), attempts_(attempts) {}

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
  return optimistic_ && retries_ < kOptimisticRetries &&
         (check_ < 0 || look_ < 0 || check_ != look_);
}

StepSequence::Phase StepSequence::after_release() const {
  if (attempt_ >= attempts_) return Phase::kDone;
  if (server_) return Phase::kBuy;
  return optimistic_ && retries_ < kOptimisticRetries ? Phase::kLook : Phase::kAcquire;
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
      phase_ = Phase::kRelease;
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

std::vector<std::int64_t> StepSequence::key() const {
  return {static_cast<std::int64_t>(phase_), attempt_, retries_, look_, check_};
}

}  // namespace ticketsim
