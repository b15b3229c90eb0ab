#include "simulator/explore/search_tree.h"

#include "simulator/explore/happens_before.h"

#include <algorithm>
#include <stdexcept>

#include <fmt/format.h>

namespace ticketsim {
namespace {

constexpr std::uint8_t kUntouched = 0;
constexpr std::uint8_t kPending = 1;
constexpr std::uint8_t kHandedOut = 2;  // running, or explored

bool can_step(const std::vector<Move>& offered, int customer) {
  return std::any_of(offered.begin(), offered.end(), [&](const Move& move) {
    return move.choice.customer == customer && !is_crash(move.choice.step);
  });
}

bool contains_choice(const std::vector<Move>& moves, const Choice& choice) {
  return std::any_of(moves.begin(), moves.end(),
                     [&](const Move& move) { return move.choice == choice; });
}

}  // namespace

struct SearchTree::Node {
  Node* parent = nullptr;
  int index = -1;  // the parent's move that leads here
  int depth = 0;
  std::vector<Move> offered;
  std::vector<Move> sleep;
  int last = -1;        // the customer whose move led here (-1 at the root)
  int preemptions = 0;  // preemptions on the way here
  std::vector<std::uint8_t> mark;
  std::vector<std::unique_ptr<Node>> children;
  int running = 0;  // jobs running below this point
};

SearchTree::SearchTree(bool reduction, std::optional<int> preemption_bound)
    : reduction_(reduction), bound_(preemption_bound) {}

SearchTree::~SearchTree() = default;

std::unique_ptr<SearchTree::Node> SearchTree::make_node(Node* parent, int index,
                                                        const ExecutedStep& step,
                                                        std::vector<Move> sleep, int last,
                                                        int preemptions) {
  auto node = std::make_unique<Node>();
  node->parent = parent;
  node->index = index;
  node->depth = parent != nullptr ? parent->depth + 1 : 0;
  node->offered = step.offered;
  node->sleep = std::move(sleep);
  node->last = last;
  node->preemptions = preemptions;
  node->mark.assign(step.offered.size(), kUntouched);
  node->children.resize(step.offered.size());
  return node;
}

std::vector<Choice> SearchTree::path_to(const Node* node) const {
  std::vector<Choice> path(static_cast<std::size_t>(node->depth));
  for (const Node* at = node; at->parent != nullptr; at = at->parent) {
    const Node* parent = at->parent;
    path[static_cast<std::size_t>(parent->depth)] =
        parent->offered[static_cast<std::size_t>(at->index)].choice;
  }
  return path;
}

void SearchTree::add_branch(Node* node, int move) {
  const auto i = static_cast<std::size_t>(move);
  if (node->mark[i] != kUntouched) return;
  const Move& candidate = node->offered[i];
  if (reduction_ && contains_choice(node->sleep, candidate.choice)) return;
  if (bound_) {
    const bool preemption = node->last >= 0 && candidate.choice.customer != node->last &&
                            can_step(node->offered, node->last);
    if (preemption && node->preemptions + 1 > *bound_) {
      bound_pruned_ = true;
      return;
    }
  }
  node->mark[i] = kPending;
  pending_.push_back(Branch{node, move});
}

std::vector<Move> SearchTree::child_sleep(const Node* node, int move) const {
  std::vector<Move> sleep;
  if (!reduction_) return sleep;
  const Move& taken = node->offered[static_cast<std::size_t>(move)];
  auto keep = [&](const Move& candidate) {
    if (!dependent(candidate, taken) && !contains_choice(sleep, candidate.choice)) {
      sleep.push_back(candidate);
    }
  };
  for (const Move& asleep : node->sleep) keep(asleep);
  for (std::size_t i = 0; i < node->offered.size(); ++i) {
    if (static_cast<int>(i) != move && node->mark[i] == kHandedOut) keep(node->offered[i]);
  }
  return sleep;
}

std::optional<SearchTree::Handout> SearchTree::next_job() {
  if (!root_handed_out_) {
    root_handed_out_ = true;
    const std::uint64_t id = next_id_++;
    running_.emplace(id, Running{Branch{nullptr, -1}, {}});
    return Handout{id, Job{}};
  }
  if (pending_.empty()) return std::nullopt;
  const Branch branch = pending_.back();
  pending_.pop_back();
  Node* node = branch.node;
  Job job;
  job.sleep = child_sleep(node, branch.move);
  job.prefix = path_to(node);
  job.prefix.push_back(node->offered[static_cast<std::size_t>(branch.move)].choice);
  node->mark[static_cast<std::size_t>(branch.move)] = kHandedOut;
  for (Node* at = node; at != nullptr; at = at->parent) ++at->running;
  const std::uint64_t id = next_id_++;
  // The job's starting sleep set is kept so that the tree follows the sets the worker did.
  running_.emplace(id, Running{branch, job.sleep});
  return Handout{id, std::move(job)};
}

void SearchTree::integrate(std::uint64_t id, const Execution& execution) {
  const auto found = running_.find(id);
  if (found == running_.end()) throw std::runtime_error("explore: an unknown job came back");
  const Branch branch = found->second.branch;
  std::vector<Move> sleep = std::move(found->second.sleep);
  running_.erase(found);
  const std::vector<ExecutedStep>& steps = execution.steps;
  std::vector<Node*> path(steps.size(), nullptr);
  std::size_t first_new = 0;  // the first depth whose node this execution creates
  if (branch.node == nullptr) {
    if (steps.empty()) return;  // nothing could move at all
    root_ = make_node(nullptr, -1, steps[0], {}, -1, 0);
    path[0] = root_.get();
    first_new = 0;
  } else {
    Node* node = branch.node;
    const auto depth = static_cast<std::size_t>(node->depth);
    if (steps.size() <= depth || steps[depth].offered.size() != node->offered.size() ||
        steps[depth].taken != branch.move) {
      throw std::runtime_error(fmt::format(
          "explore: a replayed schedule did not offer at move {} what it offered before",
          depth + 1));
    }
    for (Node* at = node; at != nullptr; at = at->parent) {
      path[static_cast<std::size_t>(at->depth)] = at;
    }
    first_new = depth + 1;
  }
  const int branch_depth = branch.node != nullptr ? branch.node->depth : -1;
  for (std::size_t k = std::max<std::size_t>(first_new, 1); k < steps.size(); ++k) {
    Node* parent = path[k - 1];
    const int taken = steps[k - 1].taken;
    const Move& move = steps[k - 1].move();
    // Below the branch's own child, the sleep set follows the moves, as the worker's did.
    if (static_cast<int>(k) - 1 > branch_depth) {
      std::erase_if(sleep, [&](const Move& asleep) { return dependent(asleep, move); });
    }
    const bool preemption = parent->last >= 0 && move.choice.customer != parent->last &&
                            can_step(parent->offered, parent->last);
    auto& slot = parent->children[static_cast<std::size_t>(taken)];
    if (slot) throw std::runtime_error("explore: a schedule ran twice");
    slot = make_node(parent, taken, steps[k], sleep, move.choice.customer,
                     parent->preemptions + (preemption ? 1 : 0));
    path[k] = slot.get();
  }
  // Every point this execution created: the move it took is explored; which others are
  // branches depends on the search.
  for (std::size_t k = first_new; k < steps.size(); ++k) {
    Node* node = path[k];
    const int taken = steps[k].taken;
    node->mark[static_cast<std::size_t>(taken)] = kHandedOut;
    const int customer = steps[k].move().choice.customer;
    const bool crash = is_crash(steps[k].move().choice.step);
    for (std::size_t j = 0; j < node->offered.size(); ++j) {
      if (static_cast<int>(j) == taken) continue;
      // Unreduced: everything. Reduced: the mover's other moves here (its crashes), which no
      // race would ever reverse into; and after a crash, the other customers' crashes here.
      // The crash that spends the last of the budget disables the others' crashes: they never
      // happen after it in this schedule, and no race between executed moves can show the
      // conflict (as Flanagan and Godefroid add a transition the executed one disables).
      // Without them, a customer whose other moves were asleep here never died here. (After
      // a crash that leaves budget this adds branches that are not needed, never fewer.)
      const Choice& other = node->offered[j].choice;
      if (!reduction_ || other.customer == customer || (crash && is_crash(other.step))) {
        add_branch(node, static_cast<int>(j));
      }
    }
  }
  if (reduction_) add_races(execution, path);
  if (branch.node != nullptr) {
    for (Node* at = branch.node; at != nullptr; at = at->parent) --at->running;
  }
  release(path.back());
}

namespace {

// How a move takes the purchase lock: 0 not at all, 1 shared (a search), 2 exclusively;
// a crash as the step it stands in for.
int lock_taking(const Move& move) { return move.footprint.waits_for_lock; }

}  // namespace

void SearchTree::add_races(const Execution& execution, const std::vector<Node*>& path) {
  const std::vector<ExecutedStep>& steps = execution.steps;
  const std::size_t n = steps.size();
  const std::vector<MoveSet> pred = happens_before(execution);
  // succ[k]: the moves that happen after move k (the other side of pred).
  std::vector<MoveSet> succ;
  succ.reserve(n);
  for (std::size_t k = 0; k < n; ++k) succ.emplace_back(n);
  for (std::size_t l = 0; l < n; ++l) {
    for (std::size_t k = 0; k < l; ++k) {
      if (pred[l].contains(k)) succ[k].insert(l);
    }
  }
  // Reverses the race of moves k < l at the point before k: adds a move that starts the
  // reversed order (a first move of what follows k independently of it, then l), unless
  // one is already there, or asleep. When none is offered there, the two were never
  // enabled together (a release and the acquire it let through) and nothing is added.
  auto reverse = [&](std::size_t k, std::size_t l) {
    const Move& second = steps[l].move();
    std::vector<std::size_t> v;
    for (std::size_t m = k + 1; m < l; ++m) {
      if (!pred[m].contains(k)) v.push_back(m);
    }
    v.push_back(l);
    std::vector<Choice> initials;
    for (std::size_t a = 0; a < v.size(); ++a) {
      bool first_in_v = true;
      for (std::size_t b = 0; b < a && first_in_v; ++b) {
        if (pred[v[a]].contains(v[b])) first_in_v = false;
      }
      if (first_in_v) initials.push_back(steps[v[a]].move().choice);
    }
    // The later move's own customer first, as Flanagan and Godefroid would choose.
    std::stable_partition(initials.begin(), initials.end(),
                          [&](const Choice& c) { return c.customer == second.choice.customer; });
    Node* node = path[k];
    for (const Choice& initial : initials) {
      if (contains_choice(node->sleep, initial)) return;
      for (std::size_t j = 0; j < node->offered.size(); ++j) {
        if (node->offered[j].choice == initial && node->mark[j] != kUntouched) return;
      }
    }
    for (const Choice& initial : initials) {
      for (std::size_t j = 0; j < node->offered.size(); ++j) {
        if (node->offered[j].choice == initial) {
          add_branch(node, static_cast<int>(j));
          return;
        }
      }
    }
  };
  for (std::size_t l = 0; l < n; ++l) {
    const Move& second = steps[l].move();
    for (std::size_t k = 0; k < l; ++k) {
      const Move& first = steps[k].move();
      if (first.choice.customer == second.choice.customer || !dependent(first, second)) continue;
      // A race only when nothing in between is ordered after k and before l.
      if (!pred[l].meets(succ[k])) reverse(k, l);
    }
    // Lock races: a move that takes the lock races with the last other customer's move that
    // took it in a conflicting way, although the holder's release stands between them
    // (the release and l are never enabled together; the two takings are).
    const int takes = lock_taking(second);
    if (takes == 0) continue;
    for (std::size_t k = l; k-- > 0;) {
      const Move& first = steps[k].move();
      const int took = lock_taking(first);
      if (took == 0 || (took == 1 && takes == 1)) continue;
      if (first.choice.customer != second.choice.customer) reverse(k, l);
      break;
    }
  }
}

void SearchTree::release(Node* deepest) {
  for (Node* node = deepest; node != nullptr;) {
    if (node->running != 0) return;
    for (std::size_t i = 0; i < node->mark.size(); ++i) {
      if (node->mark[i] == kPending || node->children[i]) return;
    }
    Node* parent = node->parent;
    if (parent == nullptr) {
      root_.reset();
      return;
    }
    parent->children[static_cast<std::size_t>(node->index)].reset();
    node = parent;
  }
}

}  // namespace ticketsim
