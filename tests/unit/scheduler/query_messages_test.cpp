// The control messages of distributed queries: every SSB and TPC-H query's fragments travel in
// a StartQuery and come back equal; the layout derived from them is the same on both ends;
// damaged messages are Corruption, never a crash.
#include "scheduler/query_messages.h"

#include <gtest/gtest.h>

#include "optimizer/distribution.h"
#include "scheduler/query_layout.h"
#include "tests/unit/optimizer/optimizer_test_util.h"

namespace ibex::scheduler {
namespace {

namespace opt = ibex::optimizer;

opt::FragmentedPlan Fragments(const std::string& query, const storage::Catalog& catalog, int e) {
  auto plan = opt::test::Plan(opt::test::Query(query), catalog);
  EXPECT_TRUE(plan.ok()) << plan.status().ToString();
  EXPECT_TRUE(opt::Distribute(&*plan, catalog, e).ok());
  auto f = opt::CutFragments(*plan, catalog, e);
  EXPECT_TRUE(f.ok()) << f.status().ToString();
  return *f;
}

TEST(QueryMessages, StartQueryRoundTripsEveryBenchmarkPlan) {
  for (int i = 1; i <= 22; ++i) {
    std::string q = std::string("tpch/q") + (i < 10 ? "0" : "") + std::to_string(i) + ".sql";
    StartQuery m;
    m.query = 1000 + static_cast<uint64_t>(i);
    m.executors = 3;
    m.plan = Fragments(q, opt::test::PartitionedTpch(), 3);
    m.params = {storage::Value::Bigint(7), storage::Value::String("x")};
    m.analyze = i % 2 == 0;
    std::string bytes = EncodeStartQuery(m);
    auto back = DecodeStartQuery(AsBytes(bytes));
    ASSERT_TRUE(back.ok()) << q << ": " << back.status().ToString();
    EXPECT_EQ(back->query, m.query);
    EXPECT_EQ(back->analyze, m.analyze);
    EXPECT_EQ(back->params, m.params);
    ASSERT_EQ(back->plan.fragments.size(), m.plan.fragments.size()) << q;
    for (size_t f = 0; f < m.plan.fragments.size(); ++f) {
      EXPECT_EQ(back->plan.fragments[f].root, m.plan.fragments[f].root) << q << " fragment " << f;
      EXPECT_EQ(back->plan.fragments[f].output, m.plan.fragments[f].output) << q;
      EXPECT_EQ(back->plan.fragments[f].place, m.plan.fragments[f].place) << q;
      EXPECT_EQ(back->plan.fragments[f].inputs, m.plan.fragments[f].inputs) << q;
    }
    QueryLayout a = LayOut(m.plan, 3), b = LayOut(back->plan, 3);
    for (size_t f = 0; f < a.fragments.size(); ++f) {
      EXPECT_EQ(a.fragments[f].ranks, b.fragments[f].ranks);
      EXPECT_EQ(a.fragments[f].destinations, b.fragments[f].destinations);
    }
  }
}

TEST(QueryMessages, LayoutSendsShufflePartitionPToRankPPlusOne) {
  opt::FragmentedPlan p = Fragments("tpch/q03.sql", opt::test::Tpch(), 3);
  QueryLayout layout = LayOut(p, 3);
  EXPECT_EQ(layout.fragments[0].ranks, std::vector<int>{0});
  for (const opt::Fragment& f : p.fragments) {
    if (f.id == 0) continue;
    const auto& d = layout.fragments[static_cast<size_t>(f.id)].destinations;
    if (f.output.kind == opt::ExchangeKind::kShuffle) {
      EXPECT_EQ(d, (std::vector<int>{1, 2, 3}));
    }
    if (f.output.kind == opt::ExchangeKind::kGather) {
      EXPECT_EQ(d.size(), 1u);
    }
  }
  EXPECT_TRUE(layout.Involves(2));
  EXPECT_FALSE(layout.ReceivedBy(0).empty());
}

TEST(QueryMessages, DamagedMessagesAreCorruption) {
  StartQuery m;
  m.query = 5;
  m.executors = 2;
  m.plan = Fragments("ssb/q2.1.sql", opt::test::PartitionedSsb(), 2);
  const std::string good = EncodeStartQuery(m);
  for (size_t cut = 0; cut < good.size(); cut += 7) {
    auto r = DecodeStartQuery(AsBytes(good.substr(0, cut)));
    EXPECT_FALSE(r.ok()) << "truncated at " << cut;
  }
  std::string flipped = good;
  for (size_t i = 0; i < flipped.size(); i += 13) {
    flipped[i] = static_cast<char>(flipped[i] ^ 0x5a);
    (void)DecodeStartQuery(AsBytes(flipped));  // must not crash
  }
  QueryDone done;
  done.query = 9;
  done.status = Status::PeerFailed("rank 2 (node7) died");
  done.reports.push_back(FragmentReport{1, "Scan x", 10, 20, 30, 40});
  auto back = DecodeQueryDone(AsBytes(EncodeQueryDone(done)));
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(back->status, done.status);
  EXPECT_EQ(back->reports[0].operators, "Scan x");
  EXPECT_EQ(back->reports[0].time_ns, 40);
  EXPECT_FALSE(DecodeCancelQuery(AsBytes(std::string("\x01\x02", 2))).ok());
}

}  // namespace
}  // namespace ibex::scheduler
