// TrialResources: what a trial creates before its customers start, and how it concludes.
#pragma once

#include <memory>
#include <vector>

#include "locks/customer_lock.h"
#include "simulator/engine/customer.h"
#include "simulator/engine/shared_table.h"
#include "simulator/engine/ticket_server.h"
#include "simulator/engine/trial.h"
#include "simulator/engine/trial_workspace.h"
#include "storage/ticket_store.h"

namespace ticketsim {

// The trial's private directory (with the store copy) and its store, its lock objects under names
// no other trial uses, and the shared table. Destroyed in reverse order, which removes the table,
// the kernel objects and the directory: nothing the trial made outlives it.
struct TrialResources {
  std::unique_ptr<TrialWorkspace> workspace;
  std::unique_ptr<StoreProvider> store;  // the trial's store (by default the file in workspace)
  std::unique_ptr<LockProvider> locks;
  std::vector<UniqueFd> objects_in_use;  // mark_in_use() on the lock's named kernel objects
  std::unique_ptr<SharedTable> table;
  std::unique_ptr<TicketServer> server;  // mode server: the process that sells every ticket

  // Creates all three for `input` and initialises the table (barriers, journal). Throws
  // RunError naming what could not be created.
  static TrialResources create(const TrialInput& input);

  // Customer `index`'s plan, referring to these resources and to `input`. Built when the
  // customer is spawned, not kept per customer: every heap page the parent holds while
  // forking is copied into the page tables of every later child.
  CustomerPlan plan(const TrialInput& input, int index) const;
};

// A result with the trial's identity and workload filled in from `input`.
TrialResult start_result(const TrialInput& input);

// How each customer process ended, as the parent saw it.
struct CustomerExits {
  std::vector<int> wait_status;  // by customer index
  std::vector<bool> killed;      // SIGKILLed by the run itself (stall, interrupt, end of script)
  bool lock_timed_out = false;   // some customer gave up waiting for a lock
};

// Fills `result` once every customer has been reaped: repairs a store its last holder left
// half-written (locks that report a dead owner), reads the final store, copies every
// customer's record out of the table, names crashes and dead holders, explains a stall and
// runs the analysis. `result`'s index, mode, tickets, t_start, wall_ns, stalled and
// interrupted_by must already be set.
void conclude_trial(TrialResult& result, const TrialInput& input, TrialResources& resources,
                    const CustomerExits& exits);

}  // namespace ticketsim
