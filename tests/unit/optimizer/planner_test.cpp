// The planner over the benchmark queries: every SSB and TPC-H query plans (and its plan
// survives serialization), and plan shapes: decorrelated subqueries (semi, anti, mark and
// aggregated joins), no cross products where a join predicate exists, filters pushed into
// scans with zone-map ranges, pruned columns, constant folding, INSERT and PREPARE/EXECUTE.
#include "optimizer/planner.h"

#include <filesystem>
#include <functional>
#include <iostream>
#include <sstream>

#include <gtest/gtest.h>

#include "optimizer/plan_validator.h"
#include "tests/unit/optimizer/optimizer_test_util.h"

namespace ibex::optimizer {
namespace {

using sql::test::BenchmarksDir;
using sql::test::ReadFile;
using test::ForEachNode;
using test::Plan;
using test::Query;
using test::Ssb;
using test::SsbCatalog;
using test::Tpch;
using test::TpchCatalog;

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
        !node.As<JoinSpec>().residual.has_value() && node.children[0].estimated_rows > 1.5 &&
        node.children[1].estimated_rows > 1.5) {
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
  if (plan.ok()) {
    Status valid = ValidatePlan(*plan);
    EXPECT_TRUE(valid.ok()) << valid.ToString() << "\n" << ExplainText(*plan);
  }
  return plan.ok() ? std::move(plan).value() : PhysicalPlan{};
}

TEST(PlannerTest, EveryBenchmarkQueryPlans) {
  for (const std::string schema : {"ssb", "tpch"}) {
    const storage::Catalog& catalog = schema == "ssb" ? Ssb() : Tpch();
    std::vector<std::filesystem::path> files;
    for (const auto& f :
         std::filesystem::directory_iterator(BenchmarksDir() + "/queries/" + schema)) {
      files.push_back(f.path());
    }
    std::sort(files.begin(), files.end());
    EXPECT_EQ(files.size(), schema == "ssb" ? 13u : 22u);
    for (const auto& path : files) {
      std::string sql = ReadFile(path.string());
      auto plan = Plan(sql, catalog);
      ASSERT_TRUE(plan.ok()) << path << ": " << plan.status().ToString();
      EXPECT_EQ(CrossProducts(plan->root), 0) << path << "\n" << ExplainText(*plan);
      Status valid = ValidatePlan(*plan);
      EXPECT_TRUE(valid.ok()) << path << ": " << valid.ToString() << "\n" << ExplainText(*plan);
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
    for (const AggregateCall& a : n.As<AggregateSpec>().aggregates)
      distinct = distinct || a.distinct;
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
          m.As<AggregateSpec>().aggregates.size() == 1 &&
          m.As<AggregateSpec>().aggregates[0].func == AggFunc::kAvg) {
        found = true;
      }
    });
  });
  EXPECT_TRUE(found) << ExplainText(plan);
  EXPECT_TRUE(Joins(plan.root, JoinType::kLeft).empty())
      << "a comparison rejects the NULL: inner join\n"
      << ExplainText(plan);
}

// Whether a grouped aggregate in `root` reads a semi join: a correlated subquery's input
// reduced to the outer keys (magic set).
bool AggregatesAReducedInput(const PlanNode& root) {
  bool reduced = false;
  ForEachNode(root, [&](const PlanNode& n) {
    if (n.kind() == NodeKind::kHashAggregate && !n.As<AggregateSpec>().group_keys.empty() &&
        n.children[0].kind() == NodeKind::kHashJoin &&
        n.children[0].As<JoinSpec>().type == JoinType::kSemi) {
      reduced = true;
    }
  });
  return reduced;
}

