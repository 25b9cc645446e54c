#include "exec/ops/scan.h"

#include <algorithm>

#include "exec/block_cache.h"
#include "exec/eval.h"
#include "storage/block_source.h"

namespace ibex::exec {

bool TableScan::MayMatch(const storage::BlockMeta& block) const {
  if (block.row_count == 0) return false;
  for (const ScanPrune& pr : prune_) {
    const int table_col = columns_[static_cast<size_t>(pr.column)];
    if (!storage::ZoneMayMatch(block.zones[static_cast<size_t>(table_col)], pr.range)) return false;
  }
  return true;
}

Status TableScan::Prepare(ExecContext& ctx) {
  IBEX_CHECK(ctx.store != nullptr);
  IBEX_ASSIGN_OR_RETURN(const storage::Table* t, ctx.store->catalog().GetTable(table_));
  blocks_.clear();
  blocks_total_ = 0;
  table_id_ = t->table_id;
  for (size_t p = 0; p < t->partitions.size(); ++p) {
    if (!feed_ && only_partition_ >= 0 && static_cast<int>(p) != only_partition_) continue;
    const auto& blocks = t->partitions[p].blocks;
    for (size_t b = 0; b < blocks.size(); ++b) {
      ++blocks_total_;
      if (feed_) {  // every block, in catalog order: the foreman's numbering
        blocks_.push_back(BlockRef{static_cast<int>(p), b, blocks[b].block_id, blocks[b].row_count});
        continue;
      }
      if (MayMatch(blocks[b])) blocks_.push_back(BlockRef{static_cast<int>(p), b, blocks[b].block_id, blocks[b].row_count});
    }
  }
  return Status::OK();
}

Result<ProduceResult> TableScan::Produce(ExecContext& ctx, size_t order,
                                         const ChunkConsumer& push) {
  if (order >= blocks_.size()) {
    return Status::Internal("scan of " + table_ + ": work order " + std::to_string(order) +
                            " beyond its " + std::to_string(blocks_.size()) + " blocks");
  }
  const BlockRef& ref = blocks_[order];
  if (feed_) {
    IBEX_ASSIGN_OR_RETURN(const storage::Table* t, ctx.store->catalog().GetTable(table_));
    const storage::BlockMeta& meta = t->partitions[static_cast<size_t>(ref.partition)].blocks[ref.index];
    if (!MayMatch(meta)) {
      feed_pruned_.fetch_add(1, std::memory_order_relaxed);
      return ProduceResult::kDone;
    }
  }
  // The block's columns in output order, each kept alive by the chunks that view it.
  BlockCache::Columns cols;
  if (ctx.cache != nullptr) {
    IBEX_ASSIGN_OR_RETURN(cols, ctx.cache->Get(*ctx.store, table_, table_id_, ref.partition, ref.index,
                                               ref.block_id, columns_));
  } else {
    std::vector<int> wanted = columns_;
    std::sort(wanted.begin(), wanted.end());
    wanted.erase(std::unique(wanted.begin(), wanted.end()), wanted.end());
    IBEX_ASSIGN_OR_RETURN(storage::Block block, ctx.store->ReadBlock(table_, ref.partition, ref.index, wanted));
    auto shared_block = std::make_shared<storage::Block>(std::move(block));
    for (int c : columns_) {
      cols.push_back(std::shared_ptr<const storage::ColumnVector>(
          shared_block, &shared_block->columns[static_cast<size_t>(c)]));
    }
  }
  const size_t rows = ref.rows;
  std::vector<uint32_t> sel;
  for (size_t off = 0; off < rows; off += kChunkRows) {
    if (ctx.cancelled()) return Status::Cancelled("query cancelled");
    const size_t n = std::min(kChunkRows, rows - off);
    Chunk chunk;
    chunk.size = n;
    for (const auto& cv : cols) {
      Vector v = Vector::View(*cv, off, n);
      if (v.physical() == PhysicalType::kString) v.KeepAlive(cv);
      chunk.columns.push_back(std::move(v));
    }
    if (filter_ != nullptr) {
      IBEX_ASSIGN_OR_RETURN(size_t m, EvaluateFilter(*filter_, chunk, &sel));
      if (m == 0) continue;
      if (m < n) {
        Chunk kept = chunk.Gather(sel.data(), m);
        IBEX_RETURN_IF_ERROR(push(kept));
        continue;
      }
    }
    // Views into the block: keep it alive while the chunk travels.
    for (size_t c = 0; c < cols.size(); ++c) {
      if (chunk.columns[c].physical() != PhysicalType::kString) chunk.columns[c].KeepAlive(cols[c]);
    }
    IBEX_RETURN_IF_ERROR(push(chunk));
  }
  return ProduceResult::kDone;
}

}  // namespace ibex::exec
