#include "locks/redis/redis_client.h"

#include <hiredis/hiredis.h>
#include <sys/time.h>

#include <charconv>
#include <string>
#include <utility>

#include "locks/customer_lock.h"
#include "simulator/text/translate.h"
#include "storage/dynamic_library.h"
#include "ticketsim/errors.h"

namespace ticketsim {
namespace {

// The hiredis functions ticketsim calls, loaded once. The program is linked statically and
// the library (libticketsim.a) should not make its users link hiredis, so it is loaded when
// the first redis-lock trial runs.
struct HiredisApi {
  decltype(&::redisConnectWithTimeout) connect_tcp;
  decltype(&::redisConnectUnixWithTimeout) connect_unix;
  decltype(&::redisSetTimeout) set_timeout;
  decltype(&::redisCommandArgv) command_argv;
  decltype(&::freeReplyObject) free_reply;
  decltype(&::redisFree) free_context;
};

HiredisApi load() {
  try {
    const DynamicLibrary library({"libhiredis.so.0.14", "libhiredis.so.1.1.0", "libhiredis.so"});
    HiredisApi api{};
    library.resolve("redisConnectWithTimeout", api.connect_tcp);
    library.resolve("redisConnectUnixWithTimeout", api.connect_unix);
    library.resolve("redisSetTimeout", api.set_timeout);
    library.resolve("redisCommandArgv", api.command_argv);
    library.resolve("freeReplyObject", api.free_reply);
    library.resolve("redisFree", api.free_context);
    return api;
  } catch (const std::runtime_error& e) {
    throw LockError(std::string("cannot use the Redis client library libhiredis (install "
                                "libhiredis0.14): ") +
                    e.what());
  }
}

const HiredisApi& hiredis() {
  static const HiredisApi api = load();
  return api;
}

timeval to_timeval(int ms) { return timeval{ms / 1000, (ms % 1000) * 1000}; }

}  // namespace

RedisAddress RedisAddress::parse(std::string_view url) {
  RedisAddress address;
  auto bad = [&](const std::string& why) {
    return ConfigError("redis", trf("'{}': {}; expected redis://HOST[:PORT] or "
                                    "unix:///PATH/TO/SOCKET",
                                    std::string(url), why));
  };
  if (url.rfind("unix://", 0) == 0) {
    address.socket_path = std::string(url.substr(7));
    if (address.socket_path.empty() || address.socket_path[0] != '/') {
      throw bad(tr("a socket path must be absolute"));
    }
    return address;
  }
  if (url.rfind("redis://", 0) != 0) throw bad(tr("unknown scheme"));
  std::string_view rest = url.substr(8);
  if (const std::size_t slash = rest.find('/'); slash != std::string_view::npos) {
    rest = rest.substr(0, slash);  // a database number is not used: ticketsim's keys are its own
  }
  if (const std::size_t at = rest.rfind('@'); at != std::string_view::npos) {
    std::string_view credentials = rest.substr(0, at);
    const std::size_t colon = credentials.find(':');
    address.password =
        std::string(colon == std::string_view::npos ? credentials : credentials.substr(colon + 1));
    rest = rest.substr(at + 1);
  }
  if (const std::size_t colon = rest.rfind(':'); colon != std::string_view::npos) {
    std::string_view port = rest.substr(colon + 1);
    int value = 0;
    auto [end, error] = std::from_chars(port.data(), port.data() + port.size(), value);
    if (error != std::errc() || end != port.data() + port.size() || value < 1 || value > 65535) {
      throw bad(trf("port '{}' is not a number from 1 to 65535", std::string(port)));
    }
    address.port = value;
    rest = rest.substr(0, colon);
  }
  if (rest.empty()) throw bad(tr("no host"));
  address.host = std::string(rest);
  return address;
}

std::string RedisAddress::describe() const {
  if (!socket_path.empty()) return "unix://" + socket_path;
  return "redis://" + host + ":" + std::to_string(port);
}

RedisClient::RedisClient(RedisAddress address, int timeout_ms)
    : address_(std::move(address)), timeout_ms_(timeout_ms) {}

RedisClient::~RedisClient() { close(); }

void RedisClient::close() {
  if (context_ != nullptr) hiredis().free_context(std::exchange(context_, nullptr));
}

RedisAnswer RedisClient::connect() {
  const HiredisApi& api = hiredis();
  const timeval timeout = to_timeval(timeout_ms_);
  context_ = address_.socket_path.empty()
                 ? api.connect_tcp(address_.host.c_str(), address_.port, timeout)
                 : api.connect_unix(address_.socket_path.c_str(), timeout);
  RedisAnswer answer;
  if (context_ == nullptr || context_->err != 0) {
    answer.text = context_ != nullptr ? context_->errstr : "out of memory";
    close();
    return answer;
  }
  api.set_timeout(context_, timeout);  // reads and writes too, not only the connect
  if (!address_.password.empty()) {
    RedisAnswer auth = command({"AUTH", address_.password});
    if (!auth.ok()) {
      close();
      auth.kind = RedisAnswer::Kind::kLost;
      auth.sent = false;
      return auth;
    }
  }
  answer.kind = RedisAnswer::Kind::kValue;
  return answer;
}

RedisAnswer RedisClient::command(std::initializer_list<std::string_view> words) {
  if (context_ == nullptr) {
    RedisAnswer connected = connect();
    if (!connected.ok()) return connected;
  }
  const char* argv[12];
  std::size_t lengths[12];
  int count = 0;
  for (std::string_view word : words) {
    argv[count] = word.data();
    lengths[count] = word.size();
    ++count;
  }
  auto* reply = static_cast<redisReply*>(hiredis().command_argv(context_, count, argv, lengths));
  RedisAnswer answer;
  if (reply == nullptr) {
    answer.text = context_->errstr;
    answer.sent = true;
    close();  // a context that failed is unusable
    return answer;
  }
  switch (reply->type) {
    case REDIS_REPLY_NIL:
      answer.kind = RedisAnswer::Kind::kNil;
      break;
    case REDIS_REPLY_ERROR:
      answer.kind = RedisAnswer::Kind::kError;
      answer.text.assign(reply->str, reply->len);
      break;
    case REDIS_REPLY_INTEGER:
      answer.kind = RedisAnswer::Kind::kValue;
      answer.integer = reply->integer;
      break;
    default:
      answer.kind = RedisAnswer::Kind::kValue;
      if (reply->str != nullptr) answer.text.assign(reply->str, reply->len);
      break;
  }
  hiredis().free_reply(reply);
  return answer;
}

}  // namespace ticketsim