TEST(PlannerTest, CorrelatedAggregateInputIsReducedToTheOuterKeys) {
  // Q17: the outer query (one brand and container of parts) is far smaller than the
  // subquery's input, so lineitem's rows are semi-joined with the outer part keys before they
  // are grouped by them (magic set).
  PhysicalPlan q17 = MustPlan(Query("tpch/q17.sql"), Tpch());
  EXPECT_TRUE(AggregatesAReducedInput(q17.root)) << ExplainText(q17);
  // An outer query as large as the subquery's input: no reduction (it would be computed twice).
  PhysicalPlan big = MustPlan(
      "select count(*) from lineitem l1 where l1.l_quantity > "
      "(select avg(l2.l_quantity) from lineitem l2 where l2.l_orderkey = l1.l_orderkey)",
      Tpch());
  EXPECT_TRUE(Joins(big.root, JoinType::kSemi).empty()) << ExplainText(big);
  // An outer query with a LIMIT inside: evaluated twice it might keep other rows; left alone.
  PhysicalPlan limited = MustPlan(
      "select count(*) from (select * from part limit 100) p, lineitem "
      "where p_partkey = l_partkey and l_quantity < "
      "(select avg(l2.l_quantity) from lineitem l2 where l2.l_partkey = p.p_partkey)",
      Tpch());
  EXPECT_FALSE(AggregatesAReducedInput(limited.root)) << ExplainText(limited);
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
      "select c_name from customer left join orders on c_custkey = o_custkey where o_totalprice > "
      "100",
      Tpch());
  EXPECT_TRUE(Joins(plan.root, JoinType::kLeft).empty()) << ExplainText(plan);
  EXPECT_EQ(Joins(plan.root, JoinType::kInner).size(), 1u);
  PhysicalPlan kept = MustPlan(
      "select c_name from customer left join orders on c_custkey = o_custkey where o_totalprice is "
      "null",
      Tpch());
  EXPECT_EQ(Joins(kept.root, JoinType::kLeft).size(), 1u) << ExplainText(kept);
}

TEST(PlannerTest, InAndExistsInsideExpressionsBecomeMarkJoins) {
  PhysicalPlan plan = MustPlan(
      "select n_name from nation where n_regionkey = 1 or n_nationkey in (select s_nationkey from "
      "supplier)",
      Tpch());
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
  EXPECT_EQ(lineitem->As<ScanSpec>().prune.size(), 5u)
      << text;  // two dates, two discounts, quantity
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
  PhysicalPlan sel = MustPlan(
      "insert into nation (n_nationkey, n_name) select r_regionkey, r_name from region", Tpch());
  ASSERT_EQ(sel.root.kind(), NodeKind::kSink);
  EXPECT_EQ(sel.root.children[0].schema.size(), 4u);
}

TEST(PlannerTest, PrepareAndExecuteBindParameters) {
  PhysicalPlan plan =
      MustPlan("prepare q as select n_name from nation where n_nationkey = $1", Tpch());
  EXPECT_EQ(plan.param_count, 1);
  ASSERT_EQ(plan.param_types.size(), 1u);
  EXPECT_EQ(plan.param_types[0], storage::DataType::Integer());
  ASSERT_TRUE(BindParameters(&plan, {storage::Value::Integer(7)}).ok());
  EXPECT_NE(ExplainText(plan).find("= 7"), std::string::npos) << ExplainText(plan);
  PhysicalPlan missing =
      MustPlan("prepare q as select n_name from nation where n_nationkey = $1", Tpch());
  EXPECT_FALSE(BindParameters(&missing, {}).ok());
}

TEST(PlannerTest, SetOperationsWindowsAndDistinct) {
  PhysicalPlan u = MustPlan(
      "select n_name from nation union select r_name from region order by 1 limit 3", Tpch());
  EXPECT_EQ(u.root.kind(), NodeKind::kTopN) << ExplainText(u);
  PhysicalPlan w = MustPlan(
      "select n_name, rank() over (partition by n_regionkey order by n_name desc) from nation",
      Tpch());
  bool window = false;
  ForEachNode(w.root, [&](const PlanNode& n) { window = window || n.kind() == NodeKind::kWindow; });
  EXPECT_TRUE(window) << ExplainText(w);
  PhysicalPlan d = MustPlan("select distinct n_regionkey from nation", Tpch());
  EXPECT_EQ(d.root.kind(), NodeKind::kHashAggregate) << ExplainText(d);
}

