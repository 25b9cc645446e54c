#include "storage/persist/partition_store.h"

#include <map>

#include "storage/persist/file_util.h"
#include "storage/persist/layout.h"
#include "storage/persist/manifest.h"

namespace ibex::storage {

Result<std::unique_ptr<PartitionStore>> PartitionStore::Open(std::string root, int partition,
                                                             const Catalog& committed) {
  if (partition < 0 || partition >= committed.num_partitions()) {
    return Status::InvalidArgument("partition " + std::to_string(partition) + " of " +
                                   std::to_string(committed.num_partitions()));
  }
  std::unique_ptr<PartitionStore> store(new PartitionStore(std::move(root), partition));
  IBEX_RETURN_IF_ERROR(MakeDirs(PartitionDir(store->root_, partition)));
  IBEX_RETURN_IF_ERROR(store->Recover(committed));
  return store;
}

std::unique_ptr<PartitionStore> PartitionStore::OpenForReading(std::string root, int partition) {
  return std::unique_ptr<PartitionStore>(new PartitionStore(std::move(root), partition));
}

Status PartitionStore::WriteBlock(uint64_t table_id, const EncodedBlock& block) const {
  const std::string dir = TableDir(root_, partition_, table_id);
  IBEX_RETURN_IF_ERROR(MakeDirs(dir));
  IBEX_RETURN_IF_ERROR(
      WriteFile(dir + "/" + BlockFileName(block.meta.block_id), block.bytes, /*sync=*/false));
  CrashPoint("load.block_written");
  return Status::OK();
}

Status PartitionStore::WriteManifest(uint64_t table_id, uint64_t epoch,
                                     const PartitionInfo& blocks) const {
  const std::string dir = TableDir(root_, partition_, table_id);
  IBEX_RETURN_IF_ERROR(MakeDirs(dir));
  for (const BlockMeta& b : blocks.blocks) {
    if (BlockEpoch(b.block_id) == epoch) {
      IBEX_RETURN_IF_ERROR(FsyncFile(dir + "/" + BlockFileName(b.block_id)));
    }
  }
  IBEX_RETURN_IF_ERROR(FsyncDir(dir));  // the block files' names are durable before the manifest
  Manifest m{table_id, epoch, partition_, blocks};
  IBEX_RETURN_IF_ERROR(WriteFileAtomic(dir + "/" + ManifestName(epoch), EncodeManifest(m)));
  CrashPoint("load.manifest_written");
  return Status::OK();
}

Result<Block> PartitionStore::ReadBlock(const Table& table, const BlockMeta& block,
                                        const std::vector<int>& wanted) const {
  std::vector<DataType> types;
  for (const ColumnDef& c : table.def.columns) types.push_back(c.type);
  const std::string path =
      TableDir(root_, partition_, table.table_id) + "/" + BlockFileName(block.block_id);
  IBEX_ASSIGN_OR_RETURN(Block b, ReadBlockFile(path, block.block_id, types, wanted));
  if (b.row_count != block.row_count) {
    return Status::Corruption(path + ": block " + std::to_string(block.block_id) + " holds " +
                              std::to_string(b.row_count) + " rows, the catalog says " +
                              std::to_string(block.row_count));
  }
  return b;
}

Status PartitionStore::Recover(const Catalog& committed) const {
  const uint64_t epoch = committed.epoch();
  std::map<uint64_t, const Table*> tables;
  for (const std::string& name : committed.TableNames()) {
    const Table* t = committed.FindTable(name);
    tables[t->table_id] = t;
  }
  const std::string pdir = PartitionDir(root_, partition_);
  IBEX_ASSIGN_OR_RETURN(std::vector<std::string> entries, ListDir(pdir));
  for (const std::string& name : entries) {
    auto id = ParseTableDirName(name);
    if (id && epoch == 0) {
      // A brand-new catalog (no change ever committed) beside existing table data: the
      // catalog is not the one this data belongs to. Deleting would destroy it.
      return Status::InvalidArgument(
          pdir +
          " holds table data but the catalog is new (epoch 0); refusing to remove it: "
          "is --data-dir the one the data was loaded with (and its rank 0 root intact)?");
    }
    if (id && tables.count(*id) == 0) {
      IBEX_RETURN_IF_ERROR(RemoveTree(pdir + '/' + name));  // dropped, or never committed
    }
  }
  for (const auto& [table_id, table] : tables) {
    const std::string dir = TableDir(root_, partition_, table_id);
    auto files = ListDir(dir);
    std::vector<std::string> names;
    if (files.ok()) {
      names = std::move(files).value();
    } else if (files.status().code() != StatusCode::kNotFound) {
      return files.status();
    }
    // The committed manifest: the newest at or before the committed epoch.
    std::optional<uint64_t> chosen;
    for (const std::string& name : names) {
      auto e = ParseManifestEpoch(name);
      if (e && *e <= epoch && (!chosen || *e > *chosen)) chosen = e;
    }
    PartitionInfo listed;
    if (chosen) {
      const std::string path = dir + "/" + ManifestName(*chosen);
      IBEX_ASSIGN_OR_RETURN(std::string bytes, ReadFile(path));
      IBEX_ASSIGN_OR_RETURN(Manifest m, DecodeManifest(path, bytes));
      if (m.table_id != table_id || m.partition != partition_ || m.epoch != *chosen) {
        return Status::Corruption(path + ": manifest of another table, partition or epoch");
      }
      listed = std::move(m.blocks);
    }
    const PartitionInfo& expected = table->partitions[static_cast<size_t>(partition_)];
    if (!(listed == expected)) {
      return Status::Corruption(dir + ": the committed manifest (" +
                                (chosen ? ManifestName(*chosen) : std::string("none")) +
                                ") lists " + std::to_string(listed.blocks.size()) +
                                " blocks of table '" + table->def.name + "', the catalog (epoch " +
                                std::to_string(epoch) + ") lists " +
                                std::to_string(expected.blocks.size()) + " different ones");
    }
    std::map<uint64_t, bool> referenced;
    for (const BlockMeta& b : listed.blocks) referenced[b.block_id] = true;
    for (const std::string& name : names) {
      bool remove = name.size() > 4 && name.substr(name.size() - 4) == ".tmp";
      if (auto e = ParseManifestEpoch(name)) remove = !chosen || *e != *chosen;
      if (auto id = ParseBlockFileId(name)) remove = referenced.count(*id) == 0;
      if (remove) IBEX_RETURN_IF_ERROR(RemoveFile(dir + '/' + name));
    }
  }
  return Status::OK();
}

}  // namespace ibex::storage
