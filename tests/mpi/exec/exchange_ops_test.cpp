// The exec side of exchanges on a real fabric (3 ranks under mpirun, UCX over TCP and UCX
// defaults): executors (ranks 1..E) generate rows on several worker threads, shuffle them by
// key with ExchangeSendSink, sort what they received, and gather their sorted runs to rank 0,
// whose merging ExchangeSource must yield one globally sorted result. A drain thread per rank
// feeds ExchangeInboxes exactly as the distributed runtime does (WhenReady, TryReceive ->
// AddBuffer -> release, kEnd -> MarkEnded). Every row carries its id and values derived from
// it, so a lost, duplicated, damaged or misrouted row is caught.
#include <gtest/gtest.h>
#include <mpi.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <thread>

#include "common/check.h"
#include "exec/executor.h"
#include "exec/expr_compiler.h"
#include "exec/ops/collect.h"
#include "exec/ops/exchange_receive.h"
#include "exec/ops/exchange_send.h"
#include "exec/ops/sort.h"
#include "exec/partition_hash.h"
#include "net/rdma/exchange.h"
#include "net/rdma/fabric.h"
#include "storage/blocks/partitioning.h"
#include "tests/support/mpi_test_util.h"

namespace ibex::exec {
namespace {

namespace opt = ibex::optimizer;

int Rank() { return ibex::testing::MpiRank(); }
int Size() { return ibex::testing::MpiSize(); }
std::vector<int> Executors() {
  std::vector<int> out;
  for (int r = 1; r < Size(); ++r) out.push_back(r);
  return out;
}
bool AllOk(bool mine) { return ibex::testing::AllRanksOk(mine); }

// Rows: (id BIGINT, k INTEGER (NULL every 13th), s VARCHAR (NULL every 17th), d DECIMAL(30,2),
// day DATE, flag BOOLEAN, x DOUBLE), all but id derived from id.
const std::vector<DataType> kTypes = {DataType::Bigint(),  DataType::Integer(),
                                      DataType::Varchar(), DataType::Decimal(30, 2),
                                      DataType::Date(),    DataType::Boolean(),
                                      DataType::Double()};
constexpr size_t kRowsPerExecutor = 40000;

int64_t RowId(int rank, size_t i) { return static_cast<int64_t>(rank) * 10000000 + static_cast<int64_t>(i); }
Value KeyOf(int64_t id) {
  return id % 13 == 0 ? Value::Null(DataType::Integer())
                      : Value::Integer(static_cast<int32_t>((id * 7919) % 1000));
}
Value StringOf(int64_t id) {
  if (id % 17 == 0) return Value::Null(DataType::Varchar());
  return Value::String(std::string(static_cast<size_t>(id % 23), static_cast<char>('a' + id % 26)) +
                       std::to_string(id));
}
Value DecimalOf(int64_t id) {
  return Value::Decimal(static_cast<int128_t>(id) * 1000000000000LL + 17, DataType::Decimal(30, 2));
}

// Checks row `r` of `c` against the values its id implies; "" when right.
std::string CheckRow(const Chunk& c, size_t r) {
  const int64_t id = c.GetValue(0, r).int64();
  const Value want[] = {Value::Bigint(id), KeyOf(id), StringOf(id), DecimalOf(id),
                        Value::Date(static_cast<int32_t>(id % 20000)), Value::Boolean(true),
                        Value::Double(static_cast<double>(id) / 8.0)};
  for (size_t col = 0; col < kTypes.size(); ++col) {
    if (!(c.GetValue(col, r) == want[col])) {
      return "row id " + std::to_string(id) + " column " + std::to_string(col) + ": " +
             c.GetValue(col, r).ToString() + " != " + want[col].ToString();
    }
  }
  return "";
}

// This rank's rows, kChunkRows per work order; the flag column is a constant vector.
class GeneratedSource : public Source {
 public:
  std::string Name() const override { return "Generated"; }
  size_t WorkOrders() const override { return (kRowsPerExecutor + kChunkRows - 1) / kChunkRows; }
  Result<ProduceResult> Produce(ExecContext&, size_t order, const ChunkConsumer& push) override {
    const size_t begin = order * kChunkRows;
    const size_t n = std::min(kChunkRows, kRowsPerExecutor - begin);
    Chunk c;
    c.size = n;
    for (size_t col = 0; col < kTypes.size(); ++col) {
      if (col == 5) {
        c.columns.push_back(Vector::Constant(Value::Boolean(true)));
        continue;
      }
      Vector v(kTypes[col], n);
      for (size_t i = 0; i < n; ++i) {
        const int64_t id = RowId(Rank(), begin + i);
        switch (col) {
          case 0: v.SetValue(i, Value::Bigint(id)); break;
          case 1: v.SetValue(i, KeyOf(id)); break;
          case 2: v.SetValue(i, StringOf(id)); break;
          case 3: v.SetValue(i, DecimalOf(id)); break;
          case 4: v.SetValue(i, Value::Date(static_cast<int32_t>(id % 20000))); break;
          case 6: v.SetValue(i, Value::Double(static_cast<double>(id) / 8.0)); break;
        }
      }
      v.CompactNulls();
      c.columns.push_back(std::move(v));
    }
    IBEX_RETURN_IF_ERROR(push(c));
    return ProduceResult::kDone;
  }
};

// The runtime's drain loop over every open receiver of this rank, on its own thread.
class DrainThread {
 public:
  explicit DrainThread(std::vector<std::pair<net::ExchangeReceiver*, ExchangeInbox*>> channels)
      : channels_(std::move(channels)), thread_([this] { Run(); }) {}
  ~DrainThread() { thread_.join(); }

