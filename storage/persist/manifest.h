// The small checksummed files of the commit protocol: a partition's manifest (the complete
// block list of one table in one partition at one epoch) and the global catalog file. Both use
// one framing: u32 magic, u32 format version, u64 payload length, payload, u32 CRC32C of all
// before it.
//
// Thread safety: free functions.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "common/status.h"
#include "storage/catalog.h"

namespace ibex::storage {

inline constexpr uint32_t kManifestMagic = 0x4D584249;     // "IBXM"
inline constexpr uint32_t kCatalogFileMagic = 0x43584249;  // "IBXC"
inline constexpr uint32_t kPersistFormatVersion = 1;

std::string FrameFile(uint32_t magic, std::string_view payload);
// The payload of a framed file's bytes; Corruption/NotSupported naming `path` otherwise.
Result<std::string_view> UnframeFile(const std::string& path, std::string_view bytes,
                                     uint32_t magic);

struct Manifest {
  uint64_t table_id = 0;
  uint64_t epoch = 0;
  int partition = 0;
  PartitionInfo blocks;
};

std::string EncodeManifest(const Manifest& m);
Result<Manifest> DecodeManifest(const std::string& path, std::string_view bytes);

}  // namespace ibex::storage
