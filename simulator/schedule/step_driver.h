// StepDriver: runs one trial of real customer processes, one granted step at a time.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "simulator/engine/customer_processes.h"
#include "simulator/engine/trial.h"
#include "simulator/engine/trial_resources.h"
#include "simulator/schedule/step_sequence.h"
#include "ticketsim/step.h"
#include "ticketsim/trial_result.h"

namespace ticketsim {

// Forks every customer of a trial, each waiting in its mailbox; step() lets exactly one
// customer take exactly its next step and waits for it to finish, so the interleaving is
// whatever the caller decides (a script, a seeded generator, a teacher at a keyboard). A
// step that cannot happen now (the lock is taken; under join, an earlier customer has not
// exited) is reported blocked and changes nothing. The parent never blocks on a lock, so a
// schedule that cannot complete ends instead of hanging. Destroying the driver kills and
// reaps every customer still alive, then removes the trial's resources.
class StepDriver {
 public:
  // Creates the trial's resources and forks its customers. Throws RunError.
  explicit StepDriver(const TrialInput& input);
  ~StepDriver();
  StepDriver(const StepDriver&) = delete;
  StepDriver& operator=(const StepDriver&) = delete;

  int procs() const { return static_cast<int>(sequences_.size()); }
  const ExperimentConfig& config() const { return *input_.config; }
  // The step `customer` takes next; nullopt once it has finished (or died).
  std::optional<Step> next_step(int customer) const;
  // True once `customer` died by a crash step.
  bool dead(int customer) const { return dead_[static_cast<std::size_t>(customer)]; }
  bool finished(int customer) const { return !next_step(customer).has_value(); }
  bool all_finished() const;
  // The customer holding the lock exclusively (as the steps so far imply), or -1. A holder
  // that died keeps the lock only where the mechanism leaves it taken (named-mutex).
  // serializable: the customer whose open transaction wrote the row (its row lock).
  int lock_holder() const { return holder_ >= 0 ? holder_ : row_writer_; }
  // True when the store is a database (its searches take no lock, its writes are whole).
  bool database() const { return database_; }
  // The value `customer`'s current purchase read (nullopt before its read, or when torn).
  std::optional<std::int64_t> value_read(int customer) const;
  // Why `customer`'s next step cannot happen now, or "" when it can.
  std::string blocker(int customer) const;
  // The store's count now, read by the parent; nullopt when the file is torn.
  std::optional<std::int64_t> store_count() const;
  pid_t pid(int customer) const;
  pid_t ppid(int customer) const;
  // How many tickets `customer` has bought so far.
  int bought(int customer) const;

  // Lets `customer` take its next step and waits for it. When `expected` is given and is
  // not that step, nothing happens and the step is recorded skipped, with the reason.
  // `expected` may be a crash (Step::kCrash, or kCrashMidWrite when the next step is a
  // write): the customer dies by SIGKILL there and is reaped before this returns.
  // Throws RunError when a customer dies unasked or does not answer within 10 s.
  const StepRecord& step(int customer, std::optional<Step> expected = std::nullopt);
  const std::vector<StepRecord>& log() const { return log_; }

  // Tells every unfinished customer to exit (releasing what it holds), reaps them all and
  // concludes the trial: the result carries the step log and the schedule that ran.
  TrialResult finish();

 private:
  // Grants `step` to `customer` and waits for its answer (outcome, value).
  std::pair<std::uint8_t, std::int64_t> grant(int customer, Step step);
  // Grants a crash step and waits until the customer has died and been reaped.
  void grant_crash(int customer, Step step);
  void reap_finished(int customer);
  // The note a write or buy step gets from the purchase it ended or left pending.
  std::string purchase_note(const PurchaseRecord& purchase, Step step) const;
  // `customer` holds nothing any more: its lock released, its open transaction ended.
  void let_go(int customer);
  // Records that the store undid `record.customer`'s try at `step`: it starts over.
  void conflict(StepRecord& record, Step step);
  // Fills `record` for a crash step asked of `customer`, whose next step is `next`.
  void crash(StepRecord& record, std::optional<Step> next);
  // The stall a dead holder left: who died holding the lock and who waits; "" when none.
  std::string dead_holder_stall() const;

  TrialInput input_;
  bool database_;  // the store is a database: its searches take no lock, its writes are whole
  TrialResources resources_;
  CustomerProcesses children_;
  WaitHooks hooks_;
  CustomerExits exits_;
  std::vector<StepSequence> sequences_;  // where each customer is in its steps
  std::vector<pid_t> pids_;              // by customer
  std::vector<bool> reaped_;
  std::vector<bool> failed_;  // a store failure ended the customer: it has no next step
  std::vector<bool> dead_;    // a crash step killed it
  bool killing_ = false;      // finish() is killing what is left: exits are not crashes
  int holder_ = -1;
  int row_writer_ = -1;  // serializable: who wrote the row in a transaction still open
  std::int64_t t_start_ = 0;
  std::vector<StepRecord> log_;
  bool finished_ = false;
};

}  // namespace ticketsim
