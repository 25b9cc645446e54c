// PartitionBuilder: turns the rows one partition receives during a load into that partition's
// new blocks and its manifest under the load's epoch. The single-rank loader runs one per
// partition; an executor in a distributed COPY runs one for its own partition, fed with the
// rows it parsed itself and the rows other executors sent it. Rows are cut into blocks of
// `block_rows` in arrival order, or, for a table with a sort key, all held until Flush and cut
// in sort-key order (docs/storage.md, "Sort key"). Nothing is committed here: the manifest
// becomes visible only with the catalog commit, and recovery removes it otherwise.
//
// Thread safety: Add from any number of threads at once; Flush, then WriteManifest, on one
// thread after every Add has returned.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <vector>

#include "common/status.h"
#include "storage/catalog.h"
#include "storage/loader/row_ops.h"
#include "storage/persist/partition_store.h"

namespace ibex::storage {

struct PartitionLoad {
  PartitionInfo partition;  // the complete block list: the committed blocks, then the new ones
  TableStats delta;         // statistics of the new rows
};

class PartitionBuilder {
 public:
  // `table` as of the committed catalog (its block list of this partition is kept); `store`
  // is the partition written (store.partition() names it). Both must outlive the builder.
  PartitionBuilder(const Table& table, const PartitionStore& store, uint64_t epoch,
                   uint32_t block_rows);
  ~PartitionBuilder();

  // Takes the rows of `columns` (one vector per table column). A whole block's worth (table
  // without sort key) is encoded and written by the calling thread and `columns` is left as
  // it was, for the caller to reuse; otherwise the rows are kept (moved out, *columns empty)
  // and written once enough have gathered. Strings must stay valid until Flush returns.
  Status Add(Columns* columns);
  // Writes every row still held, sorted by the sort key if the table has one, on `threads`
  // threads.
  Status Flush(int threads);
  // Writes MANIFEST-<epoch> of the partition and returns its block list and the statistics
  // of the loaded rows.
  Result<PartitionLoad> WriteManifest();

  int64_t rows() const { return rows_.load(); }

 private:
  struct Slice {
    std::shared_ptr<const Columns> chunk;
    size_t begin;
    size_t end;
  };
  struct NewBlock {
    BlockMeta meta;
    std::vector<ColumnSummary> summaries;
  };

  // Encodes and writes one block, as block `seq` of the epoch (next in line by default).
  Status WriteBlock(const Columns& columns, std::optional<uint64_t> seq = std::nullopt);
  // Copies the slices (block_rows rows at most) into one block and writes it.
  Status WriteSlices(const std::vector<Slice>& slices);
  // Takes block_rows rows off the front of held_ (mu_ held).
  std::vector<Slice> TakeHeld(size_t rows);
  Status FlushSorted(int threads);

  const Table& table_;
  const PartitionStore& store_;
  const uint64_t epoch_;
  const uint32_t block_rows_;
  const bool sorted_;
  std::atomic<uint64_t> next_seq_{0};
  std::atomic<int64_t> rows_{0};

  std::mutex mu_;  // guards what follows
  std::vector<std::shared_ptr<const Columns>> held_;  // rows not yet in a block
  size_t held_offset_ = 0;  // rows of held_[0] already taken
  size_t held_rows_ = 0;    // rows held, not yet taken
  std::vector<Columns> spare_;  // block-sized column sets to reuse
  std::vector<NewBlock> new_blocks_;
};

}  // namespace ibex::storage
