#include "simulator/oracle/history_check.h"

#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <iostream>
#include <limits>
#include <optional>
#include <span>
#include <string_view>
#include <unordered_map>
#include <utility>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace ticketsim {
namespace {

constexpr std::int64_t kEarliest = std::numeric_limits<std::int64_t>::min();
constexpr std::int64_t kLatest = std::numeric_limits<std::int64_t>::max();

// ---------------------------------------------------------------------------------------
// Reading: a SAX handler that pairs invokes with completions as the array streams past.

enum class Field : std::uint8_t { kIndex, kType, kProcess, kTime, kF, kValue, kOther };
constexpr const char* kFieldName[] = {"index", "type", "process", "time", "f", "value"};
constexpr int kRequiredFields = 6;

enum class EntryType : std::uint8_t { kInvoke, kOk, kFail, kInfo };

Field field_named(std::string_view key) {
  for (int i = 0; i < kRequiredFields; ++i) {
    if (key == kFieldName[i]) return static_cast<Field>(i);
  }
  return Field::kOther;
}

// One array element as read, before it is paired.
struct Entry {
  std::int64_t index = 0;
  std::int64_t process = 0;
  std::int64_t time = 0;
  std::int64_t value = 0;
  bool has_value = false;
  EntryType type = EntryType::kInvoke;
  HistoryF f = HistoryF::kSearch;
  unsigned present = 0;  // bit i: kFieldName[i] was seen
};

constexpr const char* kEntryTypeName[] = {"invoke", "ok", "fail", "info"};
constexpr const char* kFunctionName[] = {"search", "buy", "read"};

// Receives the document's tokens (nlohmann's SAX interface) and builds the History as they
// come: one Entry at a time, paired at once with its process's open invoke. Returns false
// (which stops the parse) at the first problem, leaving error() naming the source, the op
// and the field.
class HistoryReader : public nlohmann::json_sax<nlohmann::json> {
 public:
  explicit HistoryReader(std::string source) : source_(std::move(source)) {}

  bool null() override {
    if (skip_ == 0 && depth_ == 2 && field_ == Field::kValue) {
      entry_.has_value = false;
      mark();
      return true;
    }
    return scalar("null");
  }
  bool boolean(bool) override { return scalar("a boolean"); }
  bool number_integer(number_integer_t value) override { return integer(value); }
  bool number_unsigned(number_unsigned_t value) override {
    if (value > static_cast<number_unsigned_t>(kLatest)) {
      return scalar(fmt::format("{} (out of range)", value));
    }
    return integer(static_cast<std::int64_t>(value));
  }
  bool number_float(number_float_t, const string_t& text) override { return scalar(text); }
  bool string(string_t& text) override {
    if (skip_ > 0 || depth_ != 2 || field_ == Field::kOther) return scalar("a string");
    if (field_ == Field::kType) {
      for (int i = 0; i < 4; ++i) {
        if (text == kEntryTypeName[i]) return set(EntryType(i));
      }
      return fail(fmt::format("field \"type\" is \"{}\"; expected invoke, ok, fail or info", text));
    }
    if (field_ == Field::kF) {
      for (int i = 0; i < 3; ++i) {
        if (text == kFunctionName[i]) return set(HistoryF(i));
      }
      return fail(fmt::format("field \"f\" is \"{}\"; expected search, buy or read", text));
    }
    return scalar("a string");
  }
  bool binary(binary_t&) override { return scalar("binary data"); }

