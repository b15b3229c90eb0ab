// StepSequence: which step a customer takes next, as the steps it took so far decide.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "ticketsim/mode.h"
#include "ticketsim/step.h"

namespace ticketsim {

// How a mode cuts a purchase into steps (`database`: the store is a database).
enum class PurchaseSteps : std::uint8_t {
  kLocked,         // acquire, read, write, release: every lock mode, none, join; serializable
                   // (acquire = BEGIN, release = COMMIT; the database may abort any of its
                   // steps, and the purchase starts over at acquire)
  kOptimistic,     // a file's optimistic: look, acquire, check, write and release | release
  kCompareAndSet,  // a database's optimistic: read, then write (UPDATE ... WHERE count =
                   // <read>); a write that finds another count reads again
  kOneStep,        // server (one request) and a database's atomic (one statement): buy
};
PurchaseSteps purchase_steps(Mode mode, bool database);

// A customer's steps under a controlled schedule. It searches once, then for each attempt
// takes its mode's purchase steps (PurchaseSteps). A file's optimistic purchase, after
// kOptimisticRetries conflicts, acquires first and reads holding the lock, as the pessimistic
// modes do, so it ends. The parent and the stepped customer each keep one and advance it with
// the same values, so they agree on every step without asking each other.
class StepSequence {
 public:
  StepSequence(Mode mode, int attempts, bool database = false);

  // The next step; nullopt once every attempt is done.
  std::optional<Step> next() const;
  // Records that the next step happened. `value`: what a read found (the count, or -1 when
  // the store was torn); ignored for other steps.
  void advance(std::int64_t value = -1);
  // Records that the store refused the next step and undid the purchase's try: a
  // serialization failure (the transaction was rolled back: the purchase starts over at
  // acquire) or a compare-and-set that found another count than the one read (it reads
  // again). A retry, as a file optimistic's conflict is.
  void conflict();

  PurchaseSteps shape() const { return shape_; }
  int attempt() const { return attempt_; }  // the purchase under way (0-based)
  int retries() const { return retries_; }  // conflicts of the purchase under way
  // A file's optimistic: the next read is the look (holding nothing), not the check.
  bool looking() const { return phase_ == Phase::kLook; }
  // A file's optimistic: the check found another count than the look (or a torn store), so
  // the release ahead gives the purchase up and starts it over.
  bool conflicted() const;
  // The count the purchase under way read (holding the lock, where it takes one), -1 before
  // its read or when torn.
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
  Phase first_of_purchase() const;

  PurchaseSteps shape_;
  int attempts_;
  Phase phase_ = Phase::kSearch;
  int attempt_ = 0;
  int retries_ = 0;
  std::int64_t look_ = -1;
  std::int64_t check_ = -1;
};

}  // namespace ticketsim
