#include "simulator/classroom/step_session.h"

#include <algorithm>

#include <fmt/format.h>

#include "simulator/report/report_text.h"
#include "simulator/text/translate.h"

namespace ticketsim {
namespace {

// A round-robin trial of one: any controlled schedule would do, the teacher drives.
ExperimentConfig controlled(ExperimentConfig config) {
  config.schedule = Schedule::kRoundRobin;
  config.trials = 1;
  config.validate();
  return config;
}

// True when `step` is a lock step of a mode that has no lock (none, join): such steps are
// granted without a key and never shown. serializable's are its BEGIN and COMMIT.
bool invisible(const ExperimentConfig& config, Step step) {
  return !mode_takes_lock(config.mode) && config.mode != Mode::kSerializable &&
         (step == Step::kAcquire || step == Step::kRelease);
}

// What a lane shows after a write or buy step: what it left in the store, or why not.
std::string step_result(const StepRecord& step) {
  if (step.note == "bought a ticket" || step.note == "one statement sold a ticket") {
    return trf("({}) BOUGHT", step.value);
  }
  if (step.note.starts_with("wrote in its transaction")) return trf("({}) uncommitted", step.value);
  if (step.note.starts_with("the count was no longer")) return tr("(changed: read again)");
  if (step.note.starts_with("the database aborted")) return tr("(aborted)");
  return tr("(sold out)");
}

}  // namespace

StepSession::StepSession(const ExperimentConfig& config, bool predict)
    : config_(controlled(config)),
      store_(prepare_store(config_)),
      input_{&config_, store_.bytes, store_.tickets, 0, store_.store_factory(), {}},
      driver_(std::make_unique<StepDriver>(input_)),
      predict_(predict) {}

StepSession::~StepSession() = default;

const StepRecord& StepSession::move(int customer) {
  const StepRecord& asked = driver_->step(customer);
  const std::size_t at = driver_->log().size() - 1;
  if (asked.outcome != StepOutcome::kSkipped) taken_.push_back(StepToken{customer, asked.step});
  while (auto next = driver_->next_step(customer)) {
    if (!invisible(config_, *next)) break;
    taken_.push_back(StepToken{customer, driver_->step(customer).step});
  }
  return driver_->log()[at];
}

std::string StepSession::press(int customer) {
  if (customer < 0 || customer >= procs()) return tr("No such customer.");
  if (driver_->finished(customer)) {
    return trf("Customer {} has finished: its key does nothing now.", customer + 1);
  }
  const std::string waiting_for = driver_->blocker(customer);
  const auto& log = driver_->log();
  const auto last = std::find_if(log.rbegin(), log.rend(),
                                 [&](const StepRecord& s) { return s.customer == customer; });
  if (!waiting_for.empty() && last != log.rend() && last->outcome == StepOutcome::kBlocked) {
    // A blocked customer sleeps in the lock's queue: pressing its key again changes nothing
    // until the holder lets go.
    return trf("Customer {} is still waiting ({}).", customer + 1, note_text(waiting_for));
  }
  const StepRecord& step = move(customer);
  // With --predict and nothing revealed, name the step only: a value or an outcome would
  // give the answer away.
  if (shown()) return trf("Last: {}", describe(step));
  return trf("Last: customer {} {}", step.customer + 1, step_name(step.step));
}

std::string StepSession::undo() {
  if (taken_.empty()) return tr("Nothing to undo.");
  // The last step asked for, with the lock steps granted after it.
  while (!taken_.empty() && invisible(config_, taken_.back().step)) taken_.pop_back();
  if (!taken_.empty()) taken_.pop_back();
  driver_.reset();  // kills the customers, removes the trial's resources
  driver_ = std::make_unique<StepDriver>(input_);
  for (const StepToken& step : taken_) driver_->step(step.customer, step.step);
  // Counted as the lanes show them: the lock steps of a mode without a lock are not.
  const auto shown_steps = std::count_if(taken_.begin(), taken_.end(), [&](const StepToken& t) {
    return !invisible(config_, t.step);
  });
  return trf("Undone: replayed {} on new processes (new pids, same state).",
             counted(shown_steps, "{} step", "{} steps"));
}

std::string StepSession::toggle_reveal() {
  if (!predict_) return tr("Nothing is hidden (--predict hides counts and outcomes).");
  revealed_ = !revealed_;
  return revealed_ ? tr("Revealed.") : tr("Hidden again: guess first.");
}

std::string StepSession::count_text() const {
  if (!shown()) return "?";
  std::optional<std::int64_t> count = driver_->store_count();
  return count ? std::to_string(*count) : tr("torn");
}

std::vector<LaneView> StepSession::lanes() const {
  std::vector<LaneView> lanes;
  for (int c = 0; c < procs(); ++c) {
    LaneView lane;
    lane.customer = c;
    lane.pid = driver_->pid(c);
    lane.ppid = driver_->ppid(c);
    auto next = driver_->next_step(c);
    lane.finished = !next.has_value();
    lane.waiting = next && !driver_->blocker(c).empty();
    lane.next = next ? trf("next: {}", step_name(*next)) : tr("finished");
    if (lane.waiting) {
      // Under join a customer waits for its turn (the one before it to exit), not for a lock.
      // serializable's write waits for the row another open transaction wrote.
      const bool named = config_.mode == Mode::kJoin || config_.mode == Mode::kSerializable;
      lane.next += named ? trf(" (waits: {})", note_text(driver_->blocker(c)))
                         : std::string(tr(" (waits for the lock)"));
    }
    for (const StepRecord& step : driver_->log()) {
      if (step.customer != c || step.outcome == StepOutcome::kSkipped) continue;
      if (invisible(config_, step.step)) continue;
      std::string text(step_name(step.step));
      if (step.outcome == StepOutcome::kBlocked) {
        text += tr("[waiting]");
      } else if (shown() && step.step == Step::kSearch && step.value >= 0) {
        text += trf("(saw {})", step.value);
      } else if (shown() && step.step == Step::kRead && step.value >= 0) {
        text += fmt::format("({})", step.value);
      } else if (shown() && (step.step == Step::kWrite || step.step == Step::kBuy)) {
        text += step_result(step);
      } else if (shown() && step.step == Step::kRelease && step.note.starts_with("committed")) {
        text += tr("(committed) BOUGHT");
      } else if (shown() && step.note.starts_with("the database aborted")) {
        text += tr("(aborted)");
      }
      lane.done.push_back(std::move(text));
    }
    lanes.push_back(std::move(lane));
  }
  return lanes;
}

std::string StepSession::all_done_text() const {
  if (!driver_->all_finished()) return "";
  if (!shown()) return tr("All done. Press r to reveal what happened, q to see the report.");
  int sold = 0;
  for (int c = 0; c < procs(); ++c) sold += driver_->bought(c);
  if (sold > tickets()) {
    return trf("All done: {} sold from {} - {} OVERSOLD.", counted(sold, "{} ticket", "{} tickets"),
               counted(tickets(), "{} ticket", "{} tickets"), sold - tickets());
  }
  return trf("All done: {} sold from {}.", counted(sold, "{} ticket", "{} tickets"),
             counted(tickets(), "{} ticket", "{} tickets"));
}

std::string StepSession::finish(int width, bool use_color, int interrupted_by) {
  TrialResult result = driver_->finish();
  driver_.reset();
  ExperimentResult experiment;
  experiment.config = config_;
  experiment.store_label = store_.label;
  experiment.tickets = store_.tickets;
  experiment.trials.push_back(std::move(result));
  experiment.interrupted_by = interrupted_by;
  TextReportOptions options;
  options.use_color = use_color;
  options.width = width;
  options.command = "step";
  options.schedule = tr("by hand (the keys pressed)");
  options.by_hand = true;
  return render_run_report(experiment, options);
}

}  // namespace ticketsim