  bool start_object(std::size_t) override {
    if (skip_ > 0 || (depth_ == 2 && field_ == Field::kOther)) {
      ++skip_;
      return true;
    }
    if (depth_ == 1) {
      depth_ = 2;
      entry_ = Entry{};
      return true;
    }
    return scalar("an object");
  }
  bool start_array(std::size_t) override {
    if (skip_ > 0 || (depth_ == 2 && field_ == Field::kOther)) {
      ++skip_;
      return true;
    }
    if (depth_ == 0) {
      depth_ = 1;
      return true;
    }
    return scalar("an array");
  }
  bool key(string_t& name) override {
    if (skip_ == 0) field_ = field_named(name);
    return true;
  }
  bool end_object() override {
    if (skip_ > 0) {
      --skip_;
      return true;
    }
    depth_ = 1;
    field_ = Field::kOther;
    if (!finish_entry()) return false;
    entry_ = Entry{};
    ++position_;
    return true;
  }
  bool end_array() override {
    if (skip_ > 0) {
      --skip_;
      return true;
    }
    depth_ = 0;
    done_ = true;
    return true;
  }
  bool parse_error(std::size_t, const std::string&,
                   const nlohmann::detail::exception& error) override {
    std::string_view what = error.what();
    // "[json.exception.parse_error.101] parse error at line 1, ...": keep the sentence.
    if (auto bracket = what.find("] "); bracket != std::string_view::npos) {
      what.remove_prefix(bracket + 2);
    }
    error_ = fmt::format("{}: not valid JSON: {}", source_, what);
    return false;
  }

  const std::string& error() const { return error_; }
  bool done() const { return done_; }

  // The operations; invokes still open are left pending.
  History take() {
    history_.entries = position_;
    return std::move(history_);
  }

 private:
  // A scalar (or a container where a scalar belongs) was read, described as `kind`.
  bool scalar(std::string_view kind) {
    if (skip_ > 0) return true;
    if (depth_ == 0) {
      return fail_plain(
          fmt::format("the history must be a JSON array of operations, not {}", kind));
    }
    if (depth_ == 1) return fail(fmt::format("must be an object, not {}", kind));
    switch (field_) {
      case Field::kOther:
        return true;
      case Field::kIndex:
      case Field::kProcess:
      case Field::kTime:
        return fail(fmt::format("field \"{}\" must be an integer, not {}",
                                kFieldName[static_cast<int>(field_)], kind));
      case Field::kType:
      case Field::kF:
        return fail(fmt::format("field \"{}\" must be a string, not {}",
                                kFieldName[static_cast<int>(field_)], kind));
      case Field::kValue:
        return fail(fmt::format("field \"value\" must be an integer or null, not {}", kind));
    }
    return true;
  }

  bool integer(std::int64_t value) {
    if (skip_ > 0 || depth_ != 2) return scalar("a number");
    switch (field_) {
      case Field::kIndex:
        entry_.index = value;
        break;
      case Field::kProcess:
        entry_.process = value;
        break;
      case Field::kTime:
        entry_.time = value;
        break;
      case Field::kValue:
        entry_.value = value;
        entry_.has_value = true;
        break;
      case Field::kOther:
        return true;
      default:
        return scalar("a number");
    }
    mark();
    return true;
  }

  bool set(EntryType type) {
    entry_.type = type;
    mark();
    return true;
  }
  bool set(HistoryF f) {
    entry_.f = f;
    mark();
    return true;
  }
  void mark() { entry_.present |= 1u << static_cast<int>(field_); }

