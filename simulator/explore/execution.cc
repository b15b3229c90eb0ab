#include "simulator/explore/execution.h"

#include <cstring>
#include <stdexcept>
#include <type_traits>

namespace ticketsim {
namespace {

// Fixed-width little-endian-as-the-host fields: both ends are the same program.
class Writer {
 public:
  template <typename T>
  void put(T value) {
    static_assert(std::is_trivially_copyable_v<T>);
    bytes_.append(reinterpret_cast<const char*>(&value), sizeof(T));
  }
  void put_string(const std::string& text) {
    put<std::uint32_t>(static_cast<std::uint32_t>(text.size()));
    bytes_ += text;
  }
  void put_optional(const std::optional<std::int64_t>& value) {
    put<std::uint8_t>(value.has_value());
    put<std::int64_t>(value.value_or(0));
  }
  void put_move(const Move& move) {
    put<std::int32_t>(move.choice.customer);
    put<std::uint8_t>(static_cast<std::uint8_t>(move.choice.step));
    const Footprint& f = move.footprint;
    put<std::uint8_t>(static_cast<std::uint8_t>(
        f.reads_store | f.writes_store << 1 | f.exclusive_lock << 2 | f.shared_lock << 3 |
        f.serial << 4 | f.crash << 5 | f.waits_for_lock << 6));
  }
  std::string take() { return std::move(bytes_); }

 private:
  std::string bytes_;
};

class Reader {
 public:
  explicit Reader(const std::string& bytes) : bytes_(bytes) {}
  template <typename T>
  T get() {
    if (at_ + sizeof(T) > bytes_.size()) throw std::runtime_error("explore: truncated message");
    T value;
    std::memcpy(&value, bytes_.data() + at_, sizeof(T));
    at_ += sizeof(T);
    return value;
  }
  std::string get_string() {
    const auto size = get<std::uint32_t>();
    if (at_ + size > bytes_.size()) throw std::runtime_error("explore: truncated message");
    std::string text = bytes_.substr(at_, size);
    at_ += size;
    return text;
  }
  std::optional<std::int64_t> get_optional() {
    const bool present = get<std::uint8_t>() != 0;
    const auto value = get<std::int64_t>();
    return present ? std::optional<std::int64_t>(value) : std::nullopt;
  }
  Move get_move() {
    Move move;
    move.choice.customer = get<std::int32_t>();
    move.choice.step = static_cast<Step>(get<std::uint8_t>());
    const auto bits = get<std::uint8_t>();
    move.footprint = Footprint{(bits & 1) != 0,
                               (bits & 2) != 0,
                               (bits & 4) != 0,
                               (bits & 8) != 0,
                               (bits & 16) != 0,
                               (bits & 32) != 0,
                               static_cast<std::uint8_t>(bits >> 6)};
    return move;
  }
  void expect_end() const {
    if (at_ != bytes_.size()) throw std::runtime_error("explore: trailing bytes in a message");
  }

 private:
  const std::string& bytes_;
  std::size_t at_ = 0;
};

}  // namespace

std::string encode(const Execution& execution) {
  Writer out;
  out.put<std::uint32_t>(static_cast<std::uint32_t>(execution.steps.size()));
  for (const ExecutedStep& step : execution.steps) {
    out.put<std::uint16_t>(static_cast<std::uint16_t>(step.offered.size()));
    out.put<std::uint16_t>(static_cast<std::uint16_t>(step.taken));
    for (const Move& move : step.offered) out.put_move(move);
  }
  const OutcomeFigures& f = execution.figures;
  out.put<std::int64_t>(f.sold);
  out.put<std::int64_t>(f.oversold);
  out.put_optional(f.lost_updates);
  out.put<std::int64_t>(f.torn_reads);
  out.put_optional(f.final_count);
  out.put<std::uint8_t>(f.stalled);
  out.put<std::int32_t>(f.crashed);
  out.put<std::uint8_t>(f.unsafe);
  out.put_string(f.verdict);
  out.put<std::int32_t>(execution.preemptions);
  out.put_string(execution.cut);
  out.put<std::uint8_t>(execution.pruned_by_bound);
  return out.take();
}

Execution decode_execution(const std::string& bytes) {
  Reader in(bytes);
  Execution execution;
  execution.steps.resize(in.get<std::uint32_t>());
  for (ExecutedStep& step : execution.steps) {
    step.offered.resize(in.get<std::uint16_t>());
    step.taken = in.get<std::uint16_t>();
    for (Move& move : step.offered) move = in.get_move();
    if (step.taken >= static_cast<int>(step.offered.size())) {
      throw std::runtime_error("explore: a step took a move it did not offer");
    }
  }
  OutcomeFigures& f = execution.figures;
  f.sold = in.get<std::int64_t>();
  f.oversold = in.get<std::int64_t>();
  f.lost_updates = in.get_optional();
  f.torn_reads = in.get<std::int64_t>();
  f.final_count = in.get_optional();
  f.stalled = in.get<std::uint8_t>() != 0;
  f.crashed = in.get<std::int32_t>();
  f.unsafe = in.get<std::uint8_t>() != 0;
  f.verdict = in.get_string();
  execution.preemptions = in.get<std::int32_t>();
  execution.cut = in.get_string();
  execution.pruned_by_bound = in.get<std::uint8_t>() != 0;
  in.expect_end();
  return execution;
}

std::string encode(const Job& job) {
  Writer out;
  out.put<std::uint32_t>(static_cast<std::uint32_t>(job.prefix.size()));
  for (const Choice& choice : job.prefix) {
    out.put<std::int32_t>(choice.customer);
    out.put<std::uint8_t>(static_cast<std::uint8_t>(choice.step));
  }
  out.put<std::uint32_t>(static_cast<std::uint32_t>(job.sleep.size()));
  for (const Move& move : job.sleep) out.put_move(move);
  return out.take();
}

Job decode_job(const std::string& bytes) {
  Reader in(bytes);
  Job job;
  job.prefix.resize(in.get<std::uint32_t>());
  for (Choice& choice : job.prefix) {
    choice.customer = in.get<std::int32_t>();
    choice.step = static_cast<Step>(in.get<std::uint8_t>());
  }
  job.sleep.resize(in.get<std::uint32_t>());
  for (Move& move : job.sleep) move = in.get_move();
  in.expect_end();
  return job;
}

}  // namespace ticketsim
