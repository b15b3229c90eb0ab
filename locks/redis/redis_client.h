// RedisClient: one connection to a Redis server, each command bounded by a timeout.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>

struct redisContext;

namespace ticketsim {

// Where a Redis server listens, from a URL: redis://[:PASSWORD@]HOST[:PORT] (port 6379 when
// omitted) or unix:///PATH/TO/SOCKET.
struct RedisAddress {
  std::string host;  // empty for a Unix socket
  int port = 6379;
  std::string socket_path;  // unix:// only
  std::string password;     // sent with AUTH after connecting, when not empty

  // Parses `url`; throws ConfigError("redis", ...) saying what was expected.
  static RedisAddress parse(std::string_view url);
  // The URL again, without the password, for reports and errors.
  std::string describe() const;
};

// What a command answered.
struct RedisAnswer {
  enum class Kind {
    kValue,  // a status, string or integer reply
    kNil,    // a nil reply (SET NX found the key taken)
    kError,  // the server refused the command: `text`
    kLost,   // no connection, or no answer before the timeout; the connection is closed
  };
  Kind kind = Kind::kLost;
  std::int64_t integer = 0;  // an integer reply
  std::string text;          // a status or string reply, an error, or why the connection failed
  bool sent = false;         // kLost: the command may have reached the server

  bool ok() const { return kind == Kind::kValue; }
};

// One connection, opened on first use and again after a failure, never shared across fork.
// hiredis (libhiredis.so, loaded with dlopen on first use, as libpq is: see
// storage/postgres/libpq_library.h) does the protocol; every command is bounded by
// `timeout_ms` (socket timeouts), so none hangs.
class RedisClient {
 public:
  RedisClient(RedisAddress address, int timeout_ms);
  ~RedisClient();
  RedisClient(const RedisClient&) = delete;
  RedisClient& operator=(const RedisClient&) = delete;

  // Runs one command given as its words, e.g. {"SET", key, token, "NX", "PX", "100"}.
  RedisAnswer command(std::initializer_list<std::string_view> words);
  void close();

 private:
  RedisAnswer connect();

  RedisAddress address_;
  int timeout_ms_;
  redisContext* context_ = nullptr;
};

}  // namespace ticketsim
