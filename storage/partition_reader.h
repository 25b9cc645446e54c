// PartitionReader: an executor's view of the data — the committed catalog the coordinator
// last sent, and its own partition's files (storage/persist/partition_store.h). Scans on an
// executor read through it (storage/block_source.h); a block of another partition is an
// error, not a remote read. Update() installs a newer catalog and lets the partition drop what
// the new epoch no longer references (PartitionStore::Recover).
//
// Thread safety: Update on one thread while no scan runs; reads from any threads otherwise.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "storage/block_source.h"
#include "storage/persist/partition_store.h"

namespace ibex::storage {

class PartitionReader : public BlockSource {
 public:
  // Opens (and recovers) partition `partition` under `root` for the committed `catalog`.
  // `pattern` (the job's --data-dir, %r expanded per rank): where the other partitions are,
  // for blocks the foreman hands over from a slower executor; empty: own partition only.
  static Result<std::unique_ptr<PartitionReader>> Open(std::string root, int partition,
                                                       Catalog catalog, std::string pattern = "");

  const Catalog& catalog() const override { return catalog_; }
  int partition() const { return store_->partition(); }
  Result<Block> ReadBlock(std::string_view table, int partition, size_t index,
                          const std::vector<int>& wanted) const override;
  // A newer committed catalog (after DDL or a load); recovers the partition to it.
  Status Update(Catalog catalog);

 private:
  PartitionReader(std::unique_ptr<PartitionStore> store, Catalog catalog, std::string pattern)
      : store_(std::move(store)), catalog_(std::move(catalog)), pattern_(std::move(pattern)) {}
  // Another partition's files, opened for reading on first use.
  const PartitionStore* Foreign(int partition) const;

  std::unique_ptr<PartitionStore> store_;
  Catalog catalog_;
  std::string pattern_;
  mutable std::mutex foreign_mu_;
  mutable std::map<int, std::unique_ptr<PartitionStore>> foreign_;  // guarded by foreign_mu_
};

}  // namespace ibex::storage
