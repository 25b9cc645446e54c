// The control messages of distributed queries between the coordinator (rank 0) and the
// executors, carried by net::Fabric::SendControl (UCX active messages on the control
// endpoints, which also detect dead peers). Every message starts with a version byte; Decode
// checks bounds and returns Corruption on bad bytes (the receiver then fails the sender as a
// protocol error).
//
//   kCatalog      coordinator -> executor  the committed catalog (at start, after each change)
//   kCatalogAck   executor -> coordinator  applied (or why not)
//   kStartQuery   coordinator -> executor  query id, executors, fragments, parameters: the one
//                                          message that starts a query (one-phase start)
//   kQueryDone    executor -> coordinator  the query ended on that rank: status, statistics
//   kCancelQuery  coordinator -> executor  stop the query (Ctrl-C, timeout, another rank's error)
//   kWorkRequest  executor -> coordinator  more work orders for one scan (scheduler/foreman.h)
//   kWorkGrant    coordinator -> executor  a batch of work orders, and whether it is the last
//
// Pure functions on values.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "common/status.h"
#include "optimizer/fragment.h"
#include "storage/catalog.h"

namespace ibex::scheduler {

// Control message types (mpi_launch uses 0x01xx, distributed COPY 0x03xx).
inline constexpr uint16_t kControlCatalog = 0x0200;
inline constexpr uint16_t kControlCatalogAck = 0x0201;
inline constexpr uint16_t kControlStartQuery = 0x0202;
inline constexpr uint16_t kControlQueryDone = 0x0203;
inline constexpr uint16_t kControlCancelQuery = 0x0204;
inline constexpr uint16_t kControlWorkRequest = 0x0205;
inline constexpr uint16_t kControlWorkGrant = 0x0206;

struct StartQuery {
  uint64_t query = 0;
  int executors = 0;
  optimizer::FragmentedPlan plan;
  std::vector<storage::Value> params;
  bool analyze = false;  // collect per-operator statistics for EXPLAIN ANALYZE
};

// Per fragment that ran on the rank: its EXPLAIN ANALYZE lines (operators with rows, time,
// memory) and its exchange figures.
struct FragmentReport {
  int fragment = 0;
  std::string operators;  // ExplainAnalyzeText of the fragment on that rank
  int64_t bytes_sent = 0;
  int64_t bytes_received = 0;
  int64_t network_wait_ns = 0;
  int64_t time_ns = 0;
};

struct QueryDone {
  uint64_t query = 0;
  Status status;
  std::vector<FragmentReport> reports;
};

struct CancelQuery {
  uint64_t query = 0;
  Status why;
};

struct WorkRequest {
  uint64_t query = 0;
  int fragment = 0;
  int node = 0;  // the Scan node's id
  uint32_t want = 0;
};

struct WorkGrant {
  uint64_t query = 0;
  int fragment = 0;
  int node = 0;
  std::vector<uint64_t> orders;  // block numbers over every partition of the table
  bool last = false;
};

struct CatalogAck {
  uint64_t epoch = 0;
  Status status;
};

std::string EncodeCatalog(const storage::Catalog& catalog);
Result<storage::Catalog> DecodeCatalog(std::span<const std::byte> bytes);
std::string EncodeCatalogAck(const CatalogAck& m);
Result<CatalogAck> DecodeCatalogAck(std::span<const std::byte> bytes);
std::string EncodeStartQuery(const StartQuery& m);
Result<StartQuery> DecodeStartQuery(std::span<const std::byte> bytes);
std::string EncodeQueryDone(const QueryDone& m);
Result<QueryDone> DecodeQueryDone(std::span<const std::byte> bytes);
std::string EncodeCancelQuery(const CancelQuery& m);
Result<CancelQuery> DecodeCancelQuery(std::span<const std::byte> bytes);

std::string EncodeWorkRequest(const WorkRequest& m);
Result<WorkRequest> DecodeWorkRequest(std::span<const std::byte> bytes);
std::string EncodeWorkGrant(const WorkGrant& m);
Result<WorkGrant> DecodeWorkGrant(std::span<const std::byte> bytes);

inline std::span<const std::byte> AsBytes(const std::string& s) {
  return {reinterpret_cast<const std::byte*>(s.data()), s.size()};
}

}  // namespace ibex::scheduler
