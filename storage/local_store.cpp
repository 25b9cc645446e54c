#include "storage/local_store.h"

#include "storage/persist/catalog_store.h"
#include "storage/persist/layout.h"

namespace ibex::storage {

Result<std::unique_ptr<LocalStore>> LocalStore::Open(const std::string& data_dir_pattern,
                                                     int num_partitions) {
  if (num_partitions < 1) return Status::InvalidArgument("a data directory needs >= 1 partition");
  std::string root = ExpandDataDir(data_dir_pattern, 0);
  IBEX_ASSIGN_OR_RETURN(Catalog catalog, CatalogStore::Open(root, num_partitions));
  std::unique_ptr<LocalStore> store(new LocalStore(std::move(root), std::move(catalog)));
  for (int p = 0; p < num_partitions; ++p) {
    IBEX_ASSIGN_OR_RETURN(
        std::unique_ptr<PartitionStore> part,
        PartitionStore::Open(ExpandDataDir(data_dir_pattern, p + 1), p, store->catalog_));
    store->partitions_.push_back(std::move(part));
  }
  return store;
}

Status LocalStore::Commit(Catalog next, uint64_t epoch) {
  next.set_epoch(epoch);
  CrashPoint("load.before_commit");
  IBEX_RETURN_IF_ERROR(CatalogStore::Commit(catalog_root_, next));
  catalog_ = std::move(next);
  for (const auto& p : partitions_) {
    IBEX_RETURN_IF_ERROR(p->Recover(catalog_));
    CrashPoint("gc.partition_done");
  }
  return Status::OK();
}

Status LocalStore::Rollback() {
  for (const auto& p : partitions_) IBEX_RETURN_IF_ERROR(p->Recover(catalog_));
  return Status::OK();
}

Status LocalStore::CreateTable(TableDef def, bool if_not_exists) {
  Catalog next = catalog_;
  const uint64_t version = next.schema_version();
  IBEX_RETURN_IF_ERROR(next.CreateTable(std::move(def), if_not_exists));
  if (next.schema_version() == version) return Status::OK();  // IF NOT EXISTS, and it did
  return Commit(std::move(next), catalog_.epoch() + 1);
}

Status LocalStore::DropTable(std::string_view name, bool if_exists) {
  Catalog next = catalog_;
  const uint64_t version = next.schema_version();
  IBEX_RETURN_IF_ERROR(next.DropTable(name, if_exists));
  if (next.schema_version() == version) return Status::OK();
  return Commit(std::move(next), catalog_.epoch() + 1);
}

Status LocalStore::CreateView(ViewDef def, bool or_replace) {
  Catalog next = catalog_;
  IBEX_RETURN_IF_ERROR(next.CreateView(std::move(def), or_replace));
  return Commit(std::move(next), catalog_.epoch() + 1);
}

Status LocalStore::DropView(std::string_view name, bool if_exists) {
  Catalog next = catalog_;
  const uint64_t version = next.schema_version();
  IBEX_RETURN_IF_ERROR(next.DropView(name, if_exists));
  if (next.schema_version() == version) return Status::OK();
  return Commit(std::move(next), catalog_.epoch() + 1);
}

Result<LoadResult> LocalStore::Copy(std::string_view table, const std::string& pattern,
                                    const CopyOptions& options) {
  IBEX_ASSIGN_OR_RETURN(const Table* t, catalog_.GetTable(table));
  const uint64_t epoch = catalog_.epoch() + 1;
  std::vector<PartitionStore*> stores;
  for (const auto& p : partitions_) stores.push_back(p.get());
  auto loaded = LoadFiles(*t, pattern, options, epoch, stores);
  if (!loaded.ok()) {
    Status cleanup = Rollback();
    if (!cleanup.ok())
      return loaded.status().Annotate("(clean-up failed too: " + cleanup.ToString() + ")");
    return loaded.status();
  }
  Catalog next = catalog_;
  Table* target = next.FindMutableTable(table);
  target->partitions = loaded->partitions;
  target->stats.Merge(loaded->delta);
  IBEX_RETURN_IF_ERROR(Commit(std::move(next), epoch));
  return loaded;
}

Result<Block> LocalStore::ReadBlock(std::string_view table, int partition, size_t index,
                                    const std::vector<int>& wanted) const {
  IBEX_ASSIGN_OR_RETURN(const Table* t, catalog_.GetTable(table));
  if (partition < 0 || partition >= num_partitions()) {
    return Status::InvalidArgument("no partition " + std::to_string(partition));
  }
  const PartitionInfo& part = t->partitions[static_cast<size_t>(partition)];
  if (index >= part.blocks.size()) {
    return Status::InvalidArgument("table '" + t->def.name + "' partition " +
                                   std::to_string(partition) + " has no block " +
                                   std::to_string(index));
  }
  return partitions_[static_cast<size_t>(partition)]->ReadBlock(*t, part.blocks[index], wanted);
}

Status LocalStore::ApplyDefinitions(const Catalog& wanted) {
  Catalog next = catalog_;
  const uint64_t version = next.schema_version();
  IBEX_RETURN_IF_ERROR(next.ApplyDefinitions(wanted));
  if (next.schema_version() == version) return Status::OK();
  return Commit(std::move(next), catalog_.epoch() + 1);
}

}  // namespace ibex::storage
