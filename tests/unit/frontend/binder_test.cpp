// The binder: the benchmark texts bind, the fixed error cases of issue 5 give exactly their
// positions, types follow the implicit-cast rules, correlated references are marked.
#include "frontend/binder/binder.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "tests/unit/frontend/frontend_test_util.h"

namespace ibex::sql {
namespace {

using test::Outcome;

class BinderTest : public ::testing::Test {
 protected:
  storage::Catalog tpch_ = test::SchemaCatalog("tpch");
};

TEST_F(BinderTest, SchemasCreateTables) {
  EXPECT_EQ(tpch_.TableNames().size(), 8u);
  const storage::Table* lineitem = tpch_.FindTable("lineitem");
  ASSERT_NE(lineitem, nullptr);
  EXPECT_EQ(lineitem->def.columns.size(), 16u);
  EXPECT_EQ(lineitem->def.columns[5].type, storage::DataType::Decimal(15, 2));
  EXPECT_TRUE(lineitem->def.columns[5].not_null);
  storage::Catalog ssb = test::SchemaCatalog("ssb");
  EXPECT_EQ(ssb.TableNames().size(), 5u);
}

TEST_F(BinderTest, BenchmarkQueriesBind) {
  storage::Catalog ssb = test::SchemaCatalog("ssb");
  int n = 0;
  for (auto [dir, catalog] : {std::pair{"queries/tpch", &tpch_}, std::pair{"queries/ssb", &ssb}}) {
    for (const auto& entry : std::filesystem::directory_iterator(test::BenchmarksDir() + "/" + dir)) {
      std::string text = test::ReadFile(entry.path());
      EXPECT_EQ(Outcome(text, *catalog), "OK") << entry.path();
      ++n;
    }
  }
  EXPECT_EQ(n, 35);
}

TEST_F(BinderTest, FixedErrorCases) {
  EXPECT_EQ(Outcome("SELECT 1\nFROM nowhere_table;", tpch_),
            "ERROR: unknown table \"nowhere_table\" at line 2, column 6\nFROM nowhere_table;\n     ^");
  EXPECT_EQ(Outcome("SELECT 1,\n  2 +\n  FROM x;", tpch_),
            "ERROR: syntax error at or near \"FROM\" at line 3, column 3\n  FROM x;\n  ^\nHINT: expected expression");
  EXPECT_EQ(Outcome("SELECT l_orderkeyy FROM lineitem;", tpch_),
            "ERROR: unknown column \"l_orderkeyy\" at line 1, column 8\nSELECT l_orderkeyy FROM lineitem;\n"
            "       ^\nHINT: perhaps you meant \"l_orderkey\"");
  EXPECT_EQ(Outcome("SELECT * FROM lineitem WHERE l_shipdate > DATE '1998-13-01';", tpch_),
            "ERROR: invalid date '1998-13-01' at line 1, column 43\n"
            "SELECT * FROM lineitem WHERE l_shipdate > DATE '1998-13-01';\n"
            "                                          ^\nHINT: dates are written yyyy-mm-dd");
  EXPECT_EQ(Outcome("SELECT count(*) FROM lineitem GROUP BY;", tpch_),
            "ERROR: syntax error at or near \";\" at line 1, column 39\n"
            "SELECT count(*) FROM lineitem GROUP BY;\n"
            "                                      ^\nHINT: expected expression");
  EXPECT_EQ(Outcome("SELECT l_returnflag, sum(l_quantity) FROM lineitem;", tpch_),
            "ERROR: column \"l_returnflag\" must appear in GROUP BY or be used in an aggregate function "
            "at line 1, column 8\nSELECT l_returnflag, sum(l_quantity) FROM lineitem;\n       ^");
  EXPECT_EQ(Outcome("SELECT 'abc;", tpch_), "ERROR: unterminated string at line 1, column 8\nSELECT 'abc;\n       ^");
  std::string deep = "SELECT " + std::string(100000, '(') + "1" + std::string(100000, ')') + ";";
  std::string out = Outcome(deep, tpch_);
  EXPECT_EQ(out.rfind("ERROR: nesting too deep (more than 200 levels) at line 1, column ", 0), 0u) << out.substr(0, 200);
}

const ast::SelectCore& Core(const BoundStatement& b) { return *b.ast->query->body->select; }

TEST_F(BinderTest, TypesAndExactDecimals) {
  auto r = ParseAndBind(
      "select l_discount between 0.06 - 0.01 and 0.06 + 0.01, l_extendedprice * (1 - l_discount), "
      "sum(l_quantity), avg(l_quantity), count(*), date '1998-12-01' - interval '90' day, "
      "extract(year from l_shipdate), l_quantity / 7.0, 1 + 2, 3000000000 from lineitem group by 1, 2, 6, 7, 8, 9, 10",
      tpch_);
  ASSERT_TRUE(r.ok()) << r.error().message;
  const auto& outs = r.value().outputs;
  ASSERT_EQ(outs.size(), 10u);
  EXPECT_EQ(outs[0].type.ToString(), "BOOLEAN");
  EXPECT_EQ(outs[1].type.ToString(), "DECIMAL(31,4)");
  EXPECT_EQ(outs[2].type.ToString(), "DECIMAL(38,2)");
  EXPECT_EQ(outs[3].type.ToString(), "DOUBLE");
  EXPECT_EQ(outs[4].type.ToString(), "BIGINT");
  EXPECT_EQ(outs[5].type.ToString(), "DATE");
  EXPECT_EQ(outs[6].type.ToString(), "INTEGER");
  EXPECT_EQ(outs[7].type.ToString(), "DOUBLE");
  EXPECT_EQ(outs[8].type.ToString(), "INTEGER");
  EXPECT_EQ(outs[9].type.ToString(), "BIGINT");
  const auto& between = *Core(r.value()).items[0].expr;
  EXPECT_EQ(between.args[1]->args[0]->text, "0.06");
  EXPECT_EQ(between.args[1]->bound.type.ToString(), "DECIMAL(3,2)");
  EXPECT_EQ(outs[4].name, "count");
}

TEST_F(BinderTest, CorrelatedReferencesAreMarked) {
  auto r = ParseAndBind(
      "select o_orderkey from orders where exists (select * from lineitem where l_orderkey = o_orderkey)", tpch_);
  ASSERT_TRUE(r.ok()) << r.error().message;
  const auto& exists = *Core(r.value()).where;
  ASSERT_EQ(exists.kind, ast::ExprKind::kExists);
  const auto& eq = *exists.subquery->body->select->where;
  EXPECT_FALSE(eq.args[0]->bound.correlated);
  EXPECT_EQ(eq.args[0]->bound.scope_depth, 0);
  EXPECT_TRUE(eq.args[1]->bound.correlated);
  EXPECT_EQ(eq.args[1]->bound.scope_depth, 1);
  EXPECT_EQ(eq.args[1]->bound.from_index, 0);
  EXPECT_EQ(eq.args[1]->bound.column_index, 0);
}

TEST_F(BinderTest, ScopesAliasesCtesViews) {
  EXPECT_EQ(Outcome("select n1.n_name, n2.n_name from nation n1, nation n2", tpch_), "OK");
  EXPECT_EQ(Outcome("with x (k) as (select n_nationkey from nation) select k from x where k in (select k from x)", tpch_), "OK");
  EXPECT_EQ(Outcome("select c_custkey, c_count from (select 1, 2) as c (c_custkey, c_count)", tpch_), "OK");
  EXPECT_EQ(Outcome("select r_name from region join nation on r_regionkey = n_regionkey", tpch_), "OK");
  EXPECT_EQ(Outcome("select n_name from nation n join nation m using (n_nationkey) order by 1", tpch_),
            "ERROR: column reference \"n_name\" is ambiguous at line 1, column 8\n"
            "select n_name from nation n join nation m using (n_nationkey) order by 1\n       ^\n"
            "HINT: qualify it with a table name or alias");
  EXPECT_EQ(Outcome("select n_nationkey from nation n join nation m using (n_nationkey)", tpch_), "OK");
  EXPECT_EQ(Outcome("select n_name from nation, nation", tpch_),
            "ERROR: table name \"nation\" specified more than once at line 1, column 28\n"
            "select n_name from nation, nation\n                           ^\nHINT: give one of them an alias");
  ASSERT_EQ(test::RunDdl("create view v (name, region) as select n_name, n_regionkey from nation;", tpch_), "");
  EXPECT_EQ(Outcome("select name from v where region = 1", tpch_), "OK");
  EXPECT_EQ(Outcome("select n_name from v", tpch_).substr(0, 36), "ERROR: unknown column \"n_name\" at li");
}

TEST_F(BinderTest, CopyOptionsForTheLoader) {
  auto r = ParseAndBind("copy LineItem from '/d/lineitem.tbl*' (format tbl, null 'NULL', header)", tpch_);
  ASSERT_TRUE(r.ok()) << r.error().message;
  const CopySpec& copy = r.value().copy;
  EXPECT_EQ(copy.table, "lineitem");
  EXPECT_EQ(copy.path, "/d/lineitem.tbl*");
  EXPECT_EQ(copy.options.format, storage::FileFormat::kTbl);
  EXPECT_EQ(copy.options.effective_delimiter(), '|');
  EXPECT_TRUE(copy.options.header);
  EXPECT_EQ(copy.options.null_string, std::optional<std::string>("NULL"));
  auto csv = ParseAndBind("copy region from 'r.csv' with (delimiter ';')", tpch_);
  ASSERT_TRUE(csv.ok());
  EXPECT_EQ(csv.value().copy.options.format, storage::FileFormat::kCsv);
  EXPECT_EQ(csv.value().copy.options.effective_delimiter(), ';');
}

TEST_F(BinderTest, DeepButReasonableNestingBinds) {
  std::string derived = "select r_name from ";
  for (int i = 0; i < 60; ++i) derived += "(select * from ";
  derived += "region";
  for (int i = 0; i < 60; ++i) derived += ") as d" + std::to_string(i);
  EXPECT_EQ(Outcome(derived, tpch_), "OK");
  std::string expr = "select " + std::string(150, '(') + "1" + std::string(150, ')') + " from region";
  EXPECT_EQ(Outcome(expr, tpch_), "OK");
  std::string too_deep = "select * from ";
  for (int i = 0; i < 300; ++i) too_deep += "(select * from ";
  too_deep += "region" + std::string(300, ')');
  EXPECT_EQ(Outcome(too_deep, tpch_).rfind("ERROR: nesting too deep", 0), 0u);
}

TEST_F(BinderTest, DdlUpdatesTheCatalog) {
  storage::Catalog c;
  ASSERT_EQ(test::RunDdl("create table t (a integer not null, b decimal(10,2), c varchar(5), d date) "
                         "partition by hash(a, c) order by (d); create table r (k int) replicated;", c), "");
  const storage::Table* t = c.FindTable("t");
  ASSERT_NE(t, nullptr);
  EXPECT_EQ(t->def.distribution, storage::Distribution::Hash({0, 2}));
  EXPECT_EQ(t->def.sort_key, std::vector<int>{3});
  EXPECT_EQ(c.FindTable("r")->def.distribution.kind, storage::DistributionKind::kReplicated);
  EXPECT_EQ(test::RunDdl("create table t (x int);", c),
            "ERROR: table \"t\" already exists at line 1, column 14\ncreate table t (x int);\n             ^\n"
            "HINT: use CREATE TABLE IF NOT EXISTS, or DROP TABLE first");
  EXPECT_EQ(test::RunDdl("create table u (x int) partition by hash(y);", c),
            "ERROR: column \"y\" named in PARTITION BY does not exist at line 1, column 42\n"
            "create table u (x int) partition by hash(y);\n                                         ^");
  EXPECT_EQ(test::RunDdl("create table u (x frob);", c),
            "ERROR: unknown type \"frob\" at line 1, column 19\ncreate table u (x frob);\n                  ^");
  ASSERT_EQ(test::RunDdl("drop table t;", c), "");
  EXPECT_EQ(c.FindTable("t"), nullptr);
  EXPECT_EQ(test::RunDdl("drop table t;", c), "ERROR: unknown table \"t\" at line 1, column 12\ndrop table t;\n           ^");
  EXPECT_EQ(test::RunDdl("drop table if exists t;", c), "");
}

}  // namespace
}  // namespace ibex::sql
