// StepSession: one hand-driven trial for the classroom, shared by the terminal (`step`) and
// the browser (`step --web`): which key moves whom, undo, what --predict hides, the report.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "simulator/experiment/prepared_store.h"
#include "simulator/schedule/step_driver.h"
#include "ticketsim/config.h"
#include "ticketsim/experiment.h"

namespace ticketsim {

// What one customer's lane shows.
struct LaneView {
  int customer = 0;  // 0-based
  pid_t pid = 0;
  pid_t ppid = 0;        // 0 once it exited
  std::string next;      // "next: read", "finished"
  bool waiting = false;  // its next step waits for the lock (or, under join, for a turn)
  bool finished = false;
  std::vector<std::string> done;  // its steps so far, with what --predict lets them say
};

// Owns the real customer processes of one trial and moves them only when asked. In a mode
// without a lock, the lock steps are granted with the step before them and never shown. A
// customer that is waiting or finished is not moved again: its key only says so. Undo
// replays every kept step on fresh processes. With `predict`, nothing tells a count or an
// outcome (lanes, last-step message, store count) until revealed. Destroying the session
// kills and reaps every customer and removes the trial's resources.
class StepSession {
 public:
  // Validates `config` (as a round-robin trial: the teacher drives) and forks its customers.
  // Throws ConfigError, StoreError or RunError.
  StepSession(const ExperimentConfig& config, bool predict);
  ~StepSession();
  StepSession(const StepSession&) = delete;
  StepSession& operator=(const StepSession&) = delete;

  const ExperimentConfig& config() const { return config_; }
  int procs() const { return config_.procs; }
  std::int64_t tickets() const { return store_.tickets; }

  // The teacher pressed customer `customer`'s key (0-based); returns the message to show.
  std::string press(int customer);
  // Undoes the last step asked for; returns the message to show.
  std::string undo();
  // --predict only: shows or hides again what is hidden; returns the message to show.
  std::string toggle_reveal();

  bool predict() const { return predict_; }
  bool shown() const { return !predict_ || revealed_; }
  // The store's count, as the screen may say it: "?" while hidden, "torn" when unreadable.
  std::string count_text() const;
  // The customer holding the lock, or -1 (always -1 in a mode without a lock).
  int lock_holder() const { return driver_->lock_holder(); }
  // True when the mode takes a lock the screen can show free or held (not a database's
  // optimistic, whose purchase is one UPDATE ... WHERE count = <read>).
  bool shows_lock() const {
    return mode_takes_lock(config_.mode) &&
           !(config_.mode == Mode::kOptimistic && driver_->database());
  }
  std::vector<LaneView> lanes() const;
  bool all_finished() const { return driver_->all_finished(); }
  // "All done: 2 tickets sold from 1 - 1 OVERSOLD." (hidden while --predict hides), or "".
  std::string all_done_text() const;

  // Ends the trial (unfinished customers let go and exit; all are reaped) and returns the
  // report of what ran, as `ticketsim step` prints it, `width` columns wide. Call once.
  std::string finish(int width, bool use_color, int interrupted_by);

 private:
  // Grants `customer`'s next step and then its hidden lock steps; returns the step asked for.
  const StepRecord& move(int customer);

  ExperimentConfig config_;
  PreparedStore store_;
  TrialInput input_;
  std::unique_ptr<StepDriver> driver_;
  std::vector<StepToken> taken_;  // granted steps, for undo
  bool predict_;
  bool revealed_ = false;
};

}  // namespace ticketsim
