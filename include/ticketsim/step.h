// Steps: a purchase cut into the moves a controlled schedule grants one at a time.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ticketsim/version.h"  // the C++20 check

namespace ticketsim {

// One move of a customer. A customer searches once, then for each attempt acquires the
// lock, reads the store, writes it (or finds it sold out) and releases the lock. kExit is
// the parent's, never a script's: it tells an unfinished customer to let go and leave when
// a controlled trial ends. The two crashes are faults a script (and `explore --crashes`)
// may choose: kCrash kills the customer (SIGKILL) where it stands, before its next step,
// holding whatever it holds; kCrashMidWrite lets it begin its write, leave the store as a
// writer killed half-way leaves it, and die (only when its next step is a write).
// Mode server has no lock to take: a purchase is one step, kBuy, a request the server
// answers after reading and writing the store on the customer's behalf.
enum class Step : std::uint8_t {
  kSearch,
  kAcquire,
  kRead,
  kWrite,
  kRelease,
  kExit,
  kCrash,
  kCrashMidWrite,
  kBuy,
};

// True for kCrash and kCrashMidWrite.
inline bool is_crash(Step step) { return step == Step::kCrash || step == Step::kCrashMidWrite; }

std::string_view step_name(Step step);
std::optional<Step> parse_step(std::string_view name);

// The step a customer takes after `done` steps of a run with `attempts` purchases each;
// nullopt when it has finished.
std::optional<Step> step_after(int done, int attempts);

// Total steps of one customer: 1 + 4 x attempts.
int steps_per_customer(int attempts);

// One entry of a script: customer (0-based) and the step it takes.
struct StepToken {
  int customer = 0;
  Step step = Step::kSearch;
  bool operator==(const StepToken&) const = default;
};

// Parses a script: tokens "CUSTOMER:STEP" (customers numbered from 1; STEP one of search,
// acquire, read, write, release, crash, crash-mid-write) separated by spaces, commas or
// newlines; "#" starts a comment. Throws std::invalid_argument naming the token.
std::vector<StepToken> parse_script(std::string_view text);

// The script form of `tokens`, e.g. "1:search 2:search 1:acquire".
std::string format_script(const std::vector<StepToken>& tokens);

// Checks what holds for `tokens` in every mode: customer numbers within `procs`, and each
// customer's first step a search. (A step out of order is not an error here: a blocked
// acquire legitimately leaves a customer's later tokens to be skipped, and the report says
// so.) Throws std::invalid_argument naming the first token that cannot be.
void validate_script(const std::vector<StepToken>& tokens, int procs, int attempts);

}  // namespace ticketsim
