// Row keys: the values of several key columns of one row encoded as one byte string, so hash
// tables (join, aggregation, set operations, DISTINCT) compare keys with memcmp and hash them
// with one function, whatever the column types. Two modes:
//   kEquality  native byte order, strings length-prefixed: equal keys <=> equal bytes (NULLs
//              equal to each other, as GROUP BY wants; joins skip rows with a NULL key).
//   kOrdered   order-preserving (big-endian, sign bit flipped, DESC inverted, NULLS FIRST/LAST
//              by the null byte): memcmp order = the ORDER BY order (sort, top-N, window).
// Encoding is column by column over a whole chunk (tight loops, no per-row dispatch).
//
// Thread safety: KeyBuffer is a value; encode into distinct buffers from distinct threads.
#pragma once

#include <cstdint>
#include <cstring>
#include <string_view>
#include <vector>

#include "exec/vector.h"

namespace ibex::exec {

struct SortSpec {
  bool descending = false;
  bool nulls_first = false;  // SQL default here: NULLS LAST for ASC, FIRST for DESC
};

class KeyBuffer {
 public:
  size_t rows() const { return offsets_.empty() ? 0 : offsets_.size() - 1; }
  std::string_view Key(size_t i) const {
    return {reinterpret_cast<const char*>(bytes_.data()) + offsets_[i],
            offsets_[i + 1] - offsets_[i]};
  }
  // Whether row i has a NULL in any key column.
  bool HasNull(size_t i) const { return !any_null_.empty() && any_null_[i] != 0; }
  uint64_t Hash(size_t i) const { return hashes_[i]; }
  const uint64_t* hashes() const { return hashes_.data(); }

  // Encodes `cols` (each n rows or constant) for n rows. specs: nullptr = equality mode,
  // else one SortSpec per column (ordered mode). Computes hashes in equality mode.
  void Encode(const std::vector<const Vector*>& cols, const std::vector<SortSpec>* specs,
              size_t n);

 private:
  std::vector<uint8_t> bytes_;
  std::vector<uint32_t> offsets_;
  std::vector<uint8_t> any_null_;
  std::vector<uint64_t> hashes_;
};

// Decodes equality-mode keys (as Encode wrote them for columns of `types`) back into one
// vector per type; strings are copied into the vectors' arenas.
std::vector<Vector> DecodeKeys(const std::vector<DataType>& types,
                               const std::vector<std::string_view>& keys);

// 64-bit hash of a byte string (also used for partitioning intermediate results).
uint64_t HashBytes(const void* data, size_t size);

}  // namespace ibex::exec
