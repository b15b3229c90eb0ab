#include "simulator/report/trace_export.h"
#include "simulator/text/translate.h"

#include <fmt/format.h>

namespace ticketsim {
namespace {

double micros(std::int64_t time_ns, std::int64_t origin_ns) {
  return static_cast<double>(time_ns - origin_ns) / 1000.0;
}

// Buffers trace events and hands them to the sink in large pieces.
class EventWriter {
 public:
  explicit EventWriter(TextSink& out) : out_(out) {}
  // Appends one event, formatted.
  template <typename... Args>
  void put(fmt::format_string<Args...> format, Args&&... args) {
    buffer_.append(std::string_view(first_ ? "\n" : ",\n"));
    first_ = false;
    fmt::format_to(std::back_inserter(buffer_), format, std::forward<Args>(args)...);
    if (buffer_.size() > (1 << 16)) flush();
  }
  void flush() {
    out_.write(std::string_view(buffer_.data(), buffer_.size()));
    buffer_.clear();
  }

 private:
  TextSink& out_;
  fmt::memory_buffer buffer_;
  bool first_ = true;
};

std::string json_string(std::string_view text) { return nlohmann::json(text).dump(); }

}  // namespace

void write_chrome_trace(const std::vector<TracedTrial>& trials, TextSink& out) {
  ScopedLanguage english("en");  // machine-readable: English whatever the reader reads
  out.write("{\"displayTimeUnit\":\"ms\",\"traceEvents\":[");
  EventWriter events(out);
  int pid = 0;
  for (const TracedTrial& traced : trials) {
    const TrialResult& trial = *traced.trial;
    ++pid;
    if (trial.customers.empty() || !trial.times_recorded) continue;
    const std::int64_t origin = trial.t_start;
    events.put("{{\"name\":\"process_name\",\"ph\":\"M\",\"pid\":{},\"args\":{{\"name\":{}}}}}",
               pid, json_string(traced.label));
    // A complete event; `args` is a JSON object's members, already formatted.
    auto slice = [&](std::string_view name, const char* category, int tid, std::int64_t begin,
                     std::int64_t end, std::string_view args) {
      if (begin == 0 || end == 0 || end < begin) return;
      events.put(
          "{{\"name\":\"{}\",\"cat\":\"{}\",\"ph\":\"X\",\"ts\":{:.3f},\"dur\":{:.3f},"
          "\"pid\":{},\"tid\":{},\"args\":{{{}}}}}",
          name, category, micros(begin, origin), micros(end, begin), pid, tid, args);
    };
    for (const CustomerHistory& customer : trial.customers) {
      const int tid = customer.index + 1;
      events.put(
          "{{\"name\":\"thread_name\",\"ph\":\"M\",\"pid\":{},\"tid\":{},\"args\":{{\"name\":"
          "\"customer {} (pid {})\"}}}}",
          pid, tid, tid, customer.pid);
      const SearchRecord& search = customer.search;
      // A search that read without a lock (a database's) has no wait and ends at its read.
      const bool unlocked = search.unlocked();
      if (!unlocked) {
        slice("wait for lock", "lock", tid, search.t_lock_requested, search.t_lock_acquired,
              "\"for\":\"search\"");
      }
      slice("search", "search", tid, unlocked ? search.t_lock_requested : search.t_lock_acquired,
            unlocked ? search.t_read : search.t_released,
            fmt::format("\"seen\":{},\"outcome\":\"{}\"", search.value_seen,
                        outcome_name(search.outcome)));
      for (std::size_t attempt = 0; attempt < customer.purchases.size(); ++attempt) {
        const PurchaseRecord& p = customer.purchases[attempt];
        char name[32];
        auto end = fmt::format_to_n(name, sizeof name - 1, "purchase {}", attempt + 1).out;
        std::string_view purchase(name, static_cast<std::size_t>(end - name));
        slice("wait for lock", "lock", tid, p.t_lock_requested, p.t_lock_acquired,
              fmt::format("\"for\":\"{}\"", purchase));
        slice(purchase, "lock", tid, p.t_lock_acquired, p.t_released,
              fmt::format("\"read\":{},\"wrote\":{},\"outcome\":\"{}\"", p.value_read,
                          p.value_written, outcome_name(p.outcome)));
        slice("read", "store", tid, p.t_lock_acquired, p.t_read,
              fmt::format("\"value\":{}", p.value_read));
        slice("think", "latency", tid, p.t_read, p.t_write_begin, "");
        if (p.outcome == Outcome::kBought) {
          slice("write", "store", tid, p.t_write_begin, p.t_written,
                fmt::format("\"value\":{}", p.value_written));
        }
      }
    }
    for (const LostUpdateWitness& witness : trial.witnesses.lost_updates) {
      events.put(
          "{{\"name\":\"lost update\",\"ph\":\"i\",\"s\":\"t\",\"ts\":{:.3f},\"pid\":{},"
          "\"tid\":{},\"args\":{{\"overwrote_customer\":{},\"overwrote_pid\":{},\"erased\":{},"
          "\"text\":{}}}}}",
          micros(witness.writer.wrote_ns, origin), pid, witness.writer.customer + 1,
          witness.overwritten.customer + 1, witness.overwritten.pid, witness.erased,
          json_string(describe(witness, origin)));
    }
  }
  events.flush();
  out.write("\n]}\n");
}

nlohmann::ordered_json chrome_trace(const std::vector<TracedTrial>& trials) {
  StringSink sink;
  write_chrome_trace(trials, sink);
  return nlohmann::ordered_json::parse(sink.text());
}

}  // namespace ticketsim
