// TrialWorkspace: the private directory one trial runs in.
#pragma once

#include <string>

#include "storage/unique_fd.h"

namespace ticketsim {

// The directory trials are created in when the config names none: $TMPDIR, else /tmp.
std::string default_workdir();

// A fresh directory <parent>/ticketsim-<pid>-XXXXXX holding the trial's copy of the store
// (store.json). The lock file (store.json.lock) is created there by the lock provider.
// The directory and everything in it are removed on destruction, so the user's store is
// never touched and nothing is left behind. Throws SystemError when the directory or the
// copy cannot be created.
class TrialWorkspace {
 public:
  TrialWorkspace(const std::string& parent_directory, const std::string& store_bytes);
  ~TrialWorkspace();
  TrialWorkspace(const TrialWorkspace&) = delete;
  TrialWorkspace& operator=(const TrialWorkspace&) = delete;

  const std::string& directory() const { return directory_; }
  const std::string& store_path() const { return store_path_; }
  std::string lock_path() const { return directory_ + "/store.json.lock"; }

 private:
  std::string directory_;
  std::string store_path_;  // directory_ + "/store.json", kept for customers to refer to
  UniqueFd in_use_;         // mark_in_use() on the directory, so no sweep takes it
};

}  // namespace ticketsim