  // Pairs the entry just read with its process's open invoke, or opens one.
  bool finish_entry() {
    for (int i = 0; i < kRequiredFields; ++i) {
      if ((entry_.present & (1u << i)) == 0) {
        return fail(fmt::format("field \"{}\" is missing", kFieldName[i]));
      }
    }
    auto open = open_.find(entry_.process);
    if (entry_.type == EntryType::kInvoke) {
      if (open != open_.end()) {
        return fail(fmt::format("an invoke in process {}, which still has op {} open",
                                entry_.process, open->second.position));
      }
      // A process runs one operation at a time: the next cannot begin before the last ended.
      auto last = last_end_.find(entry_.process);
      if (last != last_end_.end() && entry_.time < last->second) {
        return fail(
            fmt::format("field \"time\" is {}, earlier than the end of process {}'s "
                        "previous operation (time {})",
                        entry_.time, entry_.process, last->second));
      }
      HistoryOp op;
      op.index = entry_.index;
      op.process = entry_.process;
      op.invoke_time = entry_.time;
      op.f = entry_.f;
      open_.emplace(entry_.process, Open{history_.ops.size(), position_});
      history_.ops.push_back(op);
      return true;
    }
    const char* type = kEntryTypeName[static_cast<int>(entry_.type)];
    if (open == open_.end()) {
      return fail(fmt::format("a completion (\"{}\") in process {}, which has no open invoke", type,
                              entry_.process));
    }
    HistoryOp& op = history_.ops[open->second.op];
    if (op.f != entry_.f) {
      return fail(
          fmt::format("completes \"{}\", but the open invoke of process {} (op {}) is \"{}\"",
                      kFunctionName[static_cast<int>(entry_.f)], entry_.process,
                      open->second.position, kFunctionName[static_cast<int>(op.f)]));
    }
    if (entry_.time < op.invoke_time) {
      return fail(fmt::format("field \"time\" is {}, earlier than its invoke's (op {}, time {})",
                              entry_.time, open->second.position, op.invoke_time));
    }
    op.complete_index = entry_.index;
    op.complete_time = entry_.time;
    last_end_[entry_.process] = entry_.time;
    op.value = entry_.has_value ? entry_.value : 0;
    op.has_value = entry_.has_value;
    op.outcome = entry_.type == EntryType::kOk     ? HistoryOutcome::kOk
                 : entry_.type == EntryType::kFail ? HistoryOutcome::kFail
                                                   : HistoryOutcome::kInfo;
    open_.erase(open);
    return true;
  }

  // The current entry is at fault: names it by its position (and index, when that differs).
  bool fail(const std::string& problem) {
    std::string op = fmt::format("op {}", position_);
    if ((entry_.present & 1u) != 0 && entry_.index != position_) {
      op += fmt::format(" (index {})", entry_.index);
    }
    return fail_plain(fmt::format("{}: {}", op, problem));
  }
  bool fail_plain(const std::string& problem) {
    error_ = fmt::format("{}: {}", source_, problem);
    return false;
  }

  struct Open {
    std::size_t op;         // in history_.ops
    std::int64_t position;  // of its invoke in the array
  };

  std::string source_;
  History history_;
  std::unordered_map<std::int64_t, Open> open_;              // process -> its open invoke
  std::unordered_map<std::int64_t, std::int64_t> last_end_;  // process -> its last completion
  Entry entry_;
  Field field_ = Field::kOther;
  int depth_ = 0;  // 0: outside the array, 1: in it, 2: in an operation
  int skip_ = 0;   // nesting inside a value of a key that is not read
  std::int64_t position_ = 0;
  bool done_ = false;
  std::string error_;
};

// ---------------------------------------------------------------------------------------
// The model: what each operation demands of the count.

enum class Role : std::uint8_t {
  kLeftOut,    // no effect and nothing seen
  kRead,       // the count was `value`
  kDecrement,  // the count was `value` > 0 and became value - 1
  kMaybe,      // a buy of unknown effect: a decrement of a count > 0 after its invoke, or none
  kNever,      // returned what no counter returns
};

Role role_of(const HistoryOp& op) {
  const bool ok = op.outcome == HistoryOutcome::kOk;
  switch (op.f) {
    case HistoryF::kBuy:
      if (ok) return op.has_value && op.value > 0 ? Role::kDecrement : Role::kNever;
      if (op.outcome == HistoryOutcome::kFail) {
        if (!op.has_value) return Role::kLeftOut;
        return op.value == 0 ? Role::kRead : Role::kNever;
      }
      return Role::kMaybe;
    case HistoryF::kSearch:
      if (!ok) return Role::kLeftOut;
      return op.has_value && op.value >= 0 ? Role::kRead : Role::kNever;
    case HistoryF::kRead:
      // The final store read by the parent: null is a store that did not parse (a write
      // torn for good), a value no counter ever holds.
      if (!ok) return Role::kLeftOut;
      return op.has_value && op.value >= 0 ? Role::kRead : Role::kNever;
  }
  return Role::kLeftOut;
}

bool pinned(Role role) {
  return role == Role::kRead || role == Role::kDecrement || role == Role::kNever;
}

// A buy that failed without seeing a count: known to have had no effect.
bool no_effect_buy(const HistoryOp& op, Role role) {
  return op.f == HistoryF::kBuy && role == Role::kLeftOut;
}

// An operation that fixes what the count was at its moment.
struct Pin {
  std::int64_t value;
  std::int64_t invoke;
  std::int64_t complete;
  std::uint32_t op;
  bool decrement;
};

bool by_value_descending(const Pin& a, const Pin& b) { return a.value > b.value; }

Pin pin_of(const History& history, std::size_t i) {
  const HistoryOp& op = history.ops[i];
  return Pin{op.value, op.invoke_time, op.complete_time, static_cast<std::uint32_t>(i),
             role_of(op) == Role::kDecrement};
}

// Buys of unknown effect, taken in the order they were invoked, skipping excluded ones.
class UnknownBuys {
 public:
  // `invokes` ascending; `excluded`: ascending positions in `invokes` that may not be taken.
  UnknownBuys(std::span<const std::int64_t> invokes, std::span<const std::uint32_t> excluded)
      : invokes_(invokes), excluded_(excluded) {}

