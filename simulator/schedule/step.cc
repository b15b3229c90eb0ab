#include "ticketsim/step.h"
#include "simulator/text/translate.h"

#include <array>
#include <stdexcept>

#include <fmt/format.h>

namespace ticketsim {
namespace {

constexpr std::array<std::string_view, 9> kStepNames{
    "search", "acquire", "read", "write", "release", "exit", "crash", "crash-mid-write", "buy"};

}  // namespace

std::string_view step_name(Step step) { return kStepNames[static_cast<std::size_t>(step)]; }

std::optional<Step> parse_step(std::string_view name) {
  for (std::size_t i = 0; i < kStepNames.size(); ++i) {
    if (kStepNames[i] == name && static_cast<Step>(i) != Step::kExit) {  // the parent's only
      return static_cast<Step>(i);
    }
  }
  return std::nullopt;
}

int steps_per_customer(int attempts) { return 1 + 4 * attempts; }

std::optional<Step> step_after(int done, int attempts) {
  if (done == 0) return Step::kSearch;
  if (done >= steps_per_customer(attempts)) return std::nullopt;
  constexpr Step kCycle[4] = {Step::kAcquire, Step::kRead, Step::kWrite, Step::kRelease};
  return kCycle[(done - 1) % 4];
}

std::vector<StepToken> parse_script(std::string_view text) {
  std::vector<StepToken> tokens;
  std::size_t i = 0;
  while (i < text.size()) {
    char c = text[i];
    if (c == '#') {
      while (i < text.size() && text[i] != '\n') ++i;
      continue;
    }
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == ',') {
      ++i;
      continue;
    }
    std::size_t end = i;
    while (end < text.size() && text[end] != ' ' && text[end] != '\t' && text[end] != '\n' &&
           text[end] != '\r' && text[end] != ',' && text[end] != '#') {
      ++end;
    }
    std::string_view token = text.substr(i, end - i);
    i = end;
    auto colon = token.find(':');
    const std::string expected = tr("expected CUSTOMER:STEP such as 1:search");
    if (colon == std::string_view::npos) {
      throw std::invalid_argument(trf("token {} '{}': {}", tokens.size() + 1, token, expected));
    }
    std::string_view number = token.substr(0, colon);
    int customer = 0;
    bool digits = !number.empty() && number.size() <= 5;
    for (char d : number) {
      digits = digits && d >= '0' && d <= '9';
      customer = customer * 10 + (d - '0');
    }
    auto step = parse_step(token.substr(colon + 1));
    if (!digits || customer < 1) {
      throw std::invalid_argument(trf("token {} '{}': '{}' is not a customer number (from 1)",
                                      tokens.size() + 1, token, number));
    }
    if (!step) {
      throw std::invalid_argument(
          trf("token {} '{}': unknown step '{}'; expected search, acquire, read, write, release, "
              "buy (modes server and atomic), crash or crash-mid-write",
              tokens.size() + 1, token, token.substr(colon + 1)));
    }
    tokens.push_back(StepToken{customer - 1, *step});
  }
  if (tokens.empty())
    throw std::invalid_argument(tr("the script has no steps; expected CUSTOMER:STEP tokens"));
  return tokens;
}

std::string format_script(const std::vector<StepToken>& tokens) {
  std::string text;
  for (const StepToken& token : tokens) {
    if (!text.empty()) text += ' ';
    text += fmt::format("{}:{}", token.customer + 1, step_name(token.step));
  }
  return text;
}

void validate_script(const std::vector<StepToken>& tokens, int procs, int /*attempts*/) {
  // Which steps can happen depends on the mode: the same script blocks in flock where it
  // races in none, and a blocked acquire makes the customer's next tokens wait (skipped)
  // until an acquire succeeds. So only what holds in every mode is checked here.
  std::vector<bool> seen(static_cast<std::size_t>(procs), false);
  for (std::size_t i = 0; i < tokens.size(); ++i) {
    const StepToken& token = tokens[i];
    std::string where =
        fmt::format("token {} '{}:{}'", i + 1, token.customer + 1, step_name(token.step));
    if (token.customer >= procs) {
      throw std::invalid_argument(trf("{}: there are only {} customers (--procs)", where, procs));
    }
    if (!seen[static_cast<std::size_t>(token.customer)] && token.step != Step::kSearch &&
        token.step != Step::kCrash) {
      throw std::invalid_argument(
          trf("{}: a customer searches first; customer {}'s first step must be search", where,
              token.customer + 1));
    }
    seen[static_cast<std::size_t>(token.customer)] = true;
  }
}

}  // namespace ticketsim
