#include "locks/named_mutex_lock.h"

#include "locks/boost_call.h"
#include "locks/deadline.h"

namespace ticketsim {
namespace {

namespace bip = boost::interprocess;

constexpr std::string_view kMechanism = "named mutex";

}  // namespace

NamedMutexLock::NamedMutexLock(const std::string& name)
    : name_(name), mutex_(boost_call(kMechanism, "open", name, [&] {
        return bip::named_mutex(bip::open_only, name.c_str());
      })) {}

Acquisition NamedMutexLock::lock(std::int64_t deadline_ns) {
  if (deadline_ns == 0) {
    boost_call(kMechanism, "lock", name_, [&] { mutex_.lock(); });
    return Acquisition::kAcquired;
  }
  bool acquired = boost_call(kMechanism, "lock", name_,
                             [&] { return mutex_.timed_lock(utc_deadline(deadline_ns)); });
  return acquired ? Acquisition::kAcquired : Acquisition::kTimedOut;
}
bool NamedMutexLock::try_lock() {
  return boost_call(kMechanism, "lock", name_, [&] { return mutex_.try_lock(); });
}
void NamedMutexLock::unlock() {
  boost_call(kMechanism, "unlock", name_, [&] { mutex_.unlock(); });
}

NamedMutexProvider::NamedMutexProvider(const LockSite& site) : name_(site.object_name) {
  boost_call(kMechanism, "create", name_,
             [&] { bip::named_mutex created(bip::create_only, name_.c_str()); });
}

NamedMutexProvider::~NamedMutexProvider() { bip::named_mutex::remove(name_.c_str()); }

CustomerLock& NamedMutexProvider::open_for_customer(LockSlot& slot) const {
  return slot.emplace<NamedMutexLock>(name_);
}

}  // namespace ticketsim
