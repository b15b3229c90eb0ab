#include "simulator/explore/interleaving_count.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <map>
#include <vector>

#include "simulator/engine/clock.h"
#include "simulator/schedule/step_sequence.h"
#include "storage/postgres/postgres_store.h"
#include "ticketsim/interrupt.h"
#include "ticketsim/step.h"

namespace ticketsim {
namespace {

// One customer in the model: where it is in its steps (the same StepSequence the step
// driver keeps), and whether it died. In a database transaction: the count its write left
// to take effect at COMMIT (-1: none), and serializable's snapshot (the commits it saw).
struct Customer {
  StepSequence steps;
  std::int32_t dead = 0;
  std::int64_t pending = -1;
  std::int64_t snapshot = 0;
};

// The model's state: what decides which moves are offered from here on.
struct State {
  std::vector<Customer> customers;
  std::int32_t holder = -1;      // who holds the purchase lock exclusively
  std::int32_t row_writer = -1;  // serializable: whose open transaction wrote the row
  std::int64_t commits = 0;      // serializable: writes committed so far
  std::int32_t holder_dead = 0;  // the holder died and the lock stays taken (named-mutex)
  std::int64_t count = 0;        // the store: -1 torn
  std::int64_t committed = 0;    // robust-mutex's journal: the last completed write
  std::int32_t repair_due = 0;   // robust-mutex: a holder died mid-write; next taker repairs
  std::int32_t crashes = 0;      // crashes so far
  std::int32_t last = -1;        // who moved last (for preemptions)
  std::int32_t preemptions = 0;
};

class Model {
 public:
  Model(const ExperimentConfig& config, int crashes, std::optional<int> bound,
        std::size_t max_states, std::int64_t deadline_ns)
      : mode_(config.mode),
        attempts_(config.attempts),
        database_(is_postgres_url(config.store_path)),
        compare_and_set_(purchase_steps(config.mode, database_) == PurchaseSteps::kCompareAndSet),
        serializable_(config.mode == Mode::kSerializable),
        // The database's lock modes: a write takes effect at the COMMIT (release).
        transaction_(config.mode == Mode::kRowLock || config.mode == Mode::kAdvisory ||
                     serializable_),
        crash_budget_(crashes),
        bound_(bound),
        max_states_(max_states),
        deadline_ns_(deadline_ns),
        locked_(mode_takes_lock(config.mode) && !compare_and_set_),
        // Only join tells customers apart by number; elsewhere alike customers are one.
        symmetric_(config.mode != Mode::kJoin && !bound),
        released_on_death_(config.mode != Mode::kNamedMutex),
        journal_(config.mode == Mode::kRobustMutex),
        torn_by_crash_(config.write == WriteStrategy::kInPlace),
        // The count decides which moves come only through mid-write crashes, and, for
        // optimistic and serializable, whether a purchase starts over.
        track_data_(crashes > 0 || config.mode == Mode::kOptimistic || serializable_) {}

  std::optional<long double> count(State state) {
    overflow_ = false;
    long double total = paths(state);
    if (overflow_) return std::nullopt;
    return total;
  }

 private:
  std::optional<Step> next_step(const Customer& c) const {
    if (c.dead) return std::nullopt;
    return c.steps.next();
  }
  bool finished(const Customer& c) const { return !next_step(c); }

  bool blocked(const State& s, int i, Step next) const {
    if (mode_ == Mode::kJoin) {
      for (int earlier = 0; earlier < i; ++earlier) {
        if (!finished(s.customers[static_cast<std::size_t>(earlier)])) return true;
      }
      return false;
    }
    if (serializable_) {  // the UPDATE waits for another open transaction's row
      return next == Step::kWrite && s.row_writer >= 0 && s.row_writer != i;
    }
    if (!locked_ || s.holder < 0 || s.holder == i) return false;
    return next == Step::kAcquire || (next == Step::kSearch && !database_);
  }

