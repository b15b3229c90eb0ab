// StoreDocument: one parsed and validated ticket store ({"count": N, ...}).
#pragma once

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace ticketsim {

// Largest ticket count accepted: 2^53, the largest integer every JSON reader holds exactly.
inline constexpr std::int64_t kMaxTicketCount = std::int64_t{1} << 53;
// Largest store file accepted, in bytes. A store is a small object; anything bigger is a mistake.
inline constexpr std::size_t kMaxStoreBytes = 4u << 20;
// Deepest nesting of arrays/objects accepted (the serializer recurses once per level).
inline constexpr int kMaxStoreDepth = 64;

// The store text is not a valid store. what() describes the problem without a path;
// StoreError adds the path.
class StoreFormatError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// A valid store: a JSON object whose "count" is an integer in [0, 2^53]. Every other key
// is kept, in its original order, and written back unchanged by serialize().
class StoreDocument {
 public:
  // Parses and validates `text`. Throws StoreFormatError naming the problem.
  static StoreDocument parse(std::string_view text);

  // Like parse(), but returns nullopt instead of throwing; used on the purchase path, where
  // an unparseable file is a torn read to be counted, not an error.
  static std::optional<StoreDocument> try_parse(std::string_view text) noexcept;

  std::int64_t count() const { return count_; }
  // Sets the count (kept in [0, 2^53] by the caller; negative counts are written as given).
  void set_count(std::int64_t count);

  // Compact JSON with the original key order and a trailing newline.
  std::string serialize() const;

 private:
  StoreDocument(nlohmann::ordered_json json, std::int64_t count)
      : json_(std::move(json)), count_(count) {}
  // Returns the problem with `text` as a store, or nullopt when it is valid.
  static std::optional<std::string> find_problem(std::string_view text,
                                                 nlohmann::ordered_json* parsed,
                                                 std::int64_t* count);

  nlohmann::ordered_json json_;
  std::int64_t count_;
};

}  // namespace ticketsim
