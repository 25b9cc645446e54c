#include "storage/partition_reader.h"

#include "storage/persist/layout.h"

namespace ibex::storage {

Result<std::unique_ptr<PartitionReader>> PartitionReader::Open(std::string root, int partition,
                                                               Catalog catalog, std::string pattern) {
  if (partition < 0 || partition >= catalog.num_partitions()) {
    return Status::InvalidArgument("partition " + std::to_string(partition) +
                                   " does not exist: the data has " +
                                   std::to_string(catalog.num_partitions()) + " partitions");
  }
  IBEX_ASSIGN_OR_RETURN(std::unique_ptr<PartitionStore> store,
                        PartitionStore::Open(std::move(root), partition, catalog));
  return std::unique_ptr<PartitionReader>(
      new PartitionReader(std::move(store), std::move(catalog), std::move(pattern)));
}

Result<Block> PartitionReader::ReadBlock(std::string_view table, int partition, size_t index,
                                         const std::vector<int>& wanted) const {
  IBEX_ASSIGN_OR_RETURN(const Table* t, catalog_.GetTable(table));
  if (partition < 0 || partition >= catalog_.num_partitions()) {
    return Status::InvalidArgument("no partition " + std::to_string(partition));
  }
  const PartitionStore* store = store_.get();
  if (partition != store_->partition()) {
    store = Foreign(partition);
    if (store == nullptr) {
      return Status::Internal("executor of partition " + std::to_string(store_->partition()) +
                              " asked for a block of partition " + std::to_string(partition) +
                              " of table '" + t->def.name + "' without a shared data directory");
    }
  }
  const PartitionInfo& part = t->partitions[static_cast<size_t>(partition)];
  if (index >= part.blocks.size()) {
    return Status::InvalidArgument("table '" + t->def.name + "' partition " +
                                   std::to_string(partition) + " has no block " +
                                   std::to_string(index));
  }
  return store->ReadBlock(*t, part.blocks[index], wanted);
}

const PartitionStore* PartitionReader::Foreign(int partition) const {
  if (pattern_.empty()) return nullptr;
  std::lock_guard lock(foreign_mu_);
  auto& slot = foreign_[partition];
  if (!slot) slot = PartitionStore::OpenForReading(ExpandDataDir(pattern_, partition + 1), partition);
  return slot.get();
}

Status PartitionReader::Update(Catalog catalog) {
  if (catalog.num_partitions() != catalog_.num_partitions()) {
    return Status::InvalidArgument("catalog update changes the number of partitions");
  }
  IBEX_RETURN_IF_ERROR(store_->Recover(catalog));
  catalog_ = std::move(catalog);
  return Status::OK();
}

}  // namespace ibex::storage
