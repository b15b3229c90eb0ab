#include "storage/postgres/libpq_library.h"

#include <dlfcn.h>

#include <string>

#include "ticketsim/errors.h"

namespace ticketsim {
namespace {

constexpr const char* kLibraryName = "libpq.so.5";

// Looks `name` up in `handle` into `function`; throws StoreError when it is missing.
template <typename Function>
void resolve(void* handle, const char* name, Function& function) {
  void* symbol = ::dlsym(handle, name);
  if (symbol == nullptr) {
    throw StoreError(kLibraryName, std::string("has no function ") + name +
                                       " (libpq from PostgreSQL 10 or later is needed)");
  }
  function = reinterpret_cast<Function>(symbol);
}

LibPq load() {
  // Never unloaded: libpq stays mapped for the rest of the process, as a linked library would.
  void* handle = ::dlopen(kLibraryName, RTLD_NOW | RTLD_LOCAL);
  if (handle == nullptr) {
    const char* why = ::dlerror();
    throw StoreError(kLibraryName,
                     std::string("cannot load PostgreSQL's client library (install the libpq5 "
                                 "package): ") +
                         (why != nullptr ? why : "unknown error"));
  }
  LibPq api{};
  resolve(handle, "PQconnectStartParams", api.connectStartParams);
  resolve(handle, "PQconnectPoll", api.connectPoll);
  resolve(handle, "PQstatus", api.status);
  resolve(handle, "PQsocket", api.socket);
  resolve(handle, "PQerrorMessage", api.errorMessage);
  resolve(handle, "PQfinish", api.finish);
  resolve(handle, "PQsetnonblocking", api.setnonblocking);
  resolve(handle, "PQsendQuery", api.sendQuery);
  resolve(handle, "PQsendQueryPrepared", api.sendQueryPrepared);
  resolve(handle, "PQsendQueryParams", api.sendQueryParams);
  resolve(handle, "PQflush", api.flush);
  resolve(handle, "PQconsumeInput", api.consumeInput);
  resolve(handle, "PQisBusy", api.isBusy);
  resolve(handle, "PQgetResult", api.getResult);
  resolve(handle, "PQresultStatus", api.resultStatus);
  resolve(handle, "PQresultErrorField", api.resultErrorField);
  resolve(handle, "PQresultErrorMessage", api.resultErrorMessage);
  resolve(handle, "PQntuples", api.ntuples);
  resolve(handle, "PQgetvalue", api.getvalue);
  resolve(handle, "PQgetisnull", api.getisnull);
  resolve(handle, "PQclear", api.clear);
  resolve(handle, "PQconninfoParse", api.conninfoParse);
  resolve(handle, "PQconninfoFree", api.conninfoFree);
  resolve(handle, "PQfreemem", api.freemem);
  resolve(handle, "PQsetNoticeProcessor", api.setNoticeProcessor);
  return api;
}

}  // namespace

const LibPq& libpq() {
  static const LibPq api = load();
  return api;
}

}  // namespace ticketsim
