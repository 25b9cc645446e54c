// Helpers shared by the storage tests: a temporary folder removed at the end, writing text
// files, and reading a whole table back through its blocks (which verifies every checksum).
#pragma once

#include <atomic>
#include <fstream>
#include <string>

#include <gtest/gtest.h>
#include <unistd.h>

#include "storage/local_store.h"
#include "storage/persist/file_util.h"

namespace ibex::storage::testing {

class TempDir {
 public:
  TempDir() {
    static std::atomic<int> counter{0};
    path_ = "/tmp/ibex_storage_test_" + std::to_string(::getpid()) + "_" +
            std::to_string(counter.fetch_add(1));
    EXPECT_TRUE(RemoveTree(path_).ok());
    EXPECT_TRUE(MakeDirs(path_).ok());
  }
  ~TempDir() { (void)RemoveTree(path_); }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

inline void WriteText(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary);
  out << text;
  ASSERT_TRUE(out.good()) << path;
}

// Every row of `table` as text lines "v1|v2|..." in storage order, read block by block.
inline Result<std::vector<std::string>> ReadAllRows(const LocalStore& store,
                                                    std::string_view table) {
  IBEX_ASSIGN_OR_RETURN(const Table* t, store.catalog().GetTable(table));
  std::vector<std::string> rows;
  for (int p = 0; p < store.num_partitions(); ++p) {
    for (size_t b = 0; b < t->partitions[static_cast<size_t>(p)].blocks.size(); ++b) {
      IBEX_ASSIGN_OR_RETURN(Block block, store.ReadBlock(table, p, b, {}));
      for (size_t r = 0; r < block.row_count; ++r) {
        std::string line;
        for (size_t c = 0; c < block.columns.size(); ++c) {
          if (c > 0) line += '|';
          line += block.columns[c].GetValue(r).ToString();
        }
        rows.push_back(std::move(line));
      }
    }
  }
  return rows;
}

}  // namespace ibex::storage::testing
