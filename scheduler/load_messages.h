// The control messages of a distributed COPY (docs/scheduler.md, "Distributed COPY") and their
// binary form. Types 0x0300-0x03FF belong to loading; the exchange carrying the rows is keyed
// by LoadExchangeKey(load_id), whose query id has the top bit set so that it never meets a
// query's exchanges.
//
// Thread safety: plain values and pure functions.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "common/status.h"
#include "net/rdma/exchange_key.h"
#include "storage/catalog.h"
#include "storage/loader/copy_options.h"
#include "storage/loader/input_files.h"

namespace ibex::scheduler {

inline constexpr uint16_t kLoadStartMessage = 0x0300;     // coordinator -> executor
inline constexpr uint16_t kLoadReportMessage = 0x0301;    // executor -> coordinator
inline constexpr uint16_t kLoadDecisionMessage = 0x0302;  // coordinator -> executor
inline constexpr uint16_t kLoadDoneMessage = 0x0303;      // executor -> coordinator

inline net::ExchangeKey LoadExchangeKey(uint64_t load_id) {
  return {(uint64_t{1} << 63) | load_id, 0};
}

// What an executor needs to run its part of a load.
struct LoadStart {
  uint64_t load_id = 0;
  uint64_t epoch = 0;      // E = committed epoch + 1: the epoch the new files are written under
  uint32_t executors = 0;  // ranks 1..executors take part; partition p belongs to rank p + 1
  std::string table;
  storage::CopyOptions options;
  std::vector<storage::InputFile> files;  // as the coordinator listed them (sorted, sizes)
  uint64_t range_begin = 0;  // this executor's share of the concatenated files' bytes
  uint64_t range_end = 0;
  std::string catalog;  // the committed catalog (Catalog::Serialize)
};

// An executor's outcome: its partition prepared (manifest written under E), or why not.
struct LoadReport {
  uint64_t load_id = 0;
  Status status;
  bool bad_row = false;  // status is "file:line:column: reason" at (file, offset)
  uint64_t file = 0;
  uint64_t offset = 0;
  int64_t rows_parsed = 0;  // rows of this executor's byte range
  storage::PartitionInfo partition;
  storage::TableStats delta;
};

enum class LoadVerdict : uint8_t {
  kCommit = 0,   // CATALOG holds epoch E now: drop what it made unreachable
  kAbort = 1,    // nothing was or will be committed: remove what epoch E wrote
  kRelease = 2,  // the commit's outcome is unknown: touch nothing (the next open decides)
};

struct LoadDecision {
  uint64_t load_id = 0;
  LoadVerdict verdict = LoadVerdict::kAbort;
  std::string catalog;  // kCommit: the new committed catalog
};

// An executor finished acting on the decision.
struct LoadDone {
  uint64_t load_id = 0;
  Status status;
};

std::string Encode(const LoadStart& m);
std::string Encode(const LoadReport& m);
std::string Encode(const LoadDecision& m);
std::string Encode(const LoadDone& m);
// InvalidArgument naming the message on a truncated or malformed payload.
Result<LoadStart> DecodeLoadStart(std::span<const std::byte> bytes);
Result<LoadReport> DecodeLoadReport(std::span<const std::byte> bytes);
Result<LoadDecision> DecodeLoadDecision(std::span<const std::byte> bytes);
Result<LoadDone> DecodeLoadDone(std::span<const std::byte> bytes);

inline std::span<const std::byte> AsBytes(const std::string& s) {
  return {reinterpret_cast<const std::byte*>(s.data()), s.size()};
}

}  // namespace ibex::scheduler
