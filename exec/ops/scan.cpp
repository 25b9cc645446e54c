#include "exec/ops/scan.h"

#include <algorithm>

#include "exec/eval.h"
#include "storage/local_store.h"

namespace ibex::exec {

Status TableScan::Prepare(ExecContext& ctx) {
  IBEX_CHECK(ctx.store != nullptr);
  IBEX_ASSIGN_OR_RETURN(const storage::Table* t, ctx.store->catalog().GetTable(table_));
  blocks_.clear();
  blocks_total_ = 0;
  for (size_t p = 0; p < t->partitions.size(); ++p) {
    const auto& blocks = t->partitions[p].blocks;
    for (size_t b = 0; b < blocks.size(); ++b) {
      ++blocks_total_;
      bool may = blocks[b].row_count > 0;
      for (const ScanPrune& pr : prune_) {
        if (!may) break;
        const int table_col = columns_[static_cast<size_t>(pr.column)];
        may = storage::ZoneMayMatch(blocks[b].zones[static_cast<size_t>(table_col)], pr.range);
      }
      if (may) blocks_.emplace_back(static_cast<int>(p), b);
    }
  }
  return Status::OK();
}

Result<ProduceResult> TableScan::Produce(ExecContext& ctx, size_t order,
                                         const ChunkConsumer& push) {
  const auto [partition, index] = blocks_[order];
  std::vector<int> wanted = columns_;
  std::sort(wanted.begin(), wanted.end());
  wanted.erase(std::unique(wanted.begin(), wanted.end()), wanted.end());
  IBEX_ASSIGN_OR_RETURN(storage::Block block, ctx.store->ReadBlock(table_, partition, index, wanted));
  auto shared = std::make_shared<storage::Block>(std::move(block));
  const size_t rows = shared->row_count;
  std::vector<uint32_t> sel;
  for (size_t off = 0; off < rows; off += kChunkRows) {
    if (ctx.cancelled()) return Status::Cancelled("query cancelled");
    const size_t n = std::min(kChunkRows, rows - off);
    Chunk chunk;
    chunk.size = n;
    for (int c : columns_) {
      Vector v = Vector::View(shared->columns[static_cast<size_t>(c)], off, n);
      if (v.physical() == PhysicalType::kString) v.KeepAlive(shared);
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
    for (Vector& v : chunk.columns) {
      if (v.physical() != PhysicalType::kString) v.KeepAlive(shared);
    }
    IBEX_RETURN_IF_ERROR(push(chunk));
  }
  return ProduceResult::kDone;
}

}  // namespace ibex::exec
