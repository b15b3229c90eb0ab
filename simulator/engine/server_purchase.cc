// Mode server, the customer's side: it never opens the store; it asks the ticket server
// (ticket_server.cc), which reads, thinks, writes and records the steps in this customer's slot.
#include "simulator/engine/customer_run.h"

namespace ticketsim::customer_detail {

// Waits for the network as every search does, then asks the server what is left.
void Customer::search_via_server() {
  sleep_for_ns(config_.search_latency.count());
  slot_.search.t_lock_requested = now();
  server_->ask({kServerSearch, plan_.index, 0});
}

// Asks to buy; the answer comes when the server has made the purchase (its steps are already
// in `record`: acquired is when the server took the request, released when it answered).
void Customer::purchase_from_server(PurchaseRecord& record, int attempt) {
  if (lockstep() && !meet(header_.round_start)) throw StoppedByRun();
  record.t_lock_requested = now();
  server_->ask({kServerBuy, plan_.index, attempt});
}

}  // namespace ticketsim::customer_detail
