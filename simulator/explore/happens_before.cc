#include "simulator/explore/happens_before.h"

#include <algorithm>
#include <map>
#include <optional>

namespace ticketsim {

std::vector<MoveSet> happens_before(const Execution& execution) {
  const std::vector<ExecutedStep>& steps = execution.steps;
  const std::size_t n = steps.size();
  std::vector<MoveSet> before;
  before.reserve(n);
  for (std::size_t i = 0; i < n; ++i) before.emplace_back(n);
  for (std::size_t l = 0; l < n; ++l) {
    for (std::size_t k = 0; k < l; ++k) {
      if (dependent(steps[k].move(), steps[l].move())) {
        before[l].merge(before[k]);
        before[l].insert(k);
      }
    }
  }
  return before;
}

namespace {

// Counts the orders of one execution's moves, customer by customer: a state is how many
// moves of each customer have happened, and a customer's next move may happen once every
// move before it (happens_before) has.
class EquivalentOrders {
 public:
  EquivalentOrders(const Execution& execution, const std::vector<MoveSet>& before,
                   std::size_t max_states)
      : max_states_(max_states) {
    int customers = 0;
    for (const ExecutedStep& step : execution.steps) {
      customers = std::max(customers, step.move().choice.customer + 1);
    }
    chains_.resize(static_cast<std::size_t>(customers));
    std::vector<int> position(execution.steps.size());
    for (std::size_t i = 0; i < execution.steps.size(); ++i) {
      auto& chain = chains_[static_cast<std::size_t>(execution.steps[i].move().choice.customer)];
      position[i] = static_cast<int>(chain.size());
      chain.push_back(i);
    }
    // need[i][c]: how many of customer c's moves must have happened before move i.
    need_.assign(execution.steps.size(), std::vector<int>(chains_.size(), 0));
    for (std::size_t i = 0; i < execution.steps.size(); ++i) {
      for (std::size_t k = 0; k < i; ++k) {
        if (!before[i].contains(k)) continue;
        auto c = static_cast<std::size_t>(execution.steps[k].move().choice.customer);
        need_[i][c] = std::max(need_[i][c], position[k] + 1);
      }
    }
  }

  std::optional<long double> count() {
    std::vector<int> done(chains_.size(), 0);
    const long double total = orders(done);
    if (overflow_) return std::nullopt;
    return total;
  }

 private:
  long double orders(std::vector<int>& done) {
    if (overflow_) return 0;
    if (auto it = memo_.find(done); it != memo_.end()) return it->second;
    long double total = 0;
    bool any = false;
    for (std::size_t c = 0; c < chains_.size(); ++c) {
      if (done[c] >= static_cast<int>(chains_[c].size())) continue;
      const std::vector<int>& need = need_[chains_[c][static_cast<std::size_t>(done[c])]];
      bool ready = true;
      for (std::size_t d = 0; d < chains_.size() && ready; ++d) ready = done[d] >= need[d];
      if (!ready) continue;
      any = true;
      ++done[c];
      total += orders(done);
      --done[c];
    }
    if (!any) total = 1;  // every move has happened
    if (memo_.size() >= max_states_) {
      overflow_ = true;
      return 0;
    }
    memo_.emplace(done, total);
    return total;
  }

  std::size_t max_states_;
  std::vector<std::vector<std::size_t>> chains_;  // each customer's moves, in order
  std::vector<std::vector<int>> need_;
  std::map<std::vector<int>, long double> memo_;
  bool overflow_ = false;
};

}  // namespace

std::optional<long double> count_equivalents(const Execution& execution,
                                             const std::vector<MoveSet>& before,
                                             std::size_t max_states) {
  return EquivalentOrders(execution, before, max_states).count();
}

}  // namespace ticketsim