 private:
  struct Signal {
    std::mutex mu;
    std::condition_variable cv;
    uint64_t generation = 0;
    void Set() {
      {
        std::lock_guard<std::mutex> lock(mu);
        ++generation;
      }
      cv.notify_all();
    }
  };

  void Run() {
    auto signal = std::make_shared<Signal>();
    std::vector<bool> active(channels_.size(), true);
    for (;;) {
      uint64_t seen;
      {
        std::lock_guard<std::mutex> lock(signal->mu);
        seen = signal->generation;
      }
      size_t open = 0;
      for (size_t i = 0; i < channels_.size(); ++i) {
        if (!active[i]) continue;
        auto [receiver, inbox] = channels_[i];
        for (;;) {
          net::ReceivedBuffer buffer;
          Result<net::ReceiveState> st = receiver->TryReceive(&buffer);
          if (!st.ok()) {
            inbox->Fail(st.status());
            active[i] = false;
            break;
          }
          if (*st == net::ReceiveState::kBuffer) {
            Status added = inbox->AddBuffer(buffer.source(), buffer.data());
            buffer.Release();
            if (!added.ok()) {
              active[i] = false;
              break;
            }
            continue;
          }
          if (*st == net::ReceiveState::kEnd) {
            inbox->MarkEnded();
            active[i] = false;
          }
          break;
        }
        if (active[i]) {
          ++open;
          receiver->WhenReady([signal] { signal->Set(); });
        }
      }
      if (open == 0) return;
      std::unique_lock<std::mutex> lock(signal->mu);
      if (!signal->cv.wait_for(lock, std::chrono::seconds(40),
                               [&] { return signal->generation != seen; })) {
        for (size_t i = 0; i < channels_.size(); ++i) {
          if (active[i]) channels_[i].second->Fail(Status::Timeout("drain: no data for 40 s"));
        }
        return;
      }
    }
  }