  // The key a state is remembered by: alike customers sorted (the holder and the last mover
  // marked, so that they stay themselves).
  std::vector<std::int64_t> key(const State& s) const {
    std::vector<std::vector<std::int64_t>> rows;
    rows.reserve(s.customers.size());
    for (std::size_t i = 0; i < s.customers.size(); ++i) {
      const Customer& c = s.customers[i];
      std::vector<std::int64_t> row = c.steps.key();
      if (!track_data_) row.resize(3);  // phase, attempt, retries: the values do not matter
      row.push_back(c.dead);
      row.push_back(track_data_ ? c.pending : c.pending >= 0);
      row.push_back(track_data_ ? s.commits - c.snapshot : 0);
      row.push_back(static_cast<std::int64_t>(s.holder) == static_cast<std::int64_t>(i));
      row.push_back(static_cast<std::int64_t>(s.row_writer) == static_cast<std::int64_t>(i));
      row.push_back(symmetric_ ? 0 : static_cast<std::int64_t>(i));
      rows.push_back(std::move(row));
    }
    if (symmetric_) std::sort(rows.begin(), rows.end());
    std::vector<std::int64_t> k;
    for (const auto& row : rows) k.insert(k.end(), row.begin(), row.end());
    k.push_back(s.holder >= 0);
    k.push_back(s.holder_dead);
    k.push_back(track_data_ ? s.count : 0);
    k.push_back(track_data_ ? s.committed : 0);
    k.push_back(s.repair_due);
    k.push_back(s.crashes);
    k.push_back(bound_ ? s.last : 0);
    k.push_back(bound_ ? s.preemptions : 0);
    return k;
  }

  long double paths(const State& s) {
    if (overflow_) return 0;
    std::vector<std::int64_t> k = key(s);
    if (auto it = memo_.find(k); it != memo_.end()) return it->second;
    // The moves offered here, as moves_offered makes them.
    struct Offer {
      int customer;
      Step step;
    };
    std::vector<Offer> offers;
    const int n = static_cast<int>(s.customers.size());
    for (int i = 0; i < n; ++i) {
      const Customer& c = s.customers[static_cast<std::size_t>(i)];
      const std::optional<Step> next = next_step(c);
      if (!next || blocked(s, i, *next)) continue;
      offers.push_back({i, *next});
      if (s.crashes >= crash_budget_) continue;
      offers.push_back({i, Step::kCrash});
      if (*next == Step::kWrite && !database_ && c.steps.value_read() > 0) {
        offers.push_back({i, Step::kCrashMidWrite});
      }
    }
    long double total = 0;
    if (offers.empty()) {
      total = 1;  // every customer finished, or nobody can move: one schedule ends here
    } else {
      for (const Offer& offer : offers) {
        bool preemption = false;
        if (s.last >= 0 && offer.customer != s.last) {
          const Customer& last = s.customers[static_cast<std::size_t>(s.last)];
          const std::optional<Step> next = next_step(last);
          preemption = next && !blocked(s, s.last, *next);
        }
        if (bound_ && preemption && s.preemptions + 1 > *bound_) continue;
        State after = s;
        after.last = offer.customer;
        after.preemptions += preemption ? 1 : 0;
        apply(after, offer.customer, offer.step);
        total += paths(after);
      }
    }
    // Too many states, or too long (looked at every 4096 states): give up counting.
    if (memo_.size() >= max_states_ ||
        (memo_.size() % 4096 == 0 && (monotonic_ns() > deadline_ns_ || interrupt_signal() != 0))) {
      overflow_ = true;
      return 0;
    }
    memo_.emplace(std::move(k), total);
    return total;
  }

  void take_lock(State& s, int i) {
    if (!locked_) return;
    if (s.repair_due) {  // robust-mutex: the taker finds the owner died and repairs
      if (journal_) s.count = s.committed;
      s.repair_due = 0;
    }
    (void)i;
  }

  void die(State& s, int i) {
    Customer& c = s.customers[static_cast<std::size_t>(i)];
    c.dead = 1;
    c.pending = -1;  // the server rolls its transaction back
    if (s.row_writer == i) s.row_writer = -1;
    ++s.crashes;
    if (s.holder == i) {
      if (released_on_death_) {
        s.holder = -1;
        if (journal_) s.repair_due = 1;
      } else {
        s.holder_dead = 1;
      }
    }
  }

