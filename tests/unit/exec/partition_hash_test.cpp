// HashPartitionKeys against storage::HashRow: for every type, NULLs, constants and key
// combinations, the exec hash of a row equals the hash storage places the same row by, so a
// shuffle sends rows where a PARTITION BY HASH table keeps them.
#include "exec/partition_hash.h"

#include <gtest/gtest.h>

#include <random>

#include "storage/blocks/partitioning.h"
#include "tests/unit/exec/random_chunk.h"

namespace ibex::exec {
namespace {

using testing::AllTypes;
using testing::RandomChunk;

// The rows of `v` as a storage column (what the loader would have built from the same values).
storage::ColumnVector ToStorage(const Vector& v, size_t rows) {
  storage::ColumnVector cv(v.type(), rows);
  cv.Resize(rows);
  for (size_t i = 0; i < rows; ++i) {
    const Value x = v.GetValue(i);
    if (x.is_null()) {
      cv.SetNull(i);
      continue;
    }
    switch (v.physical()) {
      case PhysicalType::kBool:
        cv.mutable_data<uint8_t>()[i] = x.boolean() ? 1 : 0;
        break;
      case PhysicalType::kInt32:
        cv.mutable_data<int32_t>()[i] = x.int32();
        break;
      case PhysicalType::kInt64:
        cv.mutable_data<int64_t>()[i] = x.int64();
        break;
      case PhysicalType::kInt128:
        cv.mutable_data<int128_t>()[i] = x.int128();
        break;
      case PhysicalType::kDouble:
        cv.mutable_data<double>()[i] = x.dbl();
        break;
      case PhysicalType::kString:
        cv.mutable_data<std::string_view>()[i] = cv.CopyString(x.str());
        break;
    }
  }
  return cv;
}

void ExpectStorageHashes(const Chunk& chunk, const std::vector<int>& key) {
  std::vector<storage::ColumnVector> cols;
  for (const Vector& v : chunk.columns) cols.push_back(ToStorage(v, chunk.size));
  std::vector<uint64_t> hashes;
  HashPartitionKeys(chunk, key, &hashes);
  ASSERT_EQ(hashes.size(), chunk.size);
  for (size_t r = 0; r < chunk.size; ++r) {
    ASSERT_EQ(hashes[r], storage::HashRow(cols, r, key)) << "row " << r;
  }
}

TEST(PartitionHash, EqualsStorageHashRowForEveryTypeAlone) {
  std::mt19937_64 rng(3);
  const std::vector<DataType> types = AllTypes();
  for (int iter = 0; iter < 8; ++iter) {
    Chunk chunk = RandomChunk(types, 300, rng);
    for (size_t c = 0; c < types.size(); ++c) {
      SCOPED_TRACE(types[c].ToString());
      ExpectStorageHashes(chunk, {static_cast<int>(c)});
    }
  }
}

TEST(PartitionHash, EqualsStorageHashRowForKeyCombinations) {
  std::mt19937_64 rng(5);
  const std::vector<DataType> types = AllTypes();
  for (int iter = 0; iter < 40; ++iter) {
    Chunk chunk = RandomChunk(types, 200, rng);
    std::vector<int> key;
    const size_t n = 1 + rng() % 4;
    for (size_t k = 0; k < n; ++k) key.push_back(static_cast<int>(rng() % types.size()));
    ExpectStorageHashes(chunk, key);
  }
}

TEST(PartitionHash, IntegerLikeTypesAgreeWhenWidened) {
  // An INTEGER key and a BIGINT key with the same values hash alike (the loader's rule), so a
  // shuffle by an INTEGER expression lines up with a table partitioned by a BIGINT column.
  Vector i32(DataType::Integer(), 3), i64(DataType::Bigint(), 3);
  for (int i = 0; i < 3; ++i) {
    i32.SetValue(static_cast<size_t>(i), Value::Integer(i * 1000 - 1));
    i64.SetValue(static_cast<size_t>(i), Value::Bigint(i * 1000 - 1));
  }
  Chunk a, b;
  a.size = b.size = 3;
  a.columns.push_back(std::move(i32));
  b.columns.push_back(std::move(i64));
  std::vector<uint64_t> ha, hb;
  HashPartitionKeys(a, {0}, &ha);
  HashPartitionKeys(b, {0}, &hb);
  EXPECT_EQ(ha, hb);
  EXPECT_NE(ha[0], ha[1]);
}

}  // namespace
}  // namespace ibex::exec
