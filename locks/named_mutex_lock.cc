#include "locks/named_mutex_lock.h"

#include <boost/interprocess/exceptions.hpp>

namespace ticketsim {
namespace {

namespace bip = boost::interprocess;

template <typename Operation>
auto guarded(std::string_view name, const char* what, Operation operation) {
  try {
    return operation();
  } catch (const bip::interprocess_exception& e) {
    throw LockError(std::string("named mutex ") + what + " " + std::string(name) + ": " + e.what());
  }
}

}  // namespace

NamedMutexLock::NamedMutexLock(const std::string& name)
    : name_(name),
      mutex_(
          guarded(name, "open", [&] { return bip::named_mutex(bip::open_only, name.c_str()); })) {}

void NamedMutexLock::lock() {
  guarded(name_, "lock", [&] { mutex_.lock(); });
}
bool NamedMutexLock::try_lock() {
  return guarded(name_, "lock", [&] { return mutex_.try_lock(); });
}
void NamedMutexLock::unlock() {
  guarded(name_, "unlock", [&] { mutex_.unlock(); });
}

NamedMutexProvider::NamedMutexProvider(const LockSite& site) : name_(site.object_name) {
  guarded(name_, "create", [&] { bip::named_mutex created(bip::create_only, name_.c_str()); });
}

NamedMutexProvider::~NamedMutexProvider() { bip::named_mutex::remove(name_.c_str()); }

CustomerLock& NamedMutexProvider::open_for_customer(LockSlot& slot) const {
  return slot.emplace<NamedMutexLock>(name_);
}

}  // namespace ticketsim
