// boost_call: runs a Boost.Interprocess operation, reporting its failure as a LockError.
#pragma once

#include <string>
#include <string_view>

#include <boost/interprocess/exceptions.hpp>

#include "locks/customer_lock.h"

namespace ticketsim {

// Returns `operation()`; an interprocess_exception becomes a LockError whose message is
// "<mechanism> <what> <name>: <Boost's message>", e.g. "fcntl exclusive /tmp/x.lock: ...".
template <typename Operation>
auto boost_call(std::string_view mechanism, std::string_view what, std::string_view name,
                Operation operation) {
  try {
    return operation();
  } catch (const boost::interprocess::interprocess_exception& e) {
    throw LockError(std::string(mechanism) + " " + std::string(what) + " " + std::string(name) +
                    ": " + e.what());
  }
}

}  // namespace ticketsim