  // Takes the next `count`: false when fewer remain. Else `moment` becomes at least the
  // invoke of the last one taken (a step they make cannot happen before they began).
  bool take(std::int64_t count, std::int64_t& moment) {
    while (count > 0) {
      const std::size_t stop =
          next_excluded_ < excluded_.size() ? excluded_[next_excluded_] : invokes_.size();
      const auto free = static_cast<std::int64_t>(stop - cursor_);
      if (free >= count) {
        cursor_ += static_cast<std::size_t>(count);
        moment = std::max(moment, invokes_[cursor_ - 1]);
        return true;
      }
      count -= free;
      if (stop == invokes_.size()) return false;
      cursor_ = stop + 1;
      ++next_excluded_;
    }
    return true;
  }

 private:
  std::span<const std::int64_t> invokes_;
  std::span<const std::uint32_t> excluded_;
  std::size_t cursor_ = 0;
  std::size_t next_excluded_ = 0;
};

// The decision (see history_check.h). `pins` sorted by value, descending; none is kNever.
// Level v is the step at which the count leaves v, at moment t_v. A pin of value v demands
// t_v >= its invoke (it saw v, so the count had not left v before it began); a read of
// value v - 1 demands t_v <= its completion (the count had left v before it ended); a
// decrement of value v is the step itself (so both). Levels without a decrement take an
// unknown buy each.
bool orderable(std::span<const Pin> pins, UnknownBuys unknown, std::int64_t tickets) {
  if (pins.empty()) return true;
  if (pins.front().value > tickets) return false;  // the count never goes up
  std::int64_t floor = tickets;                    // the lowest count the pins need
  for (const Pin& pin : pins) floor = std::min(floor, pin.decrement ? pin.value - 1 : pin.value);
  std::int64_t moment = kEarliest;  // t of the last level decided
  std::int64_t level = tickets;
  std::size_t i = 0;  // pins[i..] have value <= level
  while (level > floor) {
    const std::int64_t next = i < pins.size() ? pins[i].value : floor;
    if (next < level - 1) {
      // Levels level .. next + 2 constrain nothing: each takes the next unknown buy.
      if (!unknown.take(level - next - 1, moment)) return false;
      level = next + 1;
      continue;
    }
    std::int64_t earliest = kEarliest, latest = kLatest;
    int decrements = 0;
    std::size_t j = i;
    for (; j < pins.size() && pins[j].value == level; ++j) {
      earliest = std::max(earliest, pins[j].invoke);
      if (pins[j].decrement) {
        ++decrements;
        latest = std::min(latest, pins[j].complete);
      }
    }
    for (std::size_t k = j; k < pins.size() && pins[k].value == level - 1; ++k) {
      if (!pins[k].decrement) latest = std::min(latest, pins[k].complete);
    }
    if (decrements > 1) return false;  // the count is `level` only once
    moment = std::max(moment, earliest);
    if (decrements == 0 && !unknown.take(1, moment)) return false;
    if (moment > latest) return false;
    i = j;
    --level;
  }
  return true;
}

// ---------------------------------------------------------------------------------------
// Explaining a failure: the earliest moment it appears, and a smallest set behind it.

// The history's operations as the shrinking needs them. A subset is checked on its own:
// its members are taken at their word (a read or a buy saw its count; a failed buy had no
// effect), every other buy is a buy of unknown effect, other reads are left out. A subset
// that cannot be ordered so shows the whole history is not linearizable, and taking more
// members never makes it orderable again.
class Shrinker {
 public:
  Shrinker(const History& history, std::int64_t tickets) : history_(history), tickets_(tickets) {
    roles_.reserve(history.ops.size());
    for (const HistoryOp& op : history.ops) roles_.push_back(role_of(op));
    for (std::size_t i = 0; i < history.ops.size(); ++i) {
      const HistoryOp& op = history.ops[i];
      if (pinned(roles_[i])) {
        pins_.push_back(pin_of(history, i));
        ends_.push_back(op.complete_time);
        if (roles_[i] == Role::kNever) first_never_ = std::min(first_never_, op.complete_time);
      }
      if (no_effect_buy(op, roles_[i])) ends_.push_back(op.complete_time);
      if (op.f == HistoryF::kBuy) buys_.push_back(static_cast<std::uint32_t>(i));
    }
    std::stable_sort(pins_.begin(), pins_.end(), by_value_descending);
    std::stable_sort(buys_.begin(), buys_.end(), [&](std::uint32_t a, std::uint32_t b) {
      return history.ops[a].invoke_time < history.ops[b].invoke_time;
    });
    std::sort(ends_.begin(), ends_.end());
    ends_.erase(std::unique(ends_.begin(), ends_.end()), ends_.end());
  }

