// StepSequence: which step a customer takes next, as the steps it took so far decide.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "ticketsim/mode.h"
#include "ticketsim/step.h"

namespace ticketsim {

// A customer's steps under a controlled schedule. It searches once, then for each attempt:
//   - every mode but optimistic and server: acquire, read, write, release;
//   - server: buy (one request; the server reads and writes for the customer);
//   - optimistic: read (holding nothing: a look at the count), acquire, read (the check),
//     then write and release when the check found the count it looked at, else release (a
//     conflict: a retry) and look again. After kOptimisticRetries conflicts a purchase
//     acquires first and reads holding the lock, as the pessimistic modes do, so it ends.
// The parent and the stepped customer each keep one and advance it with the same values, so
// they agree on every step without asking each other.
class StepSequence {
 public:
  StepSequence(Mode mode, int attempts);

  // The next step; nullopt once every attempt is done.
  std::optional<Step> next() const;
  // Records that the next step happened. `value`: what a read found (the count, or -1 when
  // the store was torn); ignored for other steps.
  void advance(std::int64_t value = -1);

  int attempt() const { return attempt_; }  // the purchase under way (0-based)
  int retries() const { return retries_; }  // conflicts of the purchase under way
  // Optimistic: the next read is the look (holding nothing), not the check.
  bool looking() const { return phase_ == Phase::kLook; }
  // Optimistic: the check found another count than the look (or a torn store), so the
  // release ahead gives the purchase up and starts it over.
  bool conflicted() const;
  // The count the purchase under way read holding the lock (the check), -1 before it or when
  // torn.
  std::int64_t value_read() const { return check_; }
  // Everything that decides what comes next, for remembering states (the explorer's model).
  std::vector<std::int64_t> key() const;

 private:
  enum class Phase : std::uint8_t {
    kSearch,
    kLook,
    kAcquire,
    kRead,
    kWrite,
    kRelease,
    kBuy,
    kDone
  };
  Phase after_release() const;

  bool optimistic_;
  bool server_;
  int attempts_;
  Phase phase_ = Phase::kSearch;
  int attempt_ = 0;
  int retries_ = 0;
  std::int64_t look_ = -1;
  std::int64_t check_ = -1;
};

}  // namespace ticketsim
