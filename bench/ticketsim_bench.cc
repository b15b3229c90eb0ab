// ticketsim's secondary benchmarks: IN-PROCESS figures (run_experiment called from this
// process, against baselines forked from this process), each measured against its baseline in
// the same run and printed as ratios. The headline figures are whole processes:
// whole_process_bench.cc. Both run with `make bench`.
#include <unistd.h>

#include <benchmark/benchmark.h>
#include <fmt/format.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "bench/baseline_loops.h"
#include "bench/machine_description.h"
#include "simulator/engine/clock.h"
#include "simulator/engine/trial_workspace.h"
#include "ticketsim/experiment.h"

namespace {

using ticketsim::bench::BaselineLock;
using ticketsim::bench::BaselineParse;

constexpr int kForkCustomers = 1000;
constexpr int kLoopProcesses = 8;
constexpr int kLoopPurchases = 20000;

std::string scratch_directory() { return ticketsim::default_workdir(); }

// One trial of `mode`; returns the trial's wall time (first fork to last reap) and sets
// the whole call's time (directory, lock objects, table, analysis included) in *call_ns.
ticketsim::TrialResult one_trial(ticketsim::Mode mode, int procs, int attempts,
                                 std::int64_t* call_ns, bool record_times = true) {
  ticketsim::ExperimentConfig config;
  config.mode = mode;
  config.procs = procs;
  config.attempts = attempts;
  config.tickets = static_cast<std::int64_t>(procs) * attempts;  // nobody runs out
  config.latency = {};
  config.hold = {};  // think time only: no hold, no network before searching
  config.search_latency = {};
  config.keep_history = ticketsim::HistoryKept::kNone;
  config.record_times = record_times;
  std::int64_t start = ticketsim::monotonic_ns();
  auto result = ticketsim::run_experiment(config);
  *call_ns = ticketsim::monotonic_ns() - start;
  return result.trials.at(0);
}

// Each repetition measures the bare baseline and ticketsim back to back, so both see the
// same machine state; the ratio of the pair is the figure (its median over repetitions).
void BM_FlockCustomersVsBareFork(benchmark::State& state) {
  for (auto _ : state) {
    std::int64_t bare_ns = ticketsim::bench::fork_exit_reap_ns(kForkCustomers);
    std::int64_t call_ns = 0;
    auto trial = one_trial(ticketsim::Mode::kFlock, kForkCustomers, 1, &call_ns);
    if (trial.sold != kForkCustomers) state.SkipWithError("not every customer bought");
    state.SetIterationTime(call_ns / 1e9);
    state.counters["bare_ms"] = bare_ns / 1e6;
    state.counters["trial_wall_ms"] = trial.wall_ns / 1e6;
    state.counters["ratio"] = static_cast<double>(call_ns) / static_cast<double>(bare_ns);
  }
}

void BM_HandWrittenLoop(benchmark::State& state) {
  auto lock = static_cast<BaselineLock>(state.range(0));
  auto parse = static_cast<BaselineParse>(state.range(1));
  for (auto _ : state) {
    std::int64_t ns = ticketsim::bench::hand_written_purchases_ns(
        lock, parse, kLoopProcesses, kLoopPurchases, scratch_directory());
    state.SetIterationTime(ns / 1e9);
    state.counters["purchases_per_s"] = kLoopProcesses * kLoopPurchases / (ns / 1e9);
  }
}

void BM_TicketsimPurchases(benchmark::State& state) {
  auto mode = static_cast<ticketsim::Mode>(state.range(0));
  for (auto _ : state) {
    std::int64_t call_ns = 0;
    auto trial = one_trial(mode, kLoopProcesses, kLoopPurchases, &call_ns);
    if (trial.unsafe() || trial.sold != kLoopProcesses * kLoopPurchases) {
      state.SkipWithError("lost purchases");
    }
    state.SetIterationTime(trial.wall_ns / 1e9);
    state.counters["purchases_per_s"] = trial.purchases_per_s;
  }
}

// Recording must not change what it observes: flock throughput with every step's time
// recorded, against the same trial without the clock reads, back to back.
void BM_HistoryOnVsOff(benchmark::State& state) {
  for (auto _ : state) {
    std::int64_t ns = 0;
    auto on = one_trial(ticketsim::Mode::kFlock, kLoopProcesses, kLoopPurchases, &ns, true);
    auto off = one_trial(ticketsim::Mode::kFlock, kLoopProcesses, kLoopPurchases, &ns, false);
    state.SetIterationTime(on.wall_ns / 1e9);
    state.counters["on_per_s"] = on.purchases_per_s;
    state.counters["off_per_s"] = off.purchases_per_s;
    state.counters["ratio"] = on.purchases_per_s / off.purchases_per_s;
  }
}

constexpr int kRepetitions = 7;

BENCHMARK(BM_FlockCustomersVsBareFork)
    ->UseManualTime()
    ->Iterations(1)
    ->Repetitions(15)
    ->Unit(benchmark::kMillisecond);
BENCHMARK(BM_HandWrittenLoop)
    ->ArgsProduct({{static_cast<int>(BaselineLock::kFlock),
                    static_cast<int>(BaselineLock::kNamedMutex)},
                   {static_cast<int>(BaselineParse::kNlohmannDom),
                    static_cast<int>(BaselineParse::kStoreScanner)}})
    ->UseManualTime()
    ->Iterations(1)
    ->Repetitions(kRepetitions)
    ->Unit(benchmark::kMillisecond);
BENCHMARK(BM_TicketsimPurchases)
    ->Arg(static_cast<int>(ticketsim::Mode::kFlock))
    ->Arg(static_cast<int>(ticketsim::Mode::kNamedMutex))
    ->UseManualTime()
    ->Iterations(1)
    ->Repetitions(kRepetitions)
    ->Unit(benchmark::kMillisecond);
BENCHMARK(BM_HistoryOnVsOff)
    ->UseManualTime()
    ->Iterations(1)
    ->Repetitions(kRepetitions)
    ->Unit(benchmark::kMillisecond);

// Console output as usual, plus the medians kept for the ratio table.
class RatioReporter : public benchmark::ConsoleReporter {
 public:
  void ReportRuns(const std::vector<Run>& runs) override {
    ConsoleReporter::ReportRuns(runs);
    for (const Run& run : runs) {
      if (run.run_type == Run::RT_Aggregate && run.aggregate_name == "median" &&
          !run.error_occurred) {
        medians_[run.run_name.function_name + "/" + run.run_name.args] = run;
      }
    }
  }

