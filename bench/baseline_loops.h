// Hand-written baselines: what ticketsim's own overhead is measured against.
#pragma once

#include <cstdint>
#include <string>

namespace ticketsim::bench {

// Forks `children` processes that _exit(0) at once, all started before any is reaped
// (as a trial starts its customers), and reaps them. Returns the wall time in ns.
std::int64_t fork_exit_reap_ns(int children);

// The lock a baseline loop takes around each purchase.
enum class BaselineLock { kFlock, kNamedMutex };

// How a baseline loop reads and rewrites the count.
enum class BaselineParse {
  kNlohmannDom,   // parse into nlohmann::ordered_json, set count, dump
  kStoreScanner,  // ticketsim's own scan_store and an in-place splice: ticketsim's floor
};

// `processes` processes each run `purchases` iterations of the minimal purchase:
// lock, pread the whole store, parse it, decrement, rewrite, pwrite (and ftruncate when
// shorter), unlock. Each opens its own descriptors after fork. `directory` must exist and
// be writable. Returns the wall time from first fork to last reap, in ns.
std::int64_t hand_written_purchases_ns(BaselineLock lock, BaselineParse parse, int processes,
                                       int purchases, const std::string& directory);

}  // namespace ticketsim::bench