TEST(PlannerTest, Q2Q11Q15Q18Q20Decorrelated) {
  // Q2: the correlated MIN becomes partsupp grouped by ps_partkey, joined on p_partkey.
  PhysicalPlan q2 = MustPlan(Query("tpch/q02.sql"), Tpch());
  bool min_by_part = false;
  ForEachNode(q2.root, [&](const PlanNode& n) {
    if (n.kind() == NodeKind::kHashAggregate && n.As<AggregateSpec>().group_keys.size() == 1 &&
        n.As<AggregateSpec>().aggregates.size() == 1 &&
        n.As<AggregateSpec>().aggregates[0].func == AggFunc::kMin) {
      min_by_part = n.schema[0].name == "ps_partkey";
    }
  });
  EXPECT_TRUE(min_by_part) << ExplainText(q2);
  // Q11, Q15: an uncorrelated aggregate compared in HAVING / WHERE: a keyless inner join.
  for (const char* q : {"tpch/q11.sql", "tpch/q15.sql"}) {
    PhysicalPlan plan = MustPlan(Query(q), Tpch());
    int keyless = 0;
    ForEachNode(plan.root, [&](const PlanNode& n) {
      if (n.kind() == NodeKind::kHashJoin && n.As<JoinSpec>().type == JoinType::kInner &&
          n.As<JoinSpec>().left_keys.empty()) {
        ++keyless;
        EXPECT_EQ(n.children[1].estimated_rows, 1) << q << "\n" << ExplainText(plan);
      }
    });
    EXPECT_EQ(keyless, 1) << q << "\n" << ExplainText(plan);
  }
  // Q18: the IN filters orders before the joins.
  PhysicalPlan q18 = MustPlan(Query("tpch/q18.sql"), Tpch());
  auto semis = Joins(q18.root, JoinType::kSemi);
  ASSERT_EQ(semis.size(), 1u) << ExplainText(q18);
  EXPECT_EQ(semis[0]->children[0].kind(), NodeKind::kScan);
  EXPECT_EQ(semis[0]->children[0].As<ScanSpec>().table, "orders");
  // Q20: IN (uncorrelated, itself holding an IN and a correlated SUM): semi joins all the way.
  PhysicalPlan q20 = MustPlan(Query("tpch/q20.sql"), Tpch());
  EXPECT_EQ(Joins(q20.root, JoinType::kSemi).size(), 2u) << ExplainText(q20);
}

TEST(PlannerTest, HavingOnGroupKeysGoesIntoTheScan) {
  PhysicalPlan plan = MustPlan(
      "select n_regionkey, count(*) from nation group by n_regionkey having count(*) > 3 and "
      "n_regionkey < 3",
      Tpch());
  const PlanNode* scan = FindScan(plan.root, "nation");
  ASSERT_NE(scan, nullptr);
  ASSERT_EQ(scan->As<ScanSpec>().prune.size(), 1u) << ExplainText(plan);
  EXPECT_EQ(plan.root.kind(), NodeKind::kFilter) << ExplainText(plan);
}

TEST(PlannerTest, JoinUsingBecomesAKey) {
  PhysicalPlan inner =
      MustPlan("select a.n_name from nation a join nation b using (n_nationkey)", Tpch());
  auto joins = Joins(inner.root, JoinType::kInner);
  ASSERT_EQ(joins.size(), 1u);
  EXPECT_EQ(joins[0]->As<JoinSpec>().left_keys.size(), 1u) << ExplainText(inner);
  PhysicalPlan left =
      MustPlan("select r1.r_name from region r1 left join region r2 using (r_regionkey)", Tpch());
  ASSERT_EQ(Joins(left.root, JoinType::kLeft).size(), 1u) << ExplainText(left);
}

TEST(PlannerTest, ScalarSubqueryMustMatchAtMostOneRow) {
  PhysicalPlan plan = MustPlan("select (select n_nationkey from nation) from region", Tpch());
  auto lefts = Joins(plan.root, JoinType::kLeft);
  ASSERT_EQ(lefts.size(), 1u) << ExplainText(plan);
  EXPECT_TRUE(lefts[0]->As<JoinSpec>().at_most_one_match);
  // Grouped by its correlation keys, a correlated aggregate has one row per key already.
  PhysicalPlan q17 = MustPlan(Query("tpch/q17.sql"), Tpch());
  ForEachNode(q17.root, [&](const PlanNode& n) {
    if (n.kind() == NodeKind::kHashJoin) {
      EXPECT_FALSE(n.As<JoinSpec>().at_most_one_match) << ExplainText(q17);
    }
  });
  // A 64-bit integer literal is a BIGINT: adding to it can overflow (an error in exec).
  PhysicalPlan big = MustPlan("select 9223372036854775807 + n_nationkey from nation", Tpch());
  EXPECT_EQ(big.root.schema[0].type, storage::DataType::Bigint()) << ExplainText(big);
}

