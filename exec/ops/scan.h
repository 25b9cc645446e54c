// TableScan: the source that reads a table's blocks. One work order per block that survives
// zone-map pruning (every range of `prune` must be able to match). A work order reads only
// the wanted columns of its block, cuts them into chunks of kChunkRows without copying
// (views that keep the block alive), applies the pushed-down filter (a selection vector,
// then a gather of the surviving rows) and pushes the chunks on.
//
// Threads: Produce runs concurrently on workers for distinct blocks.
#pragma once

#include <atomic>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "exec/expr.h"
#include "exec/operator.h"
#include "exec/work_feed.h"
#include "storage/blocks/zone_map.h"
#include "storage/catalog.h"

namespace ibex::exec {

struct ScanPrune {
  int column = -1;  // position in the scan's output
  storage::ValueRange range;
};

class TableScan : public Source {
 public:
  TableScan(std::string table, std::vector<int> columns, ExprPtr filter,
            std::vector<ScanPrune> prune)
      : table_(std::move(table)),
        columns_(std::move(columns)),
        filter_(std::move(filter)),
        prune_(std::move(prune)) {}

  std::string Name() const override { return "Scan " + table_; }
  // Scan only the blocks of partition `partition` (an executor's own share, issue 7); by
  // default every partition's blocks (one rank). Work order i is then block i of that list.
  void RestrictToPartition(int partition) { only_partition_ = partition; }
  // Orders come from the foreman (exec/work_feed.h): order i is then the i-th block of the
  // table counted over every partition in catalog order (what scheduler/foreman.h grants);
  // the zone-map pruning is applied when the order runs.
  void SetFeed(std::shared_ptr<WorkFeed> feed) { feed_ = std::move(feed); }
  WorkFeed* feed() const override { return feed_.get(); }
  Status Prepare(ExecContext& ctx) override;
  size_t WorkOrders() const override { return blocks_.size(); }
  Result<ProduceResult> Produce(ExecContext& ctx, size_t order, const ChunkConsumer& push) override;

  size_t blocks_total() const { return blocks_total_; }
  size_t blocks_skipped() const {
    return feed_ ? feed_pruned_.load() : blocks_total_ - blocks_.size();
  }

 private:
  std::string table_;
  std::vector<int> columns_;
  ExprPtr filter_;
  std::vector<ScanPrune> prune_;
  // Whether the block can hold rows the scan wants: not empty, every prune range may match.
  bool MayMatch(const storage::BlockMeta& block) const;

  struct BlockRef {
    int partition;
    size_t index;
    uint64_t block_id;
    uint32_t rows;
  };
  std::vector<BlockRef> blocks_;  // blocks to read
  uint64_t table_id_ = 0;
  size_t blocks_total_ = 0;
  int only_partition_ = -1;
  std::shared_ptr<WorkFeed> feed_;
  std::atomic<size_t> feed_pruned_{0};
};

}  // namespace ibex::exec
