// LocalStore: a data directory driven by one process — the coordinator's catalog and every
// partition. Partition p lives under ExpandDataDir(pattern, p + 1) (the root of executor rank
// p + 1), the catalog under ExpandDataDir(pattern, 0). It runs the whole commit protocol of
// docs/storage.md in one process: single-rank jobs, tests and the load benchmark use it; a
// multi-rank job runs the same steps split between the coordinator (CatalogStore) and the
// executors (PartitionStore), with the exchange layer in between.
//
// Thread safety: one thread changes the store (DDL, Copy); ReadBlock may be called from any
// number of threads while no change runs.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "storage/block_source.h"
#include "storage/catalog.h"
#include "storage/loader/loader.h"
#include "storage/persist/partition_store.h"

namespace ibex::storage {

class LocalStore : public BlockSource {
 public:
  // Opens (or creates) the data directory and recovers it to its committed epoch. Fails when
  // it was written with a different number of partitions.
  static Result<std::unique_ptr<LocalStore>> Open(const std::string& data_dir_pattern,
                                                  int num_partitions);

  const Catalog& catalog() const override { return catalog_; }
  int num_partitions() const { return catalog_.num_partitions(); }

  // DDL, each committed as a new epoch.
  Status CreateTable(TableDef def, bool if_not_exists = false);
  Status DropTable(std::string_view name, bool if_exists = false);
  Status CreateView(ViewDef def, bool or_replace = false);
  Status DropView(std::string_view name, bool if_exists = false);
  // Brings the tables and views to those of `wanted` (the shell's catalog after a DDL
  // statement), committed as one epoch (Catalog::ApplyDefinitions).
  Status ApplyDefinitions(const Catalog& wanted);

  // COPY table FROM pattern: loads, then commits; on any error the table stays as it was.
  Result<LoadResult> Copy(std::string_view table, const std::string& pattern,
                          const CopyOptions& options);

  // Reads columns `wanted` (empty = all) of block `index` of partition `partition` of `table`.
  Result<Block> ReadBlock(std::string_view table, int partition, size_t index,
                          const std::vector<int>& wanted) const override;

 private:
  LocalStore(std::string catalog_root, Catalog catalog)
      : catalog_root_(std::move(catalog_root)), catalog_(std::move(catalog)) {}

  // Commits `next` as epoch `epoch` and then lets the partitions drop what it made obsolete.
  Status Commit(Catalog next, uint64_t epoch);
  // After a failed change: removes what the uncommitted epoch wrote.
  Status Rollback();

  std::string catalog_root_;
  Catalog catalog_;
  std::vector<std::unique_ptr<PartitionStore>> partitions_;
};

}  // namespace ibex::storage
