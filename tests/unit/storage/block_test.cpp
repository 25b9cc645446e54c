#include "storage/blocks/block.h"

#include <random>

#include <gtest/gtest.h>
#include <unistd.h>

#include "storage/persist/file_util.h"

namespace ibex::storage {
namespace {

std::vector<DataType> AllTypes() {
  return {DataType::Boolean(), DataType::Integer(),      DataType::Bigint(),
          DataType::Double(),  DataType::Decimal(15, 2), DataType::Decimal(30, 4),
          DataType::Date(),    DataType::Varchar(20),    DataType::Char(10)};
}

// Fills a column of `type` with n values; every 7th row null when `nulls`; `distinct` bounds
// the number of different values.
ColumnVector MakeColumn(DataType type, size_t n, bool nulls, int distinct, uint32_t seed) {
  std::mt19937 rng(seed);
  ColumnVector c(type, n);
  c.Resize(n);
  for (size_t i = 0; i < n; ++i) {
    if (nulls && i % 7 == 3) {
      c.SetNull(i);
      continue;
    }
    const int64_t r = static_cast<int64_t>(rng() % static_cast<uint32_t>(distinct)) - distinct / 3;
    switch (type.physical()) {
      case PhysicalType::kBool:
        c.mutable_data<uint8_t>()[i] = r & 1;
        break;
      case PhysicalType::kInt32:
        c.mutable_data<int32_t>()[i] = static_cast<int32_t>(r * 1000);
        break;
      case PhysicalType::kInt64:
        c.mutable_data<int64_t>()[i] = r * 1'000'000'007LL;
        break;
      case PhysicalType::kInt128:
        c.mutable_data<int128_t>()[i] = static_cast<int128_t>(r) * PowerOfTen(25);
        break;
      case PhysicalType::kDouble:
        c.mutable_data<double>()[i] = static_cast<double>(r) / 3;
        break;
      case PhysicalType::kString: {
        std::string text = std::to_string(r * 7919);
        text.insert(text.begin(), 's');
        c.mutable_data<std::string_view>()[i] = c.CopyString(text);
        break;
      }
    }
  }
  return c;
}

std::string TempDir() {
  std::string dir = "/tmp/ibex_block_test_" + std::to_string(::getpid());
  EXPECT_TRUE(MakeDirs(dir).ok());
  return dir;
}

void ExpectSameColumn(const ColumnVector& a, const ColumnVector& b) {
  ASSERT_EQ(a.size(), b.size());
  ASSERT_EQ(a.null_count(), b.null_count());
  for (size_t i = 0; i < a.size(); ++i) {
    ASSERT_EQ(a.GetValue(i), b.GetValue(i)) << a.type().ToString() << " row " << i;
  }
}

TEST(BlockTest, EveryTypeRoundTripsThroughEveryEncoding) {
  const std::string dir = TempDir();
  const std::vector<DataType> types = AllTypes();
  for (bool nulls : {false, true}) {
    for (int distinct : {1, 5, 100000}) {
      std::vector<ColumnVector> cols;
      for (size_t t = 0; t < types.size(); ++t) {
        cols.push_back(MakeColumn(types[t], 5000, nulls, distinct, static_cast<uint32_t>(t)));
      }
      auto block = EncodeBlock(7, cols);
      ASSERT_TRUE(block.ok()) << block.status().ToString();
      const std::string path = dir + "/b.blk";
      ASSERT_TRUE(WriteFileSynced(path, block->bytes).ok());
      auto back = ReadBlockFile(path, 7, types, {});
      ASSERT_TRUE(back.ok()) << back.status().ToString();
      ASSERT_EQ(back->row_count, 5000u);
      for (size_t t = 0; t < types.size(); ++t) {
        SCOPED_TRACE(types[t].ToString() + " nulls=" + std::to_string(nulls) +
                     " distinct=" + std::to_string(distinct) +
                     " encoding=" + std::string(EncodingName(block->columns[t].encoding)));
        ExpectSameColumn(cols[t], back->columns[t]);
        // The zone map bounds every non-null value and counts the nulls.
        const ZoneMap& z = block->meta.zones[t];
        EXPECT_EQ(z.null_count, cols[t].null_count());
        for (size_t i = 0; i < cols[t].size(); ++i) {
          if (cols[t].IsNull(i)) continue;
          Value v = cols[t].GetValue(i);
          ASSERT_LE(z.min.Compare(v), 0);
          ASSERT_GE(z.max.Compare(v), 0);
        }
      }
      // Encodings are chosen where they pay.
      if (distinct == 5) {
        EXPECT_EQ(block->columns[1].encoding, Encoding::kFrameOfReference);
        EXPECT_EQ(block->columns[7].encoding, Encoding::kDictionary);
      }
      if (distinct == 100000) {
        EXPECT_EQ(block->columns[7].encoding, Encoding::kPlain);
      }
    }
  }
  ASSERT_TRUE(RemoveTree(dir).ok());
}

TEST(BlockTest, ReadsOnlyTheColumnsAskedFor) {
  const std::string dir = TempDir();
  std::vector<DataType> types = {DataType::Integer(), DataType::Varchar(20)};
  std::vector<ColumnVector> cols;
  cols.push_back(MakeColumn(types[0], 100, false, 50, 1));
  cols.push_back(MakeColumn(types[1], 100, false, 50, 2));
  auto block = EncodeBlock(3, cols);
  ASSERT_TRUE(block.ok());
  ASSERT_TRUE(WriteFileSynced(dir + "/b.blk", block->bytes).ok());
  auto back = ReadBlockFile(dir + "/b.blk", 3, types, {1});
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(back->columns[0].size(), 0u);
  ExpectSameColumn(cols[1], back->columns[1]);
  ASSERT_TRUE(RemoveTree(dir).ok());
}

TEST(BlockTest, EveryFlippedByteIsDetected) {
  const std::string dir = TempDir();
  std::vector<DataType> types = {DataType::Integer(), DataType::Varchar(20), DataType::Double()};
  std::vector<ColumnVector> cols;
  for (size_t t = 0; t < types.size(); ++t) cols.push_back(MakeColumn(types[t], 300, true, 9, 5));
  auto block = EncodeBlock(11, cols);
  ASSERT_TRUE(block.ok());
  const std::string path = dir + "/b.blk";
  for (size_t pos = 0; pos < block->bytes.size(); pos += 1 + pos / 16) {
    std::string bad = block->bytes;
    bad[pos] ^= 0x20;
    ASSERT_TRUE(WriteFileSynced(path, bad).ok());
    auto back = ReadBlockFile(path, 11, types, {});
    ASSERT_FALSE(back.ok()) << "flip at byte " << pos << " went unnoticed";
    EXPECT_EQ(back.status().code(), StatusCode::kCorruption) << back.status().ToString();
    EXPECT_NE(back.status().message().find(path + ": block 11"), std::string::npos)
        << back.status().ToString();
  }
  ASSERT_TRUE(WriteFileSynced(path, block->bytes.substr(0, block->bytes.size() - 5)).ok());
  EXPECT_EQ(ReadBlockFile(path, 11, types, {}).status().code(), StatusCode::kCorruption);
  ASSERT_TRUE(RemoveTree(dir).ok());
}

TEST(ZoneMapTest, RangesPruneOnlyWhenNoRowCanMatch) {
  ZoneMap z{Value::Integer(10), Value::Integer(20), 0};
  EXPECT_TRUE(ZoneMayMatch(z, ValueRange::Equal(Value::Integer(10))));
  EXPECT_FALSE(ZoneMayMatch(z, ValueRange::Equal(Value::Integer(21))));
  EXPECT_FALSE(ZoneMayMatch(z, {Value::Integer(20), false, std::nullopt, true}));
  EXPECT_TRUE(ZoneMayMatch(z, {Value::Integer(20), true, std::nullopt, true}));
  EXPECT_FALSE(ZoneMayMatch(z, {std::nullopt, true, Value::Integer(10), false}));
  ZoneMap all_null{Value::Null(DataType::Integer()), Value::Null(DataType::Integer()), 5};
  EXPECT_FALSE(ZoneMayMatch(all_null, ValueRange::Equal(Value::Integer(1))));
}

}  // namespace
}  // namespace ibex::storage