  std::vector<std::pair<net::ExchangeReceiver*, ExchangeInbox*>> channels_;
  std::thread thread_;
};

// Sort / merge order: k ASC NULLS LAST, then id DESC.
std::vector<opt::SortKey> MergeKeys() {
  opt::SortKey k{opt::PlanExpr::Column(1, DataType::Integer()), false, false};
  opt::SortKey id{opt::PlanExpr::Column(0, DataType::Bigint()), true, false};
  return {k, id};
}
std::vector<SortKeyDef> SortDefs() {
  std::vector<SortKeyDef> out;
  for (const opt::SortKey& k : MergeKeys()) {
    Result<ExprPtr> e = CompileExpr(k.expr, {});
    IBEX_CHECK(e.ok());
    out.push_back(SortKeyDef{std::move(*e), SortSpec{k.descending, k.nulls_first}});
  }
  return out;
}
// a before-or-equal b in MergeKeys order.
bool InOrder(const Chunk& a, size_t ra, const Chunk& b, size_t rb) {
  const Value ka = a.GetValue(1, ra), kb = b.GetValue(1, rb);
  if (ka.is_null() != kb.is_null()) return kb.is_null();
  if (!ka.is_null() && ka.int32() != kb.int32()) return ka.int32() < kb.int32();
  return a.GetValue(0, ra).int64() >= b.GetValue(0, rb).int64();
}

struct Checked {
  std::vector<int64_t> ids;
  std::string error;
};

// Ids of all rows and the first wrong one (values, or `extra` on a row).
Checked Check(const std::vector<const Chunk*>& chunks,
              const std::function<std::string(const Chunk&, size_t)>& extra) {
  Checked out;
  for (const Chunk* c : chunks) {
    for (size_t r = 0; r < c->size; ++r) {
      out.ids.push_back(c->GetValue(0, r).int64());
      if (!out.error.empty()) continue;
      out.error = CheckRow(*c, r);
      if (out.error.empty()) out.error = extra(*c, r);
    }
  }
  return out;
}

class ExchangeOpsTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    auto f = net::Fabric::Create(MPI_COMM_WORLD);
    ASSERT_TRUE(f.ok()) << f.status().ToString();
    fabric_ = std::move(*f);
  }
  static void TearDownTestSuite() {
    if (fabric_) {
      EXPECT_TRUE(fabric_->Shutdown().ok());
    }
    fabric_.reset();
  }
  void SetUp() override {
    ASSERT_GE(Size(), 2);
    ASSERT_TRUE(fabric_);
    options_.slot_bytes = 24 * 1024;  // small: many buffers, split chunks, credits run out
    options_.slots_per_peer = 4;
    options_.early_buffer_bytes = 64 * 1024;
    auto s = net::ExchangeService::Create(*fabric_, options_);
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    service_ = std::move(*s);
  }
  void TearDown() override {
    EXPECT_TRUE(AllOk(!HasFailure()));
    if (service_) {
      EXPECT_TRUE(service_->Shutdown().ok());
    }
    service_.reset();
  }

  static std::unique_ptr<net::Fabric> fabric_;
  net::ExchangeOptions options_;
  std::unique_ptr<net::ExchangeService> service_;
};
std::unique_ptr<net::Fabric> ExchangeOpsTest::fabric_;

