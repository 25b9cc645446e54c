// The parser: benchmark texts parse as written, exact literals, spans, and syntax errors at the
// furthest position with what was expected.
#include "frontend/parser/parser.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "tests/unit/frontend/test_paths.h"

namespace ibex::sql {
namespace {

std::string ReadFile(const std::filesystem::path& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string ErrorOf(std::string_view text) {
  auto r = ParseOne(text);
  if (r.ok()) return "OK";
  return FormatSqlError(text, r.error());
}

TEST(ParserTest, BenchmarkTextsParse) {
  std::filesystem::path root = test::BenchmarksDir();
  int files = 0;
  for (const char* dir : {"schema", "queries/ssb", "queries/tpch"}) {
    for (const auto& entry : std::filesystem::directory_iterator(root / dir)) {
      if (entry.path().extension() != ".sql") continue;
      std::string text = ReadFile(entry.path());
      auto r = ParseScript(text);
      EXPECT_TRUE(r.ok()) << entry.path() << "\n" << (r.ok() ? "" : FormatSqlError(text, r.error()));
      if (r.ok()) {
        EXPECT_FALSE(r.value().empty());
      }
      ++files;
    }
  }
  EXPECT_EQ(files, 2 + 13 + 22);
}

TEST(ParserTest, NumericLiteralsStayExact) {
  auto r = ParseOne("select 0.06 - 0.01, 12345678901234567890123, 1e5");
  ASSERT_TRUE(r.ok());
  const auto& items = r.value()->query->body->select->items;
  ASSERT_EQ(items.size(), 3u);
  EXPECT_EQ(items[0].expr->args[0]->text, "0.06");
  EXPECT_EQ(items[0].expr->args[0]->literal, ast::LiteralKind::kDecimal);
  EXPECT_EQ(items[1].expr->text, "12345678901234567890123");
  EXPECT_EQ(items[1].expr->literal, ast::LiteralKind::kInteger);
}

TEST(ParserTest, SpansAndCaseInsensitivity) {
  std::string text = "SeLeCt \"MixedCase\", Foo.BAR FROM t /* c */ -- x\n WHERE a = 'it''s'";
  auto r = ParseOne(text);
  ASSERT_TRUE(r.ok()) << ErrorOf(text);
  const auto& core = *r.value()->query->body->select;
  EXPECT_EQ(core.items[0].expr->name, "MixedCase");
  EXPECT_EQ(core.items[1].expr->qualifier, "foo");
  EXPECT_EQ(core.items[1].expr->name, "bar");
  auto span = core.items[1].expr->span;
  EXPECT_EQ(text.substr(span.begin, span.end - span.begin), "Foo.BAR");
  EXPECT_EQ(core.where->args[1]->text, "it's");
  EXPECT_EQ(core.where->span.begin, text.find("a = "));
}

TEST(ParserTest, Statements) {
  for (const char* sql : {
           "create table t (a integer not null, b decimal(15,2), c varchar(10)) partition by hash(a) order by (b)",
           "create table if not exists r (a int) replicated",
           "drop table if exists t",
           "create view v (x) as select a from t",
           "drop view v",
           "copy t from '/x/y.tbl' (format tbl, delimiter '|', header, null '')",
           "insert into t values (1, 2.5, 'x'), (2, null, 'y')",
           "insert into t (a) select a from t",
           "explain analyze select * from t",
           "prepare p as select * from t where a = $1",
           "execute p(1)",
           "deallocate p",
           "set threads = 4",
           "show tables",
           "select a from t union all select b from u intersect select c from v except select d from w",
           "with x (a) as (select 1), y as (select * from x) select * from y order by a desc nulls last limit 3 offset 1",
           "select a, row_number() over (partition by b order by c desc), sum(d) over () from t",
           "select * from a inner join b on a.x = b.x left outer join c using (y) cross join d full join e on true",
           "select cast(a as decimal(10,2)), case when a then 1 when b then 2 else 3 end, case a when 1 then 2 end from t",
           "select count(distinct a), count(*), substring(a, 1, 2), extract(month from d) from t",
           "select * from (select 1) as s (a), (a join b on c)",
           "select 1 where not exists (select 1) and a not in (1,2) and b not between 1 and 2 and c is not null",
       }) {
    EXPECT_EQ(ErrorOf(sql), "OK") << sql;
  }
}

TEST(ParserTest, SyntaxErrorsAtFurthestPosition) {
  EXPECT_EQ(ErrorOf("SELECT 1,\n  2 +\n  FROM x;"),
            "ERROR: syntax error at or near \"FROM\" at line 3, column 3\n  FROM x;\n  ^\n"
            "HINT: expected expression");
  EXPECT_EQ(ErrorOf("SELECT count(*) FROM lineitem GROUP BY;"),
            "ERROR: syntax error at or near \";\" at line 1, column 39\n"
            "SELECT count(*) FROM lineitem GROUP BY;\n"
            "                                      ^\nHINT: expected expression");
  EXPECT_EQ(ErrorOf("SELECT 'abc;"),
            "ERROR: unterminated string at line 1, column 8\nSELECT 'abc;\n       ^");
}

TEST(ParserTest, DeepNestingIsAPositionedError) {
  std::string text = "SELECT " + std::string(100000, '(') + "1" + std::string(100000, ')');
  auto r = ParseOne(text);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("nesting too deep"), std::string::npos);
  EXPECT_GT(r.error().offset, 7u);
  EXPECT_LT(r.error().offset, 7u + 1000u);
  std::string nots = "SELECT ";
  for (int i = 0; i < 50000; ++i) nots += "NOT ";
  nots += "1";
  auto r2 = ParseOne(nots);
  ASSERT_FALSE(r2.ok());
  EXPECT_NE(r2.error().message.find("nesting too deep"), std::string::npos);
}

}  // namespace
}  // namespace ibex::sql
