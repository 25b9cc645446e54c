// Hashing of exec vectors that agrees exactly with storage's partitioning function
// (storage::HashRow, storage/blocks/partitioning.h): a row whose keys hash to h here lives in
// partition storage::PartitionOfHash(h, n) of a PARTITION BY HASH table with n partitions,
// so a shuffle that hashes its rows with this sends each row to the executor owning its key
// and joins against such tables run co-located. Same rules as storage: INTEGER, BIGINT, DATE
// and BOOLEAN hash as their value widened to 64 bits, DECIMAL as its unscaled integer (the
// physical width matters: a narrow and a wide DECIMAL of the same value hash differently, as
// in storage), DOUBLE as its bits, strings as their bytes, NULL as 0.
//
// Thread safety: pure function.
#pragma once

#include <cstdint>
#include <vector>

#include "exec/vector.h"

namespace ibex::exec {

// (*hashes)[i] = storage::HashRow of row i over `key_columns` (indices into chunk.columns),
// for every row of `chunk`. Computed column by column (tight loops, no per-row dispatch).
void HashPartitionKeys(const Chunk& chunk, const std::vector<int>& key_columns,
                       std::vector<uint64_t>* hashes);

}  // namespace ibex::exec
