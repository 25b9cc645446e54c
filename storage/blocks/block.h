// A block: up to kDefaultBlockRows rows of one partition of one table, column by column. This
// file has the block builder (columns -> encoded bytes + zone maps + statistics) and the block
// file reader (file -> the requested columns as ColumnVectors, every byte it uses verified
// against its CRC32C).
//
// Block file layout (little-endian):
//   u32 magic "IBXB", u32 format version, u64 block id, u32 rows, u32 columns,
//   per column: u8 encoding, u64 offset, u64 length, u32 crc32c of the section,
//   u32 crc32c of everything above; then the column sections (encoding.h).
//
// Thread safety: free functions; a Block is a value (movable, read-only after creation).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "common/status.h"
#include "storage/blocks/column_vector.h"
#include "storage/blocks/encoding.h"
#include "storage/catalog.h"

namespace ibex::storage {

// The default number of rows per block (docs/storage.md, "Block size measurement").
inline constexpr uint32_t kDefaultBlockRows = 64 * 1024;

inline constexpr uint32_t kBlockMagic = 0x42584249;  // "IBXB"
inline constexpr uint32_t kBlockFormatVersion = 1;

struct EncodedBlock {
  std::string bytes;                   // the whole block file
  BlockMeta meta;                      // id, rows, zone maps
  std::vector<ColumnSummary> columns;  // encodings and distinct sketches
};

// Encodes `columns` (all of the same size, one per table column) as block `block_id`.
Result<EncodedBlock> EncodeBlock(uint64_t block_id, const std::vector<ColumnVector>& columns);

struct Block {
  uint64_t block_id = 0;
  uint32_t row_count = 0;
  // One entry per table column; columns that were not asked for are empty (size 0).
  std::vector<ColumnVector> columns;
};

// Reads the columns `wanted` (table column indices; empty = all) of the block file at `path`,
// which must be block `block_id` with columns of `types`. Verifies the header and every section
// it reads: a mismatch is Corruption naming the file, the block and the column.
Result<Block> ReadBlockFile(const std::string& path, uint64_t block_id,
                            const std::vector<DataType>& types, const std::vector<int>& wanted);

}  // namespace ibex::storage
