// BlockSource: where exec's table scans read committed blocks from — a catalog (which blocks
// each partition of each table has) and a way to read one of them. A single-rank job reads
// through storage::LocalStore (every partition in one process); an executor of a multi-rank
// job through storage::PartitionReader (its own partition, under the catalog the coordinator
// sent it).
//
// Thread safety: catalog() and ReadBlock may be called from any number of threads while the
// source does not change (owners change it between queries only).
#pragma once

#include <string_view>
#include <vector>

#include "common/status.h"
#include "storage/blocks/block.h"
#include "storage/catalog.h"

namespace ibex::storage {

class BlockSource {
 public:
  virtual ~BlockSource() = default;
  virtual const Catalog& catalog() const = 0;
  // Reads columns `wanted` (empty = all) of block `index` of partition `partition` of `table`.
  virtual Result<Block> ReadBlock(std::string_view table, int partition, size_t index,
                                  const std::vector<int>& wanted) const = 0;
};

}  // namespace ibex::storage