  // Median real time in ms, or -1 when missing.
  double ms(const std::string& name) const {
    auto it = medians_.find(name);
    return it == medians_.end() ? -1 : it->second.GetAdjustedRealTime();
  }
  double counter(const std::string& name, const std::string& key) const {
    auto it = medians_.find(name);
    if (it == medians_.end()) return -1;
    auto c = it->second.counters.find(key);
    return c == it->second.counters.end() ? -1 : static_cast<double>(c->second.value);
  }

 private:
  std::map<std::string, Run> medians_;
};

void print_ratio(const char* what, double ratio, const char* target, bool met) {
  if (ratio < 0) {
    std::printf("  %-62s  (not measured)\n", what);
    return;
  }
  if (std::string_view(target).empty()) {
    std::printf("  %-62s  %6.2fx   (for information)\n", what, ratio);
    return;
  }
  std::printf("  %-62s  %6.2fx   target %-8s %s\n", what, ratio, target, met ? "met" : "MISSED");
}

}  // namespace

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  RatioReporter reporter;
  benchmark::RunSpecifiedBenchmarks(&reporter);
  benchmark::Shutdown();

  const std::string flock_arg = std::to_string(static_cast<int>(ticketsim::Mode::kFlock));
  const std::string mutex_arg = std::to_string(static_cast<int>(ticketsim::Mode::kNamedMutex));
  auto hand = [](BaselineLock lock, BaselineParse parse) {
    return "BM_HandWrittenLoop/" + std::to_string(static_cast<int>(lock)) + "/" +
           std::to_string(static_cast<int>(parse));
  };

  double fork_ms = reporter.counter("BM_FlockCustomersVsBareFork/", "bare_ms");
  double customers_ms = reporter.ms("BM_FlockCustomersVsBareFork/");
  double customers_trial_ms = reporter.counter("BM_FlockCustomersVsBareFork/", "trial_wall_ms");
  double customers_ratio = reporter.counter("BM_FlockCustomersVsBareFork/", "ratio");
  double hand_flock_rate =
      reporter.counter(hand(BaselineLock::kFlock, BaselineParse::kNlohmannDom), "purchases_per_s");
  double hand_mutex_rate = reporter.counter(
      hand(BaselineLock::kNamedMutex, BaselineParse::kNlohmannDom), "purchases_per_s");
  double floor_flock_rate =
      reporter.counter(hand(BaselineLock::kFlock, BaselineParse::kStoreScanner), "purchases_per_s");
  double floor_mutex_rate = reporter.counter(
      hand(BaselineLock::kNamedMutex, BaselineParse::kStoreScanner), "purchases_per_s");
  double sim_flock_rate = reporter.counter("BM_TicketsimPurchases/" + flock_arg, "purchases_per_s");
  double sim_mutex_rate = reporter.counter("BM_TicketsimPurchases/" + mutex_arg, "purchases_per_s");
  double history_on = reporter.counter("BM_HistoryOnVsOff/", "on_per_s");
  double history_off = reporter.counter("BM_HistoryOnVsOff/", "off_per_s");
  double history_ratio = reporter.counter("BM_HistoryOnVsOff/", "ratio");

  auto ratio = [](double a, double b) { return (a < 0 || b <= 0) ? -1.0 : a / b; };
  std::printf(
      "\nticketsim IN-PROCESS ratios (secondary figures: run_experiment called in this process;\n"
      "the headline, whole processes, is whole_process_bench) (medians; %s)\n",
      ticketsim::bench::machine_description().c_str());
  std::printf("  bare fork+_exit+waitpid of %d children: %.1f ms\n", kForkCustomers, fork_ms);
  std::printf(
      "  flock, %d customers x 1 purchase: %.1f ms whole run_experiment call, %.1f ms "
      "first fork to last reap\n",
      kForkCustomers, customers_ms, customers_trial_ms);
  std::printf(
      "  hand-written loop, %d processes x %d purchases, nlohmann parse: flock %.0f/s, "
      "named-mutex %.0f/s\n",
      kLoopProcesses, kLoopPurchases, hand_flock_rate, hand_mutex_rate);
  std::printf("  hand-written loop, same, ticketsim's scanner: flock %.0f/s, named-mutex %.0f/s\n",
              floor_flock_rate, floor_mutex_rate);
  std::printf("  ticketsim, same workload: flock %.0f/s, named-mutex %.0f/s\n", sim_flock_rate,
              sim_mutex_rate);
  std::printf("\n");
  double r1 = customers_ratio;
  double r2 = ratio(sim_flock_rate, hand_flock_rate);
  double r3 = ratio(sim_mutex_rate, hand_mutex_rate);
  std::printf("  flock, %d x %d purchases: history on %.0f/s, off %.0f/s\n\n", kLoopProcesses,
              kLoopPurchases, history_on, history_off);
  print_ratio("in-process: 1000 flock customers / bare fork+exit+reap (pairs)", r1, "<= 1.3",
              r1 <= 1.3);
  print_ratio("flock purchases/s / hand-written flock loop", r2, ">= 0.5", r2 >= 0.5);
  print_ratio("named-mutex purchases/s / hand-written named-mutex loop", r3, ">= 0.5", r3 >= 0.5);
  double r5 = ratio(sim_flock_rate, floor_flock_rate);
  double r6 = ratio(sim_mutex_rate, floor_mutex_rate);
  print_ratio("flock purchases/s / hand-written loop with the same scanner", r5, "", true);
  print_ratio("named-mutex purchases/s / same, with the same scanner", r6, "", true);
  print_ratio("flock purchases/s, history on / off (median of pairs)", history_ratio, ">= 0.9",
              history_ratio >= 0.9);
  return 0;
}
