// SearchTree: which schedules are left to run, with dynamic partial-order reduction.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <unordered_map>
#include <vector>

#include "simulator/explore/execution.h"

namespace ticketsim {

// The tree of schedules explored so far, and the branches still to run. Every branch is
// handed out as a Job (a prefix to replay and a sleep set); what the schedule did comes back
// through integrate(), which grows the tree along it and decides which branches it calls for.
//
// Without reduction every move offered at every point is a branch: the search runs every
// schedule (under a preemption bound, every schedule within it). With reduction it is
// source-set DPOR with sleep sets (Abdulla, Aronis, Jonsson, Sagonas, POPL 2014; Flanagan and
// Godefroid, POPL 2005): after each schedule, every race in it (two dependent moves of
// different customers with nothing ordering them in between) adds, at the point before the
// first, a move that starts the reversed order, unless a move that starts it is already
// there or asleep; a customer's other moves at the point it moved (its crashes) are branches
// too, and so are the other customers' crashes at a point where one died (its crash used up
// the budget theirs needed). Moves that commute are so never tried in both orders, and every
// outcome reachable by some schedule is reached (the suite compares both searches' outcomes).
//
// Jobs may be handed out before earlier ones come back (workers run them side by side): a
// move handed out at a point sleeps in the siblings handed out after it, which is sound
// because every handed-out branch is eventually explored in full. A subtree is freed once
// nothing in it is pending or running.
class SearchTree {
 public:
  SearchTree(bool reduction, std::optional<int> preemption_bound);
  ~SearchTree();
  SearchTree(const SearchTree&) = delete;
  SearchTree& operator=(const SearchTree&) = delete;

  // The next branch to run, deepest first, or nullopt when none is pending now (running
  // jobs may still add some). The caller passes `id` back to integrate().
  struct Handout {
    std::uint64_t id = 0;
    Job job;
  };
  std::optional<Handout> next_job();

  // Grows the tree along `execution`, the schedule job `id` ran, and adds the branches it
  // calls for. Throws std::runtime_error when it disagrees with the tree (the customers did
  // not repeat what they did on the same prefix).
  void integrate(std::uint64_t id, const Execution& execution);

  std::int64_t pending() const { return static_cast<std::int64_t>(pending_.size()); }
  // True once a move was left out because of the preemption bound.
  bool bound_pruned() const { return bound_pruned_; }

 private:
  struct Node;
  struct Branch {
    Node* node;
    int move;
  };
  // The path of choices from the root to `node`.
  std::vector<Choice> path_to(const Node* node) const;
  void add_branch(Node* node, int move);
  // The sleep set of the child reached by `move` at `node`.
  std::vector<Move> child_sleep(const Node* node, int move) const;
  void add_races(const Execution& execution, const std::vector<Node*>& path);
  void release(Node* deepest);
  std::unique_ptr<Node> make_node(Node* parent, int index, const ExecutedStep& step,
                                  std::vector<Move> sleep, int last, int preemptions);

  bool reduction_;
  std::optional<int> bound_;
  std::unique_ptr<Node> root_;
  bool root_handed_out_ = false;
  std::vector<Branch> pending_;
  struct Running {
    Branch branch;            // {nullptr, -1}: the first job, from the root
    std::vector<Move> sleep;  // the sleep set the job started with
  };
  std::unordered_map<std::uint64_t, Running> running_;  // by job id
  std::uint64_t next_id_ = 1;
  bool bound_pruned_ = false;
};

}  // namespace ticketsim
