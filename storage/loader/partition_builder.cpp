#include "storage/loader/partition_builder.h"

#include <algorithm>
#include <thread>

#include "storage/blocks/block.h"
#include "storage/persist/layout.h"

namespace ibex::storage {

PartitionBuilder::PartitionBuilder(const Table& table, const PartitionStore& store,
                                   uint64_t epoch, uint32_t block_rows)
    : table_(table),
      store_(store),
      epoch_(epoch),
      block_rows_(block_rows),
      sorted_(!table.def.sort_key.empty()) {
  IBEX_CHECK_GE(block_rows, 1u);
}

PartitionBuilder::~PartitionBuilder() = default;

Status PartitionBuilder::WriteBlock(const Columns& columns, std::optional<uint64_t> seq) {
  if (!seq) seq = next_seq_.fetch_add(1);
  if (*seq >= (uint64_t{1} << kBlockSeqBits)) {
    return Status::InvalidArgument("COPY: too many blocks");
  }
  IBEX_ASSIGN_OR_RETURN(EncodedBlock block, EncodeBlock(MakeBlockId(epoch_, *seq), columns));
  IBEX_RETURN_IF_ERROR(store_.WriteBlock(table_.table_id, block));
  std::lock_guard<std::mutex> lock(mu_);
  new_blocks_.push_back({std::move(block.meta), std::move(block.columns)});
  return Status::OK();
}

Status PartitionBuilder::WriteSlices(const std::vector<Slice>& slices) {
  size_t rows = 0;
  for (const Slice& s : slices) rows += s.end - s.begin;
  Columns cols;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (!spare_.empty()) {
      cols = std::move(spare_.back());
      spare_.pop_back();
    }
  }
  if (cols.empty()) {
    cols = MakeColumns(table_.def, block_rows_, rows);
  } else {
    for (ColumnVector& c : cols) {
      c.Recycle();
      c.Resize(rows);
    }
  }
  size_t at = 0;
  for (const Slice& s : slices) {
    CopyRows(*s.chunk, s.begin, s.end, &cols, at);
    at += s.end - s.begin;
  }
  IBEX_RETURN_IF_ERROR(WriteBlock(cols));
  std::lock_guard<std::mutex> lock(mu_);
  spare_.push_back(std::move(cols));
  return Status::OK();
}

std::vector<PartitionBuilder::Slice> PartitionBuilder::TakeHeld(size_t rows) {
  std::vector<Slice> slices;
  size_t taken = 0;
  while (taken < rows) {
    const std::shared_ptr<const Columns>& chunk = held_.front();
    const size_t size = (*chunk)[0].size();
    const size_t n = std::min(rows - taken, size - held_offset_);
    slices.push_back({chunk, held_offset_, held_offset_ + n});
    taken += n;
    held_offset_ += n;
    if (held_offset_ == size) {
      held_.erase(held_.begin());
      held_offset_ = 0;
    }
  }
  held_rows_ -= rows;
  return slices;
}

Status PartitionBuilder::Add(Columns* columns) {
  const size_t rows = columns->empty() ? 0 : (*columns)[0].size();
  if (rows == 0) return Status::OK();
  rows_.fetch_add(static_cast<int64_t>(rows));
  if (!sorted_ && rows == block_rows_) return WriteBlock(*columns);
  std::vector<std::vector<Slice>> ready;
  {
    std::lock_guard<std::mutex> lock(mu_);
    held_.push_back(std::make_shared<const Columns>(std::move(*columns)));
    held_rows_ += rows;
    while (!sorted_ && held_rows_ >= block_rows_) ready.push_back(TakeHeld(block_rows_));
  }
  columns->clear();
  for (const auto& slices : ready) IBEX_RETURN_IF_ERROR(WriteSlices(slices));
  return Status::OK();
}

Status PartitionBuilder::FlushSorted(int threads) {
  // Order every held row by the sort key, then cut blocks in that order.
  std::vector<std::pair<uint32_t, uint32_t>> order;  // (chunk, row)
  for (uint32_t c = 0; c < held_.size(); ++c) {
    for (uint32_t r = 0; r < (*held_[c])[0].size(); ++r) order.emplace_back(c, r);
  }
  const std::vector<int>& key = table_.def.sort_key;
  std::stable_sort(order.begin(), order.end(), [&](const auto& x, const auto& y) {
    return CompareRows(*held_[x.first], x.second, *held_[y.first], y.second, key) < 0;
  });
  const size_t blocks = (order.size() + block_rows_ - 1) / block_rows_;
  // Block ids in sort-key order, whichever thread writes which block first: the block list
  // (ordered by id) then reads in key order.
  const uint64_t first_seq = next_seq_.fetch_add(blocks);
  std::atomic<size_t> next{0};
  std::mutex status_mu;
  Status status;
  auto run = [&] {
    while (true) {
      const size_t b = next.fetch_add(1);
      if (b >= blocks) return;
      const size_t at = b * block_rows_;
      const size_t end = std::min(order.size(), at + block_rows_);
      Columns cols = MakeColumns(table_.def, end - at, end - at);
      for (size_t i = at; i < end; ++i) {
        CopyRow(*held_[order[i].first], order[i].second, &cols, i - at);
      }
      Status s = WriteBlock(cols, first_seq + b);
      if (!s.ok()) {
        std::lock_guard<std::mutex> lock(status_mu);
        if (status.ok()) status = std::move(s);
        next = blocks;  // stop the others
        return;
      }
    }
  };
  std::vector<std::thread> pool;
  for (int t = 1; t < threads; ++t) pool.emplace_back(run);
  run();
  for (std::thread& t : pool) t.join();
  held_.clear();
  held_rows_ = 0;
  return status;
}

Status PartitionBuilder::Flush(int threads) {
  if (sorted_) return FlushSorted(std::max(threads, 1));
  std::vector<Slice> rest;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (held_rows_ > 0) rest = TakeHeld(held_rows_);
    spare_.clear();
  }
  if (!rest.empty()) IBEX_RETURN_IF_ERROR(WriteSlices(rest));
  std::lock_guard<std::mutex> lock(mu_);
  spare_.clear();
  return Status::OK();
}

Result<PartitionLoad> PartitionBuilder::WriteManifest() {
  std::sort(new_blocks_.begin(), new_blocks_.end(), [](const NewBlock& a, const NewBlock& b) {
    return a.meta.block_id < b.meta.block_id;
  });
  PartitionLoad out;
  out.partition = table_.partitions[static_cast<size_t>(store_.partition())];
  out.delta.columns.resize(table_.def.columns.size());
  for (NewBlock& b : new_blocks_) {
    TableStats block;
    block.row_count = b.meta.row_count;
    for (const ColumnSummary& summary : b.summaries) {
      const ZoneMap& z = summary.zone;
      block.columns.push_back({z.null_count, z.min, z.max, summary.distinct});
    }
    out.delta.Merge(block);
    out.partition.blocks.push_back(std::move(b.meta));
  }
  new_blocks_.clear();
  IBEX_RETURN_IF_ERROR(store_.WriteManifest(table_.table_id, epoch_, out.partition));
  return out;
}

}  // namespace ibex::storage
