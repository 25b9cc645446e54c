#include "exec/block_cache.h"

#include <unistd.h>

#include <algorithm>
#include <cstdlib>

#include "exec/memory.h"
#include "storage/block_source.h"

namespace ibex::exec {

int64_t DefaultBlockCacheBytes(int ranks_on_node) {
  if (const char* env = std::getenv("IBEX_BLOCK_CACHE")) {
    auto bytes = ParseMemorySize(env);
    if (bytes.ok()) return *bytes;
  }
  const long pages = sysconf(_SC_PHYS_PAGES);
  const long page = sysconf(_SC_PAGE_SIZE);
  const int64_t half = pages > 0 && page > 0 ? static_cast<int64_t>(pages) * page / 2 : int64_t{1} << 30;
  return half / std::max(1, ranks_on_node);
}

namespace {
int64_t ColumnBytes(const storage::ColumnVector& cv) {
  int64_t b = static_cast<int64_t>(cv.size()) * storage::ElementWidth(cv.type().physical());
  if (cv.type().is_string()) {
    const auto* s = cv.data<std::string_view>();
    for (size_t i = 0; i < cv.size(); ++i) b += static_cast<int64_t>(s[i].size());
  }
  return b;
}
}  // namespace

Result<BlockCache::Columns> BlockCache::Get(const storage::BlockSource& store, const std::string& table,
                                            uint64_t table_id, int partition, size_t index,
                                            uint64_t block_id, const std::vector<int>& columns) {
  Columns out(columns.size());
  std::vector<int> missing;
  {
    std::lock_guard<std::mutex> lock(mu_);
    for (size_t i = 0; i < columns.size(); ++i) {
      auto it = map_.find(Key{table_id, partition, block_id, columns[i]});
      if (it != map_.end()) {
        out[i] = it->second;
      } else if (std::find(missing.begin(), missing.end(), columns[i]) == missing.end()) {
        missing.push_back(columns[i]);
      }
    }
  }
  if (missing.empty()) return out;
  std::sort(missing.begin(), missing.end());
  IBEX_ASSIGN_OR_RETURN(storage::Block block, store.ReadBlock(table, partition, index, missing));
  std::map<int, std::shared_ptr<const storage::ColumnVector>> read;
  for (int c : missing) {
    read[c] = std::make_shared<const storage::ColumnVector>(std::move(block.columns[static_cast<size_t>(c)]));
  }
  std::lock_guard<std::mutex> lock(mu_);
  for (auto& [c, cv] : read) {
    const int64_t b = ColumnBytes(*cv);
    if (bytes_ + b <= capacity_ && map_.emplace(Key{table_id, partition, block_id, c}, cv).second) {
      bytes_ += b;
    }
  }
  for (size_t i = 0; i < columns.size(); ++i) {
    if (!out[i]) out[i] = read[columns[i]];
  }
  return out;
}

void BlockCache::Clear() {
  std::lock_guard<std::mutex> lock(mu_);
  map_.clear();
  bytes_ = 0;
}

int64_t BlockCache::bytes() const {
  std::lock_guard<std::mutex> lock(mu_);
  return bytes_;
}

}  // namespace ibex::exec
