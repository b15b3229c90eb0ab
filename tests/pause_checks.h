// What a lock holder stopped by --pause-holder forces on the other customers, read from the
// records: it is what the lock guarantees, whatever the machine's speed.
#pragma once

#include <cstdint>

#include "ticketsim/trial_result.h"

namespace ticketsim::testing {

struct PauseEffect {
  int holders = 0;                  // customers that were stopped holding the lock (expect 1)
  std::int64_t resumed = 0;         // when the holder went on
  int waited_out = 0;               // locks others asked for during the pause, granted after it
  int granted_during_pause = 0;     // locks others were granted before the holder went on (0)
  std::int64_t forced_wait_ns = 0;  // the least those waits add up to: request to resume
};

// Every lock another customer asked for before the holder went on, and not granted before it
// stopped, could only be granted after it went on: each such wait lasted at least until then.
inline PauseEffect pause_effect(const TrialResult& trial) {
  PauseEffect effect;
  const CustomerHistory* holder = nullptr;
  for (const CustomerHistory& customer : trial.customers) {
    if (customer.t_paused > 0) {
      ++effect.holders;
      holder = &customer;
    }
  }
  if (holder == nullptr || holder->t_resumed == 0) return effect;
  effect.resumed = holder->t_resumed;
  const std::int64_t paused = holder->t_paused;
  auto account = [&effect, paused](std::int64_t requested, std::int64_t acquired) {
    if (requested == 0 || requested >= effect.resumed) return;
    if (acquired != 0 && acquired < paused) return;  // granted before the holder stopped
    if (acquired != 0 && acquired < effect.resumed) {
      ++effect.granted_during_pause;
      return;
    }
    ++effect.waited_out;
    effect.forced_wait_ns += effect.resumed - requested;
  };
  for (const CustomerHistory& customer : trial.customers) {
    if (&customer == holder) continue;
    if (!customer.search.unlocked()) {
      account(customer.search.t_lock_requested, customer.search.t_lock_acquired);
    }
    for (const PurchaseRecord& purchase : customer.purchases) {
      account(purchase.t_lock_requested, purchase.t_lock_acquired);
    }
  }
  return effect;
}

}  // namespace ticketsim::testing