  // The history as it stood at `end`: what completed after it had not happened yet (a buy
  // then still open may or may not take effect).
  bool prefix_orderable(std::int64_t end) const {
    if (first_never_ <= end) return false;
    std::vector<Pin> pins;
    for (const Pin& pin : pins_) {
      if (pin.complete <= end) pins.push_back(pin);
    }
    std::vector<std::int64_t> unknown;
    for (std::uint32_t i : buys_) {
      const HistoryOp& op = history_.ops[i];
      if (op.invoke_time > end) break;
      if (roles_[i] == Role::kMaybe || op.complete_time > end) unknown.push_back(op.invoke_time);
    }
    return orderable(pins, UnknownBuys(unknown, {}), tickets_);
  }

  // The earliest completion time by which the history cannot be ordered (an orderable
  // prefix stays orderable when completions are taken away, so bisection finds it).
  // Requires a history that is not linearizable.
  std::int64_t first_failure() const {
    std::size_t low = 0, high = ends_.size() - 1;  // the answer is in [low, high]
    while (low < high) {
      const std::size_t mid = low + (high - low) / 2;
      if (prefix_orderable(ends_[mid])) {
        low = mid + 1;
      } else {
        high = mid;
      }
    }
    return ends_[low];
  }

  // Focuses the subset checks on the history as it stood at `end`.
  void focus(std::int64_t end) {
    end_ = end;
    others_.clear();
    position_.assign(history_.ops.size(), kNone);
    for (std::uint32_t i : buys_) {
      if (history_.ops[i].invoke_time > end) break;
      position_[i] = static_cast<std::uint32_t>(others_.size());
      others_.push_back(history_.ops[i].invoke_time);
    }
  }

  // Can `subset` (candidates() only) be ordered on its own, in the focused history?
  bool subset_orderable(const std::vector<std::uint32_t>& subset) const {
    work_ += static_cast<std::int64_t>(subset.size()) + kCheckCost;
    std::vector<Pin> pins;
    std::vector<std::uint32_t> excluded;
    for (std::uint32_t i : subset) {
      if (roles_[i] == Role::kNever) return false;
      if (pinned(roles_[i])) pins.push_back(pin_of(history_, i));
      if (position_[i] != kNone) excluded.push_back(position_[i]);
    }
    std::sort(pins.begin(), pins.end(), by_value_descending);
    std::sort(excluded.begin(), excluded.end());
    return orderable(pins, UnknownBuys(others_, excluded), tickets_);
  }

