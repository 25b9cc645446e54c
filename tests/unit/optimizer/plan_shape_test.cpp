// Plan shapes of distributed queries (issue 7, item 7), through the fragments EXPLAIN prints
// (optimizer/fragment.h), so that a plan that gathers everything to one place cannot pass:
// SSB with REPLICATED dimensions never shuffles lineorder; TPC-H Q1 aggregates in two phases
// with only partial states crossing the network; a join of two tables hash-partitioned on the
// join key has no exchange below it; every SSB and TPC-H query cuts into fragments whose
// places are consistent on 2-4 executors.
#include <gtest/gtest.h>

#include <algorithm>

#include "optimizer/distribution.h"
#include "optimizer/fragment.h"
#include "tests/unit/optimizer/optimizer_test_util.h"

namespace ibex::optimizer {
namespace {

using test::ForEachNode;
using test::Query;

FragmentedPlan Fragmented(const std::string& sql, const storage::Catalog& catalog, int executors) {
  auto plan = test::Plan(sql, catalog);
  EXPECT_TRUE(plan.ok()) << plan.status().ToString();
  if (!plan.ok()) return {};
  EXPECT_TRUE(Distribute(&*plan, catalog, executors).ok());
  auto fragments = CutFragments(*plan, catalog, executors);
  EXPECT_TRUE(fragments.ok()) << fragments.status().ToString() << "\n" << ExplainText(*plan);
  return fragments.ok() ? std::move(fragments).value() : FragmentedPlan{};
}

bool Scans(const PlanNode& root, const std::string& table) {
  bool found = false;
  ForEachNode(root, [&](const PlanNode& n) {
    found = found || (n.kind() == NodeKind::kScan && n.As<ScanSpec>().table == table);
  });
  return found;
}

int CountKind(const PlanNode& root, NodeKind kind) {
  int n = 0;
  ForEachNode(root, [&](const PlanNode& x) { n += x.kind() == kind; });
  return n;
}

std::vector<std::string> QueryNames(const std::string& bench, int count,
                                    const std::vector<std::string>& ssb_names = {}) {
  std::vector<std::string> out;
  if (bench == "ssb") {
    for (const auto& n : ssb_names) out.push_back("ssb/" + n + ".sql");
  } else {
    for (int i = 1; i <= count; ++i) {
      out.push_back(std::string("tpch/q") + (i < 10 ? "0" : "") + std::to_string(i) + ".sql");
    }
  }
  return out;
}

const std::vector<std::string> kSsb = {"q1.1", "q1.2", "q1.3", "q2.1", "q2.2", "q2.3", "q3.1",
                                       "q3.2", "q3.3", "q3.4", "q4.1", "q4.2", "q4.3"};

TEST(PlanShape, SsbWithReplicatedDimensionsNeverShufflesLineorder) {
  for (int executors : {2, 3, 4}) {
    for (const std::string& q : QueryNames("ssb", 0, kSsb)) {
      FragmentedPlan p = Fragmented(Query(q), test::PartitionedSsb(), executors);
      ASSERT_FALSE(p.fragments.empty()) << q;
      int lineorder_fragments = 0;
      for (const Fragment& f : p.fragments) {
        if (!Scans(f.root, "lineorder")) continue;
        ++lineorder_fragments;
        EXPECT_EQ(f.place, FragmentPlace::kExecutors) << q;
        // lineorder's rows never leave: what leaves is partial aggregation states (shuffled by
        // group key or gathered) or the gathered result.
        const PlanNode* top = &f.root;
        while (top->kind() == NodeKind::kProject) top = &top->children[0];
        const bool partial_states = top->kind() == NodeKind::kHashAggregate &&
                                    top->As<AggregateSpec>().phase == AggPhase::kPartial;
        EXPECT_TRUE(partial_states || f.output.kind == ExchangeKind::kGather)
            << q << "\n" << ExplainFragments(p);
        // The dimensions are joined in place: no exchange inside the scanning fragment.
        EXPECT_TRUE(f.inputs.empty()) << q << "\n" << ExplainFragments(p);
      }
      EXPECT_EQ(lineorder_fragments, 1) << q;
    }
  }
}

TEST(PlanShape, TpchQ1AggregatesInTwoPhases) {
  FragmentedPlan p = Fragmented(Query("tpch/q01.sql"), test::PartitionedTpch(), 3);
  const Fragment* scan = nullptr;
  for (const Fragment& f : p.fragments) {
    if (Scans(f.root, "lineitem")) scan = &f;
  }
  ASSERT_NE(scan, nullptr);
  // Only partial states leave the scanning fragment: its root is the partial aggregate.
  const PlanNode* top = &scan->root;
  while (top->kind() == NodeKind::kProject) top = &top->children[0];
  ASSERT_EQ(top->kind(), NodeKind::kHashAggregate) << ExplainFragments(p);
  EXPECT_EQ(top->As<AggregateSpec>().phase, AggPhase::kPartial);
  // And the consumer finalizes them.
  const Fragment& consumer = p.fragments[static_cast<size_t>(scan->consumer)];
  bool final_agg = false;
  ForEachNode(consumer.root, [&](const PlanNode& n) {
    final_agg = final_agg || (n.kind() == NodeKind::kHashAggregate &&
                              n.As<AggregateSpec>().phase == AggPhase::kFinal);
  });
  EXPECT_TRUE(final_agg) << ExplainFragments(p);
  EXPECT_NE(ExplainFragments(p).find("HashAggregate[partial]"), std::string::npos);
}

TEST(PlanShape, CoPartitionedJoinHasNoExchangeBelowIt) {
  FragmentedPlan p = Fragmented(
      "select o_orderpriority, count(*) from orders, lineitem where o_orderkey = l_orderkey "
      "group by o_orderpriority",
      test::PartitionedTpch(), 3);
  bool together = false;
  for (const Fragment& f : p.fragments) {
    if (Scans(f.root, "orders") && Scans(f.root, "lineitem")) {
      together = true;
      EXPECT_EQ(CountKind(f.root, NodeKind::kHashJoin), 1);
      EXPECT_TRUE(f.inputs.empty()) << ExplainFragments(p);  // no exchange below the join
    }
  }
  EXPECT_TRUE(together) << ExplainFragments(p);
}

TEST(PlanShape, RoundRobinJoinShufflesBothSidesOrBroadcasts) {
  // Without partitioning the same join needs an exchange: the test above is not vacuous.
  FragmentedPlan p = Fragmented(
      "select o_orderpriority, count(*) from orders, lineitem where o_orderkey = l_orderkey "
      "group by o_orderpriority",
      test::Tpch(), 3);
  for (const Fragment& f : p.fragments) {
    EXPECT_FALSE(Scans(f.root, "orders") && Scans(f.root, "lineitem") && f.inputs.empty())
        << ExplainFragments(p);
  }
}

TEST(PlanShape, ExplainNamesFragmentsExchangesAndKeys) {
  FragmentedPlan p = Fragmented("select l_partkey, count(*) from lineitem group by l_partkey",
                                test::PartitionedTpch(), 2);
  const std::string text = ExplainFragments(p);
  EXPECT_NE(text.find("Fragment 0 [coordinator] -> result"), std::string::npos) << text;
  EXPECT_NE(text.find("[executors] -> shuffle keys=[l_partkey] to F"), std::string::npos) << text;
  EXPECT_NE(text.find("-> gather"), std::string::npos) << text;
  EXPECT_NE(text.find("from=F"), std::string::npos) << text;
}

TEST(PlanShape, EveryBenchmarkQueryCutsIntoConsistentFragments) {
  std::vector<std::pair<std::string, const storage::Catalog*>> cases;
  for (const auto& q : QueryNames("ssb", 0, kSsb)) {
    cases.emplace_back(q, &test::PartitionedSsb());
    cases.emplace_back(q, &test::Ssb());
  }
  for (const auto& q : QueryNames("tpch", 22)) {
    cases.emplace_back(q, &test::PartitionedTpch());
    cases.emplace_back(q, &test::Tpch());
  }
  for (int executors : {1, 2, 4}) {
    for (const auto& [q, catalog] : cases) {
      FragmentedPlan p = Fragmented(Query(q), *catalog, executors);
      ASSERT_FALSE(p.fragments.empty()) << q;
      EXPECT_EQ(p.fragments[0].place, FragmentPlace::kCoordinator) << q;
      for (const Fragment& f : p.fragments) {
        if (f.place == FragmentPlace::kCoordinator) {
          EXPECT_FALSE(Scans(f.root, "lineitem") || Scans(f.root, "lineorder")) << q;
        }
        for (int in : f.inputs) {
          ASSERT_GT(in, f.id) << q;  // BottomUpOrder relies on it
          EXPECT_EQ(p.fragments[static_cast<size_t>(in)].consumer, f.id) << q;
        }
        if (f.id > 0 && f.output.kind == ExchangeKind::kGather) {
          EXPECT_EQ(p.fragments[static_cast<size_t>(f.consumer)].place, FragmentPlace::kCoordinator)
              << q;
        }
      }
    }
  }
}

// An ORDER BY's rows reach the coordinator through a gather that merges by the sort keys, on
// one executor as on several: an executor sends a Sort's output from all of its workers, so a
// plain gather may deliver it out of order (TPC-H Q16 on one executor did, now and then).
TEST(PlanShape, SortedResultsAreGatheredByMergingOnAnyNumberOfExecutors) {
  int ordered = 0;
  for (int executors : {1, 2, 3}) {
    for (const auto& q : QueryNames("tpch", 22)) {
      FragmentedPlan p = Fragmented(Query(q), test::PartitionedTpch(), executors);
      ASSERT_FALSE(p.fragments.empty()) << q;
      for (const Fragment& f : p.fragments) {
        if (f.id == 0 || f.output.kind != ExchangeKind::kGather || f.consumer != 0) continue;
        const PlanNode* top = &f.root;
        while (top->kind() == NodeKind::kProject) top = &top->children[0];
        if (top->kind() != NodeKind::kSort && top->kind() != NodeKind::kTopN) continue;
        ++ordered;
        EXPECT_FALSE(f.output.merge_keys.empty())
            << q << " on " << executors << " executor(s)\n" << ExplainFragments(p);
      }
    }
  }
  EXPECT_GT(ordered, 20);  // most TPC-H queries end in ORDER BY
}

}  // namespace
}  // namespace ibex::optimizer

