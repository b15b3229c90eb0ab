#include "storage/file_store.h"

#include <utility>

#include "storage/store_file.h"
#include "storage/store_scanner.h"

namespace ticketsim {
namespace {

// The canonical starting store with its count set to `count`.
std::string rebuilt(const std::string& initial_store, std::int64_t count) {
  return with_count(initial_store, scan_store(initial_store), count);
}

// One customer's StoreFile behind the TicketStore interface. A file answers every request
// (or throws SystemError): it never times out or loses a connection.
class FileTicketStore final : public TicketStore {
 public:
  FileTicketStore(const std::string& path, WriteStrategy strategy, const std::string& initial_store)
      : file_(path, strategy), initial_store_(initial_store) {}

  StoreReply read_count() override {
    StoreFile::ReadResult read = file_.read();
    if (read.torn) return StoreReply{StoreStatus::kTorn};
    return StoreReply{StoreStatus::kOk, read.count};
  }

  StoreReply write_count(std::int64_t count) override {
    file_.write_count(count);
    return StoreReply{StoreStatus::kOk, count};
  }

  StoreReply compare_and_set(std::int64_t expected, std::int64_t desired) override {
    StoreFile::CompareResult result = file_.compare_and_write(expected, desired);
    if (result.written) return StoreReply{StoreStatus::kOk, desired};
    if (!result.count) return StoreReply{StoreStatus::kTorn};
    return StoreReply{StoreStatus::kConflict, *result.count};
  }

  void write_count_partially(std::int64_t count) override { file_.write_count_partially(count); }

  void restore(std::int64_t count) override { file_.replace(rebuilt(initial_store_, count)); }

 private:
  StoreFile file_;
  const std::string& initial_store_;
};

class FileStoreProvider final : public StoreProvider {
 public:
  FileStoreProvider(const std::string& path, WriteStrategy strategy,
                    const std::string& initial_store)
      : path_(path), strategy_(strategy), initial_store_(initial_store) {}

  TicketStore& open_for_customer(StoreSlot& slot) const override {
    return slot.emplace<FileTicketStore>(path_, strategy_, initial_store_);
  }

  StoreSnapshot snapshot() const override {
    try {
      LoadedStore final_store = load_store(path_);
      return StoreSnapshot{final_store.document.count(), std::move(final_store.bytes)};
    } catch (const StoreError&) {
      return StoreSnapshot{};  // no valid count: the oracle reports the store torn
    }
  }

  void restore(std::int64_t count) const override {
    StoreFile(path_, strategy_).replace(rebuilt(initial_store_, count));
  }

 private:
  const std::string path_;
  WriteStrategy strategy_;
  const std::string& initial_store_;
};

}  // namespace

std::unique_ptr<StoreProvider> make_file_store_provider(const StoreSite& site) {
  return std::make_unique<FileStoreProvider>(site.file, site.write, *site.initial_store);
}

}  // namespace ticketsim