  // The ops a subset may hold: those that completed by the focused end and either saw a
  // count or were buys that failed without effect; latest completion first.
  std::vector<std::uint32_t> candidates() const {
    std::vector<std::uint32_t> out;
    for (std::size_t i = 0; i < history_.ops.size(); ++i) {
      const HistoryOp& op = history_.ops[i];
      if ((pinned(roles_[i]) || no_effect_buy(op, roles_[i])) && op.complete_time <= end_) {
        out.push_back(static_cast<std::uint32_t>(i));
      }
    }
    std::stable_sort(out.begin(), out.end(), [&](std::uint32_t a, std::uint32_t b) {
      return history_.ops[a].complete_time > history_.ops[b].complete_time;
    });
    return out;
  }

  // Buys outside `subset` invoked by `moment`, in the focused history.
  std::int64_t others_begun_by(std::int64_t moment,
                               const std::vector<std::uint32_t>& subset) const {
    auto count = std::upper_bound(others_.begin(), others_.end(), moment) - others_.begin();
    for (std::uint32_t i : subset) {
      if (position_[i] != kNone && history_.ops[i].invoke_time <= moment) --count;
    }
    return count;
  }

  Role role(std::uint32_t op) const { return roles_[op]; }

  // The shrinking has used up its budget: about a second or two of subset checks.
  bool out_of_work() const { return work_ > kWorkBudget; }

 private:
  static constexpr std::uint32_t kNone = std::numeric_limits<std::uint32_t>::max();
  // Work is counted in ops handled by subset checks, plus kCheckCost per check.
  static constexpr std::int64_t kCheckCost = 8;
  static constexpr std::int64_t kWorkBudget = 100'000'000;

