#include "locks/redis_lock.h"

#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <string>

#include "locks/deadline.h"
#include "locks/redis/redis_client.h"

namespace ticketsim {
namespace {

// Takes the lock only if nobody holds it, for a lease of ARGV[2] ms; with fencing, numbers
// the grant. Returns the grant's fencing token (1, 2, ...), or 0 when the lock was taken.
// The counter outlives every grant by an hour (ARGV[3]), so that a run killed with -9
// leaves nothing for longer.
constexpr const char* kAcquireFenced =
    "if redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then"
    " local token = redis.call('INCR', KEYS[2]) redis.call('PEXPIRE', KEYS[2], ARGV[3])"
    " return token else return 0 end";
constexpr const char* kFenceLifetimeMs = "3600000";
// Deletes the lock only if it still holds this holder's token: 1, or 0 when the lease ran
// out (and perhaps another holder's token is there now).
constexpr const char* kRelease =
    "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1])"
    " else return 0 end";
// How often a waiter asks again: Redis has no queue, so waiting is polling.
constexpr std::int64_t kFirstPollNs = 100'000;
constexpr std::int64_t kLongestPollNs = 2'000'000;
// The bound on one command; a lost server fails the command, never hangs it.
constexpr int kCommandTimeoutMs = 5'000;

std::string lock_key(const LockSite& site) { return "ticketsim:lock:" + site.object_name; }
std::string fence_key(const LockSite& site) { return "ticketsim:fence:" + site.object_name; }

void sleep_ns(std::int64_t ns) {
  timespec pause{static_cast<time_t>(ns / 1'000'000'000), static_cast<long>(ns % 1'000'000'000)};
  ::nanosleep(&pause, nullptr);
}

[[noreturn]] void fail(const RedisAddress& address, const RedisAnswer& answer) {
  throw LockError("Redis at " + address.describe() + ": " + answer.text);
}

class RedisLock final : public CustomerLock {
 public:
  explicit RedisLock(const LockSite& site)
      : address_(RedisAddress::parse(site.redis_url)),
        client_(address_, kCommandTimeoutMs),
        key_(lock_key(site)),
        fence_key_(fence_key(site)),
        lease_ms_(std::to_string(site.lease_ms)),
        fencing_(site.fencing) {}

  Acquisition lock(std::int64_t deadline_ns) override {
    std::int64_t poll = kFirstPollNs;
    for (;;) {
      if (try_lock()) return Acquisition::kAcquired;
      if (deadline_ns != 0 && monotonic_ns() + poll > deadline_ns) return Acquisition::kTimedOut;
      sleep_ns(poll);
      poll = std::min(poll * 2, kLongestPollNs);
    }
  }

  bool try_lock() override {
    token_ = std::to_string(::getpid()) + "." + std::to_string(++grants_);
    expired_ = false;
    if (fencing_) {
      RedisAnswer answer = client_.command(
          {"EVAL", kAcquireFenced, "2", key_, fence_key_, token_, lease_ms_, kFenceLifetimeMs});
      if (!answer.ok()) fail(address_, answer);
      fencing_token_ = answer.integer;
      return answer.integer > 0;
    }
    RedisAnswer answer = client_.command({"SET", key_, token_, "NX", "PX", lease_ms_});
    if (answer.kind == RedisAnswer::Kind::kNil) return false;
    if (!answer.ok()) fail(address_, answer);
    return true;
  }

  void unlock() override {
    RedisAnswer answer = client_.command({"EVAL", kRelease, "1", key_, token_});
    if (!answer.ok()) fail(address_, answer);
    expired_ = answer.integer == 0;
  }

  std::int64_t fencing_token() const override { return fencing_token_; }
  bool lease_expired() const override { return expired_; }

 private:
  RedisAddress address_;
  RedisClient client_;
  std::string key_;
  std::string fence_key_;
  std::string lease_ms_;
  bool fencing_;
  std::string token_;
  std::uint64_t grants_ = 0;
  std::int64_t fencing_token_ = 0;
  bool expired_ = false;
};

class RedisLockProvider final : public LockProvider {
 public:
  explicit RedisLockProvider(const LockSite& site) : site_(site) {
    // Fail before any customer forks when the server is not there.
    RedisClient client(RedisAddress::parse(site.redis_url), kCommandTimeoutMs);
    RedisAnswer pong = client.command({"PING"});
    if (!pong.ok()) fail(RedisAddress::parse(site.redis_url), pong);
  }

  ~RedisLockProvider() override {
    try {
      RedisClient client(RedisAddress::parse(site_.redis_url), kCommandTimeoutMs);
      if (site_.shared) {
        // Other hosts' customers may still hold or number grants: the lock key expires with
        // its lease; the counter a minute after the last host is done with it.
        client.command({"PEXPIRE", fence_key(site_), "60000"});
        return;
      }
      client.command({"DEL", lock_key(site_), fence_key(site_)});
    } catch (...) {
      // The keys stay; the lock key expires with its lease.
    }
  }

  CustomerLock& open_for_customer(LockSlot& slot) const override {
    return slot.emplace<RedisLock>(site_);
  }
  bool readers_share() const override { return false; }
  bool honours_deadline() const override { return true; }

 private:
  LockSite site_;
};

}  // namespace

std::unique_ptr<LockProvider> make_redis_lock_provider(const LockSite& site) {
  return std::make_unique<RedisLockProvider>(site);
}

}  // namespace ticketsim
