#include "storage/store_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

#include <fmt/format.h>

#include "storage/posix_io.h"

namespace ticketsim {

StoreError::StoreError(const std::string& path, const std::string& problem)
    : std::runtime_error(path + ": " + problem), path_(path), problem_(problem) {}

LoadedStore load_store(const std::string& path) {
  if (path.empty()) throw StoreError("(store)", "no path given; expected a JSON file");
  // O_NONBLOCK: opening a FIFO must fail the type check below, not wait for a writer.
  int fd;
  do {
    fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
  } while (fd < 0 && errno == EINTR);
  if (fd < 0) {
    int error = errno;
    std::string why = std::strerror(error);
    if (error == ENOENT) why = "no such file";
    if (error == ELOOP) why = "too many levels of symbolic links (a symlink loop?)";
    if (error == EACCES) why = "permission denied; the store must be readable";
    throw StoreError(path, "cannot open: " + why);
  }
  UniqueFd file(fd);
  struct stat st {};
  if (::fstat(file.get(), &st) != 0) throw StoreError(path, std::strerror(errno));
  if (S_ISDIR(st.st_mode)) throw StoreError(path, "is a directory; expected a JSON file");
  if (!S_ISREG(st.st_mode)) throw StoreError(path, "is not a regular file; expected a JSON file");
  std::string bytes;
  bool fits;
  try {
    fits = pread_whole_file(file.get(), bytes, kMaxStoreBytes);
  } catch (const SystemError& e) {
    throw StoreError(path, std::string("cannot read: ") + std::strerror(e.error_number()));
  }
  if (!fits) {
    throw StoreError(path, fmt::format("is larger than {} MiB; a store is a small JSON object",
                                       kMaxStoreBytes >> 20));
  }
  try {
    StoreDocument document = StoreDocument::parse(bytes);
    return LoadedStore{path, std::move(bytes), std::move(document)};
  } catch (const StoreFormatError& e) {
    throw StoreError(path, e.what());
  }
}

StoreFile StoreFile::open(const std::string& path) {
  return StoreFile(path, open_or_throw(path, O_RDWR));
}

StoreFile::ReadResult StoreFile::read() {
  bool fits = pread_whole_file(fd_.get(), buffer_, kMaxStoreBytes);
  last_read_size_ = buffer_.size();
  if (!fits) return ReadResult{};
  return ReadResult{StoreDocument::try_parse(buffer_)};
}

void StoreFile::write(const StoreDocument& document) {
  std::string text = document.serialize();
  pwrite_all(fd_.get(), text, 0, path_);
  if (text.size() < last_read_size_) {
    int rc;
    do {
      rc = ::ftruncate(fd_.get(), static_cast<off_t>(text.size()));
    } while (rc != 0 && errno == EINTR);
    if (rc != 0) throw SystemError("truncate", path_, errno);
  }
  last_read_size_ = text.size();
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
  if (fd < 0) throw SystemError("create temporary file in", directory.string(), errno);
  UniqueFd temp(fd);
  const std::string& temp_path = temp_pattern;
  try {
    struct stat st {};
    mode_t mode = (::stat(target.c_str(), &st) == 0) ? (st.st_mode & 07777) : 0644;
    if (::fchmod(temp.get(), mode) != 0) throw SystemError("chmod", temp_path, errno);
    write_all(temp.get(), bytes, temp_path);
    if (::fsync(temp.get()) != 0) throw SystemError("fsync", temp_path, errno);
    temp.reset();
    if (::rename(temp_path.c_str(), target.c_str()) != 0) {
      throw SystemError("rename", target.string(), errno);
    }
  } catch (...) {
    ::unlink(temp_path.c_str());
    throw;
  }
  UniqueFd dir = open_or_throw(directory.string(), O_RDONLY | O_DIRECTORY);
  if (::fsync(dir.get()) != 0) throw SystemError("fsync", directory.string(), errno);
}

}  // namespace ticketsim