  const History& history_;
  std::int64_t tickets_;
  std::vector<Role> roles_;
  std::vector<Pin> pins_;               // every pinned op, by value descending
  std::vector<std::uint32_t> buys_;     // every buy, by invoke time
  std::vector<std::int64_t> ends_;      // completion times that can make a prefix fail
  std::int64_t first_never_ = kLatest;  // the first completion no counter returns
  std::int64_t end_ = kLatest;
  std::vector<std::int64_t> others_;     // invokes of the buys invoked by end_
  std::vector<std::uint32_t> position_;  // op -> its position in others_, or kNone
  mutable std::int64_t work_ = 0;
};

// How far the shrinking got.
struct Shrunk {
  std::vector<std::uint32_t> set;
  bool smallest = false;
  bool irreducible = false;
};

// A smallest set among `candidates` (latest completion first) that cannot be ordered.
// Every such set holds an op completing at the focused end (the first candidates): without
// one, it would already fail earlier. So sets of one and two are searched exhaustively in
// O(n) checks. Beyond, an irreducible set: keep adding the candidate without which the
// kept ones and the candidates before it are orderable (found by bisection), until the
// kept ones alone are not: O(k log n) checks for k ops. Out of work, the pair search ends
// (keeping a pair already found) and the bisection returns what it has not yet ruled out.
Shrunk smallest_unorderable(const Shrinker& shrinker, const History& history,
                            const std::vector<std::uint32_t>& candidates) {
  const std::int64_t end = history.ops[candidates.front()].complete_time;
  std::vector<std::uint32_t> last;  // the ops completing at `end`
  for (std::uint32_t op : candidates) {
    if (history.ops[op].complete_time != end) break;
    last.push_back(op);
  }
  for (std::uint32_t z : last) {
    if (!shrinker.subset_orderable({z})) return {{z}, true, true};
  }
  std::optional<std::uint32_t> best_z, best_y;
  // Of the pairs, the one whose partner completed last: the conflict closest to the failure.
  for (std::uint32_t z : last) {
    for (std::uint32_t y : candidates) {
      if (shrinker.out_of_work()) break;
      if (best_y && history.ops[y].complete_time <= history.ops[*best_y].complete_time) break;
      if (y == z || shrinker.subset_orderable({z, y})) continue;
      best_z = z;
      best_y = y;
      break;
    }
  }
  if (best_y) return {{*best_z, *best_y}, true, true};
  std::vector<std::uint32_t> kept;
  std::vector<std::uint32_t> rest = candidates;  // kept + rest cannot be ordered
  auto with = [&](std::size_t count) {
    std::vector<std::uint32_t> subset = kept;
    subset.insert(subset.end(), rest.begin(), rest.begin() + static_cast<std::ptrdiff_t>(count));
    return subset;
  };
  while (!rest.empty() && shrinker.subset_orderable(kept)) {
    if (shrinker.out_of_work()) {
      kept.insert(kept.end(), rest.begin(), rest.end());
      return {kept, false, false};
    }
    std::size_t low = 1, high = rest.size();  // the shortest failing prefix of rest
    while (low < high) {
      const std::size_t mid = low + (high - low) / 2;
      if (shrinker.subset_orderable(with(mid))) {
        low = mid + 1;
      } else {
        high = mid;
      }
    }
    kept.push_back(rest[low - 1]);
    rest.resize(low - 1);
  }
  return {kept, false, true};
}

std::string plural(std::int64_t count, std::string_view one, std::string_view many) {
  return fmt::format("{} {}", count, count == 1 ? one : many);
}

std::string describe(const HistoryOp& op) {
  constexpr const char* kOutcome[] = {"ok", "fail", "info", "pending"};
  return fmt::format("op {} ({} {} {})", op.index, kFunctionName[static_cast<int>(op.f)],
                     kOutcome[static_cast<int>(op.outcome)],
                     op.has_value ? std::to_string(op.value) : "null");
}

// One sentence: why `set` cannot be ordered.
std::string explain(const History& history, std::int64_t tickets, const Shrinker& shrinker,
                    const std::vector<std::uint32_t>& set) {
  std::vector<std::uint32_t> seeing, no_effect;  // ops that saw a count; failed buys
  for (std::uint32_t i : set) {
    (shrinker.role(i) == Role::kLeftOut ? no_effect : seeing).push_back(i);
  }
  std::string given;  // what the failed buys add: the first few, by name
  constexpr std::size_t kNamed = 3;
  for (std::size_t k = 0; k < std::min(no_effect.size(), kNamed); ++k) {
    given += (k == 0 ? "" : ", ") + describe(history.ops[no_effect[k]]);
  }
  if (no_effect.size() > kNamed) {
    given += fmt::format(" and {} other failed buys", no_effect.size() - kNamed);
  }
  if (!given.empty()) given = " (" + given + " had none)";
  const std::string generic = fmt::format(
      "no order of these operations agrees with both their times and the counts they saw, even "
      "if every other buy took its ticket at any moment after it began{}",
      no_effect.empty() ? "" : ", given that the failed buys had no effect");
  if (seeing.size() == 1) {
    const HistoryOp& op = history.ops[seeing[0]];
    if (shrinker.role(seeing[0]) == Role::kNever) {
      if (!op.has_value) return "it read no count (a torn store), which no counter returns";
      if (op.value < 0) return fmt::format("the count is never {}", op.value);
      if (op.outcome == HistoryOutcome::kOk) {
        return fmt::format("a buy cannot succeed with {} left",
                           plural(op.value, "ticket", "tickets"));
      }
      return fmt::format("a buy cannot find the event sold out while it sees {}",
                         plural(op.value, "ticket", "tickets"));
    }
    if (op.value > tickets) {
      return fmt::format(
          "{} saw {}, more than the {} the count started from, and the count never goes up",
          describe(op), plural(op.value, "ticket", "tickets"), tickets);
    }
    const std::int64_t begun = shrinker.others_begun_by(op.complete_time, set);
    if (begun < tickets - op.value) {
      return fmt::format(
          "{} saw {} left of {}, so {} must have been sold before it ended, but only {} had "
          "begun by then that can have taken one{}",
          describe(op), op.value, tickets, tickets - op.value,
          plural(begun, "other buy", "other buys"), given);
    }
    return generic;
  }
  if (seeing.size() != 2 || !no_effect.empty()) return generic;
  const std::uint32_t a = seeing[0], b = seeing[1];
  const HistoryOp& x = history.ops[a];
  const HistoryOp& y = history.ops[b];
  auto left = [&](std::uint32_t i) {
    const HistoryOp& op = history.ops[i];
    return shrinker.role(i) == Role::kDecrement ? op.value - 1 : op.value;
  };
  if (shrinker.role(a) == Role::kDecrement && shrinker.role(b) == Role::kDecrement &&
      x.value == y.value) {
    return fmt::format(
        "both bought when {} left: the count is {} only once, so only one of them can have sold "
        "that ticket",
        plural(x.value, "ticket was", "tickets were"), x.value);
  }
  for (auto [first, second] : {std::pair{a, b}, std::pair{b, a}}) {
    const HistoryOp& before = history.ops[first];
    const HistoryOp& after = history.ops[second];
    if (before.complete_time < after.invoke_time && left(first) < after.value) {
      return fmt::format(
          "{} ended leaving at most {} before {} began, which saw {}; the count never goes up",
          describe(before), plural(left(first), "ticket", "tickets"), describe(after), after.value);
    }
  }
  return generic;
}

}  // namespace

