// Queries of the SQL grammar: WITH, set operations (UNION [ALL], INTERSECT, EXCEPT), SELECT
// [DISTINCT] lists, FROM with aliases, derived column lists, comma joins and
// [INNER|LEFT|RIGHT|FULL [OUTER]|CROSS] JOIN ... ON/USING, subqueries in FROM, WHERE, GROUP BY,
// HAVING, ORDER BY, LIMIT/OFFSET. See grammar_common.h.
#include "frontend/parser/grammar_common.h"

namespace ibex::sql::grammar {
namespace {

using x3::_attr;
using x3::_val;
using boost::fusion::at_c;

// --- query -----------------------------------------------------------------------------------
auto query_begin = [](auto& ctx) {
  _val(ctx) = std::make_shared<ast::Query>();
  _val(ctx)->span = {NextBegin(ctx), NextBegin(ctx)};
};
auto query_end = [](auto& ctx) { _val(ctx)->span.end = PrevEnd(ctx); };
auto push_cte = [](auto& ctx) { _val(ctx)->with.push_back(_attr(ctx)); };
auto set_body = [](auto& ctx) { _val(ctx)->body = _attr(ctx); };
auto push_order = [](auto& ctx) { _val(ctx)->order_by.push_back(_attr(ctx)); };
auto set_limit = [](auto& ctx) { _val(ctx)->limit = _attr(ctx); };
auto set_offset = [](auto& ctx) { _val(ctx)->offset = _attr(ctx); };

auto cte_name = [](auto& ctx) {
  _val(ctx) = ast::Cte{};
  _val(ctx).name = _attr(ctx);
};
auto cte_column = [](auto& ctx) { _val(ctx).columns.push_back(_attr(ctx)); };
auto cte_query = [](auto& ctx) { _val(ctx).query = _attr(ctx); };

// --- set operations --------------------------------------------------------------------------
auto set_operation = [](auto& ctx) {
  auto& a = _attr(ctx);
  auto node = std::make_shared<ast::QueryBody>();
  node->op = at_c<0>(a);
  node->all = at_c<1>(a);
  node->left = _val(ctx);
  node->right = at_c<2>(a);
  node->span = Join(node->left->span, node->right->span);
  _val(ctx) = node;
};
auto intersect = [](auto& ctx) {
  auto& a = _attr(ctx);
  auto node = std::make_shared<ast::QueryBody>();
  node->op = ast::SetOp::kIntersect;
  node->all = at_c<0>(a);
  node->left = _val(ctx);
  node->right = at_c<1>(a);
  node->span = Join(node->left->span, node->right->span);
  _val(ctx) = node;
};
auto wrap_select = [](auto& ctx) {
  auto node = std::make_shared<ast::QueryBody>();
  node->select = _attr(ctx);
  node->span = node->select->span;
  _val(ctx) = node;
};
auto wrap_nested = [](auto& ctx) {
  auto node = std::make_shared<ast::QueryBody>();
  node->nested = _attr(ctx);
  node->span = MarkedSpan(ctx);
  _val(ctx) = node;
};

// --- select ----------------------------------------------------------------------------------
auto select_begin = [](auto& ctx) {
  _val(ctx) = std::make_shared<ast::SelectCore>();
  _val(ctx)->span = SpanOf(ctx);
};
auto select_end = [](auto& ctx) { _val(ctx)->span.end = PrevEnd(ctx); };
auto select_distinct = [](auto& ctx) { _val(ctx)->distinct = true; };
auto push_item = [](auto& ctx) { _val(ctx)->items.push_back(_attr(ctx)); };
auto push_from = [](auto& ctx) { _val(ctx)->from.push_back(_attr(ctx)); };
auto set_where = [](auto& ctx) { _val(ctx)->where = _attr(ctx); };
auto push_group = [](auto& ctx) { _val(ctx)->group_by.push_back(_attr(ctx)); };
auto set_having = [](auto& ctx) { _val(ctx)->having = _attr(ctx); };

auto star_item = [](auto& ctx) {
  _val(ctx) = ast::SelectItem{};
  _val(ctx).expr = MakeExpr(ast::ExprKind::kStar, SpanOf(ctx));
};
auto item_expr = [](auto& ctx) {
  _val(ctx) = ast::SelectItem{};
  _val(ctx).expr = _attr(ctx);
};
auto item_alias = [](auto& ctx) { _val(ctx).alias = _attr(ctx); };

// --- from ------------------------------------------------------------------------------------
auto base_table = [](auto& ctx) {
  auto t = std::make_shared<ast::TableRef>();
  t->kind = ast::TableRef::Kind::kBase;
  t->name = _attr(ctx);
  t->span = t->name.span;
  _val(ctx) = t;
};
auto derived_table = [](auto& ctx) {
  auto t = std::make_shared<ast::TableRef>();
  t->kind = ast::TableRef::Kind::kDerived;
  t->subquery = _attr(ctx);
  t->span = MarkedSpan(ctx);
  _val(ctx) = t;
};
auto table_alias = [](auto& ctx) {
  _val(ctx)->alias = _attr(ctx);
  _val(ctx)->span.end = _attr(ctx).span.end;
};
auto column_alias = [](auto& ctx) {
  _val(ctx)->column_aliases.push_back(_attr(ctx));
  _val(ctx)->span.end = _attr(ctx).span.end;
};
auto join = [](auto& ctx) {
  auto& a = _attr(ctx);
  auto t = std::make_shared<ast::TableRef>();
  t->kind = ast::TableRef::Kind::kJoin;
  t->join_type = at_c<0>(a);
  t->left = _val(ctx);
  t->right = at_c<1>(a);
  t->span = Join(t->left->span, t->right->span);
  _val(ctx) = t;
};
auto cross_join = [](auto& ctx) {
  auto t = std::make_shared<ast::TableRef>();
  t->kind = ast::TableRef::Kind::kJoin;
  t->join_type = ast::JoinType::kCross;
  t->left = _val(ctx);
  t->right = _attr(ctx);
  t->span = Join(t->left->span, t->right->span);
  _val(ctx) = t;
};
auto join_on = [](auto& ctx) {
  _val(ctx)->on = _attr(ctx);
  _val(ctx)->span.end = _attr(ctx)->span.end;
};
auto join_using = [](auto& ctx) { _val(ctx)->using_columns.push_back(_attr(ctx)); };

x3::rule<class cte_id, ast::Cte> const cte = "cte";
x3::rule<class set_expr_id, ast::QueryBodyPtr> const set_expr = "set_expr";
x3::rule<class set_term_id, ast::QueryBodyPtr> const set_term = "set_term";
x3::rule<class set_primary_id, ast::QueryBodyPtr> const set_primary = "set_primary";
x3::rule<class select_core_id, std::shared_ptr<ast::SelectCore>> const select_core = "select_core";
x3::rule<class select_item_id, ast::SelectItem> const select_item = "select_item";
x3::rule<class table_ref_id, ast::TableRefPtr> const table_ref = "table_ref";
x3::rule<class table_primary_id, ast::TableRefPtr> const table_primary = "table_primary";
x3::rule<class join_kind_id, ast::JoinType> const join_kind = "join_kind";
x3::rule<class set_kind_id, ast::SetOp> const set_kind = "set_kind";

auto const query_def = memo<kQueryMemo>[depth_guard[x3::eps[query_begin] >>
                                   -(kw("with") >> (cte[push_cte] % op(","))) >> set_expr[set_body] >>
                                   -(kw("order") >> kw("by") >> (order_item[push_order] % op(","))) >>
                                   -(kw("limit") >> expr[set_limit]) >>
                                   -(kw("offset") >> expr[set_offset]) >> x3::eps[query_end]]];
auto const cte_def = ident[cte_name] >> -(op("(") >> (ident[cte_column] % op(",")) >> op(")")) >>
                     kw("as") >> op("(") >> query[cte_query] >> op(")");

auto const set_kind_def = (kw("union") >> x3::attr(ast::SetOp::kUnion)) |
                      (kw("except") >> x3::attr(ast::SetOp::kExcept));
auto const all_kw = x3::matches[kw("all")] >> -kw("distinct");
auto const set_expr_def = set_term[set_val] >> *((set_kind >> all_kw >> set_term)[set_operation]);
auto const set_term_def = set_primary[set_val] >> *((kw("intersect") >> all_kw >> set_primary)[intersect]);
auto const set_primary_def = select_core[wrap_select] | mark[op("(") >> query >> op(")")][wrap_nested];

auto const select_core_def =
    kw("select")[select_begin] >> -(kw("distinct")[select_distinct] | kw("all")) >>
    (select_item[push_item] % op(",")) >> -(kw("from") >> (table_ref[push_from] % op(","))) >>
    -(kw("where") >> expr[set_where]) >> -(kw("group") >> kw("by") >> (expr[push_group] % op(","))) >>
    -(kw("having") >> expr[set_having]) >> x3::eps[select_end];
auto const select_item_def = op("*")[star_item] | (expr[item_expr] >> -(-kw("as") >> ident[item_alias]));

auto const column_aliases = op("(") >> (ident[column_alias] % op(",")) >> op(")");
auto const table_primary_def =
    (mark[op("(") >> query >> op(")")][derived_table] >> -(-kw("as") >> ident[table_alias] >> -column_aliases)) |
    (ident[base_table] >> -(-kw("as") >> ident[table_alias] >> -column_aliases)) |
    (op("(") >> table_ref >> op(")"))[set_val];
auto const join_kind_def = (kw("inner") >> x3::attr(ast::JoinType::kInner)) |
                           (kw("left") >> -kw("outer") >> x3::attr(ast::JoinType::kLeft)) |
                           (kw("right") >> -kw("outer") >> x3::attr(ast::JoinType::kRight)) |
                           (kw("full") >> -kw("outer") >> x3::attr(ast::JoinType::kFull)) |
                           x3::attr(ast::JoinType::kInner);
auto const table_ref_def =
    table_primary[set_val] >>
    *((kw("cross") >> kw("join") >> table_primary)[cross_join] |
      ((join_kind >> kw("join") >> table_primary)[join] >>
       ((kw("on") >> expr[join_on]) |
        (kw("using") >> op("(") >> (ident[join_using] % op(",")) >> op(")")))));

BOOST_SPIRIT_DEFINE(cte, set_expr, set_term, set_primary, select_core, select_item, table_ref,
                    table_primary, join_kind, set_kind)

}  // namespace

BOOST_SPIRIT_DEFINE(query)
BOOST_SPIRIT_INSTANTIATE(query_type, Iterator, ParseContext)

}  // namespace ibex::sql::grammar
