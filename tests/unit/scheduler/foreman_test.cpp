// The foreman's hand-out policy (scheduler/foreman.h) on SSB Q1.1 with 2 executors: lineorder
// (hash-partitioned, joined with the replicated dates table: row-local, so stealable) and dates
// (REPLICATED: each executor reads its own full copy, never stolen).
#include "scheduler/foreman.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <set>

#include "optimizer/distribution.h"
#include "optimizer/physical_plan.h"
#include "scheduler/query_layout.h"
#include "tests/unit/optimizer/optimizer_test_util.h"

namespace ibex::scheduler {
namespace {

namespace opt = ibex::optimizer;

constexpr int kExecutors = 2;
constexpr size_t kLineorderBlocks = 40;  // per partition
constexpr size_t kDatesBlocks = 3;       // per copy

struct Q11Plan {
  storage::Catalog catalog;
  opt::FragmentedPlan plan;
  int fragment = -1;
  int lineorder = -1;  // scan node ids in that fragment
  int dates = -1;
};

Q11Plan Q11() {
  Q11Plan s{opt::test::PartitionedSsb(), {}};
  for (auto [table, blocks] : {std::pair{"lineorder", kLineorderBlocks}, {"dates", kDatesBlocks}}) {
    storage::Table* t = s.catalog.FindMutableTable(table);
    t->partitions.assign(kExecutors, storage::PartitionInfo{});
    for (auto& p : t->partitions) p.blocks.resize(blocks);
  }
  auto plan = opt::test::Plan(opt::test::Query("ssb/q1.1.sql"), s.catalog);
  EXPECT_TRUE(plan.ok()) << plan.status().ToString();
  EXPECT_TRUE(opt::Distribute(&*plan, s.catalog, kExecutors).ok());
  auto cut = opt::CutFragments(*plan, s.catalog, kExecutors);
  EXPECT_TRUE(cut.ok()) << cut.status().ToString();
  s.plan = *cut;
  for (const opt::Fragment& f : s.plan.fragments) {
    opt::ForEachNode(f.root, [&](const opt::PlanNode& n) {
      if (n.kind() != opt::NodeKind::kScan) return;
      const std::string& table = n.As<opt::ScanSpec>().table;
      if (table == "lineorder") s.lineorder = n.id, s.fragment = f.id;
      if (table == "dates") s.dates = n.id;
    });
  }
  EXPECT_GE(s.fragment, 0);
  return s;
}

TEST(Foreman, ReplicatedScanIsHandedOutWholeInOneBatch) {
  Q11Plan s = Q11();
  Foreman foreman(s.plan, LayOut(s.plan, kExecutors), s.catalog, /*allow_stealing=*/true);
  for (int rank = 1; rank <= kExecutors; ++rank) {
    Foreman::Batch b = foreman.Next(rank, s.fragment, s.dates, /*want=*/2);
    EXPECT_EQ(b.orders.size(), kDatesBlocks) << "rank " << rank;
    EXPECT_TRUE(b.last);
    // Its own copy: partition rank-1's blocks in catalog block numbering.
    for (uint64_t o : b.orders) EXPECT_EQ(o / kDatesBlocks, static_cast<uint64_t>(rank - 1));
  }
}

TEST(Foreman, StealableScanBatchesShrinkAndTheIdleExecutorTakesOverTheTail) {
  Q11Plan s = Q11();
  Foreman foreman(s.plan, LayOut(s.plan, kExecutors), s.catalog, /*allow_stealing=*/true);
  // Rank 1 drains its partition alone: guided shares, never below `want`, non-increasing.
  std::vector<size_t> sizes;
  std::set<uint64_t> seen;
  size_t own = 0;
  while (own < kLineorderBlocks) {
    Foreman::Batch b = foreman.Next(1, s.fragment, s.lineorder, 2);
    ASSERT_FALSE(b.orders.empty());
    for (uint64_t o : b.orders) {
      EXPECT_TRUE(seen.insert(o).second) << "block " << o << " handed out twice";
      own += o < kLineorderBlocks;
    }
    sizes.push_back(b.orders.size());
  }
  EXPECT_EQ(sizes.front(), kLineorderBlocks / (2 * kExecutors));  // 10 of 40: few round trips
  EXPECT_LT(sizes.size(), kLineorderBlocks / 2);                   // fewer than 20 batches of 2
  EXPECT_TRUE(std::is_sorted(sizes.rbegin(), sizes.rend())) << "batches grew";
  // Never fewer than `want` while that many are left (the last batch takes what remains).
  EXPECT_GE(*std::min_element(sizes.begin(), sizes.end() - 1), 2u);
  // Then rank 1 takes over rank 2's unstarted blocks, `want` at a time, from the end.
  Foreman::Batch stolen = foreman.Next(1, s.fragment, s.lineorder, 2);
  ASSERT_EQ(stolen.orders.size(), 2u);
  EXPECT_EQ(stolen.orders[0], 2 * kLineorderBlocks - 1);
  EXPECT_FALSE(stolen.last);
  for (uint64_t o : stolen.orders) EXPECT_TRUE(seen.insert(o).second) << "block " << o << " twice";
  // Rank 2 still gets its own blocks first, then nothing is left for anybody.
  size_t rank2 = 0;
  for (;;) {
    Foreman::Batch b = foreman.Next(2, s.fragment, s.lineorder, 2);
    for (uint64_t o : b.orders) EXPECT_TRUE(seen.insert(o).second) << "block " << o << " twice";
    rank2 += b.orders.size();
    if (b.orders.empty()) {
      EXPECT_TRUE(b.last);
      break;
    }
  }
  EXPECT_EQ(rank2, kLineorderBlocks - 2);
  EXPECT_EQ(seen.size(), 2 * kLineorderBlocks);
  EXPECT_EQ(foreman.stolen(), 2);
}

TEST(Foreman, WithoutStealingEachExecutorGetsItsPartitionInOneBatch) {
  Q11Plan s = Q11();
  Foreman foreman(s.plan, LayOut(s.plan, kExecutors), s.catalog, /*allow_stealing=*/false);
  Foreman::Batch b = foreman.Next(2, s.fragment, s.lineorder, 2);
  EXPECT_EQ(b.orders.size(), kLineorderBlocks);
  EXPECT_TRUE(b.last);
  EXPECT_EQ(b.orders.front(), kLineorderBlocks);  // partition 1 starts after partition 0
}

// With every dimension REPLICATED, each SSB query's lineorder rows may be processed by any
// executor, whichever side of each join they end up on (Q4.3 at SF 1 builds its hash table from
// the filtered lineorder stream and probes it with all of customer).
TEST(Foreman, SsbLineorderScansAreRowLocal) {
  const storage::Catalog& catalog = opt::test::PartitionedSsb();
  for (const char* q : {"q1.1", "q1.2", "q1.3", "q2.1", "q2.2", "q2.3", "q3.1", "q3.2", "q3.3",
                        "q3.4", "q4.1", "q4.2", "q4.3"}) {
    auto plan = opt::test::Plan(opt::test::Query(std::string("ssb/") + q + ".sql"), catalog);
    ASSERT_TRUE(plan.ok()) << q << ": " << plan.status().ToString();
    ASSERT_TRUE(opt::Distribute(&*plan, catalog, kExecutors).ok());
    auto cut = opt::CutFragments(*plan, catalog, kExecutors);
    ASSERT_TRUE(cut.ok()) << q << ": " << cut.status().ToString();
    int scans = 0;
    for (const opt::Fragment& f : cut->fragments) {
      opt::ForEachNode(f.root, [&](const opt::PlanNode& n) {
        if (n.kind() != opt::NodeKind::kScan || n.As<opt::ScanSpec>().table != "lineorder") return;
        ++scans;
        EXPECT_TRUE(ScanIsRowLocal(f, n.id, catalog)) << q << "\n" << opt::ExplainFragments(*cut);
      });
    }
    EXPECT_EQ(scans, 1) << q;
  }
}

}  // namespace
}  // namespace ibex::scheduler
