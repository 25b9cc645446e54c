// Operators end to end on a LocalStore: hand-built physical plans (optimizer/physical_plan.h)
// run through the plan builder and the executor with 2 worker threads.
#include <gtest/gtest.h>
#include <sched.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <mutex>
#include <thread>

#include "exec/executor.h"
#include "exec/plan_builder.h"
#include "exec/ops/scan.h"
#include "storage/local_store.h"

namespace ibex::exec {
namespace {

namespace opt = ibex::optimizer;
using opt::PlanExpr;
using opt::PlanNode;
using storage::DataType;
using storage::Value;

const DataType kDec = DataType::Decimal(15, 2);

class OperatorsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/ibex_exec_test_XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
    auto store = storage::LocalStore::Open(dir_ + "/data", 1);
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    store_ = std::move(*store);
    // t(k, v, s): 10 rows, blocks of 4 rows; k ascending so zone maps prune.
    storage::TableDef t{"t", {{"k", DataType::Integer()}, {"v", kDec}, {"s", DataType::Varchar()}}, {}, {}};
    ASSERT_TRUE(store_->CreateTable(t).ok());
    Write("t.csv",
          "1,1.50,a\n2,2.25,b\n3,,a\n4,4.00,\n5,5.10,b\n6,6.00,a\n7,7.70,c\n8,8.00,b\n9,,c\n10,10.01,a\n");
    storage::CopyOptions opts;
    opts.block_rows = 4;
    ASSERT_TRUE(store_->Copy("t", dir_ + "/t.csv", opts).ok());
    // u(k, w): keys 2, 2, 5, 11 and a NULL key.
    storage::TableDef u{"u", {{"k", DataType::Integer()}, {"w", DataType::Varchar()}}, {}, {}};
    ASSERT_TRUE(store_->CreateTable(u).ok());
    Write("u.csv", "2,x\n2,y\n5,z\n11,q\n,n\n");
    ASSERT_TRUE(store_->Copy("u", dir_ + "/u.csv", storage::CopyOptions{}).ok());
    // sp(k, j): keys spread too far for the direct-addressed join index (the hashed one).
    storage::TableDef sp{"sp", {{"k", DataType::Integer()}, {"j", DataType::Integer()}}, {}, {}};
    ASSERT_TRUE(store_->CreateTable(sp).ok());
    Write("sp.csv", "1,7\n2000000000,8\n-5,9\n,1\n2000000000,3\n");
    ASSERT_TRUE(store_->Copy("sp", dir_ + "/sp.csv", storage::CopyOptions{}).ok());
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  void Write(const std::string& name, const std::string& text) {
    std::ofstream(dir_ + "/" + name) << text;
  }

  // Runs `root` and returns its rows as text, "a|b|c".
  Result<std::vector<std::string>> Run(PlanNode root, int64_t memory_limit = 0) {
    opt::PhysicalPlan plan;
    plan.root = std::move(root);
    opt::AssignNodeIds(&plan.root);
    IBEX_ASSIGN_OR_RETURN(auto exec, BuildExecPlan(plan, {}));
    MemoryTracker memory(memory_limit);
    ExecContext ctx;
    ctx.memory = &memory;
    ctx.store = store_.get();
    IBEX_RETURN_IF_ERROR(executor_.Run(ctx, exec->pipelines));
    std::vector<std::string> rows;
    for (const Chunk& c : exec->result->chunks()) {
      for (size_t r = 0; r < c.size; ++r) {
        std::string line;
        for (size_t col = 0; col < c.columns.size(); ++col) {
          if (col > 0) line += "|";
          line += c.GetValue(col, r).ToString();
        }
        rows.push_back(line);
      }
    }
    last_explain_ = ExplainAnalyzeText(plan, *exec);
    return rows;
  }

  static std::vector<std::string> Sorted(std::vector<std::string> v) {
    std::sort(v.begin(), v.end());
    return v;
  }