TEST_F(ExchangeOpsTest, ShuffleBySortedRunsAndMergingGather) {
  const std::vector<int> executors = Executors();
  const int e = static_cast<int>(executors.size());
  const net::ExchangeKey shuffle_key{7, 1}, gather_key{7, 2};
  ExecContext ctx;
  Executor workers(3);
  std::string error;
  int64_t my_rows = 0;
  int64_t id_sum = 0;

  if (Rank() == 0) {
    auto receiver = service_->OpenReceiver(gather_key, executors);
    ASSERT_TRUE(receiver.ok()) << receiver.status().ToString();
    ExchangeInbox inbox(kTypes, e);
    ExchangeSource merged(&inbox, MergeKeys(), kTypes);
    ChunkCollector result(kTypes);
    {
      DrainThread drain({{receiver->get(), &inbox}});
      Status s = workers.RunPipeline(ctx, Pipeline{&merged, {}, &result});
      EXPECT_TRUE(s.ok()) << s.ToString();
    }
    EXPECT_TRUE(merged.Ordered());
    EXPECT_GT(inbox.bytes_received(), 0);
    std::vector<const Chunk*> chunks;
    for (const Chunk& c : result.chunks()) chunks.push_back(&c);
    const Chunk* prev = nullptr;
    size_t prev_row = 0;
    Checked got = Check(chunks, [&](const Chunk& c, size_t r) -> std::string {
      std::string bad;
      if (prev != nullptr && !InOrder(*prev, prev_row, c, r)) {
        bad = "out of order at row id " + std::to_string(c.GetValue(0, r).int64());
      }
      prev = &c;
      prev_row = r;
      return bad;
    });
    error = got.error;
    my_rows = static_cast<int64_t>(got.ids.size());
    EXPECT_EQ(my_rows, static_cast<int64_t>(kRowsPerExecutor) * e);
    std::sort(got.ids.begin(), got.ids.end());
    EXPECT_EQ(std::adjacent_find(got.ids.begin(), got.ids.end()), got.ids.end()) << "duplicate row";
    for (int64_t id : got.ids) id_sum += id;
    receiver->reset();
  } else {
    const size_t me = static_cast<size_t>(Rank() - 1);  // my partition
    auto receiver = service_->OpenReceiver(shuffle_key, executors);
    ASSERT_TRUE(receiver.ok()) << receiver.status().ToString();
    auto shuffle_sender = service_->OpenSender(shuffle_key, executors);
    ASSERT_TRUE(shuffle_sender.ok()) << shuffle_sender.status().ToString();
    auto gather_sender = service_->OpenSender(gather_key, {0});
    ASSERT_TRUE(gather_sender.ok()) << gather_sender.status().ToString();
    ExchangeInbox inbox(kTypes, e);
    SortSink sort(kTypes, SortDefs());
    SortedSource sorted(&sort);
    {
      DrainThread drain({{receiver->get(), &inbox}});
      // Shuffle by (k, s) from 3 worker threads.
      GeneratedSource generated;
      ExchangeSendSink shuffle(shuffle_sender->get(),
                               ExchangeSendSpec{opt::ExchangeKind::kShuffle, {1, 2}, executors,
                                                false, options_.slot_bytes, nullptr, nullptr},
                               kTypes);
      Status s = workers.RunPipeline(ctx, Pipeline{&generated, {}, &shuffle});
      EXPECT_TRUE(s.ok()) << s.ToString();
      EXPECT_GT(shuffle.bytes_sent(), 0);
      EXPECT_GT(shuffle.buffers_sent(), static_cast<int64_t>(e));
      // What arrived here, sorted locally.
      ExchangeSource received(&inbox, {}, kTypes);
      s = workers.RunPipeline(ctx, Pipeline{&received, {}, &sort});
      EXPECT_TRUE(s.ok()) << s.ToString();
    }
    std::vector<uint64_t> hashes;
    HashPartitionKeys(sort.sorted(), {1, 2}, &hashes);
    Checked got = Check({&sort.sorted()}, [&](const Chunk& c, size_t r) -> std::string {
      if (storage::PartitionOfHash(hashes[r], executors.size()) == me) return "";
      return "row id " + std::to_string(c.GetValue(0, r).int64()) + " sent to the wrong rank";
    });
    error = got.error;
    my_rows = static_cast<int64_t>(got.ids.size());
    std::sort(got.ids.begin(), got.ids.end());
    EXPECT_EQ(std::adjacent_find(got.ids.begin(), got.ids.end()), got.ids.end()) << "duplicate row";
    for (int64_t id : got.ids) id_sum += id;
    // The sorted run, in order, to rank 0.
    ExchangeSendSink gather(gather_sender->get(),
                            ExchangeSendSpec{opt::ExchangeKind::kGather, {}, {0}, true,
                                             options_.slot_bytes, nullptr, nullptr},
                            kTypes);
    Status s = workers.RunPipeline(ctx, Pipeline{&sorted, {}, &gather});
    EXPECT_TRUE(s.ok()) << s.ToString();
    EXPECT_GT(gather.buffers_sent(), 1);
    receiver->reset();
    shuffle_sender->reset();
    gather_sender->reset();
  }
  EXPECT_EQ(error, "");
  // Every generated row arrived exactly once at the executors, and once at rank 0.
  int64_t expect_sum = 0;
  for (int r : executors) {
    for (size_t i = 0; i < kRowsPerExecutor; ++i) expect_sum += RowId(r, i);
  }
  int64_t rows_at_executors = Rank() == 0 ? 0 : my_rows;
  int64_t sum_at_executors = Rank() == 0 ? 0 : id_sum;
  int64_t totals[2] = {rows_at_executors, sum_at_executors}, all[2] = {0, 0};
  MPI_Allreduce(totals, all, 2, MPI_INT64_T, MPI_SUM, MPI_COMM_WORLD);
  EXPECT_EQ(all[0], static_cast<int64_t>(kRowsPerExecutor) * e);
  EXPECT_EQ(all[1], expect_sum);
  if (Rank() == 0) {
    EXPECT_EQ(id_sum, expect_sum);
  }
}

