// Where reports go as they are produced: a file published whole or not at all, stdout, or a
// string (tests).
#pragma once

#include <cstdio>
#include <exception>
#include <string>
#include <string_view>

namespace ticketsim {

// The run was interrupted (SIGINT, SIGTERM, SIGHUP, SIGPIPE) before a report file was done.
class OutputInterrupted : public std::exception {
 public:
  const char* what() const noexcept override { return "interrupted while writing a report"; }
};

// Receives text as a report produces it, so that no report holds its whole document.
class TextSink {
 public:
  virtual ~TextSink() = default;
  virtual void write(std::string_view text) = 0;
};

// Collects everything in memory: for tests and small documents.
class StringSink : public TextSink {
 public:
  void write(std::string_view text) override { text_.append(text); }
  const std::string& text() const { return text_; }

 private:
  std::string text_;
};

// Writes to standard output (its descriptor, after flushing stdio). A closed pipe (EPIPE,
// after the CLI's SIGPIPE handler recorded the signal) throws StdoutClosed, so a run whose
// reader went away ends quietly; an interrupt while the reader is not reading throws
// OutputInterrupted instead of waiting for it for ever.
class StdoutSink : public TextSink {
 public:
  void write(std::string_view text) override;
  // Flushes stdout; throws StdoutClosed on EPIPE.
  static void flush();
};

// The reader of standard output went away (EPIPE).
class StdoutClosed : public std::exception {
 public:
  const char* what() const noexcept override { return "standard output was closed"; }
};

// Where a report named by the user goes, decided before anything is written.
struct OutputTarget {
  // kReplace: a regular file (existing or not) replaced whole by a rename in its directory;
  // kStraight: written into as it is (appending), never replaced: a device, a FIFO, or a
  // descriptor path (/dev/stdout, /dev/fd/N, /proc/self/fd/N) whatever it points to.
  enum class Kind { kReplace, kStraight } kind = Kind::kReplace;
  std::string path;       // kReplace: the file, symlinks followed (even a dangling one)
  std::string directory;  // kReplace: where its temporary file is made and renamed
};

// Plans the report at `path`: follows symlinks one by one (a dangling link's target is
// created, the link kept). Throws std::runtime_error for a directory, a socket or a symlink
// loop, naming `path`.
OutputTarget plan_output(const std::string& path);

// Writes into a temporary file beside `path` (same directory, so the rename is atomic) through
// a large stdio buffer, never holding the document in memory. commit() renames it over `path`;
// destroying an uncommitted OutputFile removes the temporary file, so an interrupted or failed
// export leaves neither a partial file nor a stray temporary. Where it writes is
// plan_output(path): a symlink's target is replaced and the link kept (an existing file keeps
// its permission bits); a device, FIFO or descriptor path is written straight into (a FIFO
// without a reader is waited for until an interrupt). Write errors throw
// std::runtime_error naming `path`; write() throws OutputInterrupted once an interrupt has been
// requested (checked every few hundred kilobytes), so a long export stops within a moment.
class OutputFile : public TextSink {
 public:
  explicit OutputFile(std::string path);
  ~OutputFile();
  OutputFile(const OutputFile&) = delete;
  OutputFile& operator=(const OutputFile&) = delete;

  void write(std::string_view text) override;
  void commit();
  const std::string& path() const { return path_; }

 private:
  void fail(const char* operation);

  std::string path_;
  std::string target_;     // the regular file commit() replaces (a symlink's target)
  std::string temp_path_;  // empty when writing straight into a device, FIFO or descriptor
  std::FILE* file_ = nullptr;
  std::size_t since_check_ = 0;
  bool committed_ = false;
};

}  // namespace ticketsim
