// The JSON file as a TicketStore: the default store, a file in the trial's directory.
#pragma once

#include <memory>
#include <string>

#include "storage/ticket_store.h"
#include "ticketsim/config.h"

namespace ticketsim {

// Creates the provider for the trial store at `path` (already written with the trial's
// starting bytes), rewritten by `strategy`. `initial_store` is those starting bytes in
// canonical form: a repair rebuilds the store from them with the count it must hold. Both
// strings must outlive the provider. The file is removed with the trial's directory.
std::unique_ptr<StoreProvider> make_file_store_provider(const std::string& path,
                                                        WriteStrategy strategy,
                                                        const std::string& initial_store);

}  // namespace ticketsim
