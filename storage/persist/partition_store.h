// One executor partition's files: block files and per-table manifests under
// <root>/p<partition>/ (docs/storage.md). The executor side of the commit protocol: writes a
// change's blocks and manifests under its new epoch, recovers to the committed epoch on open
// (removing what later, uncommitted epochs left and what the committed state no longer
// references), and reads blocks with every byte checked.
//
// Thread safety: WriteBlock and ReadBlock may run concurrently from worker threads (distinct
// block ids); WriteManifest and Recover run on one thread while no block is being written.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "common/status.h"
#include "storage/blocks/block.h"
#include "storage/catalog.h"

namespace ibex::storage {

class PartitionStore {
 public:
  // Opens partition `partition` under `root` (created when missing) and recovers it to the
  // committed catalog `committed` (Recover).
  static Result<std::unique_ptr<PartitionStore>> Open(std::string root, int partition,
                                                      const Catalog& committed);

  // Opens another executor's partition to read its committed blocks only (work stealing over
  // a shared data directory): no recovery, no writes — its owner recovers it.
  static std::unique_ptr<PartitionStore> OpenForReading(std::string root, int partition);

  int partition() const { return partition_; }
  const std::string& root() const { return root_; }

  // Writes the block file of `block` for table `table_id` (not yet fsynced: WriteManifest
  // fsyncs the blocks of its epoch, so that the kernel can write them back meanwhile).
  Status WriteBlock(uint64_t table_id, const EncodedBlock& block) const;
  // Writes MANIFEST-<epoch> of table `table_id` listing `blocks`, after making the listed
  // block files of this epoch and their folder entries durable. Atomic (temporary name, fsync,
  // rename, fsync folder).
  Status WriteManifest(uint64_t table_id, uint64_t epoch, const PartitionInfo& blocks) const;

  // Reads columns `wanted` (empty = all) of one block of `table` in this partition.
  Result<Block> ReadBlock(const Table& table, const BlockMeta& block,
                          const std::vector<int>& wanted) const;

  // Brings the folder to the committed state: removes manifests and block files of epochs
  // after committed.epoch(), temporary files, folders of tables the catalog does not hold,
  // and files the committed manifests no longer reference; then checks that each table's
  // committed manifest lists exactly the blocks the catalog lists (else Corruption).
  Status Recover(const Catalog& committed) const;

 private:
  PartitionStore(std::string root, int partition) : root_(std::move(root)), partition_(partition) {}

  std::string root_;
  int partition_;
};

}  // namespace ibex::storage
