#include "storage/postgres/libpq_library.h"

#include <stdexcept>
#include <string>

#include "storage/dynamic_library.h"
#include "ticketsim/errors.h"

namespace ticketsim {
namespace {

constexpr const char* kLibraryName = "libpq.so.5";

LibPq load() {
  try {
    const DynamicLibrary library({kLibraryName});
    LibPq api{};
    library.resolve("PQconnectStartParams", api.connectStartParams);
    library.resolve("PQconnectPoll", api.connectPoll);
    library.resolve("PQstatus", api.status);
    library.resolve("PQsocket", api.socket);
    library.resolve("PQerrorMessage", api.errorMessage);
    library.resolve("PQfinish", api.finish);
    library.resolve("PQsetnonblocking", api.setnonblocking);
    library.resolve("PQsendQuery", api.sendQuery);
    library.resolve("PQsendQueryPrepared", api.sendQueryPrepared);
    library.resolve("PQsendQueryParams", api.sendQueryParams);
    library.resolve("PQflush", api.flush);
    library.resolve("PQconsumeInput", api.consumeInput);
    library.resolve("PQisBusy", api.isBusy);
    library.resolve("PQgetResult", api.getResult);
    library.resolve("PQresultStatus", api.resultStatus);
    library.resolve("PQresultErrorField", api.resultErrorField);
    library.resolve("PQresultErrorMessage", api.resultErrorMessage);
    library.resolve("PQntuples", api.ntuples);
    library.resolve("PQgetvalue", api.getvalue);
    library.resolve("PQgetisnull", api.getisnull);
    library.resolve("PQclear", api.clear);
    library.resolve("PQconninfoParse", api.conninfoParse);
    library.resolve("PQconninfoFree", api.conninfoFree);
    library.resolve("PQconninfo", api.conninfo);
    library.resolve("PQfreemem", api.freemem);
    library.resolve("PQsetNoticeProcessor", api.setNoticeProcessor);
    return api;
  } catch (const std::runtime_error& e) {
    throw StoreError(kLibraryName, std::string("cannot use PostgreSQL's client library (install "
                                               "the libpq5 package, PostgreSQL 10 or later): ") +
                                       e.what());
  }
}

}  // namespace

const LibPq& libpq() {
  static const LibPq api = load();
  return api;
}

}  // namespace ticketsim