  std::string dir_;
  std::unique_ptr<storage::LocalStore> store_;
  Executor executor_{2};
  std::string last_explain_;
};

PlanNode Scan(const std::string& table, std::vector<int> columns, opt::Schema schema) {
  PlanNode n;
  opt::ScanSpec s;
  s.table = table;
  s.columns = std::move(columns);
  n.payload = s;
  n.schema = std::move(schema);
  return n;
}

PlanNode ScanT() {
  return Scan("t", {0, 1, 2}, {{"k", DataType::Integer()}, {"v", kDec}, {"s", DataType::Varchar()}});
}
PlanNode ScanU() { return Scan("u", {0, 1}, {{"k", DataType::Integer()}, {"w", DataType::Varchar()}}); }

PlanExpr Col(int i, DataType t) { return PlanExpr::Column(i, t); }

PlanNode Unary(opt::NodePayload payload, PlanNode child, opt::Schema schema) {
  PlanNode n;
  n.payload = std::move(payload);
  n.schema = std::move(schema);
  n.children.push_back(std::move(child));
  return n;
}

TEST_F(OperatorsTest, ScanFilterSkipsBlocksByZoneMap) {
  PlanNode scan = ScanT();
  auto& spec = scan.As<opt::ScanSpec>();
  spec.filter = PlanExpr::Compare(opt::ScalarOp::kGe, Col(0, DataType::Integer()), PlanExpr::Literal(Value::Integer(9)));
  opt::ColumnRange range;
  range.column = 0;
  range.range.lower = Value::Integer(9);
  spec.prune.push_back(range);
  const storage::ValueRange pruned = range.range;
  auto rows = Run(std::move(scan));
  ASSERT_TRUE(rows.ok()) << rows.status().ToString();
  EXPECT_EQ(Sorted(*rows), (std::vector<std::string>{"10|10.01|a", "9|NULL|c"}));
  // Blocks [1-4], [5-8] cannot hold k >= 9: only the last block was read.
  EXPECT_NE(last_explain_.find("Scan"), std::string::npos);
  TableScan probe("t", {0}, nullptr, {ScanPrune{0, pruned}});
  MemoryTracker m;
  ExecContext ctx;
  ctx.memory = &m;
  ctx.store = store_.get();
  ASSERT_TRUE(probe.Prepare(ctx).ok());
  EXPECT_EQ(probe.blocks_total(), 3u);
  EXPECT_EQ(probe.blocks_skipped(), 2u);
}

TEST_F(OperatorsTest, GroupedAggregateWithNullsAndDistinct) {
  opt::AggregateSpec agg;
  agg.group_keys.push_back(Col(2, DataType::Varchar()));
  agg.aggregates.push_back({opt::AggFunc::kCountStar, std::nullopt, false, DataType::Bigint()});
  agg.aggregates.push_back({opt::AggFunc::kSum, Col(1, kDec), false, DataType::Decimal(38, 2)});
  agg.aggregates.push_back({opt::AggFunc::kAvg, Col(1, kDec), false, DataType::Double()});
  agg.aggregates.push_back({opt::AggFunc::kMax, Col(0, DataType::Integer()), false, DataType::Integer()});
  agg.aggregates.push_back({opt::AggFunc::kCount, Col(1, kDec), false, DataType::Bigint()});
  agg.aggregates.push_back({opt::AggFunc::kCount, Col(2, DataType::Varchar()), true, DataType::Bigint()});
  opt::Schema schema{{"s", DataType::Varchar()}, {"c", DataType::Bigint()}, {"sum", DataType::Decimal(38, 2)},
                     {"avg", DataType::Double()}, {"max", DataType::Integer()}, {"cnt", DataType::Bigint()},
                     {"cd", DataType::Bigint()}};
  auto rows = Run(Unary(agg, ScanT(), schema));
  ASSERT_TRUE(rows.ok()) << rows.status().ToString();
  EXPECT_EQ(Sorted(*rows), (std::vector<std::string>{"NULL|1|4.00|4|4|1|0", "a|4|17.51|5.836666666666667|10|3|1",
                                                     "b|3|15.35|5.116666666666666|8|3|1", "c|2|7.70|7.7|9|1|1"}));
}

TEST_F(OperatorsTest, IntegerKeyAggregateWithNullGroup) {
  opt::AggregateSpec agg;
  agg.group_keys.push_back(Col(0, DataType::Integer()));
  agg.aggregates.push_back({opt::AggFunc::kCountStar, std::nullopt, false, DataType::Bigint()});
  agg.aggregates.push_back({opt::AggFunc::kSum, Col(1, DataType::Integer()), false, DataType::Bigint()});
  auto rows = Run(Unary(agg, Scan("sp", {0, 1}, {{"k", DataType::Integer()}, {"j", DataType::Integer()}}),
                        {{"k", DataType::Integer()}, {"c", DataType::Bigint()}, {"s", DataType::Bigint()}}));
  ASSERT_TRUE(rows.ok()) << rows.status().ToString();
  EXPECT_EQ(Sorted(*rows), (std::vector<std::string>{"-5|1|9", "1|1|7", "2000000000|2|11", "NULL|1|1"}));
  // Two INTEGER keys (packed), NULL in either part, and the same NULL pattern twice.
  opt::AggregateSpec two;
  two.group_keys.push_back(Col(1, DataType::Integer()));
  two.group_keys.push_back(Col(0, DataType::Integer()));
  two.aggregates.push_back({opt::AggFunc::kCountStar, std::nullopt, false, DataType::Bigint()});
  PlanNode values;
  opt::ValuesSpec vs;
  auto row = [](std::optional<int> a, std::optional<int> b) {
    std::vector<PlanExpr> r;
    r.push_back(PlanExpr::Literal(a ? Value::Integer(*a) : Value::Null(DataType::Integer())));
    r.push_back(PlanExpr::Literal(b ? Value::Integer(*b) : Value::Null(DataType::Integer())));
    return r;
  };
  vs.rows = {row(1, 2), row(1, std::nullopt), row(std::nullopt, 2), row(std::nullopt, std::nullopt),
             row(1, std::nullopt), row(-1, -2), row(1, 2)};
  values.payload = vs;
  values.schema = {{"a", DataType::Integer()}, {"b", DataType::Integer()}};
  auto pairs = Run(Unary(two, std::move(values),
                         {{"b", DataType::Integer()}, {"a", DataType::Integer()}, {"c", DataType::Bigint()}}));
  ASSERT_TRUE(pairs.ok()) << pairs.status().ToString();
  EXPECT_EQ(Sorted(*pairs), (std::vector<std::string>{"-2|-1|1", "2|1|2", "2|NULL|1", "NULL|1|2", "NULL|NULL|1"}));
}

TEST_F(OperatorsTest, IntegerKeyAggregateOverScatteredKeysMatchesReference) {
  // 60 k distinct BIGINT keys spread over ~2^40, in runs of 1-3 equal keys, in no order: the
  // integer-key table leaves its direct array for the hashed one and looks keys up with
  // prefetching (several chunks, several rehashes). Counts and sums against a std::map.
  storage::TableDef big{"big", {{"k", DataType::Bigint()}, {"j", DataType::Integer()}}, {}, {}};
  ASSERT_TRUE(store_->CreateTable(big).ok());
  std::map<int64_t, std::pair<int64_t, int64_t>> want;  // key -> (count, sum)
  std::string csv;
  uint64_t x = 12345;
  for (int i = 0; i < 60000; ++i) {
    x = x * 6364136223846793005ULL + 1442695040888963407ULL;
    const int64_t key = static_cast<int64_t>(x >> 24) - (int64_t{1} << 39);
    const int run = 1 + static_cast<int>((x >> 8) % 3);
    for (int r = 0; r < run; ++r) {
      const int j = (i * 7 + r) % 1000;
      csv += std::to_string(key) + "," + std::to_string(j) + "\n";
      want[key].first += 1;
      want[key].second += j;
    }
  }
  Write("big.csv", csv);
  ASSERT_TRUE(store_->Copy("big", dir_ + "/big.csv", storage::CopyOptions{}).ok());
  opt::AggregateSpec agg;
  agg.group_keys.push_back(Col(0, DataType::Bigint()));
  agg.aggregates.push_back({opt::AggFunc::kCountStar, std::nullopt, false, DataType::Bigint()});
  agg.aggregates.push_back({opt::AggFunc::kSum, Col(1, DataType::Integer()), false, DataType::Bigint()});
  auto rows = Run(Unary(agg, Scan("big", {0, 1}, {{"k", DataType::Bigint()}, {"j", DataType::Integer()}}),
                        {{"k", DataType::Bigint()}, {"c", DataType::Bigint()}, {"s", DataType::Bigint()}}));
  ASSERT_TRUE(rows.ok()) << rows.status().ToString();
  std::vector<std::string> expected;
  for (const auto& [k, cs] : want) {
    expected.push_back(std::to_string(k) + "|" + std::to_string(cs.first) + "|" + std::to_string(cs.second));
  }
  EXPECT_EQ(rows->size(), want.size());
  EXPECT_EQ(Sorted(*rows), Sorted(expected));
}

TEST_F(OperatorsTest, ShortStringKeyAggregateMatchesReference) {
  // Group keys of 1-4 strings take the packed-key path (hash_aggregate.cpp, ShortStringKey)
  // where every string fits its budget (7, 3, 2, 1 bytes) and the encoded path where one does
  // not, in the same chunk; NULL and the empty string, and strings that share their bytes but
  // differ in length ("x", "xx"), must stay distinct groups. 2 workers, 20 blocks. Counts and
  // sums against a std::map for each number of keys.
  storage::TableDef ss{"ss",
                       {{"a", DataType::Varchar()},
                        {"b", DataType::Varchar()},
                        {"c", DataType::Varchar()},
                        {"d", DataType::Varchar()},
                        {"j", DataType::Integer()}},
                       {},
                       {}};
  ASSERT_TRUE(store_->CreateTable(ss).ok());
  const std::vector<std::string> words = {"\\N", "", "x", "xx", "xxx", "y", "yx", "xyz", "ab",
                                          "abcdefg", "abcdefgh", "N"};
  using Key = std::vector<std::string>;
  std::map<Key, std::pair<int64_t, int64_t>> want[4];
  std::string csv;
  uint64_t x = 99;
  for (int i = 0; i < 20000; ++i) {
    Key row;
    for (int c = 0; c < 4; ++c) {
      x = x * 6364136223846793005ULL + 1442695040888963407ULL;
      // Mostly short words, so that the packed path is the common one.
      const size_t w = (x >> 33) % 16 < 12 ? (x >> 40) % 9 : (x >> 40) % words.size();
      row.push_back(words[w]);
    }
    const int j = i % 997;
    for (int c = 0; c < 4; ++c) {
      if (c > 0) csv += ',';
      csv += row[c];
    }
    csv += ',';
    csv += std::to_string(j);
    csv += '\n';
    for (int keys = 1; keys <= 4; ++keys) {
      Key k;
      for (int c = 0; c < keys; ++c) k.push_back(row[c] == "\\N" ? "NULL" : row[c]);
      want[keys - 1][k].first += 1;
      want[keys - 1][k].second += j;
    }
  }
  Write("ss.csv", csv);
  storage::CopyOptions copy;
  copy.null_string = "\\N";
  copy.block_rows = 1000;
  ASSERT_TRUE(store_->Copy("ss", dir_ + "/ss.csv", copy).ok());
  for (int keys = 1; keys <= 4; ++keys) {
    opt::AggregateSpec agg;
    opt::Schema out;
    for (int c = 0; c < keys; ++c) {
      agg.group_keys.push_back(Col(c, DataType::Varchar()));
      out.push_back({std::string(1, static_cast<char>('a' + c)), DataType::Varchar()});
    }
    agg.aggregates.push_back({opt::AggFunc::kCountStar, std::nullopt, false, DataType::Bigint()});
    agg.aggregates.push_back({opt::AggFunc::kSum, Col(4, DataType::Integer()), false, DataType::Bigint()});
    out.push_back({"n", DataType::Bigint()});
    out.push_back({"s", DataType::Bigint()});
    auto rows = Run(Unary(agg,
                          Scan("ss", {0, 1, 2, 3, 4},
                               {{"a", DataType::Varchar()},
                                {"b", DataType::Varchar()},
                                {"c", DataType::Varchar()},
                                {"d", DataType::Varchar()},
                                {"j", DataType::Integer()}}),
                          out));
    ASSERT_TRUE(rows.ok()) << rows.status().ToString();
    std::vector<std::string> expected;
    for (const auto& [k, cs] : want[keys - 1]) {
      std::string line;
      for (const std::string& part : k) line += part + "|";
      expected.push_back(line + std::to_string(cs.first) + "|" + std::to_string(cs.second));
    }
    EXPECT_EQ(Sorted(*rows), Sorted(expected)) << keys << " key(s)";
  }
}

TEST_F(OperatorsTest, TwoPhaseAggregateEqualsSinglePhase) {
  auto spec = [](opt::AggPhase phase) {
    opt::AggregateSpec agg;
    agg.phase = phase;
    agg.group_keys.push_back(Col(phase == opt::AggPhase::kFinal ? 0 : 2, DataType::Varchar()));
    agg.aggregates.push_back({opt::AggFunc::kCountStar, std::nullopt, false, DataType::Bigint()});
    agg.aggregates.push_back({opt::AggFunc::kSum, Col(1, kDec), false, DataType::Decimal(38, 2)});
    agg.aggregates.push_back({opt::AggFunc::kAvg, Col(1, kDec), false, DataType::Double()});
    agg.aggregates.push_back({opt::AggFunc::kMin, Col(0, DataType::Integer()), false, DataType::Integer()});
    agg.aggregates.push_back({opt::AggFunc::kStddevSamp, Col(0, DataType::Integer()), false, DataType::Double()});
    return agg;
  };
  opt::Schema result{{"s", DataType::Varchar()}, {"c", DataType::Bigint()}, {"sum", DataType::Decimal(38, 2)},
                     {"avg", DataType::Double()}, {"min", DataType::Integer()}, {"sd", DataType::Double()}};
  opt::Schema partial{{"s", DataType::Varchar()}, {"c", DataType::Bigint()}, {"sum", DataType::Decimal(38, 2)},
                      {"avg_sum", DataType::Decimal(38, 2)}, {"avg_count", DataType::Bigint()},
                      {"min", DataType::Integer()}, {"sd_n", DataType::Bigint()}, {"sd_sum", DataType::Double()},
                      {"sd_sq", DataType::Double()}};
  auto single = Run(Unary(spec(opt::AggPhase::kSingle), ScanT(), result));
  ASSERT_TRUE(single.ok()) << single.status().ToString();
  auto two = Run(Unary(spec(opt::AggPhase::kFinal), Unary(spec(opt::AggPhase::kPartial), ScanT(), partial), result));
  ASSERT_TRUE(two.ok()) << two.status().ToString();
  ASSERT_EQ(two->size(), 4u);
  // Equal up to the last digits of the doubles (stddev is computed along another path).
  auto prefix = [](const std::vector<std::string>& rows) {
    std::vector<std::string> out;
    for (const std::string& r : rows) out.push_back(r.substr(0, r.rfind('|') + 4));
    return out;
  };
  EXPECT_EQ(prefix(Sorted(*two)), prefix(Sorted(*single)));
}

TEST_F(OperatorsTest, GlobalAggregateOverNoRowsGivesOneRow) {
  PlanNode scan = ScanT();
  scan.As<opt::ScanSpec>().filter = PlanExpr::Literal(Value::Boolean(false));
  opt::AggregateSpec agg;
  agg.aggregates.push_back({opt::AggFunc::kCountStar, std::nullopt, false, DataType::Bigint()});
  agg.aggregates.push_back({opt::AggFunc::kSum, Col(1, kDec), false, DataType::Decimal(38, 2)});
  auto rows = Run(Unary(agg, std::move(scan), {{"c", DataType::Bigint()}, {"s", DataType::Decimal(38, 2)}}));
  ASSERT_TRUE(rows.ok()) << rows.status().ToString();
  EXPECT_EQ(*rows, (std::vector<std::string>{"0|NULL"}));
}

// Many workers start one pipeline at once: the executor must serialize their MakeLocal calls,
// because sinks set up the state they share in the first one (HashAggregateSink's global
// states: two first calls at once corrupted them — a crash in MergeTable, seen in multi-rank
// tests). A sink that lingers in MakeLocal and counts who else is inside makes any overlap
// certain to show.
class OverlapProbeSink : public Sink {
 public:
  std::string Name() const override { return "OverlapProbe"; }
  std::unique_ptr<LocalState> MakeLocal(ExecContext&) override {
    if (++inside_ > 1) overlapped_ = true;
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
    --inside_;
    ++made_;
    return std::make_unique<LocalState>();
  }
  Status Consume(ExecContext&, LocalState&, Chunk&) override { return Status::OK(); }
  Status Combine(ExecContext&, LocalState&) override { return Status::OK(); }
  Status Finalize(ExecContext&) override { return Status::OK(); }
  std::atomic<int> inside_{0};
  std::atomic<int> made_{0};
  std::atomic<bool> overlapped_{false};
};

class NoOrdersSource : public Source {
 public:
  std::string Name() const override { return "NoOrders"; }
  size_t WorkOrders() const override { return 0; }
  Result<ProduceResult> Produce(ExecContext&, size_t, const ChunkConsumer&) override {
    return ProduceResult::kDone;
  }
};

// Runs a pipeline of no work orders into `sink` on `executor`: every worker makes its local
// state once.
Status RunEmptyPipeline(Executor& executor, Sink& sink) {
  NoOrdersSource source;
  Pipeline p;
  p.source = &source;
  p.sink = &sink;
  MemoryTracker memory(0);
  ExecContext ctx;
  ctx.memory = &memory;
  return executor.Run(ctx, {p});
}

TEST(ExecutorContract, MakeLocalCallsAreSerialized) {
  Executor wide(6);
  OverlapProbeSink sink;
  ASSERT_TRUE(RunEmptyPipeline(wide, sink).ok());
  EXPECT_EQ(sink.made_.load(), 6);  // one per worker
  EXPECT_FALSE(sink.overlapped_.load()) << "two workers were inside MakeLocal at once";
}

// Workers run as SCHED_BATCH (exec/executor.cpp: a waking worker must not preempt the network
// thread); the thread that calls Run keeps its own policy.
class PolicyProbeSink : public Sink {
 public:
  std::string Name() const override { return "PolicyProbe"; }
  std::unique_ptr<LocalState> MakeLocal(ExecContext&) override {
    std::lock_guard lock(mu_);
    policies_.push_back(sched_getscheduler(0));
    return std::make_unique<LocalState>();
  }
  Status Consume(ExecContext&, LocalState&, Chunk&) override { return Status::OK(); }
  Status Combine(ExecContext&, LocalState&) override { return Status::OK(); }
  Status Finalize(ExecContext&) override { return Status::OK(); }
  std::mutex mu_;
  std::vector<int> policies_;
};

TEST(ExecutorContract, WorkersRunAsBatchThreads) {
  Executor three(3);
  PolicyProbeSink sink;
  ASSERT_TRUE(RunEmptyPipeline(three, sink).ok());
  ASSERT_EQ(sink.policies_.size(), 3u);
  for (int policy : sink.policies_) EXPECT_EQ(policy, SCHED_BATCH);
  EXPECT_EQ(sched_getscheduler(0), SCHED_OTHER);
}

PlanNode Join(opt::JoinType type, PlanNode left, PlanNode right, opt::Schema schema, bool null_aware = false,
              opt::BuildSide build = opt::BuildSide::kRight) {
  PlanNode n;
  opt::JoinSpec j;
  j.type = type;
  j.left_keys.push_back(Col(0, DataType::Integer()));
  j.right_keys.push_back(Col(0, DataType::Integer()));
  j.null_aware = null_aware;
  j.build = build;
  n.payload = j;
  n.schema = std::move(schema);
  n.children.push_back(std::move(left));
  n.children.push_back(std::move(right));
  return n;
}

opt::Schema TU() {
  return {{"k", DataType::Integer()}, {"v", kDec}, {"s", DataType::Varchar()}, {"k2", DataType::Integer()},
          {"w", DataType::Varchar()}};
}

TEST_F(OperatorsTest, InnerAndOuterJoins) {
  auto inner = Run(Join(opt::JoinType::kInner, ScanT(), ScanU(), TU()));
  ASSERT_TRUE(inner.ok()) << inner.status().ToString();
  EXPECT_EQ(Sorted(*inner), (std::vector<std::string>{"2|2.25|b|2|x", "2|2.25|b|2|y", "5|5.10|b|5|z"}));
  // Same answer when the left side is built.
  auto inner_left = Run(Join(opt::JoinType::kInner, ScanT(), ScanU(), TU(), false, opt::BuildSide::kLeft));
  ASSERT_TRUE(inner_left.ok()) << inner_left.status().ToString();
  EXPECT_EQ(Sorted(*inner_left), Sorted(*inner));
  auto right = Run(Join(opt::JoinType::kRight, ScanT(), ScanU(), TU()));
  ASSERT_TRUE(right.ok()) << right.status().ToString();
  EXPECT_EQ(Sorted(*right), (std::vector<std::string>{"2|2.25|b|2|x", "2|2.25|b|2|y", "5|5.10|b|5|z",
                                                      "NULL|NULL|NULL|11|q", "NULL|NULL|NULL|NULL|n"}));
  auto left = Run(Join(opt::JoinType::kLeft, ScanT(), ScanU(), TU()));
  ASSERT_TRUE(left.ok());
  EXPECT_EQ(left->size(), 11u);  // 8 unmatched t rows + 3 pairs
  auto full = Run(Join(opt::JoinType::kFull, ScanT(), ScanU(), TU(), false, opt::BuildSide::kLeft));
  ASSERT_TRUE(full.ok()) << full.status().ToString();
  EXPECT_EQ(full->size(), 13u);
}

TEST_F(OperatorsTest, JoinOnSparseAndCompositeIntegerKeys) {
  opt::Schema two{{"k", DataType::Integer()}, {"j", DataType::Integer()}};
  auto scan_sp = [&] { return Scan("sp", {0, 1}, two); };
  opt::Schema four = two;
  four.push_back({"k2", DataType::Integer()});
  four.push_back({"j2", DataType::Integer()});
  auto one = Run(Join(opt::JoinType::kInner, scan_sp(), scan_sp(), four));
  ASSERT_TRUE(one.ok()) << one.status().ToString();
  EXPECT_EQ(Sorted(*one), (std::vector<std::string>{"-5|9|-5|9", "1|7|1|7", "2000000000|3|2000000000|3",
                                                    "2000000000|3|2000000000|8", "2000000000|8|2000000000|3",
                                                    "2000000000|8|2000000000|8"}));
  PlanNode both = Join(opt::JoinType::kInner, scan_sp(), scan_sp(), four);
  auto& spec = both.As<opt::JoinSpec>();
  spec.left_keys.push_back(Col(1, DataType::Integer()));
  spec.right_keys.push_back(Col(1, DataType::Integer()));
  auto composite = Run(std::move(both));
  ASSERT_TRUE(composite.ok()) << composite.status().ToString();
  EXPECT_EQ(Sorted(*composite), (std::vector<std::string>{"-5|9|-5|9", "1|7|1|7", "2000000000|3|2000000000|3",
                                                          "2000000000|8|2000000000|8"}));
}

TEST_F(OperatorsTest, ScalarSubqueryJoinRejectsSecondMatch) {
  PlanNode j = Join(opt::JoinType::kLeft, ScanT(), ScanU(), TU());
  j.As<opt::JoinSpec>().at_most_one_match = true;
  auto rows = Run(std::move(j));  // u has key 2 twice
  ASSERT_FALSE(rows.ok());
  EXPECT_NE(rows.status().message().find("more than one row"), std::string::npos);
  PlanNode ok = Join(opt::JoinType::kLeft, ScanT(), ScanU(), TU());
  ok.As<opt::JoinSpec>().at_most_one_match = true;
  ok.As<opt::JoinSpec>().residual =
      PlanExpr::Compare(opt::ScalarOp::kEq, Col(4, DataType::Varchar()), PlanExpr::Literal(Value::String("x")));
  auto one = Run(std::move(ok));  // the residual leaves one match per key
  ASSERT_TRUE(one.ok()) << one.status().ToString();
  EXPECT_EQ(one->size(), 10u);
}

// A projection right above a join tells the join which of its output columns are read
// (exec/plan_builder.cpp): the others are not gathered. The residual still sees every column
// (here u.w, which the projection drops), and so do the unmatched rows of an outer join.
TEST_F(OperatorsTest, JoinUnderProjectionGathersWhatIsReadAndFiltersOnTheRest) {
  auto project = [](PlanNode join, std::vector<int> columns) {
    opt::ProjectSpec spec;
    opt::Schema schema;
    for (int c : columns) {
      spec.exprs.push_back(Col(c, join.schema[static_cast<size_t>(c)].type));
      schema.push_back(join.schema[static_cast<size_t>(c)]);
    }
    return Unary(spec, std::move(join), schema);
  };
  PlanNode inner = Join(opt::JoinType::kInner, ScanT(), ScanU(), TU());
  inner.As<opt::JoinSpec>().residual = PlanExpr::Compare(
      opt::ScalarOp::kNe, Col(4, DataType::Varchar()), PlanExpr::Literal(Value::String("y")));
  auto rows = Run(project(std::move(inner), {2, 3}));  // t.s, u.k
  ASSERT_TRUE(rows.ok()) << rows.status().ToString();
  EXPECT_EQ(Sorted(*rows), (std::vector<std::string>{"b|2", "b|5"}));
  auto full = Run(project(Join(opt::JoinType::kFull, ScanT(), ScanU(), TU()), {0, 4}));  // t.k, u.w
  ASSERT_TRUE(full.ok()) << full.status().ToString();
  EXPECT_EQ(Sorted(*full),
            Sorted({"1|NULL", "2|x", "2|y", "3|NULL", "4|NULL", "5|z", "6|NULL", "7|NULL", "8|NULL",
                    "9|NULL", "10|NULL", "NULL|q", "NULL|n"}));
}

// A build side of 60 k BIGINT keys spread over 2^40 gets a hashed index beyond 1 MiB, which the
// probe reads with each row's slot computed first and prefetched 16 rows ahead
// (exec/ops/hash_join.cpp). 150 k probe rows, a third of them matching (some keys twice on
// the build side), across many chunks: match count and sums against a std::map.
TEST_F(OperatorsTest, LargeHashedJoinIndexMatchesReference) {
  storage::TableDef build{"hb", {{"k", DataType::Bigint()}, {"b", DataType::Integer()}}, {}, {}};
  storage::TableDef probe{"hp", {{"k", DataType::Bigint()}, {"p", DataType::Integer()}}, {}, {}};
  ASSERT_TRUE(store_->CreateTable(build).ok());
  ASSERT_TRUE(store_->CreateTable(probe).ok());
  std::vector<int64_t> keys;
  std::multimap<int64_t, int> build_rows;
  std::string bcsv, pcsv;
  uint64_t x = 7;
  for (int i = 0; i < 60000; ++i) {
    x = x * 6364136223846793005ULL + 1442695040888963407ULL;
    const int64_t k = static_cast<int64_t>(x >> 24) - (int64_t{1} << 39);
    keys.push_back(k);
    const int copies = i % 10 == 0 ? 2 : 1;
    for (int c = 0; c < copies; ++c) {
      bcsv += std::to_string(k) + "," + std::to_string(i + c) + "\n";
      build_rows.emplace(k, i + c);
    }
  }
  int64_t want_rows = 0, want_sum = 0;
  for (int i = 0; i < 150000; ++i) {
    x = x * 6364136223846793005ULL + 1442695040888963407ULL;
    const int64_t k = i % 3 == 0 ? keys[(x >> 20) % keys.size()] : static_cast<int64_t>(x >> 1);
    pcsv += std::to_string(k) + "," + std::to_string(i % 1000) + "\n";
    auto [lo, hi] = build_rows.equal_range(k);
    for (auto it = lo; it != hi; ++it) {
      ++want_rows;
      want_sum += it->second + i % 1000;
    }
  }
  Write("hb.csv", bcsv);
  Write("hp.csv", pcsv);
  ASSERT_TRUE(store_->Copy("hb", dir_ + "/hb.csv", storage::CopyOptions{}).ok());
  ASSERT_TRUE(store_->Copy("hp", dir_ + "/hp.csv", storage::CopyOptions{}).ok());
  const opt::Schema ps{{"k", DataType::Bigint()}, {"p", DataType::Integer()}};
  const opt::Schema bs{{"k", DataType::Bigint()}, {"b", DataType::Integer()}};
  PlanNode join;
  opt::JoinSpec j;
  j.type = opt::JoinType::kInner;
  j.left_keys.push_back(Col(0, DataType::Bigint()));
  j.right_keys.push_back(Col(0, DataType::Bigint()));
  j.build = opt::BuildSide::kRight;
  join.payload = j;
  join.schema = {ps[0], ps[1], bs[0], bs[1]};
  join.children.push_back(Scan("hp", {0, 1}, ps));
  join.children.push_back(Scan("hb", {0, 1}, bs));
  opt::AggregateSpec agg;
  agg.aggregates.push_back({opt::AggFunc::kCountStar, std::nullopt, false, DataType::Bigint()});
  agg.aggregates.push_back({opt::AggFunc::kSum, Col(1, DataType::Integer()), false, DataType::Bigint()});
  agg.aggregates.push_back({opt::AggFunc::kSum, Col(3, DataType::Integer()), false, DataType::Bigint()});
  auto rows = Run(Unary(agg, std::move(join),
                        {{"n", DataType::Bigint()}, {"sp", DataType::Bigint()}, {"sb", DataType::Bigint()}}));
  ASSERT_TRUE(rows.ok()) << rows.status().ToString();
  ASSERT_EQ(rows->size(), 1u);
  // Compare count and the two sums together (sp + sb = want_sum).
  int64_t n = 0, sp = 0, sb = 0;
  ASSERT_EQ(std::sscanf((*rows)[0].c_str(), "%ld|%ld|%ld", &n, &sp, &sb), 3) << (*rows)[0];
  EXPECT_EQ(n, want_rows);
  EXPECT_EQ(sp + sb, want_sum);
  EXPECT_GT(want_rows, 50000);
}

// A join's memory includes its index: two build keys 1 and 1,000,000 make a direct-addressed
// index of 1 M slots (4 MiB) for a build side of a few bytes; a 2 MiB limit must stop it.
TEST_F(OperatorsTest, JoinIndexCountsAgainstTheMemoryLimit) {
  storage::TableDef wide{"wide", {{"k", DataType::Integer()}}, {}, {}};
  ASSERT_TRUE(store_->CreateTable(wide).ok());
  Write("wide.csv", "1\n1000000\n");
  ASSERT_TRUE(store_->Copy("wide", dir_ + "/wide.csv", storage::CopyOptions{}).ok());
  auto join = [] {
    return Join(opt::JoinType::kInner, ScanT(), Scan("wide", {0}, {{"k", DataType::Integer()}}),
                {{"k", DataType::Integer()}, {"v", kDec}, {"s", DataType::Varchar()}, {"k2", DataType::Integer()}});
  };
  auto unlimited = Run(join());
  ASSERT_TRUE(unlimited.ok()) << unlimited.status().ToString();
  EXPECT_EQ(*unlimited, (std::vector<std::string>{"1|1.50|a|1"}));
  auto limited = Run(join(), 2 << 20);
  ASSERT_FALSE(limited.ok());
  EXPECT_NE(limited.status().message().find("memory limit"), std::string::npos) << limited.status().ToString();
}

// A many-to-many join: every row of m has the same key, so each probe row matches every
// build row. The join emits chunks of at most kChunkRows (not one chunk of input rows x
// matches), and a cancellation stops it between them.
TEST_F(OperatorsTest, ManyToManyJoinEmitsBoundedChunksAndStopsWhenCancelled) {
  for (int rows : {300, 4000}) {
    const std::string name = "m" + std::to_string(rows);
    storage::TableDef m{name, {{"k", DataType::Integer()}}, {}, {}};
    ASSERT_TRUE(store_->CreateTable(m).ok());
    std::string text;
    for (int i = 0; i < rows; ++i) text += "1\n";
    Write(name + ".csv", text);
    ASSERT_TRUE(store_->Copy(name, dir_ + "/" + name + ".csv", storage::CopyOptions{}).ok());
  }
  opt::Schema one{{"k", DataType::Integer()}};
  opt::Schema two{{"k", DataType::Integer()}, {"k2", DataType::Integer()}};
  auto run = [&](int rows, std::function<bool()> cancelled, size_t* total, size_t* largest) {
    const std::string name = "m" + std::to_string(rows);
    opt::PhysicalPlan plan;
    plan.root = Join(opt::JoinType::kInner, Scan(name, {0}, one), Scan(name, {0}, one), two);
    opt::AssignNodeIds(&plan.root);
    auto exec = BuildExecPlan(plan, {});
    if (!exec.ok()) return exec.status();
    MemoryTracker memory(0);
    ExecContext ctx;
    ctx.memory = &memory;
    ctx.store = store_.get();
    ctx.cancelled_fn = std::move(cancelled);
    Status st = executor_.Run(ctx, (*exec)->pipelines);
    *total = 0;
    *largest = 0;
    for (const Chunk& c : (*exec)->result->chunks()) {
      *total += c.size;
      *largest = std::max(*largest, c.size);
    }
    return st;
  };
  size_t total = 0, largest = 0;
  ASSERT_TRUE(run(300, nullptr, &total, &largest).ok());
  EXPECT_EQ(total, 300u * 300u);
  EXPECT_LE(largest, kChunkRows);
  // 16 million pairs; cancelled once the executor has looked at the flag 50 times (it does
  // per chunk and per operator): before the fix the join built them in two chunks and never
  // looked while doing so.
  std::atomic<int> checks{0};
  Status st = run(4000, [&] { return ++checks > 50; }, &total, &largest);
  EXPECT_EQ(st.code(), StatusCode::kCancelled) << st.ToString();
  EXPECT_LT(total, 4000u * 4000u);
}

TEST_F(OperatorsTest, SemiAntiAndNullAwareMark) {
  opt::Schema ts{{"k", DataType::Integer()}, {"v", kDec}, {"s", DataType::Varchar()}};
  auto semi = Run(Join(opt::JoinType::kSemi, ScanT(), ScanU(), ts));
  ASSERT_TRUE(semi.ok());
  EXPECT_EQ(Sorted(*semi), (std::vector<std::string>{"2|2.25|b", "5|5.10|b"}));
  auto anti = Run(Join(opt::JoinType::kAnti, ScanT(), ScanU(), ts));
  ASSERT_TRUE(anti.ok());
  EXPECT_EQ(anti->size(), 8u);
  // NOT IN over a subquery with a NULL: no row qualifies.
  auto not_in = Run(Join(opt::JoinType::kAnti, ScanT(), ScanU(), ts, true));
  ASSERT_TRUE(not_in.ok());
  EXPECT_TRUE(not_in->empty());
  opt::Schema ms = ts;
  ms.push_back({"mark", DataType::Boolean()});
  auto mark = Run(Join(opt::JoinType::kMark, ScanT(), ScanU(), ms, true));
  ASSERT_TRUE(mark.ok());
  auto sorted = Sorted(*mark);
  EXPECT_EQ(sorted[0], "10|10.01|a|NULL");  // no match, but u has a NULL key
  EXPECT_EQ(sorted[2], "2|2.25|b|true");
}

TEST_F(OperatorsTest, SortTopNLimit) {
  opt::SortSpec sort;
  sort.keys.push_back({Col(1, kDec), true, false});  // v DESC NULLS LAST
  auto sorted = Run(Unary(sort, ScanT(), {{"k", DataType::Integer()}, {"v", kDec}, {"s", DataType::Varchar()}}));
  ASSERT_TRUE(sorted.ok());
  ASSERT_EQ(sorted->size(), 10u);
  EXPECT_EQ((*sorted)[0], "10|10.01|a");
  EXPECT_EQ((*sorted)[7], "1|1.50|a");
  // The two NULLs tie (their order is unspecified) and come last.
  EXPECT_NE((*sorted)[8].find("|NULL|"), std::string::npos);
  EXPECT_NE((*sorted)[9].find("|NULL|"), std::string::npos);
  opt::TopNSpec top;
  top.keys.push_back({Col(2, DataType::Varchar()), false, true});  // s NULLS FIRST
  top.keys.push_back({Col(0, DataType::Integer()), true, false});
  top.limit = 3;
  top.offset = 1;
  auto tn = Run(Unary(top, ScanT(), {{"k", DataType::Integer()}, {"v", kDec}, {"s", DataType::Varchar()}}));
  ASSERT_TRUE(tn.ok());
  EXPECT_EQ(*tn, (std::vector<std::string>{"10|10.01|a", "6|6.00|a", "3|NULL|a"}));
  opt::LimitSpec lim;
  lim.limit = 2;
  auto l = Run(Unary(lim, Unary(sort, ScanT(), {{"k", DataType::Integer()}, {"v", kDec}, {"s", DataType::Varchar()}}),
                     {{"k", DataType::Integer()}, {"v", kDec}, {"s", DataType::Varchar()}}));
  ASSERT_TRUE(l.ok());
  EXPECT_EQ(*l, (std::vector<std::string>{"10|10.01|a", "8|8.00|b"}));
}

TEST_F(OperatorsTest, SetOperations) {
  auto keys = [](PlanNode scan) {
    opt::ProjectSpec p;
    p.exprs.push_back(Col(0, DataType::Integer()));
    return Unary(p, std::move(scan), {{"k", DataType::Integer()}});
  };
  auto setop = [&](opt::SetOpKind kind, bool all) {
    PlanNode n;
    n.payload = opt::SetOpSpec{kind, all};
    n.schema = {{"k", DataType::Integer()}};
    n.children.push_back(keys(ScanU()));
    n.children.push_back(keys(ScanT()));
    return n;
  };
  auto u = Run(setop(opt::SetOpKind::kUnion, false));
  ASSERT_TRUE(u.ok());
  EXPECT_EQ(u->size(), 12u);  // 1..10, 11, NULL
  auto ua = Run(setop(opt::SetOpKind::kUnion, true));
  ASSERT_TRUE(ua.ok());
  EXPECT_EQ(ua->size(), 15u);
  auto i = Run(setop(opt::SetOpKind::kIntersect, false));
  ASSERT_TRUE(i.ok());
  EXPECT_EQ(Sorted(*i), (std::vector<std::string>{"2", "5"}));
  auto e = Run(setop(opt::SetOpKind::kExcept, true));
  ASSERT_TRUE(e.ok());
  EXPECT_EQ(Sorted(*e), (std::vector<std::string>{"11", "2", "NULL"}));
}

TEST_F(OperatorsTest, WindowRowNumberRankRunningSum) {
  opt::WindowSpec w;
  w.partition_keys.push_back(Col(2, DataType::Varchar()));
  w.order_keys.push_back({Col(0, DataType::Integer()), false, false});
  w.functions.push_back({opt::WindowFunc::kRowNumber, std::nullopt, DataType::Bigint()});
  w.functions.push_back({opt::WindowFunc::kSum, Col(1, kDec), DataType::Decimal(38, 2)});
  opt::Schema s{{"k", DataType::Integer()}, {"v", kDec}, {"s", DataType::Varchar()}, {"rn", DataType::Bigint()},
                {"run", DataType::Decimal(38, 2)}};
  auto rows = Run(Unary(w, ScanT(), s));
  ASSERT_TRUE(rows.ok()) << rows.status().ToString();
  auto sorted = Sorted(*rows);
  EXPECT_NE(std::find(sorted.begin(), sorted.end(), "10|10.01|a|4|17.51"), sorted.end());
  EXPECT_NE(std::find(sorted.begin(), sorted.end(), "3|NULL|a|2|1.50"), sorted.end());
}

TEST_F(OperatorsTest, MemoryLimitStopsQueryNamingOperator) {
  opt::SortSpec sort;
  sort.keys.push_back({Col(0, DataType::Integer()), false, false});
  auto rows = Run(Unary(sort, ScanT(), {{"k", DataType::Integer()}, {"v", kDec}, {"s", DataType::Varchar()}}), 64);
  ASSERT_FALSE(rows.ok());
  EXPECT_EQ(rows.status().code(), StatusCode::kOutOfMemory);
  EXPECT_NE(rows.status().message().find("Sort"), std::string::npos) << rows.status().ToString();
  // The engine stays usable.
  auto again = Run(ScanU());
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->size(), 5u);
}

}  // namespace
}  // namespace ibex::exec
