// The planner over the benchmark queries: every SSB and TPC-H query plans (and its plan
// survives serialization), and plan shapes: decorrelated subqueries (semi, anti, mark and
// aggregated joins), no cross products where a join predicate exists, filters pushed into
// scans with zone-map ranges, pruned columns, constant folding, INSERT and PREPARE/EXECUTE.
#include "optimizer/planner.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <functional>

#include "storage/hyperloglog.h"
#include "tests/unit/frontend/frontend_test_util.h"

namespace ibex::optimizer {
namespace {

using sql::test::BenchmarksDir;
using sql::test::ReadFile;
using sql::test::SchemaCatalog;

// Statistics as at scale factor 1: row counts, and distinct counts of key columns.
void SetStats(storage::Catalog& catalog, const std::string& table, int64_t rows,
              const std::vector<std::pair<std::string, int64_t>>& ndv) {
  storage::Table* t = catalog.FindMutableTable(table);
  ASSERT_NE(t, nullptr) << table;
  t->stats.row_count = rows;
  t->stats.columns.assign(t->def.columns.size(), storage::ColumnStats{});
  for (const auto& [column, n] : ndv) {
    int c = t->def.FindColumn(column);
    ASSERT_GE(c, 0) << column;
    for (int64_t i = 0; i < n; ++i) t->stats.columns[c].distinct.AddHash(storage::HashInt(static_cast<uint64_t>(i)));
  }
}

storage::Catalog TpchCatalog() {
  storage::Catalog c = SchemaCatalog("tpch");
  SetStats(c, "region", 5, {{"r_regionkey", 5}});
  SetStats(c, "nation", 25, {{"n_nationkey", 25}, {"n_regionkey", 5}});
  SetStats(c, "supplier", 10000, {{"s_suppkey", 10000}, {"s_nationkey", 25}});
  SetStats(c, "customer", 150000, {{"c_custkey", 150000}, {"c_nationkey", 25}});
  SetStats(c, "part", 200000, {{"p_partkey", 200000}});
  SetStats(c, "partsupp", 800000, {{"ps_partkey", 200000}, {"ps_suppkey", 10000}});
  SetStats(c, "orders", 1500000, {{"o_orderkey", 1500000}, {"o_custkey", 100000}});
  SetStats(c, "lineitem", 6000000, {{"l_orderkey", 1500000}, {"l_partkey", 200000}, {"l_suppkey", 10000}});
  return c;
}

storage::Catalog SsbCatalog() {
  storage::Catalog c = SchemaCatalog("ssb");
  SetStats(c, "lineorder", 6000000,
           {{"lo_custkey", 30000}, {"lo_partkey", 200000}, {"lo_suppkey", 2000}, {"lo_orderdate", 2406}});
  SetStats(c, "customer", 30000, {{"c_custkey", 30000}, {"c_region", 5}, {"c_nation", 25}, {"c_city", 250}});
  SetStats(c, "supplier", 2000, {{"s_suppkey", 2000}, {"s_region", 5}, {"s_nation", 25}, {"s_city", 250}});
  SetStats(c, "part", 200000, {{"p_partkey", 200000}, {"p_mfgr", 5}, {"p_category", 25}, {"p_brand1", 1000}});
  SetStats(c, "dates", 2556, {{"d_datekey", 2556}, {"d_year", 7}, {"d_yearmonthnum", 84}, {"d_weeknuminyear", 53}});
  return c;
}

const storage::Catalog& Tpch() {
  static const storage::Catalog catalog = TpchCatalog();
  return catalog;
}

const storage::Catalog& Ssb() {
  static const storage::Catalog catalog = SsbCatalog();
  return catalog;
}

Result<PhysicalPlan> Plan(const std::string& sql, const storage::Catalog& catalog) {
  auto bound = sql::ParseAndBind(sql, catalog);
  if (!bound.ok()) return Status::InvalidArgument(sql::FormatSqlError(sql, bound.error()));
  return PlanStatement(bound.value(), catalog);
}

std::string Query(const std::string& name) {
  std::string path = BenchmarksDir() + "/queries/" + name;
  return ReadFile(path);
}

void ForEachNode(const PlanNode& n, const std::function<void(const PlanNode&)>& fn) {
  fn(n);
  for (const PlanNode& c : n.children) ForEachNode(c, fn);
}

std::vector<const PlanNode*> Joins(const PlanNode& root, JoinType type) {
  std::vector<const PlanNode*> out;
  ForEachNode(root, [&](const PlanNode& n) {
    if (n.kind() == NodeKind::kHashJoin && n.As<JoinSpec>().type == type) out.push_back(&n);
  });
  return out;
}

// A join without keys or condition whose inputs are both larger than one row: a cross product.
int CrossProducts(const PlanNode& root) {
  int n = 0;
  ForEachNode(root, [&](const PlanNode& node) {
    if (node.kind() == NodeKind::kHashJoin && node.As<JoinSpec>().left_keys.empty() &&
        !node.As<JoinSpec>().residual.has_value() && node.children[0].estimated_rows > 1.5 && node.children[1].estimated_rows > 1.5) {
      ++n;
    }
  });
  return n;
}

const PlanNode* FindScan(const PlanNode& root, const std::string& table) {
  const PlanNode* out = nullptr;
  ForEachNode(root, [&](const PlanNode& n) {
    if (n.kind() == NodeKind::kScan && n.As<ScanSpec>().table == table && out == nullptr) out = &n;
  });
  return out;
}

PhysicalPlan MustPlan(const std::string& sql, const storage::Catalog& catalog) {
  auto plan = Plan(sql, catalog);
  EXPECT_TRUE(plan.ok()) << plan.status().ToString() << "\n" << sql;
  return plan.ok() ? std::move(plan).value() : PhysicalPlan{};
}

TEST(PlannerTest, EveryBenchmarkQueryPlans) {
  for (const std::string schema : {"ssb", "tpch"}) {
    const storage::Catalog& catalog = schema == "ssb" ? Ssb() : Tpch();
    std::vector<std::filesystem::path> files;
    for (const auto& f : std::filesystem::directory_iterator(BenchmarksDir() + "/queries/" + schema)) {
      files.push_back(f.path());
    }
    std::sort(files.begin(), files.end());
    EXPECT_EQ(files.size(), schema == "ssb" ? 13u : 22u);
    for (const auto& path : files) {
      std::string sql = ReadFile(path.string());
      auto plan = Plan(sql, catalog);
      ASSERT_TRUE(plan.ok()) << path << ": " << plan.status().ToString();
      EXPECT_EQ(CrossProducts(plan->root), 0) << path << "\n" << ExplainText(*plan);
      auto back = DeserializePlan(SerializePlan(*plan));
      ASSERT_TRUE(back.ok()) << path;
      EXPECT_TRUE(back.value() == *plan) << path;
    }
  }
}

TEST(PlannerTest, Q4ExistsBecomesSemiJoin) {
  PhysicalPlan plan = MustPlan(Query("tpch/q04.sql"), Tpch());
  auto semis = Joins(plan.root, JoinType::kSemi);
  ASSERT_EQ(semis.size(), 1u) << ExplainText(plan);
  const JoinSpec& j = semis[0]->As<JoinSpec>();
  EXPECT_EQ(j.left_keys.size(), 1u);
  EXPECT_FALSE(j.residual.has_value());
  // The correlated subquery's own filter (l_commitdate < l_receiptdate) stays inside it.
  const PlanNode* lineitem = FindScan(semis[0]->children[1], "lineitem");
  ASSERT_NE(lineitem, nullptr);
  EXPECT_TRUE(lineitem->As<ScanSpec>().filter.has_value());
  // o_orderdate >= 1993-07-01 and < 1993-07-01 + 3 months, folded to dates, prune blocks.
  const PlanNode* orders = FindScan(plan.root, "orders");
  ASSERT_NE(orders, nullptr);
  EXPECT_EQ(orders->As<ScanSpec>().prune.size(), 2u) << ExplainText(plan);
  EXPECT_NE(ExplainText(plan).find("DATE '1993-10-01'"), std::string::npos) << ExplainText(plan);
}

TEST(PlannerTest, Q16NotInBecomesNullAwareAntiJoin) {
  PhysicalPlan plan = MustPlan(Query("tpch/q16.sql"), Tpch());
  auto antis = Joins(plan.root, JoinType::kAnti);
  ASSERT_EQ(antis.size(), 1u) << ExplainText(plan);
  EXPECT_TRUE(antis[0]->As<JoinSpec>().null_aware);
  EXPECT_NE(FindScan(antis[0]->children[1], "supplier"), nullptr);
  // COUNT(DISTINCT ps_suppkey).
  bool distinct = false;
  ForEachNode(plan.root, [&](const PlanNode& n) {
    if (n.kind() != NodeKind::kHashAggregate) return;
    for (const AggregateCall& a : n.As<AggregateSpec>().aggregates) distinct = distinct || a.distinct;
  });
  EXPECT_TRUE(distinct);
}

TEST(PlannerTest, Q17CorrelatedScalarBecomesAggregatedJoin) {
  PhysicalPlan plan = MustPlan(Query("tpch/q17.sql"), Tpch());
  // The subquery: lineitem grouped by l_partkey, joined back on p_partkey.
  bool found = false;
  ForEachNode(plan.root, [&](const PlanNode& n) {
    if (n.kind() != NodeKind::kHashJoin || n.As<JoinSpec>().left_keys.size() != 1) return;
    ForEachNode(n.children[1], [&](const PlanNode& m) {
      if (m.kind() == NodeKind::kHashAggregate && m.As<AggregateSpec>().group_keys.size() == 1 &&
          m.As<AggregateSpec>().aggregates.size() == 1 && m.As<AggregateSpec>().aggregates[0].func == AggFunc::kAvg) {
        found = true;
      }
    });
  });
  EXPECT_TRUE(found) << ExplainText(plan);
  EXPECT_TRUE(Joins(plan.root, JoinType::kLeft).empty()) << "a comparison rejects the NULL: inner join\n"
                                                         << ExplainText(plan);
}

TEST(PlannerTest, Q21ExistsAndNotExistsKeepTheirResidual) {
  PhysicalPlan plan = MustPlan(Query("tpch/q21.sql"), Tpch());
  auto semis = Joins(plan.root, JoinType::kSemi);
  auto antis = Joins(plan.root, JoinType::kAnti);
  ASSERT_EQ(semis.size(), 1u) << ExplainText(plan);
  ASSERT_EQ(antis.size(), 1u) << ExplainText(plan);
  EXPECT_TRUE(semis[0]->As<JoinSpec>().residual.has_value());  // l2.l_suppkey <> l1.l_suppkey
  EXPECT_TRUE(antis[0]->As<JoinSpec>().residual.has_value());
  EXPECT_FALSE(antis[0]->As<JoinSpec>().null_aware);
}

TEST(PlannerTest, Q22ScalarAndNotExists) {
  PhysicalPlan plan = MustPlan(Query("tpch/q22.sql"), Tpch());
  EXPECT_EQ(Joins(plan.root, JoinType::kAnti).size(), 1u) << ExplainText(plan);
  // The uncorrelated AVG subquery: one row joined without keys.
  bool single_row = false;
  ForEachNode(plan.root, [&](const PlanNode& n) {
    if (n.kind() == NodeKind::kHashJoin && n.As<JoinSpec>().left_keys.empty()) {
      single_row = single_row || n.children[1].estimated_rows <= 1;
    }
  });
  EXPECT_TRUE(single_row) << ExplainText(plan);
}

TEST(PlannerTest, Q13LeftJoinPushesOnConditionIntoOrders) {
  PhysicalPlan plan = MustPlan(Query("tpch/q13.sql"), Tpch());
  auto lefts = Joins(plan.root, JoinType::kLeft);
  ASSERT_EQ(lefts.size(), 1u) << ExplainText(plan);
  const PlanNode* orders = FindScan(plan.root, "orders");
  ASSERT_NE(orders, nullptr);
  ASSERT_TRUE(orders->As<ScanSpec>().filter.has_value());
  EXPECT_EQ(orders->As<ScanSpec>().filter->kind, ExprKind::kLike);
  // Only the used columns are read.
  EXPECT_EQ(orders->As<ScanSpec>().columns.size(), 3u) << ExplainText(plan);
}

TEST(PlannerTest, OuterJoinSimplifiedWhenWhereRejectsNulls) {
  PhysicalPlan plan = MustPlan(
      "select c_name from customer left join orders on c_custkey = o_custkey where o_totalprice > 100", Tpch());
  EXPECT_TRUE(Joins(plan.root, JoinType::kLeft).empty()) << ExplainText(plan);
  EXPECT_EQ(Joins(plan.root, JoinType::kInner).size(), 1u);
  PhysicalPlan kept = MustPlan(
      "select c_name from customer left join orders on c_custkey = o_custkey where o_totalprice is null", Tpch());
  EXPECT_EQ(Joins(kept.root, JoinType::kLeft).size(), 1u) << ExplainText(kept);
}

TEST(PlannerTest, InAndExistsInsideExpressionsBecomeMarkJoins) {
  PhysicalPlan plan = MustPlan(
      "select n_name from nation where n_regionkey = 1 or n_nationkey in (select s_nationkey from supplier)", Tpch());
  auto marks = Joins(plan.root, JoinType::kMark);
  ASSERT_EQ(marks.size(), 1u) << ExplainText(plan);
  EXPECT_TRUE(marks[0]->As<JoinSpec>().null_aware);
}

TEST(PlannerTest, JoinOrderBuildsTheSmallerSide) {
  PhysicalPlan plan = MustPlan(Query("ssb/q2.1.sql"), Ssb());
  // Every join has keys and builds its smaller input (the right child).
  int joins = 0;
  ForEachNode(plan.root, [&](const PlanNode& n) {
    if (n.kind() != NodeKind::kHashJoin) return;
    ++joins;
    EXPECT_FALSE(n.As<JoinSpec>().left_keys.empty());
    EXPECT_LE(n.children[1].estimated_rows, n.children[0].estimated_rows) << ExplainText(plan);
  });
  EXPECT_EQ(joins, 3);
  // lineorder is probed, never built.
  ForEachNode(plan.root, [&](const PlanNode& n) {
    if (n.kind() == NodeKind::kHashJoin) {
      EXPECT_EQ(FindScan(n.children[1], "lineorder"), nullptr) << ExplainText(plan);
    }
  });
}

TEST(PlannerTest, ConstantsFoldExactly) {
  // Q6's 0.06 - 0.01 and 0.06 + 0.01 are exact decimals.
  PhysicalPlan plan = MustPlan(Query("tpch/q06.sql"), Tpch());
  std::string text = ExplainText(plan);
  EXPECT_NE(text.find("0.05"), std::string::npos) << text;
  EXPECT_NE(text.find("0.07"), std::string::npos) << text;
  const PlanNode* lineitem = FindScan(plan.root, "lineitem");
  ASSERT_NE(lineitem, nullptr);
  EXPECT_EQ(lineitem->As<ScanSpec>().prune.size(), 5u) << text;  // two dates, two discounts, quantity
}

TEST(PlannerTest, ExplainShowsEstimates) {
  PhysicalPlan plan = MustPlan(Query("tpch/q03.sql"), Tpch());
  std::string text = ExplainText(plan);
  EXPECT_NE(text.find("TopN"), std::string::npos) << text;
  EXPECT_NE(text.find("rows="), std::string::npos);
  EXPECT_NE(text.find("HashJoin[inner]"), std::string::npos);
}

TEST(PlannerTest, InsertAndValues) {
  PhysicalPlan plan = MustPlan("insert into region values (5, 'X', 'c'), (6, 'Y', NULL)", Tpch());
  ASSERT_EQ(plan.root.kind(), NodeKind::kSink);
  EXPECT_EQ(plan.root.As<SinkSpec>().table, "region");
  PhysicalPlan sel = MustPlan("insert into nation (n_nationkey, n_name) select r_regionkey, r_name from region", Tpch());
  ASSERT_EQ(sel.root.kind(), NodeKind::kSink);
  EXPECT_EQ(sel.root.children[0].schema.size(), 4u);
}

TEST(PlannerTest, PrepareAndExecuteBindParameters) {
  PhysicalPlan plan = MustPlan("prepare q as select n_name from nation where n_nationkey = $1", Tpch());
  EXPECT_EQ(plan.param_count, 1);
  ASSERT_EQ(plan.param_types.size(), 1u);
  EXPECT_EQ(plan.param_types[0], storage::DataType::Integer());
  ASSERT_TRUE(BindParameters(&plan, {storage::Value::Integer(7)}).ok());
  EXPECT_NE(ExplainText(plan).find("= 7"), std::string::npos) << ExplainText(plan);
  PhysicalPlan missing = MustPlan("prepare q as select n_name from nation where n_nationkey = $1", Tpch());
  EXPECT_FALSE(BindParameters(&missing, {}).ok());
}

TEST(PlannerTest, SetOperationsWindowsAndDistinct) {
  PhysicalPlan u = MustPlan("select n_name from nation union select r_name from region order by 1 limit 3", Tpch());
  EXPECT_EQ(u.root.kind(), NodeKind::kTopN) << ExplainText(u);
  PhysicalPlan w = MustPlan(
      "select n_name, rank() over (partition by n_regionkey order by n_name desc) from nation", Tpch());
  bool window = false;
  ForEachNode(w.root, [&](const PlanNode& n) { window = window || n.kind() == NodeKind::kWindow; });
  EXPECT_TRUE(window) << ExplainText(w);
  PhysicalPlan d = MustPlan("select distinct n_regionkey from nation", Tpch());
  EXPECT_EQ(d.root.kind(), NodeKind::kHashAggregate) << ExplainText(d);
}

}  // namespace
}  // namespace ibex::optimizer
