#include "tests/fuzz/frontend_fuzz_body.h"

#include "frontend/binder/binder.h"
#include "frontend/parser/parser.h"

namespace ibex::sql::test {
namespace {

constexpr const char* kSchema =
    "create table region (r_regionkey integer not null, r_name char(25) not null, r_comment varchar(152));"
    "create table nation (n_nationkey integer not null, n_name char(25) not null, n_regionkey integer not null,"
    " n_comment varchar(152)) replicated;"
    "create table orders (o_orderkey integer not null, o_custkey integer not null, o_orderstatus char(1),"
    " o_totalprice decimal(15,2), o_orderdate date, o_comment varchar(79)) partition by hash(o_orderkey);"
    "create table lineitem (l_orderkey integer not null, l_partkey integer, l_quantity decimal(15,2),"
    " l_extendedprice decimal(15,2), l_discount decimal(15,2), l_returnflag char(1), l_shipdate date,"
    " l_comment varchar(44)) partition by hash(l_orderkey) order by (l_shipdate);"
    "create view big_orders as select o_orderkey, o_totalprice from orders where o_totalprice > 1000;";

const storage::Catalog& BaseCatalog() {
  static const storage::Catalog catalog = [] {
    storage::Catalog c;
    auto stmts = ParseScript(kSchema);
    if (stmts.ok()) {
      for (const auto& s : stmts.value()) {
        auto bound = Bind(kSchema, s, c);
        if (bound.ok()) (void)ApplyCatalogStatement(bound.value(), c);
      }
    }
    return c;
  }();
  return catalog;
}

}  // namespace

int FuzzFrontendOnce(std::string_view text) {
  storage::Catalog catalog = BaseCatalog();
  auto tokens = Tokenize(text);
  if (!tokens.ok()) {
    (void)FormatSqlError(text, tokens.error());
    return 0;
  }
  SplitResult split = SplitStatements(tokens.value());
  if (split.trailing_incomplete) split.statements.push_back(split.trailing);
  int bound_ok = 0;
  for (StatementRange range : split.statements) {
    auto parsed = ParseStatement(text, tokens.value(), range);
    if (!parsed.ok()) {
      (void)FormatSqlError(text, parsed.error(), 3);
      continue;
    }
    auto bound = Bind(text, parsed.value(), catalog);
    if (!bound.ok()) {
      (void)FormatSqlError(text, bound.error());
      continue;
    }
    ++bound_ok;
    if (bound.value().IsCatalogStatement()) {
      auto applied = ApplyCatalogStatement(bound.value(), catalog);
      if (!applied.ok()) (void)FormatSqlError(text, applied.error());
    }
  }
  return bound_ok;
}

}  // namespace ibex::sql::test