TEST(PlannerTest, GreedyOrderBeyondTenRelations) {
  std::string sql = "select count(*) from nation n0";
  for (int i = 1; i < 12; ++i) sql += ", nation n" + std::to_string(i);
  sql += " where n0.n_regionkey = 1";
  for (int i = 1; i < 12; ++i) {
    sql +=
        " and n" + std::to_string(i) + ".n_nationkey = n" + std::to_string(i - 1) + ".n_nationkey";
  }
  PhysicalPlan plan = MustPlan(sql, Tpch());
  EXPECT_EQ(Joins(plan.root, JoinType::kInner).size(), 11u);
  EXPECT_EQ(CrossProducts(plan.root), 0) << ExplainText(plan);
}

TEST(PlannerTest, NotInUnderOrIsANegatedNullAwareMark) {
  PhysicalPlan plan = MustPlan(
      "select n_name from nation where n_regionkey = 1 or not (n_nationkey in (select s_nationkey "
      "from supplier))",
      Tpch());
  auto marks = Joins(plan.root, JoinType::kMark);
  ASSERT_EQ(marks.size(), 1u);
  EXPECT_TRUE(marks[0]->As<JoinSpec>().null_aware);
  EXPECT_NE(ExplainText(plan).find("NOT mark"), std::string::npos) << ExplainText(plan);
}

// Every good statement of the front end's corpus that reaches the planner plans, or is refused
// with NotSupported naming the shape; none crashes, every plan round-trips.
TEST(PlannerTest, FrontEndCorpusPlansOrIsRefusedCleanly) {
  int planned = 0, refused = 0;
  for (const char* file : {"queries_good.test", "statements.test"}) {
    std::istringstream in(ReadFile(std::string(IBEX_FRONTEND_CORPUS_DIR) + "/" + file));
    storage::Catalog catalog;
    std::string line, sql;
    bool in_ok = false;
    auto finish = [&] {
      if (!in_ok || sql.empty()) return;
      in_ok = false;
      auto bound = sql::ParseAndBind(sql, catalog);
      ASSERT_TRUE(bound.ok()) << sql;
      if (bound.value().IsCatalogStatement()) {
        ASSERT_TRUE(sql::ApplyCatalogStatement(bound.value(), catalog).ok()) << sql;
        return;
      }
      using K = sql::ast::StatementKind;
      K kind = bound.value().kind();
      if (kind != K::kSelect && kind != K::kInsert && kind != K::kExplain && kind != K::kPrepare)
        return;
      auto plan = PlanStatement(bound.value(), catalog);
      if (!plan.ok()) {
        EXPECT_EQ(plan.status().code(), StatusCode::kNotSupported) << sql << "\n"
                                                                   << plan.status().ToString();
        std::cout << "refused: " << plan.status().ToString() << "\n" << sql;
        ++refused;
        return;
      }
      ++planned;
      Status valid = ValidatePlan(*plan);
      EXPECT_TRUE(valid.ok()) << sql << valid.ToString() << "\n" << ExplainText(*plan);
      auto back = DeserializePlan(SerializePlan(*plan));
      ASSERT_TRUE(back.ok()) << sql;
      EXPECT_TRUE(back.value() == *plan) << sql;
    };
    while (std::getline(in, line)) {
      if (line.empty()) {
        finish();
        sql.clear();
        continue;
      }
      if (!in_ok && sql.empty() && line.rfind("load ", 0) == 0) {
        catalog = line.substr(5) == "ssb" ? SsbCatalog() : TpchCatalog();
        continue;
      }
      if (line == "statement ok") {
        in_ok = true;
        sql.clear();
        continue;
      }
      if (in_ok) sql += line + "\n";
    }
    finish();
  }
  EXPECT_GT(planned, 40);
  EXPECT_LT(refused, 5);
  std::cout << planned << " corpus statements planned, " << refused << " refused\n";
}

}  // namespace
}  // namespace ibex::optimizer
