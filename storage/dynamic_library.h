// DynamicLibrary: a shared library loaded at run time (dlopen), for the client libraries the
// statically linked program uses only when asked to (libpq, hiredis).
#pragma once

#include <dlfcn.h>

#include <initializer_list>
#include <stdexcept>
#include <string>

namespace ticketsim {

// Opens the first of `names` that loads, and is never unloaded (its functions stay callable
// for the rest of the process, as a linked library's would). Throws std::runtime_error
// saying what dlopen answered for the last name.
class DynamicLibrary {
 public:
  explicit DynamicLibrary(std::initializer_list<const char*> names) {
    for (const char* name : names) {
      handle_ = ::dlopen(name, RTLD_NOW | RTLD_LOCAL);
      if (handle_ != nullptr) return;
    }
    const char* why = ::dlerror();
    throw std::runtime_error(why != nullptr ? why : "dlopen failed");
  }

  // Points `function` at the library's function `name`; throws std::runtime_error naming
  // it when the library has no such function.
  template <typename Function>
  void resolve(const char* name, Function& function) const {
    void* symbol = ::dlsym(handle_, name);
    if (symbol == nullptr) throw std::runtime_error(std::string("no function ") + name);
    function = reinterpret_cast<Function>(symbol);
  }

 private:
  void* handle_ = nullptr;
};

}  // namespace ticketsim
