// How rows of a PARTITION BY HASH(cols) table are assigned to partitions. The loader uses it,
// and so must every exchange that sends rows to a hash-partitioned table's partitions (so that
// joins on the partitioning key can run co-located): equal keys of the same physical types
// give equal hashes. INTEGER, BIGINT, DATE and BOOLEAN hash as their value widened to 64 bits,
// so an INTEGER key and a BIGINT key with the same values land in the same partition; DECIMAL
// hashes its unscaled integer, so only equal scales agree. NULL hashes as 0.
//
// Thread safety: pure functions.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "storage/blocks/column_vector.h"

namespace ibex::storage {

// The hash of row `row` over the columns `key` (indices into `cols`).
uint64_t HashRow(const std::vector<ColumnVector>& cols, size_t row, const std::vector<int>& key);

// The partition (0 .. partitions-1) of a row with hash `hash`.
inline size_t PartitionOfHash(uint64_t hash, size_t partitions) { return hash % partitions; }

}  // namespace ibex::storage