History parse_history(std::istream& in, const std::string& source) {
  HistoryReader reader(source);
  const bool parsed = nlohmann::json::sax_parse(in, &reader);
  if (in.bad()) {
    throw HistoryError(fmt::format("{}: cannot read: {}", source, std::strerror(errno)));
  }
  if (!parsed) {
    throw HistoryError(reader.error().empty() ? source + ": not valid JSON" : reader.error());
  }
  if (!reader.done()) throw HistoryError(source + ": the history must be a JSON array");
  return reader.take();
}

History parse_history_file(const std::string& path) {
  if (path == "-") return parse_history(std::cin, "standard input");
  struct stat info {};
  if (::stat(path.c_str(), &info) != 0) {
    throw HistoryError(fmt::format("{}: cannot open: {}", path, std::strerror(errno)));
  }
  if (S_ISDIR(info.st_mode)) throw HistoryError(path + ": cannot open: it is a directory");
  std::ifstream in(path, std::ios::binary);
  if (!in) throw HistoryError(fmt::format("{}: cannot open: {}", path, std::strerror(errno)));
  return parse_history(in, path);
}

bool is_linearizable(const History& history, std::int64_t tickets) {
  if (tickets < 0) throw std::invalid_argument("tickets must not be negative");
  std::vector<Pin> pins;
  std::vector<std::int64_t> unknown;
  for (std::size_t i = 0; i < history.ops.size(); ++i) {
    switch (role_of(history.ops[i])) {
      case Role::kNever:
        return false;
      case Role::kRead:
      case Role::kDecrement:
        pins.push_back(pin_of(history, i));
        break;
      case Role::kMaybe:
        unknown.push_back(history.ops[i].invoke_time);
        break;
      case Role::kLeftOut:
        break;
    }
  }
  std::sort(pins.begin(), pins.end(), by_value_descending);
  std::sort(unknown.begin(), unknown.end());
  return orderable(pins, UnknownBuys(unknown, {}), tickets);
}

HistoryVerdict check_history(const History& history, std::int64_t tickets) {
  HistoryVerdict verdict;
  if (is_linearizable(history, tickets)) return verdict;
  verdict.linearizable = false;
  Shrinker shrinker(history, tickets);
  shrinker.focus(shrinker.first_failure());
  Shrunk shrunk = smallest_unorderable(shrinker, history, shrinker.candidates());
  std::vector<std::uint32_t>& set = shrunk.set;
  verdict.smallest = shrunk.smallest;
  verdict.irreducible = shrunk.irreducible;
  verdict.reason = explain(history, tickets, shrinker, set);
  std::sort(set.begin(), set.end(), [&](std::uint32_t a, std::uint32_t b) {
    return history.ops[a].invoke_time < history.ops[b].invoke_time;
  });
  verdict.unorderable.assign(set.begin(), set.end());
  return verdict;
}

}  // namespace ticketsim
