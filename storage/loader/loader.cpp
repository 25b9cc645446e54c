#include "storage/loader/loader.h"

#include <atomic>
#include <memory>

#include "storage/loader/input_files.h"
#include "storage/loader/partition_builder.h"
#include "storage/loader/range_parser.h"
#include "storage/persist/layout.h"

namespace ibex::storage {
Result<LoadResult> LoadFiles(const Table& table, const std::string& pattern,
                             const CopyOptions& options, uint64_t epoch,
                             const std::vector<PartitionStore*>& stores) {
  IBEX_CHECK_GE(options.threads, 1);
  IBEX_CHECK_GE(options.block_rows, 1u);
  IBEX_CHECK_EQ(stores.size(), table.partitions.size());
  IBEX_ASSIGN_OR_RETURN(std::vector<InputFile> list, InputFiles::List(pattern));
  IBEX_ASSIGN_OR_RETURN(std::unique_ptr<InputFiles> files,
                        InputFiles::Map(list, options, /*populate=*/true));
  const size_t nparts = stores.size();
  std::vector<std::unique_ptr<PartitionBuilder>> builders;
  for (PartitionStore* store : stores) {
    builders.push_back(std::make_unique<PartitionBuilder>(table, *store, epoch, options.block_rows));
  }
  const DistributionKind kind = table.def.distribution.kind;
  std::atomic<uint64_t> next_partition{0};
  // Places a batch: a hash partition's rows, or a whole batch by the distribution.
  auto emit = [&](int partition, Columns* columns) -> Status {
    if (partition != RowRouter::kWholeBatch) return builders[partition]->Add(columns);
    if (kind == DistributionKind::kReplicated) {
      // Every partition gets the rows; a builder that keeps them takes its own copy.
      for (size_t p = 0; p + 1 < nparts; ++p) {
        const bool written_as_is = table.def.sort_key.empty() && (*columns)[0].size() == options.block_rows;
        Columns copy = written_as_is ? Columns() : DeepCopy(*columns);
        IBEX_RETURN_IF_ERROR(builders[p]->Add(copy.empty() ? columns : &copy));
      }
      return builders[nparts - 1]->Add(columns);
    }
    // Round robin deals whole batches; a single partition takes everything.
    const size_t p = kind == DistributionKind::kRoundRobin ? next_partition.fetch_add(1) % nparts : 0;
    return builders[p]->Add(columns);
  };
  BatchKeeper keeper;
  RangeParser parser(*files, table.def, options);
  std::optional<BadRow> bad_row;
  IBEX_ASSIGN_OR_RETURN(
      int64_t rows,
      parser.Run(files->Split(0, files->total_bytes(), kParseRangeBytes), options.threads,
                 [&](int) {
                   return std::make_unique<RowRouter>(table.def, nparts, options.block_rows,
                                                      &keeper, emit);
                 },
                 &bad_row));
  if (bad_row) return files->ErrorAt(bad_row->file, bad_row->offset, bad_row->reason);
  for (auto& b : builders) IBEX_RETURN_IF_ERROR(b->Flush(options.threads));
  CrashPoint("load.blocks_written");

  LoadResult result;
  result.delta.columns.resize(table.def.columns.size());
  for (size_t p = 0; p < nparts; ++p) {
    IBEX_ASSIGN_OR_RETURN(PartitionLoad loaded, builders[p]->WriteManifest());
    result.partitions.push_back(std::move(loaded.partition));
    // A replicated table's statistics come from one copy.
    if (p == 0 || kind != DistributionKind::kReplicated) result.delta.Merge(loaded.delta);
  }
  result.delta.row_count = rows;
  result.rows = rows;
  result.files = static_cast<int>(list.size());
  return result;
}

}  // namespace ibex::storage
