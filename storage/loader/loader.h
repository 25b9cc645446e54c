// The loader of one rank: COPY t FROM 'path-or-glob' (docs/storage.md, "Loader"). It parses
// the files on N worker threads over disjoint byte ranges, deals rows to the table's
// partitions by its distribution, sorts them by the sort key if the table has one, builds and
// writes blocks and the partitions' manifests under a new epoch. It does not commit: the
// caller makes the new epoch visible with the catalog commit (or, after an error, recovers the
// partitions, which removes everything this load wrote).
//
// Thread safety: one LoadFiles call at a time per table; it runs its own worker threads.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "common/status.h"
#include "storage/catalog.h"
#include "storage/loader/copy_options.h"
#include "storage/persist/partition_store.h"

namespace ibex::storage {

struct LoadResult {
  // The complete block list of every partition after the load (old blocks, then new).
  std::vector<PartitionInfo> partitions;
  // Statistics of the loaded rows, to merge into the table's.
  TableStats delta;
  int64_t rows = 0;
  int files = 0;
};

// Loads the files matching `pattern` (a path or a glob) into `table` as of the committed
// catalog, writing under `epoch` into `stores` (index = partition). A bad row fails the load
// with InvalidArgument "file:line:column: reason" for the first bad row in file order.
Result<LoadResult> LoadFiles(const Table& table, const std::string& pattern,
                             const CopyOptions& options, uint64_t epoch,
                             const std::vector<PartitionStore*>& stores);

}  // namespace ibex::storage
