// The exchange wire format of chunks: round trips of random chunks of every type (NULLs,
// constants, strings), several chunks per buffer, slices gathered by selection, the size
// bound the sender fits slots with, and malformed input (Corruption, never a crash).
#include "exec/chunk_serde.h"

#include <gtest/gtest.h>

#include <numeric>
#include <random>

#include "tests/unit/exec/random_chunk.h"

namespace ibex::exec {
namespace {

using testing::AllTypes;
using testing::ExpectSameRows;
using testing::RandomChunk;

std::vector<std::byte> Serialize(const Chunk& chunk) {
  std::vector<std::byte> bytes(SerializedChunkBytes(chunk));
  EXPECT_EQ(SerializeChunk(chunk, bytes), bytes.size());
  return bytes;
}

TEST(ChunkSerde, RoundTripsRandomChunksOfEveryType) {
  std::mt19937_64 rng(7);
  const std::vector<DataType> types = AllTypes();
  for (int iter = 0; iter < 50; ++iter) {
    const size_t rows = iter == 0 ? 0 : (iter == 1 ? 1 : rng() % 3000);
    Chunk chunk = RandomChunk(types, rows, rng);
    std::vector<std::byte> bytes = Serialize(chunk);
    std::vector<Chunk> out;
    std::vector<uint32_t> seqs;
    ASSERT_TRUE(DeserializeChunks(bytes, types, &out, &seqs).ok());
    ASSERT_EQ(out.size(), 1u);
    EXPECT_EQ(seqs, std::vector<uint32_t>{0});
    // The buffer is gone (the slot released): the result owns everything it points to.
    std::fill(bytes.begin(), bytes.end(), std::byte{0x5A});
    ExpectSameRows(chunk, {}, out[0]);
    for (size_t c = 0; c < types.size(); ++c) {
      EXPECT_EQ(out[0].columns[c].is_constant(), chunk.columns[c].is_constant() && rows > 0);
    }
  }
}

TEST(ChunkSerde, SeveralChunksBackToBack) {
  std::mt19937_64 rng(11);
  const std::vector<DataType> types = AllTypes();
  std::vector<Chunk> in;
  std::vector<std::byte> buffer;
  for (int i = 0; i < 5; ++i) {
    in.push_back(RandomChunk(types, rng() % 500, rng));
    std::vector<std::byte> one = Serialize(in.back());
    buffer.insert(buffer.end(), one.begin(), one.end());
  }
  std::vector<Chunk> out;
  ASSERT_TRUE(DeserializeChunks(buffer, types, &out).ok());
  ASSERT_EQ(out.size(), in.size());
  for (size_t i = 0; i < in.size(); ++i) ExpectSameRows(in[i], {}, out[i]);
}

TEST(ChunkSerde, SlicesBySelectionAreOneChunkWithinTheBound) {
  std::mt19937_64 rng(13);
  const std::vector<DataType> types = AllTypes();
  for (int iter = 0; iter < 30; ++iter) {
    std::vector<Chunk> inputs;
    std::vector<std::vector<uint32_t>> sels;
    for (int k = 0; k < 3; ++k) {
      inputs.push_back(RandomChunk(types, 1 + rng() % 700, rng));
      std::vector<uint32_t> sel;
      for (uint32_t r = 0; r < inputs.back().size; ++r) {
        if (rng() % 3 != 0) sel.push_back(r);
      }
      sels.push_back(std::move(sel));
    }
    // A selection slice, a contiguous range, and a selection slice again.
    std::vector<ChunkSlice> slices = {
        {&inputs[0], sels[0].data(), 0, sels[0].size()},
        {&inputs[1], nullptr, inputs[1].size / 3, inputs[1].size - inputs[1].size / 3},
        {&inputs[2], sels[2].data(), 1, sels[2].empty() ? 0 : sels[2].size() - 1}};
    const size_t size = SerializedSlicesBytes(slices);
    uint64_t bound_bits = 0;
    for (const ChunkSlice& s : slices) bound_bits += SliceBoundBits(s);
    EXPECT_LE(size, WireChunkOverheadBytes(types.size()) + (bound_bits + 7) / 8);
    std::vector<std::byte> bytes(size + 9);
    ASSERT_EQ(SerializeSlices(slices, 42, bytes), size);
    bytes.resize(size);
    std::vector<Chunk> out;
    std::vector<uint32_t> seqs;
    ASSERT_TRUE(DeserializeChunks(bytes, types, &out, &seqs).ok());
    ASSERT_EQ(out.size(), 1u);
    EXPECT_EQ(seqs[0], 42u);
    // Expected: the selected rows of each slice, concatenated.
    std::vector<uint32_t> range(slices[1].rows);
    std::iota(range.begin(), range.end(), static_cast<uint32_t>(slices[1].begin));
    std::vector<Chunk> parts;
    parts.push_back(inputs[0].Gather(sels[0].data(), sels[0].size()));
    parts.push_back(inputs[1].Gather(range.data(), range.size()));
    parts.push_back(inputs[2].Gather(sels[2].data() + 1, slices[2].rows));
    Chunk want = ConcatChunks(parts, types);
    ExpectSameRows(want, {}, out[0]);
  }
}

TEST(ChunkSerde, RowsWithinBoundFillsTheBudgetExactly) {
  std::mt19937_64 rng(17);
  const std::vector<DataType> types = AllTypes();
  Chunk chunk = RandomChunk(types, 1000, rng);
  const ChunkSlice all{&chunk, nullptr, 0, chunk.size};
  const uint64_t total = SliceBoundBits(all);
  uint64_t bits = 0;
  EXPECT_EQ(RowsWithinBound(all, total, &bits), chunk.size);
  EXPECT_EQ(bits, total);
  const size_t half = RowsWithinBound(all, total / 2, &bits);
  EXPECT_GT(half, 0u);
  EXPECT_LT(half, chunk.size);
  EXPECT_LE(bits, total / 2);
  // One more row would not have fitted.
  const ChunkSlice more{&chunk, nullptr, 0, half + 1};
  EXPECT_GT(SliceBoundBits(more), total / 2);
  EXPECT_EQ(RowsWithinBound(all, 0, &bits), 0u);
}

TEST(ChunkSerde, TruncatedBuffersAreCorruption) {
  std::mt19937_64 rng(19);
  const std::vector<DataType> types = AllTypes();
  Chunk chunk = RandomChunk(types, 60, rng);
  const std::vector<std::byte> bytes = Serialize(chunk);
  for (size_t len = 1; len < bytes.size(); ++len) {
    std::vector<Chunk> out;
    Status s = DeserializeChunks(std::span(bytes).first(len), types, &out);
    ASSERT_FALSE(s.ok()) << "prefix of " << len << " bytes accepted";
    EXPECT_EQ(s.code(), StatusCode::kCorruption) << s.ToString();
  }
  std::vector<Chunk> out;
  EXPECT_TRUE(DeserializeChunks({}, types, &out).ok());
  EXPECT_TRUE(out.empty());
}

TEST(ChunkSerde, WrongSchemaIsCorruption) {
  std::mt19937_64 rng(23);
  Chunk chunk = RandomChunk({DataType::Integer(), DataType::Varchar()}, 10, rng);
  const std::vector<std::byte> bytes = Serialize(chunk);
  std::vector<Chunk> out;
  EXPECT_EQ(DeserializeChunks(bytes, {DataType::Integer()}, &out).code(), StatusCode::kCorruption);
  EXPECT_EQ(DeserializeChunks(bytes, {DataType::Bigint(), DataType::Varchar()}, &out).code(),
            StatusCode::kCorruption);
  EXPECT_TRUE(DeserializeChunks(bytes, {DataType::Date(), DataType::Char(4)}, &out).ok())
      << "same physical types are the same wire form";
}

// Fuzz-ish: random byte flips and random garbage never crash and never allocate beyond what
// the input can justify; they either parse or report Corruption.
TEST(ChunkSerde, RandomDamageNeverCrashes) {
  std::mt19937_64 rng(29);
  const std::vector<DataType> types = AllTypes();
  int corrupt = 0;
  for (int iter = 0; iter < 3000; ++iter) {
    Chunk chunk = RandomChunk(types, rng() % 40, rng);
    std::vector<std::byte> bytes = Serialize(chunk);
    if (iter % 10 == 0) {
      for (auto& b : bytes) b = static_cast<std::byte>(rng());
    } else {
      const int flips = 1 + static_cast<int>(rng() % 4);
      for (int f = 0; f < flips; ++f) {
        bytes[rng() % bytes.size()] ^= static_cast<std::byte>(1u << (rng() % 8));
      }
    }
    std::vector<Chunk> out;
    Status s = DeserializeChunks(bytes, types, &out);
    if (!s.ok()) {
      EXPECT_EQ(s.code(), StatusCode::kCorruption) << s.ToString();
      ++corrupt;
      continue;
    }
    // Whatever parsed is readable.
    for (const Chunk& c : out) {
      for (size_t col = 0; col < c.columns.size(); ++col) {
        for (size_t r = 0; r < std::min<size_t>(c.size, 50); ++r) (void)c.GetValue(col, r);
      }
    }
  }
  EXPECT_GT(corrupt, 500);  // damage to headers, lengths and types is detected
}

}  // namespace
}  // namespace ibex::exec
