// StoreFile: the store on disk, as the purchase path reads and rewrites it.
#pragma once

#include <cstddef>
#include <optional>
#include <stdexcept>
#include <string>

#include "storage/store_document.h"
#include "storage/unique_fd.h"

namespace ticketsim {

// The user's store cannot be used. what() is "<path>: <problem>".
class StoreError : public std::runtime_error {
 public:
  StoreError(const std::string& path, const std::string& problem);
  const std::string& path() const { return path_; }
  const std::string& problem() const { return problem_; }

 private:
  std::string path_;
  std::string problem_;
};

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
// keeps it for all its purchases (the purchase path never reopens the file).
//
// Writes are pwrite at offset 0, then ftruncate when the new text is shorter than the text
// last read. Neither step is atomic to a reader that does not hold the lock: a concurrent
// read may see the old tail after the new head, which read() reports as torn. That is the
// point of mode `none`; every other mode keeps readers out while a write is in progress.
class StoreFile {
 public:
  // Opens `path` read-write. Throws SystemError.
  static StoreFile open(const std::string& path);

  // What one read found: a valid document, or the raw text of a torn/empty/unparseable file.
  struct ReadResult {
    std::optional<StoreDocument> document;
    bool torn() const { return !document.has_value(); }
  };

  // Reads the whole file with pread. Never throws for bad content (that is a torn read);
  // throws SystemError when the read itself fails.
  ReadResult read();

  // Replaces the file's contents with `document`. Throws SystemError.
  void write(const StoreDocument& document);

  const std::string& path() const { return path_; }

 private:
  StoreFile(std::string path, UniqueFd fd) : path_(std::move(path)), fd_(std::move(fd)) {}

  std::string path_;
  UniqueFd fd_;
  std::string buffer_;  // reused by every read: no allocation per purchase
  std::size_t last_read_size_ = 0;
};

// Replaces `path` with `bytes` so that a reader sees the old file or the new one, never a
// mix, even after a crash: write a temporary file beside it, fsync, rename, fsync the
// directory. Keeps the permission bits of an existing file. Throws SystemError.
void write_file_atomically(const std::string& path, const std::string& bytes);

}  // namespace ticketsim