namespace ibex::optimizer {
namespace {

TEST(PlanShape, Q13ShufflesOrdersWithoutTheFilterOnlyComment) {
  // customer LEFT JOIN orders on the customer's partitioning key: orders move by a shuffle on
  // o_custkey (each executor keeps half; a broadcast would send all of it to both and make both
  // probe it), and o_comment, read only for the NOT LIKE in the scan, is not carried.
  for (int executors : {2, 3, 4}) {
    FragmentedPlan p = Fragmented(Query("tpch/q13.sql"), test::PartitionedTpch(), executors);
    const std::string text = ExplainFragments(p);
    for (const Fragment& f : p.fragments) {
      if (!Scans(f.root, "orders")) continue;
      EXPECT_EQ(f.output.kind, ExchangeKind::kShuffle) << executors << "\n" << text;
      for (const Field& field : f.root.schema) EXPECT_NE(field.name, "o_comment") << text;
    }
  }
}

TEST(PlanShape, JoinKeysNothingAboveReadsDoNotLeaveTheJoin) {
  // SSB Q2.1 joins lineorder with part, supplier and dates in a chain; each join's keys are read
  // by that join only. A projection right above every join keeps what is read above (the
  // executor's join then gathers only those columns): no key of an earlier join reaches a later
  // one, and the aggregate's input is its three columns.
  FragmentedPlan p = Fragmented(Query("ssb/q2.1.sql"), test::PartitionedSsb(), 2);
  const std::string text = ExplainFragments(p);
  int joins = 0;
  for (const Fragment& f : p.fragments) {
    ForEachNode(f.root, [&](const PlanNode& n) {
      if (n.kind() != NodeKind::kProject || n.children[0].kind() != NodeKind::kHashJoin) return;
      ++joins;
      // The join's own keys (Q2.1 reads none of them above their join).
      const PlanNode& join = n.children[0];
      const auto& spec = join.As<JoinSpec>();
      std::vector<std::string> keys;
      for (const auto* side : {&spec.left_keys, &spec.right_keys}) {
        const Schema& input = join.children[side == &spec.left_keys ? 0 : 1].schema;
        for (const PlanExpr& k : *side) {
          std::vector<int> columns;
          k.CollectColumns(&columns);
          for (int c : columns) keys.push_back(input[static_cast<size_t>(c)].name);
        }
      }
      EXPECT_EQ(keys.size(), 2u) << text;
      for (const Field& field : n.schema) {
        EXPECT_EQ(std::count(keys.begin(), keys.end(), field.name), 0) << field.name << "\n" << text;
      }
    });
  }
  EXPECT_EQ(joins, 3) << text;
}

TEST(PlanShape, FewGroupsAreFinishedAtOnePlaceManyAreShuffled) {
  // SSB Q3.1 (est. a few thousand groups): partial states gathered and finished on the
  // coordinator, no shuffle; grouping lineitem by part (200 k groups): shuffled by the key and
  // finished on the executors.
  FragmentedPlan few = Fragmented(Query("ssb/q3.1.sql"), test::PartitionedSsb(), 2);
  const std::string few_text = ExplainFragments(few);
  EXPECT_EQ(few_text.find("shuffle"), std::string::npos) << few_text;
  EXPECT_EQ(CountKind(few.fragments[0].root, NodeKind::kHashAggregate), 1) << few_text;
  FragmentedPlan many = Fragmented("select l_partkey, count(*) from lineitem group by l_partkey",
                                   test::PartitionedTpch(), 2);
  const std::string many_text = ExplainFragments(many);
  EXPECT_NE(many_text.find("shuffle keys=[l_partkey]"), std::string::npos) << many_text;
  EXPECT_EQ(CountKind(many.fragments[0].root, NodeKind::kHashAggregate), 0) << many_text;
}

TEST(PlanShape, GlobalAggregateJoinedWithAReplicatedTableRunsAtTheCoordinator) {
  // count(*) is gathered to the coordinator; nation is replicated: one copy of it is gathered
  // there too (the coordinator scans nothing), on any number of executors.
  for (int executors : {2, 3}) {
    FragmentedPlan p = Fragmented(
        "select n_name, c from nation, (select count(*) as c from orders) x where n_nationkey < 3",
        test::PartitionedTpch(), executors);
    const std::string text = ExplainFragments(p);
    EXPECT_FALSE(Scans(p.fragments[0].root, "nation")) << text;
    bool one_copy = false;
    for (const Fragment& f : p.fragments) {
      one_copy |= Scans(f.root, "nation") && f.place == FragmentPlace::kOneExecutor;
    }
    EXPECT_TRUE(one_copy) << text;
  }
}

TEST(PlanShape, SelectiveShuffledJoinGetsABloomFilter) {
  // lineitem and orders both round-robin: the join shuffles both sides (broadcasting the
  // filtered orders with their o_totalprice to 32 executors would move more), and the date
  // filter makes the join drop most lineitem rows: the lineitem side filters by a bloom filter
  // of the orders keys.
  FragmentedPlan p = Fragmented(
      "select sum(l_extendedprice), max(o_totalprice) from orders, lineitem "
      "where o_orderkey = l_orderkey and o_orderdate < date '1993-01-01'",
      test::Tpch(), 32);
  const std::string text = ExplainFragments(p);
  const Fragment* probe = nullptr;
  const Fragment* build = nullptr;
  for (const Fragment& f : p.fragments) {
    if (Scans(f.root, "lineitem")) probe = &f;
    if (Scans(f.root, "orders")) build = &f;
  }
  ASSERT_NE(probe, nullptr);
  ASSERT_NE(build, nullptr);
  EXPECT_EQ(probe->output.kind, ExchangeKind::kShuffle) << text;
  EXPECT_EQ(probe->output.bloom_from, build->id) << text;
  EXPECT_EQ(build->output.bloom_to, probe->id) << text;
  EXPECT_GE(build->output.bloom_bits, 1 << 16);
  EXPECT_NE(text.find("bloom<-F" + std::to_string(build->id)), std::string::npos) << text;

  // Without a selective filter the join keeps every lineitem row: no filter.
  FragmentedPlan all = Fragmented(
      "select sum(l_extendedprice) from orders, lineitem where o_orderkey = l_orderkey",
      test::Tpch(), 32);
  for (const Fragment& f : all.fragments) EXPECT_LT(f.output.bloom_from, 0) << ExplainFragments(all);
}

}  // namespace
}  // namespace ibex::optimizer