// Broadcast: every executor gets every executor's rows (itself included), in any order.
TEST_F(ExchangeOpsTest, BroadcastReachesEveryExecutor) {
  if (Rank() == 0) return;
  const std::vector<int> executors = Executors();
  const net::ExchangeKey key{8, 1};
  auto receiver = service_->OpenReceiver(key, executors);
  ASSERT_TRUE(receiver.ok()) << receiver.status().ToString();
  auto sender = service_->OpenSender(key, executors);
  ASSERT_TRUE(sender.ok()) << sender.status().ToString();
  ExchangeInbox inbox(kTypes, static_cast<int>(executors.size()));
  ExecContext ctx;
  Executor workers(2);
  ChunkCollector all(kTypes);
  {
    DrainThread drain({{receiver->get(), &inbox}});
    GeneratedSource generated;
    ExchangeSendSink broadcast(
        sender->get(),
        ExchangeSendSpec{opt::ExchangeKind::kBroadcast, {}, executors, false, options_.slot_bytes, nullptr, nullptr},
        kTypes);
    Status s = workers.RunPipeline(ctx, Pipeline{&generated, {}, &broadcast});
    EXPECT_TRUE(s.ok()) << s.ToString();
    ExchangeSource received(&inbox, {}, kTypes);
    s = workers.RunPipeline(ctx, Pipeline{&received, {}, &all});
    EXPECT_TRUE(s.ok()) << s.ToString();
  }
  std::vector<const Chunk*> chunks;
  for (const Chunk& c : all.chunks()) chunks.push_back(&c);
  Checked got = Check(chunks, [](const Chunk&, size_t) { return std::string(); });
  EXPECT_EQ(got.error, "");
  std::sort(got.ids.begin(), got.ids.end());
  std::vector<int64_t> want;
  for (int r : executors) {
    for (size_t i = 0; i < kRowsPerExecutor; ++i) want.push_back(RowId(r, i));
  }
  EXPECT_TRUE(got.ids == want) << got.ids.size() << " rows, " << want.size() << " expected";
  receiver->reset();
  sender->reset();
}

// A sender out of credits (rank 0 never opens its receiver, so its slots stay full) waits on
// its condition variable; only Wake() after the cancel can end that wait, and the pipeline then
// fails with Cancelled, having really waited.
TEST_F(ExchangeOpsTest, WakeEndsABlockedSenderWhenCancelled) {
  const net::ExchangeKey key{9, 1};
  if (Rank() == 1) {
    auto sender = service_->OpenSender(key, {0});
    ASSERT_TRUE(sender.ok()) << sender.status().ToString();
    std::atomic<bool> cancel{false};
    ExecContext ctx;
    ctx.cancelled_fn = [&cancel] { return cancel.load(); };
    Executor workers(2);
    // Far more rows than rank 0's early-data room.
    class Endless : public GeneratedSource {
     public:
      size_t WorkOrders() const override { return 100000; }
      Result<ProduceResult> Produce(ExecContext& ctx, size_t, const ChunkConsumer& push) override {
        return GeneratedSource::Produce(ctx, 0, push);
      }
    } endless;
    ExchangeSendSink gather(sender->get(),
                            ExchangeSendSpec{opt::ExchangeKind::kGather, {}, {0}, false,
                                             options_.slot_bytes, nullptr, nullptr},
                            kTypes);
    std::thread canceller([&] {
      // The test idles (bounded) until a worker waits for a credit, then a while longer.
      for (int i = 0; i < 2000 && gather.blocked_workers() == 0; ++i) {
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
      cancel.store(true);
      gather.Wake();
    });
    Status s = workers.RunPipeline(ctx, Pipeline{&endless, {}, &gather});
    canceller.join();
    EXPECT_EQ(s.code(), StatusCode::kCancelled) << s.ToString();
    EXPECT_GT(gather.wait_ns(), 0);
    EXPECT_GT(gather.buffers_sent(), 0);
    sender->reset();
  }
  MPI_Barrier(MPI_COMM_WORLD);
  if (Rank() == 0) service_->ForgetQuery(key.query);  // drops what rank 1 left behind
}

}  // namespace
}  // namespace ibex::exec
