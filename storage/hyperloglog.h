// HyperLogLog distinct-count sketch (Flajolet et al., 2^12 registers, ~1.6 % standard error)
// and the 64-bit hashes storage uses for it. The loader feeds one sketch per column per
// thread and merges them; the catalog keeps the merged sketch in each column's statistics, so
// later loads merge into it instead of rescanning.
//
// Thread safety: a value; one sketch is not synchronized.
#pragma once

#include <array>
#include <cstdint>
#include <string_view>

#include "common/hash.h"

namespace ibex::storage {

using ibex::HashInt;  // the murmur3 finalizer (common/hash.h)

// 64-bit hash of bytes (multiply-rotate over 8-byte words, then HashInt).
uint64_t HashBytes(std::string_view bytes);

class HyperLogLog {
 public:
  static constexpr int kPrecision = 12;
  static constexpr int kRegisters = 1 << kPrecision;

  void AddHash(uint64_t hash) {
    const uint32_t index = static_cast<uint32_t>(hash >> (64 - kPrecision));
    const uint64_t rest = hash << kPrecision;
    const uint8_t rank = rest == 0 ? static_cast<uint8_t>(64 - kPrecision + 1)
                                   : static_cast<uint8_t>(__builtin_clzll(rest) + 1);
    if (rank > registers_[index]) registers_[index] = rank;
  }
  void Merge(const HyperLogLog& other);
  // Estimated number of distinct hashes added (with the small-range correction).
  uint64_t Estimate() const;

  const std::array<uint8_t, kRegisters>& registers() const { return registers_; }
  std::array<uint8_t, kRegisters>& mutable_registers() { return registers_; }

  bool operator==(const HyperLogLog&) const = default;

 private:
  std::array<uint8_t, kRegisters> registers_{};
};

}  // namespace ibex::storage