  void apply(State& s, int i, Step step) {
    Customer& c = s.customers[static_cast<std::size_t>(i)];
    switch (step) {
      case Step::kSearch:
        take_lock(s, i);
        c.steps.advance();
        break;
      case Step::kAcquire:
        take_lock(s, i);
        if (locked_) s.holder = i;
        c.steps.advance();
        break;
      case Step::kRead:
        c.snapshot = s.commits;    // serializable's snapshot is taken at its first read
        c.steps.advance(s.count);  // -1: torn
        break;
      case Step::kWrite:
        write(s, i);
        break;
      case Step::kRelease:
        if (s.holder == i) s.holder = -1;
        if (s.row_writer == i) s.row_writer = -1;
        if (c.pending >= 0) {  // COMMIT: the write takes effect
          s.count = s.committed = c.pending;
          c.pending = -1;
          ++s.commits;
        }
        c.steps.advance();
        break;
      case Step::kBuy:  // the server reads and writes at once
        if (s.count > 0) s.count = s.committed = s.count - 1;
        c.steps.advance();
        break;
      case Step::kCrashMidWrite:
        if (torn_by_crash_) s.count = -1;
        die(s, i);
        break;
      case Step::kCrash:
      case Step::kExit:
        die(s, i);
        break;
    }
  }

  // A write step, as the database or the file takes it.
  void write(State& s, int i) {
    Customer& c = s.customers[static_cast<std::size_t>(i)];
    const std::int64_t read = c.steps.value_read();
    if (read <= 0) {  // sold out (or torn): nothing written
      c.steps.advance();
    } else if (compare_and_set_) {  // UPDATE ... WHERE count = <read>
      if (s.count == read) {
        s.count = s.committed = read - 1;
        c.steps.advance();
      } else {
        c.steps.conflict();
      }
    } else if (serializable_ && s.commits > c.snapshot) {
      c.steps.conflict();  // a write committed since its snapshot: 40001, rolled back
    } else if (transaction_) {
      c.pending = read - 1;
      if (serializable_) s.row_writer = i;
      c.steps.advance();
    } else {
      s.count = s.committed = read - 1;
      c.steps.advance();
    }
  }

  Mode mode_;
  int attempts_;
  bool database_;
  bool compare_and_set_;
  bool serializable_;
  bool transaction_;
  int crash_budget_;
  std::optional<int> bound_;
  std::size_t max_states_;
  std::int64_t deadline_ns_;
  bool locked_;
  bool symmetric_;
  bool released_on_death_;
  bool journal_;
  bool torn_by_crash_;
  bool track_data_;
  bool overflow_ = false;
  std::map<std::vector<std::int64_t>, long double> memo_;
};

}  // namespace

std::optional<long double> count_interleavings(const ExperimentConfig& config, int crashes,
                                               std::optional<int> preemption_bound,
                                               std::size_t max_states, double max_seconds) {
  State start;
  start.customers.assign(
      static_cast<std::size_t>(config.procs),
      Customer{StepSequence(config.mode, config.attempts, is_postgres_url(config.store_path)), 0});
  start.count = start.committed = config.tickets.value_or(1);
  if (max_states == 0) {
    // A remembered state is a key of about 8 numbers per customer, and a map node.
    constexpr std::size_t kBudgetBytes = std::size_t{128} << 20;
    const std::size_t state_bytes = static_cast<std::size_t>(config.procs) * 8 * 8 + 160;
    max_states = kBudgetBytes / state_bytes;
  }
  Model model(config, crashes, preemption_bound, max_states,
              monotonic_ns() + static_cast<std::int64_t>(max_seconds * 1e9));
  return model.count(start);
}

long double multinomial(int procs, int steps_each) {
  // log-gamma keeps huge counts finite; exact below 2^64 after rounding.
  const long double total = static_cast<long double>(procs) * steps_each;
  long double log_count = std::lgamma(total + 1) - procs * std::lgamma(steps_each + 1.0L);
  return std::round(std::exp(log_count));
}

}  // namespace ticketsim
