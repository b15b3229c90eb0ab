#include "simulator/cli/cli_flags.h"

#include <fcntl.h>

#include <algorithm>
#include <charconv>
#include <sstream>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "simulator/text/translate.h"
#include "storage/posix_io.h"
#include "storage/postgres/postgres_store.h"
#include "storage/unique_fd.h"
#include "ticketsim/experiment.h"

namespace ticketsim {
namespace {

// Reads a schedule or report file named by --schedule; at most 1 MiB.
std::string read_schedule_file(const std::string& path) {
  try {
    UniqueFd fd = open_or_throw(path, O_RDONLY);
    std::string text;
    if (!pread_whole_file(fd.get(), text, 1u << 20)) {
      throw UsageError("--schedule", trf("'{}' is larger than 1 MiB", path));
    }
    return text;
  } catch (const SystemError& e) {
    throw UsageError("--schedule", trf("cannot read the schedule: {}", e.what()));
  }
}

// Runs `config` on the scripted schedule `text`; a bad script is a --schedule error.
void use_script(ExperimentConfig& config, std::string_view text) {
  try {
    config.script = parse_script(text);
  } catch (const std::invalid_argument& e) {
    throw UsageError("--schedule", e.what());
  }
  config.schedule = Schedule::kScript;
}

// --schedule replay:PATH: the schedule (and, unless given, the workload) of a run --json
// report, or a plain schedule file.
void use_replay(const std::string& path, ExperimentConfig& config, const GivenFlags& given) {
  std::string text = read_schedule_file(path);
  auto report = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (report.is_discarded()) return use_script(config, text);  // a plain schedule file
  if (!report.is_object() || !report.contains("schedule_ran") ||
      !report["schedule_ran"].is_string() || report["schedule_ran"].get<std::string>().empty()) {
    throw UsageError("--schedule", trf("'{}' is not a ticketsim run --json report of a "
                                       "controlled schedule (no \"schedule_ran\")",
                                       path));
  }
  use_script(config, report["schedule_ran"].get<std::string>());
  try {
    if (!given.mode) config.mode = mode_flag("--schedule", report.at("mode").get<std::string>());
    if (!given.procs) config.procs = report.at("procs").get<int>();
    if (!given.attempts) config.attempts = report.at("attempts").get<int>();
    if (!given.tickets) config.tickets = report.at("tickets").get<std::int64_t>();
  } catch (const nlohmann::json::exception& e) {
    throw UsageError("--schedule", trf("'{}' lacks the workload of the run: {}", path, e.what()));
  }
}

// Only customers of a lock that a dead holder can leave taken for ever give up waiting for it
// (the providers whose honours_deadline() is true); the kernel releases the file locks of a
// dead holder, and none and join take no lock.
bool lock_can_time_out(Mode mode) {
  return mode == Mode::kNamedMutex || mode == Mode::kRobustMutex || mode == Mode::kRowLock ||
         mode == Mode::kAdvisory || mode == Mode::kRedisLock;
}

// A timeout flag is honoured or refused before anything runs, never silently ignored.
void refuse_timeouts_that_cannot_apply(const Flags& flags, const CLI::App& command,
                                       const ExperimentConfig& config) {
  auto given = [&](const char* name) { return flag_given(command, name); };
  if (is_controlled(config.schedule)) {
    for (const char* flag : {"--trial-timeout", "--lock-timeout"}) {
      if (given(flag)) {
        throw UsageError(flag, trf("a controlled schedule ({}) grants one step at a time: "
                                   "a blocked customer is reported, never waited for; "
                                   "drop {}",
                                   schedule_name(config.schedule), flag));
      }
    }
  }
  for (const char* flag : {"--redis", "--lease", "--fencing"}) {
    if (given(flag) && config.mode != Mode::kRedisLock &&
        command.get_option_no_throw("--modes") == nullptr) {
      throw UsageError(flag, trf("belongs to mode redis-lock (the lock Redis serves); mode {} "
                                 "does not use Redis",
                                 mode_name(config.mode)));
    }
  }
  if (!given("--lock-timeout")) return;
  std::vector<Mode> modes{config.mode};
  if (command.get_option_no_throw("--modes") != nullptr) {
    std::vector<SkippedMode> skipped;
    modes = modes_flag(flags.modes, config, skipped);
  }
  if (std::none_of(modes.begin(), modes.end(), lock_can_time_out)) {
    std::string names;
    for (Mode mode : modes) names += (names.empty() ? "" : ", ") + std::string(mode_name(mode));
    throw UsageError(
        "--lock-timeout",
        modes.size() == 1
            ? trf("only named-mutex, robust-mutex, row-lock, advisory and redis-lock customers "
                  "give up waiting for a lock; mode {} never waits with a timeout",
                  names)
            : trf("only named-mutex, robust-mutex, row-lock, advisory and redis-lock customers "
                  "give up waiting for a lock; no mode of {} waits with a timeout",
                  names));
  }
}

}  // namespace

void add_common_flags(CLI::App& command, Flags& flags) {
  command.add_option("--procs", flags.procs, tr("Customers (child processes) per trial"))
      ->capture_default_str();
  command.add_option("--tickets", flags.tickets,
                     tr("Tickets at the start of each trial (overrides the store's count)"));
  command.add_option("--attempts", flags.attempts, tr("Purchases per customer"))
      ->capture_default_str();
  command
      .add_option("--pool", flags.pool,
                  tr("Run the customers as tasks of K long-lived worker processes (0: a process "
                     "per customer)"))
      ->capture_default_str();
  command
      .add_option("--latency", flags.latency,
                  tr("Think time inside each purchase, between read and write: 50ms, 200us, 0, "
                     "or a range 10ms..50ms drawn per purchase from --seed"))
      ->capture_default_str();
  command
      .add_option("--search-latency", flags.search_latency,
                  tr("Network latency before each customer's search reads the store"))
      ->capture_default_str();
  command
      .add_option("--hold", flags.hold,
                  tr("Time a buyer keeps the store and the lock after writing, before releasing"))
      ->capture_default_str();
  command
      .add_option("--schedule", flags.schedule,
                  tr("free (the OS decides), lockstep (everyone reads before anyone writes), or a "
                     "controlled one, one step at a time: random (seeded by --seed), round-robin, "
                     "script:\"1:search 2:search 1:acquire ...\", file:PATH, replay:REPORT.json"))
      ->capture_default_str();
  command
      .add_option("--trials", flags.trials, tr("Independent trials, each on a fresh store copy"))
      ->capture_default_str();
  command.add_option("--until-ci", flags.until_ci,
                     tr("Keep running trials until the 95% interval of P(a trial is unsafe) is "
                        "narrower than this (e.g. 0.1); --trials is then the minimum"));
  command.add_option("--max-trials", flags.max_trials, tr("With --until-ci: stop after this many"))
      ->capture_default_str();
  command.add_option("--store", flags.store,
                     tr("JSON store such as data/tickets.json, read and never modified (default: "
                        "a fresh {\"count\": N} store), or a PostgreSQL database, "
                        "postgresql://..., where each trial gets a row of its own"));
  command.add_option("--seed", flags.seed, tr("Seed for latency ranges"))->capture_default_str();
  command.add_option("--trial-timeout", flags.trial_timeout,
                     tr("Kill a trial still running after this long and report it stalled "
                        "(default: 30s + 3x the serial workload)"));
  command.add_option("--workdir", flags.workdir,
                     tr("Where private trial directories are created (default: $TMPDIR or /tmp)"));
  command.add_flag("--json", flags.json, tr("Print one JSON document on stdout and nothing else"));
  command.add_flag("--timeline", flags.timeline,
                   tr("Draw the explained trial as a timeline: one lane per customer"));
  command.add_option("--html", flags.html,
                     tr("Write a self-contained HTML report (SVG timeline; compare adds the "
                        "safety-versus-throughput chart)"));
  command.add_option("--trace", flags.trace,
                     tr("Write Chrome Trace Event JSON (open in https://ui.perfetto.dev): one "
                        "track per customer, lock wait and hold as slices"));
  command.add_flag("--no-times", flags.no_times,
                   tr("Do not record step times (measures what recording costs; no timeline, "
                      "no mutual-exclusion check)"));
  command
      .add_option("--write", flags.write,
                  tr("How customers rewrite the store: inplace (pwrite + ftruncate) or atomic "
                     "(temporary file, fsync, rename, directory fsync)"))
      ->capture_default_str();
  command.add_option(
      "--crash-prob", flags.crash_prob,
      tr("Probability that a purchase dies by SIGKILL at --crash-at (seeded by --seed)"));
  command
      .add_option("--crash-at", flags.crash_at,
                  tr("Where an injected crash strikes: after-acquire, mid-write or before-release"))
      ->capture_default_str();
  command.add_option(
      "--pause-holder", flags.pause_holder,
      tr("Stop (SIGSTOP) the first lock holder this long, to show what waiting costs"));
  command.add_option(
      "--lock-timeout", flags.lock_timeout,
      tr("Give up waiting for a named-mutex or robust-mutex lock after this long, and "
         "report the trial stalled (default: 5s + 2x the serial purchases)"));
  command.add_option("--redis", flags.redis,
                     tr("Mode redis-lock: the Redis server, redis://HOST[:PORT] or "
                        "unix:///PATH (default redis://127.0.0.1:6379)"));
  command.add_option("--lease", flags.lease,
                     tr("Mode redis-lock: how long a grant lasts before Redis drops it, held or "
                        "not (default: the lock timeout)"));
  command.add_flag("--fencing", flags.fencing,
                   tr("Mode redis-lock: number every grant and have the database store refuse "
                      "a write whose number is older than one it accepted"));
  command.add_flag("--expect-safe", flags.expect_safe,
                   tr("Exit 3 when any trial's verdict is not safe: it oversold, lost an "
                      "update, tore a read, overlapped critical sections its mode keeps apart "
                      "(with --fencing the store refuses the stale holder instead), or stalled"));
}

Nanoseconds duration_flag(const std::string& flag, const std::string& text) {
  try {
    return parse_duration(text);
  } catch (const DurationError& e) {
    throw UsageError(flag, e.what());
  }
}

Mode mode_flag(const std::string& flag, const std::string& text) {
  if (auto mode = parse_mode(text)) return *mode;
  throw UsageError(flag,
                   trf("unknown mode '{}'; expected one of {}", text, mode_names_for_humans()));
}

void apply_schedule_flag(const std::string& value, ExperimentConfig& config,
                         const GivenFlags& given) {
  auto starts_with = [&](std::string_view prefix) { return value.rfind(prefix, 0) == 0; };
  if (starts_with("script:")) return use_script(config, std::string_view(value).substr(7));
  if (starts_with("file:")) return use_script(config, read_schedule_file(value.substr(5)));
  if (starts_with("replay:")) return use_replay(value.substr(7), config, given);
  auto schedule = parse_schedule(value);
  if (!schedule || *schedule == Schedule::kScript) {
    throw UsageError("--schedule",
                     trf("unknown schedule '{}'; expected free, lockstep, random, "
                         "round-robin, script:\"1:search 2:search ...\", file:PATH or "
                         "replay:REPORT.json",
                         value));
  }
  config.schedule = *schedule;
}

bool flag_given(const CLI::App& command, const char* name) {
  const CLI::Option* option = command.get_option_no_throw(name);
  return option != nullptr && option->count() > 0;
}

ExperimentConfig make_config(const Flags& flags, const CLI::App& command) {
  GivenFlags given;
  given.mode = flag_given(command, "--mode");
  given.procs = flag_given(command, "--procs");
  given.tickets = flag_given(command, "--tickets");
  given.attempts = flag_given(command, "--attempts");
  ExperimentConfig config;
  config.mode = mode_flag("--mode", flags.mode);
  config.procs = flags.procs;
  if (given.tickets) config.tickets = flags.tickets;
  config.attempts = flags.attempts;
  config.pool = flags.pool;
  apply_schedule_flag(flags.schedule, config, given);
  try {
    config.latency = parse_duration_range(flags.latency);
  } catch (const DurationError& e) {
    throw UsageError("--latency", e.what());
  }
  config.search_latency = duration_flag("--search-latency", flags.search_latency);
  config.hold = duration_flag("--hold", flags.hold);
  config.trials = flags.trials;
  if (flag_given(command, "--until-ci")) config.until_ci = flags.until_ci;
  if (flag_given(command, "--max-trials")) {
    if (!config.until_ci) {
      throw UsageError("--max-trials", tr("bounds --until-ci, which was not given (use --trials "
                                          "for a fixed number of trials)"));
    }
    config.max_trials = flags.max_trials;
  }
  config.store_path = flags.store;
  const char* seed_end = flags.seed.data() + flags.seed.size();
  auto [parsed_end, error] = std::from_chars(flags.seed.data(), seed_end, config.seed);
  if (flags.seed.empty() || error != std::errc() || parsed_end != seed_end) {
    throw UsageError("--seed", trf("'{}' is not a whole number from 0 to 2^64-1", flags.seed));
  }
  if (!flags.trial_timeout.empty()) {
    config.trial_timeout = duration_flag("--trial-timeout", flags.trial_timeout);
  }
  config.workdir = flags.workdir;
  config.in_place = flags.in_place;
  config.record_times = !flags.no_times;
  auto write = parse_write_strategy(flags.write);
  if (!write) {
    throw UsageError("--write",
                     trf("unknown strategy '{}'; expected inplace or atomic", flags.write));
  }
  config.write = *write;
  config.crash_probability = flags.crash_prob;
  auto crash_at = parse_crash_point(flags.crash_at);
  if (!crash_at) {
    throw UsageError("--crash-at", trf("unknown point '{}'; expected after-acquire, "
                                       "mid-write or before-release",
                                       flags.crash_at));
  }
  config.crash_at = *crash_at;
  if (!flags.pause_holder.empty()) {
    config.pause_holder = duration_flag("--pause-holder", flags.pause_holder);
  }
  if (!flags.lock_timeout.empty()) {
    config.lock_timeout = duration_flag("--lock-timeout", flags.lock_timeout);
  }
  config.hosts = flags.hosts;
  config.experiment = flags.experiment;
  if (!flags.redis.empty()) config.redis_url = flags.redis;
  if (!flags.lease.empty()) config.lease = duration_flag("--lease", flags.lease);
  config.fencing = flags.fencing;
  // Only the trial a report explains keeps its customers' history: long experiments stay small.
  config.keep_history = HistoryKept::kExplainedTrial;
  refuse_timeouts_that_cannot_apply(flags, command, config);
  return config;
}

std::vector<Mode> modes_flag(const std::string& text, const ExperimentConfig& config,
                             std::vector<SkippedMode>& skipped) {
  const Schedule schedule = config.schedule;
  if (text == "all") {
    // A database store's "all" holds no join to skip.
    if (schedule == Schedule::kLockstep && !is_postgres_url(config.store_path)) {
      skipped.push_back(
          {Mode::kJoin, N_("lockstep has no meaning with join: join runs one customer at a time, "
                           "so no customer can wait for another to read")});
    }
    return modes_for_schedule(schedule, is_postgres_url(config.store_path));
  }
  std::vector<Mode> modes;
  std::stringstream list(text);
  std::string name;
  while (std::getline(list, name, ',')) {
    if (name.empty()) throw UsageError("--modes", trf("empty mode name in '{}'", text));
    Mode mode = mode_flag("--modes", name);
    for (Mode seen : modes) {
      if (seen == mode) throw UsageError("--modes", trf("mode '{}' is listed twice", name));
    }
    modes.push_back(mode);
  }
  if (modes.empty()) {
    throw UsageError("--modes", tr("expected a comma list such as none,flock or 'all'"));
  }
  return modes;
}

}  // namespace ticketsim
