#include "storage/store_file.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cstring>
#include <filesystem>

#include <fmt/format.h>

#include "simulator/text/translate.h"
#include "storage/posix_io.h"

namespace ticketsim {

StoreError::StoreError(const std::string& path, const std::string& problem)
    : std::runtime_error(path + ": " + problem), path_(path), problem_(problem) {}

LoadedStore load_store(const std::string& path) {
  if (path.empty()) throw StoreError("(store)", tr("no path given; expected a JSON file"));
  // O_NONBLOCK: opening a FIFO must fail the type check below, not wait for a writer.
  int fd;
  do {
    fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
  } while (fd < 0 && errno == EINTR);
  if (fd < 0) {
    int error = errno;
    std::string why = std::strerror(error);
    if (error == ENOENT) why = tr("no such file");
    if (error == ELOOP) why = tr("too many levels of symbolic links (a symlink loop?)");
    if (error == EACCES) why = tr("permission denied; the store must be readable");
    throw StoreError(path, trf("cannot open: {}", why));
  }
  UniqueFd file(fd);
  struct stat st {};
  if (::fstat(file.get(), &st) != 0) throw StoreError(path, std::strerror(errno));
  if (S_ISDIR(st.st_mode)) throw StoreError(path, tr("is a directory; expected a JSON file"));
  if (!S_ISREG(st.st_mode))
    throw StoreError(path, tr("is not a regular file; expected a JSON file"));
  std::string bytes;
  bool fits;
  try {
    fits = pread_whole_file(file.get(), bytes, kMaxStoreBytes);
  } catch (const SystemError& e) {
    throw StoreError(path, trf("cannot read: {}", std::strerror(e.error_number())));
  }
  if (!fits) {
    throw StoreError(
        path, trf("is larger than {} MiB; a store is a small JSON object", kMaxStoreBytes >> 20));
  }
  try {
    StoreDocument document = StoreDocument::parse(bytes);
    return LoadedStore{path, std::move(bytes), std::move(document)};
  } catch (const StoreFormatError& e) {
    throw StoreError(path, e.what());
  }
}

StoreFile::StoreFile(const std::string& path, WriteStrategy strategy) : strategy_(strategy) {
  if (strategy_ == WriteStrategy::kInPlace) {
    fd_ = open_or_throw(path, O_RDWR);
    return;
  }
  path_ = path;
  temp_path_ = path + ".tmp." + std::to_string(::getpid());
  std::string directory = std::filesystem::path(path).parent_path().string();
  fd_ = open_or_throw(directory.empty() ? "." : directory, O_RDONLY | O_DIRECTORY);
}

std::string StoreFile::path() const {
  return strategy_ == WriteStrategy::kAtomic ? path_ : describe_fd(fd_.get());
}

StoreFile::ReadResult StoreFile::read() {
  UniqueFd fresh;  // atomic: the store's current inode
  int fd = fd_.get();
  if (strategy_ == WriteStrategy::kAtomic) {
    fresh = open_or_throw(path_, O_RDONLY);
    fd = fresh.get();
  }
  // One pread into the inline buffer; a short read is the whole (regular) file.
  std::size_t n = pread_once(fd, inline_read_.data(), inline_read_.size(), 0);
  if (n < inline_read_.size()) {
    text_ = std::string_view(inline_read_.data(), n);
  } else {
    bool fits = pread_whole_file(fd, heap_read_, kMaxStoreBytes);
    text_ = heap_read_;
    if (!fits) {
      last_scan_ = StoreScan{};
      return ReadResult{};
    }
  }
  last_scan_ = scan_store(text_);
  switch (last_scan_.status) {
    case ScanStatus::kCanonical:
      return ReadResult{false, last_scan_.count};
    case ScanStatus::kNotCanonical:
      // Trial stores are canonical; only a foreign writer produces this. Let the full
      // parser decide, and rewrite through it (write_count) if asked to.
      if (auto document = StoreDocument::try_parse(text_)) {
        return ReadResult{false, document->count()};
      }
      return ReadResult{};
    case ScanStatus::kInvalid:
      break;
  }
  return ReadResult{};
}

StoreFile::CompareResult StoreFile::compare_and_write(std::int64_t expected, std::int64_t desired) {
  // flock, not fcntl: an fcntl lock belongs to the process and would be dropped by any
  // close() of the same file elsewhere in it (SQLite's os_unix.c explains the trap). The
  // lock is on this object's own open file description, so customers exclude each other.
  while (::flock(fd_.get(), LOCK_EX) != 0) {
    if (errno != EINTR) throw SystemError(tr("flock"), path(), errno);
  }
  struct Unlock {
    int fd;
    ~Unlock() { ::flock(fd, LOCK_UN); }
  } unlock{fd_.get()};
  const ReadResult read = this->read();
  if (read.torn) return CompareResult{false, std::nullopt};
  if (read.count != expected) return CompareResult{false, read.count};
  write_count(desired);
  return CompareResult{true, read.count};
}

std::string_view StoreFile::rewritten(std::int64_t count) {
  if (last_scan_.status != ScanStatus::kCanonical) {
    StoreDocument document = StoreDocument::parse(text_);
    document.set_count(count);
    heap_write_ = document.serialize();
    return heap_write_;
  }
  // Splice the new digits between the text's head and tail.
  char digits[24];
  auto [digits_end, error] = std::to_chars(digits, digits + sizeof digits, count);
  (void)error;  // 24 characters hold any int64
  std::string_view head = text_.substr(0, last_scan_.count_begin);
  std::string_view number(digits, static_cast<std::size_t>(digits_end - digits));
  std::string_view tail = text_.substr(last_scan_.count_end);
  std::size_t size = head.size() + number.size() + tail.size();
  char* out;
  if (size <= inline_write_.size()) {
    out = inline_write_.data();
  } else {
    heap_write_.resize(size);
    out = heap_write_.data();
  }
  std::memcpy(out, head.data(), head.size());
  std::memcpy(out + head.size(), number.data(), number.size());
  std::memcpy(out + head.size() + number.size(), tail.data(), tail.size());
  return std::string_view(out, size);
}

namespace {

void truncate_or_throw(int fd, std::size_t size, const std::string& path) {
  int rc;
  do {
    rc = ::ftruncate(fd, static_cast<off_t>(size));
  } while (rc != 0 && errno == EINTR);
  if (rc != 0) throw SystemError(tr("truncate"), path, errno);
}

void fsync_or_throw(int fd, const std::string& path) {
  if (::fsync(fd) != 0) throw SystemError(tr("fsync"), path, errno);
}

}  // namespace

void StoreFile::write_in_place(std::string_view text, bool truncate) {
  pwrite_all(fd_.get(), text, 0, "");
  if (truncate) truncate_or_throw(fd_.get(), text.size(), path());
}

UniqueFd StoreFile::write_temp(std::string_view text) {
  UniqueFd temp = open_or_throw(temp_path_, O_WRONLY | O_CREAT | O_TRUNC, 0644);
  write_all(temp.get(), text, temp_path_);
  return temp;
}

void StoreFile::write_text(std::string_view text) {
  // In place, a text no shorter than the last read needs no truncate (one syscall fewer).
  if (strategy_ == WriteStrategy::kInPlace) return write_in_place(text, text.size() < text_.size());
  UniqueFd temp = write_temp(text);
  fsync_or_throw(temp.get(), temp_path_);
  temp.reset();
  if (::rename(temp_path_.c_str(), path_.c_str()) != 0)
    throw SystemError(tr("rename"), path_, errno);
  fsync_or_throw(fd_.get(), path_);  // the directory: the rename itself is durable
}

void StoreFile::write_count(std::int64_t count) { write_text(rewritten(count)); }

void StoreFile::write_count_partially(std::int64_t count) {
  std::string_view text = rewritten(count);
  std::string_view half = text.substr(0, text.size() / 2);
  if (strategy_ == WriteStrategy::kInPlace) return write_in_place(half, /*truncate=*/true);
  write_temp(half);  // closed at once; the store is untouched
}

void StoreFile::replace(std::string_view text) {
  if (strategy_ == WriteStrategy::kInPlace) return write_in_place(text, /*truncate=*/true);
  write_text(text);
}

void write_file_atomically(const std::string& path, const std::string& bytes) {
  namespace fs = std::filesystem;
  // Replace the file a symlink points to, not the symlink itself.
  std::error_code ignored;
  fs::path target = fs::exists(path, ignored) ? fs::canonical(path) : fs::path(path);
  fs::path directory = target.parent_path().empty() ? fs::path(".") : target.parent_path();
  // fmt, not operator+: GCC 12 at -O3 warns falsely (-Wrestrict) on the concatenation.
  std::string temp_pattern =
      (directory / fmt::format(".{}.XXXXXX", target.filename().string())).string();
  int fd = ::mkstemp(temp_pattern.data());
  if (fd < 0) throw SystemError(tr("create temporary file in"), directory.string(), errno);
  UniqueFd temp(fd);
  const std::string& temp_path = temp_pattern;
  try {
    struct stat st {};
    mode_t mode = (::stat(target.c_str(), &st) == 0) ? (st.st_mode & 07777) : 0644;
    if (::fchmod(temp.get(), mode) != 0) throw SystemError(tr("chmod"), temp_path, errno);
    write_all(temp.get(), bytes, temp_path);
    fsync_or_throw(temp.get(), temp_path);
    temp.reset();
    if (::rename(temp_path.c_str(), target.c_str()) != 0) {
      throw SystemError(tr("rename"), target.string(), errno);
    }
  } catch (...) {
    ::unlink(temp_path.c_str());
    throw;
  }
  UniqueFd dir = open_or_throw(directory.string(), O_RDONLY | O_DIRECTORY);
  fsync_or_throw(dir.get(), directory.string());
}

std::pair<std::string, std::string> replacement_site(const std::string& path) {
  namespace fs = std::filesystem;
  std::error_code error;
  fs::path target = fs::canonical(path, error);
  if (error) target = path;
  fs::path directory = target.parent_path().empty() ? fs::path(".") : target.parent_path();
  return {target.string(), directory.string()};
}

void replace_file_if_unchanged(const std::string& path, std::string_view expected,
                               const std::string& bytes) {
  const auto [target, directory] = replacement_site(path);
  // The lock is taken on the directory: a lock on the store itself would be lost with the
  // inode the rename below replaces, and a lock file beside it would litter the user's
  // directory. Every ticketsim writing back to this directory takes the same lock.
  UniqueFd dir = open_or_throw(directory, O_RDONLY | O_DIRECTORY);
  while (::flock(dir.get(), LOCK_EX) != 0) {
    if (errno != EINTR) throw SystemError(tr("lock the directory"), directory, errno);
  }
  std::string current;
  bool fits;
  {
    UniqueFd file = open_or_throw(target, O_RDONLY);
    fits = pread_whole_file(file.get(), current, kMaxStoreBytes);
  }
  if (!fits || current != expected) {
    throw StoreChanged(fmt::format(
        "{} changed while the run was running (another program or run wrote it); the run's "
        "result was not written back, and the file was left as it is",
        path));
  }
  write_file_atomically(target, bytes);
}  // closing `dir` releases the lock

}  // namespace ticketsim
