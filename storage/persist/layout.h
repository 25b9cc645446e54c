// Where storage's files live in a data directory, and the crash-injection hook used by the
// crash tests. See docs/storage.md ("Data directory and files").
//
//   <root of rank 0>/CATALOG
//   <root of rank p+1>/p<p>/t<table_id>/MANIFEST-<epoch>
//   <root of rank p+1>/p<p>/t<table_id>/e<epoch>-<seq>.blk      block id = epoch << 24 | seq
//
// Thread safety: pure functions; CrashPoint reads the environment.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace ibex::storage {

// `pattern` with every "%r" replaced by `rank`.
std::string ExpandDataDir(std::string_view pattern, int rank);

std::string CatalogPath(const std::string& root);
std::string PartitionDir(const std::string& root, int partition);
std::string TableDir(const std::string& root, int partition, uint64_t table_id);
std::string ManifestName(uint64_t epoch);
std::string BlockFileName(uint64_t block_id);

inline constexpr int kBlockSeqBits = 24;
inline uint64_t MakeBlockId(uint64_t epoch, uint64_t seq) { return epoch << kBlockSeqBits | seq; }
inline uint64_t BlockEpoch(uint64_t block_id) { return block_id >> kBlockSeqBits; }

// Parses "t<id>", "MANIFEST-<epoch>", "e<epoch>-<seq>.blk"; nullopt for other names.
std::optional<uint64_t> ParseTableDirName(std::string_view name);
std::optional<uint64_t> ParseManifestEpoch(std::string_view name);
std::optional<uint64_t> ParseBlockFileId(std::string_view name);

// Crash injection for tests: when the environment variable IBEX_CRASH_AT equals `step`, the
// process kills itself with SIGKILL right here (no destructors, no flushing), as a power
// cut or kill -9 would. Steps are named in docs/storage.md and the crash tests.
void CrashPoint(std::string_view step);

}  // namespace ibex::storage
