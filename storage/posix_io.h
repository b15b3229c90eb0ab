// Thin, EINTR-safe wrappers over the POSIX calls the store needs.
#pragma once

#include <sys/types.h>

#include <cstddef>
#include <stdexcept>
#include <string>
#include <string_view>

#include "storage/unique_fd.h"

namespace ticketsim {

// A system call failed. what() names the operation, the path and strerror(errno).
class SystemError : public std::runtime_error {
 public:
  SystemError(const std::string& operation, const std::string& path, int error_number);
  int error_number() const { return error_number_; }

 private:
  int error_number_;
};

// Opens `path` with O_CLOEXEC added to `flags`; retries on EINTR. Throws SystemError.
UniqueFd open_or_throw(const std::string& path, int flags, mode_t mode = 0);

// Reads the whole file from offset 0 into `buffer` with pread (retrying on EINTR; a short
// read is the end of a regular file) without changing the descriptor's position. `buffer`'s
// capacity is reused, so a hot loop does not allocate. Returns false, leaving the first `max_bytes`
// bytes in `buffer`, when the file holds more than `max_bytes`. Throws SystemError on error.
bool pread_whole_file(int fd, std::string& buffer, std::size_t max_bytes);

// One pread of up to `size` bytes at `offset`, retried on EINTR. Returns the byte count
// (0 at end of file). Throws SystemError.
std::size_t pread_once(int fd, char* buffer, std::size_t size, off_t offset);

// The path `fd` was opened with (from /proc/self/fd), or "fd N" when unknown. For error
// messages only, so that hot-path objects need not keep a copy of their path.
std::string describe_fd(int fd);

// Writes all of `bytes` at `offset` with pwrite, retrying on EINTR and short writes.
void pwrite_all(int fd, std::string_view bytes, off_t offset, const std::string& path_for_errors);

// Writes all of `bytes` at the current position, retrying on EINTR and short writes.
void write_all(int fd, std::string_view bytes, const std::string& path_for_errors);

}  // namespace ticketsim
