// CRC32C (Castagnoli), the checksum of every storage file section. Uses the SSE4.2 crc32
// instruction when the CPU has it (checked once), a table otherwise; both give the same value.
//
// Thread safety: pure functions.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace ibex::storage {

// Extends `crc` (0 to start) over `n` bytes.
uint32_t Crc32c(const void* data, size_t n, uint32_t crc = 0);
inline uint32_t Crc32c(std::string_view bytes, uint32_t crc = 0) {
  return Crc32c(bytes.data(), bytes.size(), crc);
}

}  // namespace ibex::storage
