// StoreFile: the store on disk, as the purchase path reads and rewrites it.
#pragma once

#include <array>
#include <cstddef>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>

#include "storage/store_document.h"
#include "storage/store_scanner.h"
#include "storage/unique_fd.h"
#include "ticketsim/config.h"
#include "ticketsim/errors.h"

namespace ticketsim {

// A store read from the user's file before any trial: its exact bytes and its meaning.
struct LoadedStore {
  std::string path;
  std::string bytes;
  StoreDocument document;
};

// Reads and validates the store at `path` without modifying it. Rejects anything but a
// readable regular file of at most kMaxStoreBytes holding a valid store. Throws StoreError.
LoadedStore load_store(const std::string& path);

// One customer's open store. Each process opens its own StoreFile after fork, once, and
// keeps it for all its purchases (in place, the purchase path never reopens the file, and
// after the first purchase allocates nothing).
//
// A read scans the bytes in place (store_scanner.h); a write rewrites the count of the text
// last read, keeping every other byte. In place, a write is pwrite at offset 0, then
// ftruncate when the new text is shorter than the text last read. Neither step is atomic to
// a reader that does not hold the lock: a concurrent read may see the new head followed by
// the old tail, which read() reports as torn. That is the point of mode `none`; every other
// mode keeps readers out while a write is in progress. Atomically, a write goes to a
// temporary file that is fsynced and renamed over the store (then the directory is
// fsynced), and every read opens the store afresh, because the rename gives it a new inode.
class StoreFile {
 public:
  // Opens `path` read-write (in place) or its directory (atomic). Throws SystemError.
  explicit StoreFile(const std::string& path, WriteStrategy strategy = WriteStrategy::kInPlace);
  static StoreFile open(const std::string& path) { return StoreFile(path); }
  // Not movable: the last read is a view into the object's own buffer.
  StoreFile(const StoreFile&) = delete;
  StoreFile& operator=(const StoreFile&) = delete;

  // What one read found: the count of a valid store, or a torn (half-written, empty or
  // unparseable) file.
  struct ReadResult {
    bool torn = true;
    std::int64_t count = 0;
  };

  // Reads the whole file with pread. Never throws for bad content (that is a torn read);
  // throws SystemError when the read itself fails.
  ReadResult read();

  // Replaces the file's contents with the text last read, its count set to `count`.
  // Requires that the last read was not torn. Throws SystemError.
  void write_count(std::int64_t count);

  // Stops half-way through what write_count(count) would do, as a writer killed mid-write
  // leaves things: in place, the store cut to the first half of its new text (as a rewrite
  // that truncates first would leave it); atomically, a half-written temporary file and the
  // store untouched. Only for crash injection, right before the caller dies.
  void write_count_partially(std::int64_t count);

  // What compare_and_write found: whether it wrote, and the count it read (nullopt: torn).
  struct CompareResult {
    bool written = false;
    std::optional<std::int64_t> count;
  };

  // Under an exclusive flock (on the store in place, on its directory when atomic), reads
  // the store and writes `desired` only if it holds `expected`. Atomic against every other
  // compare_and_write on the store, not against plain write_count calls, which take no
  // lock. Throws SystemError.
  CompareResult compare_and_write(std::int64_t expected, std::int64_t desired);

  // Replaces the whole store with `text` (a repair after a writer died). Throws SystemError.
  void replace(std::string_view text);

  // The file's path, for messages.
  std::string path() const;

 private:
  // The text last read with its count set to `count`, built in the write buffers.
  std::string_view rewritten(std::int64_t count);
  // Writes `text` as the whole store, by the object's strategy.
  void write_text(std::string_view text);
  // In place: writes `text` at offset 0, then cuts the file to its size if `truncate`.
  void write_in_place(std::string_view text, bool truncate);
  // Atomic: writes `text` into a fresh temporary file and returns it, not yet renamed.
  UniqueFd write_temp(std::string_view text);

  // Stores up to this size are read and rewritten in buffers inside the object (which a
  // customer keeps on its stack): a forked customer's first malloc costs about 10 us of
  // copy-on-write faults. Bigger stores use the heap. Small, because every new stack page
  // a customer touches is a page fault too.
  static constexpr std::size_t kInlineBytes = 512;

  WriteStrategy strategy_;
  UniqueFd fd_;       // in place: the store; atomic: its directory
  std::string path_;  // atomic only (in place needs no copy: see path())
  std::string temp_path_;
  std::array<char, kInlineBytes> inline_read_;
  std::string heap_read_;
  std::string_view text_;  // the text last read, in inline_read_ or heap_read_
  std::array<char, kInlineBytes + 32> inline_write_;
  std::string heap_write_;
  StoreScan last_scan_;
};

// Replaces `path` with `bytes` so that a reader sees the old file or the new one, never a
// mix, even after a crash: write a temporary file beside it, fsync, rename, fsync the
// directory. Keeps the permission bits of an existing file. Throws SystemError.
void write_file_atomically(const std::string& path, const std::string& bytes);

// Where replacing `path` happens: the file a symlink `path` points to, and the directory
// that file's temporary copy is renamed in ("." for a bare name). {file, directory}.
std::pair<std::string, std::string> replacement_site(const std::string& path);

// The file to be replaced no longer holds what the run read.
class StoreChanged : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// A compare-and-swap on a file: under an exclusive flock on its directory, replaces `path`
// with `bytes` (as write_file_atomically does) only if it still holds exactly `expected`;
// otherwise throws StoreChanged and leaves the file untouched. Two ticketsim runs writing
// back to one store therefore never lose each other's sales. Throws SystemError on I/O
// errors.
void replace_file_if_unchanged(const std::string& path, std::string_view expected,
                               const std::string& bytes);

}  // namespace ticketsim
