#include "simulator/engine/trial_resources.h"

#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cstring>
#include <random>

#include <fmt/format.h>

#include "locks/lock_provider.h"
#include "simulator/engine/clock.h"
#include "simulator/engine/stale_runs.h"
#include "simulator/oracle/analysis.h"
#include "simulator/text/translate.h"
#include "storage/file_store.h"
#include "storage/posix_io.h"
#include "storage/postgres/postgres_store.h"

namespace ticketsim {
namespace {

// A kernel-object name no other trial uses, now or in a concurrent run:
// ticketsim.<pid>.<trial counter>.<random>.
std::string unique_object_name() {
  static std::atomic<unsigned> counter{0};
  std::random_device random;
  return fmt::format("ticketsim.{}.{}.{:08x}", ::getpid(), counter.fetch_add(1), random());
}

// Seeds customer `index` of trial `trial` from the experiment seed (distinct streams).
std::uint64_t customer_seed(std::uint64_t seed, int trial, int index) {
  return seed * 0x100000001B3ull ^ (static_cast<std::uint64_t>(trial) << 32) ^
         static_cast<std::uint64_t>(index);
}

CustomerHistory copy_out(SharedTable& table, int index, bool keep_purchases) {
  const CustomerSlot& slot = table.slot(index);
  CustomerHistory history;
  history.index = index;
  history.pid = slot.pid;
  history.ppid = slot.ppid;
  history.t_spawn = slot.t_spawn;
  history.t_exit = slot.t_exit;
  history.search = slot.search;
  history.error.assign(slot.error, ::strnlen(slot.error, kCustomerErrorBytes));
  if (keep_purchases) {
    history.purchases.reserve(static_cast<std::size_t>(table.attempts()));
    for (int attempt = 0; attempt < table.attempts(); ++attempt) {
      history.purchases.push_back(table.purchase(index, attempt));
    }
  }
  return history;
}

}  // namespace

TrialResources TrialResources::create(const TrialInput& input) {
  const ExperimentConfig& config = *input.config;
  TrialResources resources;
  std::string workdir = config.workdir.empty() ? default_workdir() : config.workdir;
  const std::string object_name = unique_object_name();  // the lock's and the store's
  try {
    resources.workspace = std::make_unique<TrialWorkspace>(workdir, input.store_bytes);
    const bool shared = !input.shared_name.empty();
    const StoreSite site{resources.workspace->store_path(),
                         shared ? input.shared_name : object_name,
                         &input.store_bytes,
                         input.tickets,
                         config.write,
                         effective_lock_timeout(config).count(),
                         shared};
    resources.store = input.make_store ? input.make_store(site) : make_file_store_provider(site);
  } catch (const SystemError& e) {
    throw RunError(e.what());
  }
  try {
    // Kernel objects stay this host's own (a flock on one machine is no lock on another);
    // a lock served over the network is shared by every host's customers.
    const std::string lock_name = config.mode == Mode::kRedisLock && !input.shared_name.empty()
                                      ? input.shared_name
                                      : object_name;
    const LockSite site{
        resources.workspace->lock_path(),
        lock_name,
        config.redis_url,
        std::chrono::duration_cast<std::chrono::milliseconds>(effective_lease(config)).count(),
        config.fencing,
        !input.shared_name.empty()};
    resources.locks = make_lock_provider(config.mode, site);
  } catch (const LockError& e) {
    throw RunError(std::string("cannot create the lock: ") + e.what());
  }
  resources.objects_in_use = mark_objects_in_use(LeftoverPlaces{}.shm_dir, object_name);
  try {
    resources.table = std::make_unique<SharedTable>(config.procs, config.attempts);
  } catch (const SystemError& e) {
    throw RunError(e.what());
  }
  TableHeader& header = resources.table->header();
  header.round_start.init(static_cast<std::uint32_t>(config.procs));
  header.race_point.init(static_cast<std::uint32_t>(config.procs));
  header.host_release.init(static_cast<std::uint32_t>(config.procs));
  header.committed_count.store(input.tickets);
  if (config.mode == Mode::kServer) {
    try {
      // A controlled schedule grants steps and never waits out think times: nor does the
      // server, whose purchases are steps.
      ExperimentConfig served = config;
      if (is_controlled(config.schedule)) {
        served.latency = {};
        served.hold = {};
      }
      resources.server = std::make_unique<TicketServer>(
          resources.workspace->directory() + "/server.sock", served, *resources.store,
          *resources.table, customer_seed(config.seed, input.index, config.procs));
    } catch (const SystemError& e) {
      throw RunError(std::string("cannot start the ticket server: ") + e.what());
    }
  }
  return resources;
}

CustomerPlan TrialResources::plan(const TrialInput& input, int index) const {
  const ExperimentConfig& config = *input.config;
  return CustomerPlan{index,
                      &config,
                      store.get(),
                      locks.get(),
                      table.get(),
                      customer_seed(config.seed, input.index, index),
                      server ? &server->socket_path() : nullptr};
}

TrialResult start_result(const TrialInput& input) {
  TrialResult result;
  result.index = input.index;
  result.mode = input.config->mode;
  result.schedule = input.config->schedule;
  result.procs = input.config->procs;
  result.attempts = input.config->attempts;
  result.tickets = input.tickets;
  result.database_store = is_postgres_url(input.config->store_path);
  result.fencing = input.config->fencing;
  return result;
}

void conclude_trial(TrialResult& result, const TrialInput& input, TrialResources& resources,
                    const CustomerExits& exits) {
  const ExperimentConfig& config = *input.config;
  // The last holder may have died mid-write with nobody after it to repair the store: the
  // end-of-trial check does what the next holder would have done.
  bool repaired_at_end = false;
  if (resources.locks->reports_dead_owner() &&
      resources.table->header().write_in_progress.load() != 0) {
    resources.store->restore(resources.table->header().committed_count.load());
    repaired_at_end = true;
  }
  StoreSnapshot final_store = resources.store->snapshot();
  result.final_count = final_store.count;
  result.final_store = std::move(final_store.bytes);
  std::vector<CustomerHistory> customers;
  customers.reserve(static_cast<std::size_t>(config.procs));
  for (int i = 0; i < config.procs; ++i) {
    const CustomerSlot& slot = resources.table->slot(i);
    CustomerHistory history = copy_out(*resources.table, i, /*keep_purchases=*/true);
    history.wait_status = exits.wait_status[static_cast<std::size_t>(i)];
    history.killed_by_run = exits.killed[static_cast<std::size_t>(i)];
    history.repairs = slot.repairs;
    history.lock_timed_out = slot.lock_timed_out != 0;
    history.stopped_by_run = slot.stopped_by_run != 0;
    history.t_paused = slot.t_paused;
    history.t_resumed = slot.t_resumed;
    history.lease_expired_attempt = slot.lease_expired_attempt;
    history.fenced_attempt = slot.fenced_attempt;
    history.fenced_token = slot.fenced_token;
    history.fenced_by = slot.fenced_by;
    bool died = WIFSIGNALED(history.wait_status) && !history.killed_by_run;
    if (died) {
      ++result.crashed;
      if (slot.crash_point != 0) {
        history.crashed_at = static_cast<CrashPoint>(slot.crash_point - 1);
        history.crash_attempt = slot.crash_attempt;
        ++result.injected_crashes;
      }
      history.died_holding_lock = slot.holding != 0;
      result.crashes.push_back(CrashedCustomer{i, slot.pid, history.crashed_at,
                                               history.crash_attempt, history.died_holding_lock});
    }
    result.repairs += history.repairs;
    for (const PurchaseRecord& purchase : history.purchases) {
      result.fenced_off += purchase.outcome == Outcome::kFencedOff ? 1 : 0;
    }
    result.leases_expired += history.lease_expired_attempt >= 0 ? 1 : 0;
    result.lock_timeouts += history.lock_timed_out ? 1 : 0;
    if (history.t_paused != 0) {
      result.paused_ns +=
          (history.t_resumed != 0 ? history.t_resumed : monotonic_ns()) - history.t_paused;
    }
    customers.push_back(std::move(history));
  }
  if (repaired_at_end) ++result.repairs;
  if (result.stalled && result.stall_reason.empty()) {
    // A record (the JSON keeps it): English; the reports say it in the reader's language.
    ScopedLanguage english("en");
    std::string holders;
    for (const CrashedCustomer& crash : result.crashes) {
      if (crash.held_lock) holders += (holders.empty() ? "" : ", ") + describe(crash);
    }
    if (exits.lock_timed_out) {
      result.stall_reason =
          fmt::format("a customer waited {} for the {} lock and gave up",
                      format_duration(effective_lock_timeout(config)), mode_name(config.mode));
    } else {
      result.stall_reason = fmt::format("the trial ran past its timeout of {}",
                                        format_duration(effective_trial_timeout(config)));
    }
    if (!holders.empty()) result.stall_reason += "; it was held by dead " + holders;
  }
  const bool search_is_shared = resources.locks->readers_share();
  result.times_recorded = config.record_times;
  analyse_trial(result, customers, search_is_shared);
  result.readers_share = search_is_shared;
  result.purchases_per_s =
      result.wall_ns > 0 ? static_cast<double>(result.purchases) * 1e9 / result.wall_ns : 0;
  result.customers = std::move(customers);  // run_experiment drops what it does not keep
}

}  // namespace ticketsim
