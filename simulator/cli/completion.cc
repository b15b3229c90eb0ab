#include "simulator/cli/completion.h"

#include <set>
#include <string_view>
#include <vector>

#include <fmt/format.h>

#include "ticketsim/config.h"
#include "ticketsim/mode.h"

namespace ticketsim {
namespace {

// What bash offers after a flag that takes a value.
struct ValueCompletion {
  std::string_view flag;
  std::string words;        // a fixed vocabulary, or empty
  std::string_view action;  // compgen action: "file", "directory", or empty
};

std::string join(const std::vector<std::string>& words, std::string_view separator = " ") {
  std::string out;
  for (const std::string& word : words) {
    if (!out.empty()) out += separator;
    out += word;
  }
  return out;
}

std::string mode_words(bool with_all) {
  std::vector<std::string> words;
  for (Mode mode : all_modes()) words.emplace_back(mode_name(mode));
  if (with_all) words.emplace_back("all");
  return join(words);
}

template <typename Enum>
std::string enum_words(std::initializer_list<Enum> values, std::string_view (*name)(Enum)) {
  std::vector<std::string> words;
  for (Enum value : values) words.emplace_back(name(value));
  return join(words);
}

// The vocabularies come from the same name functions the parser uses.
std::vector<ValueCompletion> value_completions() {
  return {
      {"--mode", mode_words(false), ""},
      {"--modes", mode_words(true), ""},
      {"--schedule",
       enum_words({Schedule::kFree, Schedule::kLockstep, Schedule::kRoundRobin, Schedule::kRandom},
                  schedule_name) +
           " script: file: replay:",
       ""},
      {"--write",
       enum_words({WriteStrategy::kInPlace, WriteStrategy::kAtomic}, write_strategy_name), ""},
      {"--crash-at",
       enum_words({CrashPoint::kAfterAcquire, CrashPoint::kMidWrite, CrashPoint::kBeforeRelease},
                  crash_point_name),
       ""},
      {"--lang", "en zh", ""},
      {"--store", "", "file"},
      {"--html", "", "file"},
      {"--trace", "", "file"},
      {"--history", "", "file"},
      {"--workdir", "", "directory"},
  };
}

// The long names of the flags of `commands` that take a value, e.g. "--procs".
std::set<std::string> value_flags(const std::vector<const CLI::App*>& commands) {
  std::set<std::string> names;
  for (const CLI::App* command : commands) {
    for (const CLI::Option* option : command->get_options()) {
      // A flag (--json) expects no value; an option (--procs N) expects one.
      if (!option->nonpositional() || option->get_expected_max() == 0) continue;
      for (const std::string& name : option->get_lnames()) names.insert("--" + name);
    }
  }
  return names;
}

// Every long and short name of `command`'s flags, e.g. "--mode --json -h --help".
std::string flag_words(const CLI::App& command) {
  std::set<std::string> names;
  for (const CLI::Option* option : command.get_options()) {
    if (!option->nonpositional()) continue;
    for (const std::string& name : option->get_lnames()) names.insert("--" + name);
    for (const std::string& name : option->get_snames()) names.insert("-" + name);
  }
  return join({names.begin(), names.end()});
}

// What `command`'s positional argument completes to: "file" (check-history FILE), a word
// list for a positional with a fixed vocabulary (completion SHELL), or "" for none.
std::string positional_completion(const CLI::App& command) {
  for (const CLI::Option* option : command.get_options()) {
    if (!option->get_positional()) continue;
    if (option->get_name() == "SHELL") return "words:bash";
    return "file";
  }
  return "";
}

}  // namespace

std::string bash_completion(const CLI::App& app) {
  const std::vector<const CLI::App*> commands =
      app.get_subcommands([](const CLI::App*) { return true; });
  std::vector<std::string> command_names;
  for (const CLI::App* command : commands) command_names.push_back(command->get_name());

  std::string flags_case;
  for (const CLI::App* command : commands) {
    flags_case += fmt::format("    {}) flags=\"{}\"; positional=\"{}\" ;;\n", command->get_name(),
                              flag_words(*command), positional_completion(*command));
  }
  std::string values_case;
  std::set<std::string> without_vocabulary = value_flags(commands);
  for (const ValueCompletion& value : value_completions()) {
    without_vocabulary.erase(std::string(value.flag));
    if (value.flag == "--modes") {
      // A comma list: complete the mode after the last comma, keeping what came before.
      values_case += fmt::format(
          "    --modes) COMPREPLY=($(compgen -P \"${{cur%\"${{cur##*,}}\"}}\" -W \"{}\" -- "
          "\"${{cur##*,}}\")); compopt -o nospace 2>/dev/null; return ;;\n",
          value.words);
    } else if (!value.action.empty()) {
      values_case += fmt::format(
          "    {}) COMPREPLY=($(compgen -A {} -- \"$cur\")); compopt -o filenames 2>/dev/null; "
          "return ;;\n",
          value.flag, value.action);
    } else {
      values_case += fmt::format(
          "    {}) COMPREPLY=($(compgen -W \"{}\" -- \"$cur\")); compopt -o nospace 2>/dev/null; "
          "[[ ${{#COMPREPLY[@]}} -eq 1 && ${{COMPREPLY[0]}} != *: ]] && compopt +o nospace "
          "2>/dev/null; return ;;\n",
          value.flag, value.words);
    }
  }
  if (!without_vocabulary.empty()) {
    // A number, a duration, a seed: nothing to offer (not the flag list, not file names).
    values_case += fmt::format("    {}) return ;;\n",
                               join({without_vocabulary.begin(), without_vocabulary.end()}, "|"));
  }

  return fmt::format(R"(# bash completion for ticketsim                      -*- shell-script -*-
# Generated by `ticketsim completion bash` from the command line's own definition.

_ticketsim() {{
  local cur prev command flags positional word
  cur="${{COMP_WORDS[COMP_CWORD]}}"
  prev="${{COMP_WORDS[COMP_CWORD-1]}}"
  command=""
  for word in "${{COMP_WORDS[@]:1:COMP_CWORD-1}}"; do
    case "$word" in
      {commands_pattern}) command="$word"; break ;;
    esac
  done
  if [[ -z "$command" ]]; then
    COMPREPLY=($(compgen -W "{commands} --help -h --version -V" -- "$cur"))
    return
  fi
  case "$prev" in
{values_case}  esac
  case "$command" in
{flags_case}  esac
  if [[ "$cur" == -* || -z "$positional" ]]; then
    COMPREPLY=($(compgen -W "$flags" -- "$cur"))
  elif [[ "$positional" == words:* ]]; then
    COMPREPLY=($(compgen -W "${{positional#words:}}" -- "$cur"))
  else
    COMPREPLY=($(compgen -A file -- "$cur"))
    compopt -o filenames 2>/dev/null
  fi
}}
complete -F _ticketsim ticketsim
)",
                     fmt::arg("commands_pattern", join(command_names, "|")),
                     fmt::arg("commands", join(command_names)),
                     fmt::arg("values_case", values_case), fmt::arg("flags_case", flags_case));
}

}  // namespace ticketsim
