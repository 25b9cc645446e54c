// BlockCache: decoded columns of table blocks kept in memory between queries (the engine's
// buffer pool), so that a scan decodes and checksums a block's column once, not once per
// query. Keyed by (table id, partition, block id, column); block ids are never reused within a
// table, and the runner clears the cache whenever the store commits a change. Entries are
// added until the capacity is reached, then further reads go to the store uncached.
//
// Thread safety: Get may be called from any number of worker threads at once.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <tuple>
#include <vector>

#include "common/status.h"
#include "storage/blocks/column_vector.h"

namespace ibex::storage {
class BlockSource;
}

namespace ibex::exec {

// The default capacity for a rank: IBEX_BLOCK_CACHE (e.g. 4GB) when set, else half of the
// machine's memory divided among `ranks_on_node` ranks.
int64_t DefaultBlockCacheBytes(int ranks_on_node = 1);

class BlockCache {
 public:
  explicit BlockCache(int64_t capacity_bytes) : capacity_(capacity_bytes) {}

  using Columns = std::vector<std::shared_ptr<const storage::ColumnVector>>;

  // Table columns `columns` of block `index` (id `block_id`) of `partition`; one entry per
  // element of `columns`.
  Result<Columns> Get(const storage::BlockSource& store, const std::string& table, uint64_t table_id,
                      int partition, size_t index, uint64_t block_id, const std::vector<int>& columns);
  void Clear();
  int64_t bytes() const;

 private:
  using Key = std::tuple<uint64_t, int, uint64_t, int>;
  int64_t capacity_;
  mutable std::mutex mu_;
  std::map<Key, std::shared_ptr<const storage::ColumnVector>> map_;
  int64_t bytes_ = 0;
};

}  // namespace ibex::exec
