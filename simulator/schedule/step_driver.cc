#include "simulator/schedule/step_driver.h"

#include <sys/wait.h>

#include <atomic>
#include <cstring>

#include <fmt/format.h>

#include "simulator/engine/clock.h"
#include "simulator/engine/futex.h"
#include "simulator/schedule/stepped_customer.h"
#include "storage/posix_io.h"
#include "storage/postgres/postgres_store.h"
#include "ticketsim/interrupt.h"

namespace ticketsim {
namespace {

constexpr std::int64_t kStepTimeoutNs = 10'000'000'000;  // a step takes microseconds
constexpr std::uint8_t kBlockedAnswer = 1;
constexpr std::uint8_t kFailedAnswer = 2;    // the store did not answer; the customer exits
constexpr std::uint8_t kConflictAnswer = 3;  // the store undid the try: it starts over

}  // namespace

StepDriver::StepDriver(const TrialInput& input)
    : input_(input),
      database_(is_postgres_url(input_.config->store_path)),
      resources_(TrialResources::create(input_)),
      children_(input_.config->procs),
      exits_{std::vector<int>(static_cast<std::size_t>(input_.config->procs), 0),
             std::vector<bool>(static_cast<std::size_t>(input_.config->procs), false), false},
      sequences_(static_cast<std::size_t>(input_.config->procs),
                 StepSequence(input_.config->mode, input_.config->attempts, database_)),
      pids_(static_cast<std::size_t>(input_.config->procs), 0),
      reaped_(static_cast<std::size_t>(input_.config->procs), false),
      failed_(static_cast<std::size_t>(input_.config->procs), false),
      dead_(static_cast<std::size_t>(input_.config->procs), false) {
  hooks_.on_exit = [this](const ChildExit& exit) {
    exits_.wait_status[static_cast<std::size_t>(exit.tag)] = exit.wait_status;
    exits_.killed[static_cast<std::size_t>(exit.tag)] = killing_;
    reaped_[static_cast<std::size_t>(exit.tag)] = true;
  };
  t_start_ = monotonic_ns();
  for (int i = 0; i < procs(); ++i) {
    const CustomerPlan plan = resources_.plan(input_, i);
    try {
      pids_[static_cast<std::size_t>(i)] =
          children_.spawn(i, [&plan] { return run_stepped_customer(plan); });
    } catch (const SystemError& e) {
      throw RunError(
          fmt::format("could not start customer {} of {}: {}", i + 1, procs(), e.what()));
    }
  }
  // Every customer has introduced itself (pid, parent pid) before the first step, so what
  // a screen shows does not depend on how fast the children started.
  const std::int64_t deadline = monotonic_ns() + kStepTimeoutNs;
  for (int i = 0; i < procs(); ++i) {
    // The child writes its slot in shared memory; read it as the atomic it is for us.
    while (std::atomic_ref<pid_t>(resources_.table->slot(i).ppid).load() == 0) {
      children_.poll(hooks_);
      if (reaped_[static_cast<std::size_t>(i)] || monotonic_ns() > deadline) {
        throw RunError(fmt::format("customer {} did not start", i + 1));
      }
      sleep_for_ns(20'000);
    }
  }
}

StepDriver::~StepDriver() {
  if (!finished_) children_.kill_all(hooks_.on_exit);
}

std::optional<Step> StepDriver::next_step(int customer) const {
  if (failed_[static_cast<std::size_t>(customer)] || dead_[static_cast<std::size_t>(customer)]) {
    return std::nullopt;
  }
  return sequences_[static_cast<std::size_t>(customer)].next();
}

bool StepDriver::all_finished() const {
  for (int i = 0; i < procs(); ++i) {
    if (!finished(i)) return false;
  }
  return true;
}

std::string StepDriver::blocker(int customer) const {
  auto next = next_step(customer);
  if (!next) return "";
  if (config().mode == Mode::kJoin) {
    for (int earlier = 0; earlier < customer; ++earlier) {
      if (!finished(earlier)) {
        return fmt::format("join: customer {} has not exited yet", earlier + 1);
      }
    }
    return "";
  }
  if (config().mode == Mode::kSerializable) {
    // The UPDATE waits for the row lock of another open transaction that wrote the row.
    if (*next != Step::kWrite || row_writer_ < 0 || row_writer_ == customer) return "";
    return fmt::format("customer {} wrote the row and has not committed", row_writer_ + 1);
  }
  if (!mode_takes_lock(config().mode) || holder_ < 0 || holder_ == customer) return "";
  // A database's searches take no lock: they read committed data.
  bool wants_lock = *next == Step::kAcquire || (*next == Step::kSearch && !database_);
  if (!wants_lock) return "";
  if (dead(holder_)) return fmt::format("customer {} died holding the lock", holder_ + 1);
  return fmt::format("customer {} holds the lock", holder_ + 1);
}

std::optional<std::int64_t> StepDriver::value_read(int customer) const {
  const std::int64_t read = sequences_[static_cast<std::size_t>(customer)].value_read();
  if (read < 0) return std::nullopt;
  return read;
}

std::string StepDriver::dead_holder_stall() const {
  if (holder_ < 0 || !dead(holder_)) return "";
  std::vector<std::string> waiting;
  for (int i = 0; i < procs(); ++i) {
    if (!finished(i)) waiting.push_back(std::to_string(i + 1));
  }
  if (waiting.empty()) return "";
  std::string who;
  for (std::size_t i = 0; i < waiting.size(); ++i) {
    who += (i == 0 ? "" : i + 1 == waiting.size() ? " and " : ", ") + waiting[i];
  }
  return fmt::format(
      "customer {} died holding the {} lock, which nobody releases for a dead "
      "holder: {} customer{} wait{} for it for ever (customer{} {})",
      holder_ + 1, mode_name(config().mode), waiting.size(), waiting.size() == 1 ? "" : "s",
      waiting.size() == 1 ? "s" : "", waiting.size() == 1 ? "" : "s", who);
}

std::optional<std::int64_t> StepDriver::store_count() const {
  try {
    return resources_.store->snapshot().count;
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

pid_t StepDriver::pid(int customer) const { return pids_[static_cast<std::size_t>(customer)]; }

pid_t StepDriver::ppid(int customer) const { return resources_.table->slot(customer).ppid; }

int StepDriver::bought(int customer) const {
  int count = 0;
  for (int attempt = 0; attempt < config().attempts; ++attempt) {
    if (resources_.table->purchase(customer, attempt).outcome == Outcome::kBought) ++count;
  }
  return count;
}

std::pair<std::uint8_t, std::int64_t> StepDriver::grant(int customer, Step step) {
  StepMailbox& mailbox = resources_.table->mailbox(customer);
  mailbox.step.store(static_cast<std::uint8_t>(step));
  std::uint32_t ticket = mailbox.granted.load() + 1;
  mailbox.granted.store(ticket);
  futex_wake_all(&mailbox.granted);
  const std::int64_t deadline = monotonic_ns() + kStepTimeoutNs;
  while (mailbox.finished.load() != ticket) {
    children_.poll(hooks_);
    // A customer exits right after answering its last step: only an exit before the
    // answer is a death.
    if (reaped_[static_cast<std::size_t>(customer)] && mailbox.finished.load() != ticket) {
      throw RunError(
          fmt::format("customer {} died during its {} step", customer + 1, step_name(step)));
    }
    if (monotonic_ns() > deadline) {
      throw RunError(fmt::format("customer {} did not finish its {} step within 10 s", customer + 1,
                                 step_name(step)));
    }
    futex_wait(&mailbox.finished, mailbox.finished.load(), 20'000'000);
  }
  return {mailbox.outcome.load(), mailbox.value.load()};
}

void StepDriver::grant_crash(int customer, Step step) {
  StepMailbox& mailbox = resources_.table->mailbox(customer);
  mailbox.step.store(static_cast<std::uint8_t>(step));
  mailbox.granted.store(mailbox.granted.load() + 1);
  futex_wake_all(&mailbox.granted);
  const std::int64_t deadline = monotonic_ns() + kStepTimeoutNs;
  while (!reaped_[static_cast<std::size_t>(customer)]) {
    children_.poll(hooks_);
    if (reaped_[static_cast<std::size_t>(customer)]) break;
    if (monotonic_ns() > deadline) {
      throw RunError(fmt::format("customer {} did not die at its {} step within 10 s", customer + 1,
                                 step_name(step)));
    }
    sleep_for_ns(10'000);
  }
}

void StepDriver::crash(StepRecord& record, std::optional<Step> next) {
  const bool mid_write = record.step == Step::kCrashMidWrite;
  if (!next) {
    record.outcome = StepOutcome::kSkipped;
    record.note = fmt::format("customer {} has finished", record.customer + 1);
    return;
  }
  if (mid_write && *next != Step::kWrite) {
    record.outcome = StepOutcome::kSkipped;
    record.note = fmt::format("customer {}'s next step is {}, not a write", record.customer + 1,
                              step_name(*next));
    return;
  }
  const int customer = record.customer;
  grant_crash(customer, record.step);
  dead_[static_cast<std::size_t>(customer)] = true;
  record.outcome = StepOutcome::kDone;
  const bool held = holder_ == customer;
  if (held && resources_.locks->released_when_holder_dies()) holder_ = -1;
  if (row_writer_ == customer) row_writer_ = -1;  // the server rolls its transaction back
  record.note = fmt::format("customer {} was killed (SIGKILL) before its {} step{}", customer + 1,
                            step_name(*next), held ? ", holding the lock" : "");
  if (mid_write) {
    record.note =
        fmt::format("customer {} was killed (SIGKILL) half-way through its write", customer + 1);
  }
}

std::string StepDriver::purchase_note(const PurchaseRecord& purchase, Step step) const {
  if (purchase.outcome == Outcome::kBought) {
    return step == Step::kBuy && config().mode == Mode::kAtomic ? "one statement sold a ticket"
                                                                : "bought a ticket";
  }
  if (purchase.outcome == Outcome::kSoldOut) return "sold out";
  if (purchase.outcome == Outcome::kTornRead) return "torn read: no write";
  return "wrote in its transaction: it takes effect at the commit (release)";
}

void StepDriver::conflict(StepRecord& record, Step step) {
  const int customer = record.customer;
  StepSequence& sequence = sequences_[static_cast<std::size_t>(customer)];
  record.note = sequence.shape() == PurchaseSteps::kCompareAndSet
                    ? "the count was no longer the one it read: nothing written, it reads again"
                    : fmt::format(
                          "the database aborted its transaction at the {} (serialization "
                          "failure): nothing it wrote took effect, it begins again",
                          step == Step::kRelease ? "COMMIT" : step_name(step));
  sequence.conflict();
  let_go(customer);  // its transaction was rolled back
}

void StepDriver::let_go(int customer) {
  if (holder_ == customer) holder_ = -1;
  if (row_writer_ == customer) row_writer_ = -1;
}

void StepDriver::reap_finished(int customer) {
  // A customer exits after its last step; join lets the next one start only then.
  const std::int64_t deadline = monotonic_ns() + kStepTimeoutNs;
  while (!reaped_[static_cast<std::size_t>(customer)] && monotonic_ns() < deadline) {
    children_.poll(hooks_);
    if (!reaped_[static_cast<std::size_t>(customer)]) sleep_for_ns(50'000);
  }
}

const StepRecord& StepDriver::step(int customer, std::optional<Step> expected) {
  StepRecord record;
  record.customer = customer;
  auto next = next_step(customer);
  record.step = expected.value_or(next.value_or(Step::kExit));
  if (expected && is_crash(*expected)) {
    crash(record, next);
  } else if (!next) {
    record.outcome = StepOutcome::kSkipped;
    record.note = fmt::format("customer {} has finished", customer + 1);
  } else if (expected && *expected != *next) {
    record.outcome = StepOutcome::kSkipped;
    // Waiting for the lock only when its last step that happened or was tried was an
    // acquire the lock held back.
    bool waiting = false;
    for (auto it = log_.rbegin(); it != log_.rend(); ++it) {
      if (it->customer != customer || it->outcome == StepOutcome::kSkipped) continue;
      waiting = it->step == Step::kAcquire && it->outcome == StepOutcome::kBlocked;
      break;
    }
    record.note =
        waiting ? fmt::format("customer {} does not hold the lock: its acquire was blocked",
                              customer + 1)
                : fmt::format("customer {}'s next step is {}", customer + 1, step_name(*next));
  } else if (std::string why = blocker(customer);
             !why.empty() && (config().mode == Mode::kJoin || mode_needs_database(config().mode))) {
    // join: the parent has not started it yet. A database's own lock: the parent knows its
    // holder, and a customer that asked the database would wait, not answer.
    record.outcome = StepOutcome::kBlocked;
    record.note = why;
  } else {
    auto [answer, value] = grant(customer, *next);
    record.value = value;
    if (answer == kFailedAnswer) {
      record.outcome = StepOutcome::kFailed;
      const CustomerSlot& slot = resources_.table->slot(customer);
      record.note.assign(slot.error, ::strnlen(slot.error, kCustomerErrorBytes));
      failed_[static_cast<std::size_t>(customer)] = true;
      let_go(customer);  // it released the lock (or rolled back) before exiting
      reap_finished(customer);
    } else if (answer == kConflictAnswer) {
      conflict(record, *next);
    } else if (answer == kBlockedAnswer) {
      record.outcome = StepOutcome::kBlocked;
      record.note = holder_ >= 0 ? fmt::format("customer {} holds the lock", holder_ + 1)
                                 : std::string("the lock is taken");
    } else {
      StepSequence& sequence = sequences_[static_cast<std::size_t>(customer)];
      const int attempt = sequence.attempt();
      if (*next == Step::kRelease && sequence.conflicted()) {
        record.note = "the count changed since it looked: it starts over";
      }
      sequence.advance(value);
      if (*next == Step::kAcquire && mode_takes_lock(config().mode)) holder_ = customer;
      if (*next == Step::kRelease) let_go(customer);
      if (*next == Step::kWrite || *next == Step::kBuy) {
        const PurchaseRecord& purchase = resources_.table->purchase(customer, attempt);
        record.note = purchase_note(purchase, *next);
        const bool pending = purchase.outcome == Outcome::kNotRun && purchase.value_written >= 0;
        if (pending && config().mode == Mode::kSerializable) row_writer_ = customer;
      }
      if (*next == Step::kAcquire && config().mode == Mode::kSerializable) {
        record.note = "BEGIN ISOLATION LEVEL SERIALIZABLE";
      }
      if (*next == Step::kRelease && record.note.empty() && attempt < config().attempts &&
          resources_.table->purchase(customer, attempt).write_state == WriteState::kDone &&
          mode_needs_database(config().mode)) {
        record.note = "committed: bought a ticket";
      }
      // join starts the next customer only once this one has exited.
      if (finished(customer) && config().mode == Mode::kJoin) reap_finished(customer);
    }
  }
  log_.push_back(std::move(record));
  return log_.back();
}

TrialResult StepDriver::finish() {
  TrialResult result = start_result(input_);
  result.t_start = t_start_;
  if (std::string stall = dead_holder_stall(); !stall.empty()) {
    result.stalled = true;
    result.stall_reason = stall;
  }
  for (int i = 0; i < procs(); ++i) {
    if (finished(i)) continue;
    std::string why = blocker(i);
    result.unfinished.push_back(fmt::format("customer {} stopped before its {} step{}", i + 1,
                                            step_name(*next_step(i)),
                                            why.empty() ? "" : " (" + why + ")"));
    if (!reaped_[static_cast<std::size_t>(i)]) grant(i, Step::kExit);
  }
  children_.wait_all(monotonic_ns() + kStepTimeoutNs, hooks_);
  killing_ = true;  // whoever is left now dies by the run's own SIGKILL, not a crash
  children_.kill_all(hooks_.on_exit);  // only one that ignored its exit is left
  resources_.server.reset();  // nothing may write the store while it is read for the report
  finished_ = true;
  result.wall_ns = monotonic_ns() - t_start_;
  if (interrupt_signal() != 0) result.interrupted_by = interrupt_signal();
  conclude_trial(result, input_, resources_, exits_);
  std::vector<StepToken> ran;
  for (const StepRecord& step : log_) {
    if (step.outcome != StepOutcome::kSkipped) ran.push_back(StepToken{step.customer, step.step});
  }
  result.schedule_ran = format_script(ran);
  result.steps = log_;
  return result;
}

}  // namespace ticketsim
