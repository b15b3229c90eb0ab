// libpq, loaded when the first database store is opened rather than linked.
#pragma once

#include <libpq-fe.h>

namespace ticketsim {

// The libpq functions ticketsim calls. The ticketsim program is linked statically (fork
// copies the page tables of every mapping the parent has, and a dynamic libpq brings some
// twenty libraries), and Debian ships no static libpq that links without GSSAPI and LDAP: so
// the library is loaded with dlopen("libpq.so.5") the first time a database store is used,
// and a run on a file store never maps it. The signatures are libpq-fe.h's own.
struct LibPq {
  decltype(&::PQconnectStartParams) connectStartParams;
  decltype(&::PQconnectPoll) connectPoll;
  decltype(&::PQstatus) status;
  decltype(&::PQsocket) socket;
  decltype(&::PQerrorMessage) errorMessage;
  decltype(&::PQfinish) finish;
  decltype(&::PQsetnonblocking) setnonblocking;
  decltype(&::PQsendQuery) sendQuery;
  decltype(&::PQsendQueryPrepared) sendQueryPrepared;
  decltype(&::PQsendQueryParams) sendQueryParams;
  decltype(&::PQflush) flush;
  decltype(&::PQconsumeInput) consumeInput;
  decltype(&::PQisBusy) isBusy;
  decltype(&::PQgetResult) getResult;
  decltype(&::PQresultStatus) resultStatus;
  decltype(&::PQresultErrorField) resultErrorField;
  decltype(&::PQresultErrorMessage) resultErrorMessage;
  decltype(&::PQntuples) ntuples;
  decltype(&::PQgetvalue) getvalue;
  decltype(&::PQgetisnull) getisnull;
  decltype(&::PQclear) clear;
  decltype(&::PQconninfoParse) conninfoParse;
  decltype(&::PQconninfoFree) conninfoFree;
  decltype(&::PQconninfo) conninfo;
  decltype(&::PQfreemem) freemem;
  decltype(&::PQsetNoticeProcessor) setNoticeProcessor;
};

// libpq's functions, loaded on the first call (thread-safe). Throws StoreError naming
// libpq.so.5 when it cannot be loaded (the libpq5 package is not installed).
const LibPq& libpq();

}  // namespace ticketsim
