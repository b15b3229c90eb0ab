// The JSON file as a TicketStore: the default store, a file in the trial's directory.
#pragma once

#include <memory>
#include <string>

#include "storage/ticket_store.h"
#include "ticketsim/config.h"

namespace ticketsim {

// Creates the provider for the trial store at site.file (already written with the trial's
// starting bytes, *site.initial_store, in canonical form: a repair rebuilds the store from
// them with the count it must hold), rewritten by site.write. *site.initial_store must
// outlive the provider. The file is removed with the trial's directory.
std::unique_ptr<StoreProvider> make_file_store_provider(const StoreSite& site);

}  // namespace ticketsim
