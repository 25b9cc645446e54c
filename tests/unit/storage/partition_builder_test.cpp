// PartitionBuilder: rows arriving in pieces of any size become full blocks (the last one
// partial), a whole block is written as it is, a sorted table's blocks come out in sort-key
// order, and the manifest lists the committed blocks followed by the new ones.
#include <algorithm>

#include "storage/loader/partition_builder.h"
#include "storage/persist/layout.h"
#include "tests/unit/storage/storage_test_util.h"

namespace ibex::storage {
namespace {

using testing::TempDir;

Columns Piece(const TableDef& def, int first, int n) {
  Columns cols = MakeColumns(def, static_cast<size_t>(n), static_cast<size_t>(n));
  for (int i = 0; i < n; ++i) {
    cols[0].mutable_data<int32_t>()[i] = (first + i) * 7919 % 1000;  // not in order
    cols[1].mutable_data<std::string_view>()[i] = cols[1].CopyString(std::to_string(first + i));
  }
  return cols;
}

class PartitionBuilderTest : public ::testing::TestWithParam<bool> {};

TEST_P(PartitionBuilderTest, CutsBlocksAndWritesTheManifest) {
  const bool sorted = GetParam();
  TempDir dir;
  Catalog catalog(1);
  TableDef def{"t", {{"k", DataType::Integer(), true}, {"s", DataType::Varchar(10), true}}, {}, {}};
  if (sorted) def.sort_key = {0};
  ASSERT_TRUE(catalog.CreateTable(def).ok());
  Table table = *catalog.FindTable("t");
  table.partitions[0].blocks.push_back({MakeBlockId(0, 5), 0, {}});  // stands for a committed block
  auto store = PartitionStore::Open(dir.path(), 0, catalog);
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  PartitionBuilder builder(table, **store, /*epoch=*/3, /*block_rows=*/10);
  int next = 0;
  for (int n : {3, 10, 4, 7, 1, 10, 2}) {  // 37 rows; the 10s are whole blocks
    Columns piece = Piece(table.def, next, n);
    ASSERT_TRUE(builder.Add(&piece).ok());
    next += n;
  }
  ASSERT_TRUE(builder.Flush(2).ok());
  auto loaded = builder.WriteManifest();
  ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
  const auto& blocks = loaded->partition.blocks;
  ASSERT_EQ(blocks.size(), 5u);  // the committed one + 4 new
  EXPECT_EQ(blocks[0].block_id, MakeBlockId(0, 5));
  std::vector<uint32_t> sizes;
  std::vector<int32_t> keys;
  for (size_t b = 1; b < blocks.size(); ++b) {
    EXPECT_EQ(BlockEpoch(blocks[b].block_id), 3u);
    sizes.push_back(blocks[b].row_count);
    auto block = (*store)->ReadBlock(table, blocks[b], {});
    ASSERT_TRUE(block.ok()) << block.status().ToString();
    for (size_t r = 0; r < block->row_count; ++r) keys.push_back(block->columns[0].data<int32_t>()[r]);
  }
  std::sort(sizes.begin(), sizes.end());
  EXPECT_EQ(sizes, (std::vector<uint32_t>{7, 10, 10, 10}));
  EXPECT_EQ(loaded->delta.row_count, 37);
  EXPECT_EQ(builder.rows(), 37);
  if (sorted) {
    EXPECT_TRUE(std::is_sorted(keys.begin(), keys.end()));
  }
  std::vector<int32_t> want;
  for (int i = 0; i < 37; ++i) want.push_back(i * 7919 % 1000);
  std::sort(keys.begin(), keys.end());
  std::sort(want.begin(), want.end());
  EXPECT_EQ(keys, want);
}

INSTANTIATE_TEST_SUITE_P(Order, PartitionBuilderTest, ::testing::Bool());

}  // namespace
}  // namespace ibex::storage
