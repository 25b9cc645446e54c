// ExchangeInbox and ExchangeSource without a network: buffers made with the wire format are
// fed as the drain thread would; out-of-order buffers of ordered streams are put back in
// order, sorted runs are merged, failures and damaged buffers reach the waiting consumer.
#include "exec/ops/exchange_receive.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <thread>

#include "exec/chunk_serde.h"
#include "exec/executor.h"
#include "exec/ops/collect.h"

namespace ibex::exec {
namespace {

namespace opt = ibex::optimizer;

const std::vector<DataType> kTypes = {DataType::Integer(), DataType::Varchar()};

// "s<k>" / "snull" (built with append: GCC 12's -Wrestrict misfires on "s" + std::string).
std::string Label(std::optional<int> k) {
  std::string out = "s";
  out.append(k ? std::to_string(*k) : "null");
  return out;
}

// A chunk of (k, "s<k>") for the given keys (std::nullopt = NULL key).
Chunk Rows(const std::vector<std::optional<int>>& keys) {
  Chunk c;
  c.size = keys.size();
  Vector k(kTypes[0], keys.size()), s(kTypes[1], keys.size());
  for (size_t i = 0; i < keys.size(); ++i) {
    k.SetValue(i, keys[i] ? Value::Integer(*keys[i]) : Value::Null(kTypes[0]));
    s.SetValue(i, Value::String(Label(keys[i])));
  }
  k.CompactNulls();
  c.columns.push_back(std::move(k));
  c.columns.push_back(std::move(s));
  return c;
}

std::vector<std::byte> Buffer(const Chunk& c, uint32_t sequence) {
  const ChunkSlice slice{&c, nullptr, 0, c.size};
  std::vector<std::byte> bytes(SerializedSlicesBytes({&slice, 1}));
  SerializeSlices({&slice, 1}, sequence, bytes);
  return bytes;
}

TEST(ExchangeInbox, RunsComeBackInSendOrder) {
  ExchangeInbox inbox(kTypes, 2);
  // Source 5 sent buffers 0, 1, 2; they arrive as 2, 0, 1. Source 3 sent one.
  ASSERT_TRUE(inbox.AddBuffer(5, Buffer(Rows({7, 8}), 2)).ok());
  ASSERT_TRUE(inbox.AddBuffer(3, Buffer(Rows({1}), 0)).ok());
  ASSERT_TRUE(inbox.AddBuffer(5, Buffer(Rows({3}), 0)).ok());
  ASSERT_TRUE(inbox.AddBuffer(5, Buffer(Rows({5, 6}), 1)).ok());
  inbox.MarkEnded();
  EXPECT_TRUE(inbox.WaitComplete(nullptr).ok());
  EXPECT_EQ(inbox.buffers_received(), 4);
  EXPECT_GT(inbox.bytes_received(), 0);
  std::vector<std::vector<Chunk>> runs = inbox.TakeRuns();
  ASSERT_EQ(runs.size(), 2u);  // by source rank: 3, then 5
  ASSERT_EQ(runs[0].size(), 1u);
  EXPECT_EQ(runs[0][0].GetValue(0, 0), Value::Integer(1));
  ASSERT_EQ(runs[1].size(), 3u);
  EXPECT_EQ(runs[1][0].GetValue(0, 0), Value::Integer(3));
  EXPECT_EQ(runs[1][1].GetValue(0, 0), Value::Integer(5));
  EXPECT_EQ(runs[1][2].GetValue(0, 1), Value::Integer(8));
  EXPECT_EQ(runs[1][2].GetValue(1, 1), Value::String("s8"));
}

TEST(ExchangeInbox, MoreSourcesThanSendersIsCorruption) {
  ExchangeInbox inbox(kTypes, 1);
  ASSERT_TRUE(inbox.AddBuffer(1, Buffer(Rows({1}), 0)).ok());
  EXPECT_EQ(inbox.AddBuffer(2, Buffer(Rows({1}), 0)).code(), StatusCode::kCorruption);
  EXPECT_EQ(inbox.WaitComplete(nullptr).code(), StatusCode::kCorruption);
}

TEST(ExchangeInbox, DamagedBufferFailsTheInboxNamingTheRank) {
  ExchangeInbox inbox(kTypes, 2);
  std::vector<std::byte> bytes = Buffer(Rows({1, 2, 3}), 0);
  bytes.resize(bytes.size() - 1);
  Status s = inbox.AddBuffer(4, bytes);
  EXPECT_EQ(s.code(), StatusCode::kCorruption);
  EXPECT_NE(s.message().find("rank 4"), std::string::npos) << s.ToString();
  EXPECT_EQ(inbox.WaitComplete(nullptr).code(), StatusCode::kCorruption);
}

TEST(ExchangeInbox, FailWakesAWaitingConsumer) {
  ExchangeInbox inbox(kTypes, 1);
  Status waited;
  std::thread consumer([&] { waited = inbox.WaitComplete([] { return false; }); });
  inbox.Fail(Status::PeerFailed("rank 2 (host) failed"));
  consumer.join();
  EXPECT_EQ(waited.code(), StatusCode::kPeerFailed);
  inbox.MarkEnded();  // a late end does not hide the failure
  EXPECT_EQ(inbox.WaitComplete(nullptr).code(), StatusCode::kPeerFailed);
}

TEST(ExchangeSource, ChunksAreWorkOrders) {
  ExchangeInbox inbox(kTypes, 2);
  ASSERT_TRUE(inbox.AddBuffer(1, Buffer(Rows({1, 2}), 0)).ok());
  ASSERT_TRUE(inbox.AddBuffer(2, Buffer(Rows({3}), 0)).ok());
  inbox.MarkEnded();
  ExchangeSource source(&inbox, {}, kTypes);
  ChunkCollector out(kTypes);
  Executor workers(2);
  ExecContext ctx;
  ASSERT_TRUE(workers.RunPipeline(ctx, Pipeline{&source, {}, &out}).ok());
  EXPECT_EQ(source.WorkOrders(), 2u);
  EXPECT_FALSE(source.Ordered());
  EXPECT_EQ(out.rows(), 3u);
}

TEST(ExchangeSource, MergesSortedRunsIntoOneOrder) {
  std::mt19937_64 rng(3);
  const int sources = 4;
  ExchangeInbox inbox(kTypes, sources);
  std::vector<int> all;
  size_t nulls = 0;
  for (int s = 0; s < sources; ++s) {
    // A run sorted by k DESC NULLS FIRST, sent as several buffers arriving shuffled.
    std::vector<int> keys;
    const size_t n = 500 + rng() % 3000;
    for (size_t i = 0; i < n; ++i) keys.push_back(static_cast<int>(rng() % 1000));
    std::sort(keys.rbegin(), keys.rend());
    all.insert(all.end(), keys.begin(), keys.end());
    const size_t run_nulls = rng() % 3;
    nulls += run_nulls;
    std::vector<std::optional<int>> run(run_nulls, std::nullopt);
    run.insert(run.end(), keys.begin(), keys.end());
    std::vector<std::pair<uint32_t, std::vector<std::byte>>> buffers;
    for (size_t at = 0, seq = 0; at < run.size(); at += 700, ++seq) {
      const std::vector<std::optional<int>> part(run.begin() + static_cast<std::ptrdiff_t>(at),
                                                 run.begin() + static_cast<std::ptrdiff_t>(std::min(run.size(), at + 700)));
      buffers.emplace_back(static_cast<uint32_t>(seq), Buffer(Rows(part), static_cast<uint32_t>(seq)));
    }
    std::shuffle(buffers.begin(), buffers.end(), rng);
    for (auto& [seq, bytes] : buffers) ASSERT_TRUE(inbox.AddBuffer(10 + s, bytes).ok());
  }
  inbox.MarkEnded();
  opt::SortKey key{opt::PlanExpr::Column(0, DataType::Integer()), true, true};
  ExchangeSource source(&inbox, {key}, kTypes);
  ChunkCollector out(kTypes);
  Executor workers(2);
  ExecContext ctx;
  ASSERT_TRUE(workers.RunPipeline(ctx, Pipeline{&source, {}, &out}).ok());
  EXPECT_TRUE(source.Ordered());
  std::sort(all.rbegin(), all.rend());
  std::vector<std::optional<int>> got;
  for (const Chunk& c : out.chunks()) {
    EXPECT_LE(c.size, kChunkRows);
    for (size_t r = 0; r < c.size; ++r) {
      const Value v = c.GetValue(0, r);
      got.push_back(v.is_null() ? std::nullopt : std::optional<int>(v.int32()));
      const std::string s = c.GetValue(1, r).str();
      ASSERT_EQ(s, Label(got.back()));
    }
  }
  std::vector<std::optional<int>> want(nulls, std::nullopt);
  want.insert(want.end(), all.begin(), all.end());
  EXPECT_TRUE(got == want) << got.size() << " rows, " << want.size() << " expected";
}

TEST(ExchangeSource, PrepareReturnsTheInboxFailure) {
  ExchangeInbox inbox(kTypes, 1);
  inbox.Fail(Status::Cancelled("query cancelled"));
  ExchangeSource source(&inbox, {}, kTypes);
  ExecContext ctx;
  EXPECT_EQ(source.Prepare(ctx).code(), StatusCode::kCancelled);
}

TEST(ExchangeSource, ReceivedRowsCountAgainstTheMemoryLimit) {
  ExchangeInbox inbox(kTypes, 1);
  std::vector<std::optional<int>> keys(5000, 1);
  ASSERT_TRUE(inbox.AddBuffer(1, Buffer(Rows(keys), 0)).ok());
  inbox.MarkEnded();
  MemoryTracker tracker(1000);
  ExecContext ctx;
  ctx.memory = &tracker;
  ExchangeSource source(&inbox, {}, kTypes);
  EXPECT_EQ(source.Prepare(ctx).code(), StatusCode::kOutOfMemory);
}

}  // namespace
}  // namespace ibex::exec
