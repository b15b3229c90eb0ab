// The stepped customer: a customer that moves only when the parent says so.
#pragma once

#include "simulator/engine/customer.h"

namespace ticketsim {

// Runs one customer under a controlled schedule, in the current (child) process: opens its
// own store and lock handle, then waits in its StepMailbox for each step the parent grants
// and performs exactly that step (search, acquire, read, write, release), recording it in
// its table slot as run_customer does. A lock it cannot take at once (try_lock) makes the
// step `blocked`: the customer stays where it was, and never blocks the parent. Step::kExit
// releases whatever it holds and ends it. Never throws; returns the exit status.
int run_stepped_customer(const CustomerPlan& plan) noexcept;

}  // namespace ticketsim
