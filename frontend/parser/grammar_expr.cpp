// Expression operators of the SQL grammar: OR, AND, NOT, comparison and the predicates
// (IS NULL, BETWEEN, IN, LIKE), + - * / % ||, unary signs; and ORDER BY items. Operands are
// `primary` (grammar_special.cpp). See grammar_common.h.
#include "frontend/parser/grammar_common.h"

namespace ibex::sql::grammar {
namespace {

using x3::_attr;
using x3::_val;
using boost::fusion::at_c;

template <const char* Op>
struct BinaryWith {
  template <typename Ctx>
  void operator()(Ctx& ctx) const {
    _val(ctx) = MakeBinary(Op, _val(ctx), _attr(ctx));
  }
};
constexpr char kOr[] = "or";
constexpr char kAnd[] = "and";

auto binary_op = [](auto& ctx) {
  auto& a = _attr(ctx);
  _val(ctx) = MakeBinary(at_c<0>(a), _val(ctx), at_c<1>(a));
};

auto unary_op = [](auto& ctx) {
  auto& a = _attr(ctx);
  auto e = MakeExpr(ast::ExprKind::kUnary, MarkedSpan(ctx));
  e->name = at_c<0>(a);
  e->args = {at_c<1>(a)};
  _val(ctx) = e;
};

auto not_op = [](auto& ctx) {
  ast::ExprPtr operand = _attr(ctx);
  auto e = MakeExpr(ast::ExprKind::kUnary, MarkedSpan(ctx));
  e->name = "not";
  e->args = {operand};
  _val(ctx) = e;
};

// Predicate tails: they extend _val (the left operand) and take its span's start.
auto is_null = [](auto& ctx) {
  auto e = MakeExpr(ast::ExprKind::kIsNull, {_val(ctx)->span.begin, PrevEnd(ctx)});
  e->negated = _attr(ctx);
  e->args = {_val(ctx)};
  _val(ctx) = e;
};
auto between = [](auto& ctx) {
  auto& a = _attr(ctx);
  auto e = MakeExpr(ast::ExprKind::kBetween, {_val(ctx)->span.begin, PrevEnd(ctx)});
  e->negated = at_c<0>(a);
  e->args = {_val(ctx), at_c<1>(a), at_c<2>(a)};
  _val(ctx) = e;
};
auto in_query = [](auto& ctx) {
  auto& a = _attr(ctx);
  auto e = MakeExpr(ast::ExprKind::kInSubquery, {_val(ctx)->span.begin, PrevEnd(ctx)});
  e->negated = at_c<0>(a);
  e->args = {_val(ctx)};
  e->subquery = at_c<1>(a);
  _val(ctx) = e;
};
auto in_list = [](auto& ctx) {
  auto& a = _attr(ctx);
  auto e = MakeExpr(ast::ExprKind::kInList, {_val(ctx)->span.begin, PrevEnd(ctx)});
  e->negated = at_c<0>(a);
  e->args = {_val(ctx)};
  for (auto& item : at_c<1>(a)) e->args.push_back(item);
  _val(ctx) = e;
};
auto like = [](auto& ctx) {
  auto& a = _attr(ctx);
  auto e = MakeExpr(ast::ExprKind::kLike, {_val(ctx)->span.begin, PrevEnd(ctx)});
  e->negated = at_c<0>(a);
  e->args = {_val(ctx), at_c<1>(a)};
  _val(ctx) = e;
};

auto order_expr = [](auto& ctx) { _val(ctx).expr = _attr(ctx); };
auto order_desc = [](auto& ctx) { _val(ctx).descending = true; };
auto nulls_first = [](auto& ctx) { _val(ctx).nulls_first = true; };
auto nulls_last = [](auto& ctx) { _val(ctx).nulls_first = false; };

x3::rule<class or_expr_id, ast::ExprPtr> const or_expr = "or_expr";
x3::rule<class and_expr_id, ast::ExprPtr> const and_expr = "and_expr";
x3::rule<class not_expr_id, ast::ExprPtr> const not_expr = "not_expr";
x3::rule<class pred_expr_id, ast::ExprPtr> const pred_expr = "pred_expr";
x3::rule<class add_expr_id, ast::ExprPtr> const add_expr = "add_expr";
x3::rule<class mul_expr_id, ast::ExprPtr> const mul_expr = "mul_expr";
x3::rule<class unary_expr_id, ast::ExprPtr> const unary_expr = "unary_expr";

auto const not_kw = x3::matches[kw("not")];

auto const expr_def = memo<kExprMemo>[named("expression")[depth_guard[or_expr]]];
auto const or_expr_def = and_expr[set_val] >> *((kw("or") >> and_expr)[BinaryWith<kOr>()]);
auto const and_expr_def = not_expr[set_val] >> *((kw("and") >> not_expr)[BinaryWith<kAnd>()]);
auto const not_expr_def = mark[kw("not") >> depth_guard[not_expr]][not_op] | pred_expr[set_val];
auto const pred_expr_def =
    add_expr[set_val] >>
    -((opv("=", "<>", "<", "<=", ">", ">=") >> add_expr)[binary_op] |
      (kw("is") >> x3::matches[kw("not")] >> kw("null"))[is_null] |
      (not_kw >> kw("between") >> add_expr >> kw("and") >> add_expr)[between] |
      (not_kw >> kw("in") >> op("(") >> query >> op(")"))[in_query] |
      (not_kw >> kw("in") >> op("(") >> (expr % op(",")) >> op(")"))[in_list] |
      (not_kw >> kw("like") >> add_expr)[like]);
auto const add_expr_def = mul_expr[set_val] >> *((opv("+", "-", "||") >> mul_expr)[binary_op]);
auto const mul_expr_def = unary_expr[set_val] >> *((opv("*", "/", "%") >> unary_expr)[binary_op]);
auto const unary_expr_def = named("expression")[mark[opv("-", "+") >> depth_guard[unary_expr]][unary_op] |
                                                primary[set_val]];

auto const order_item_def = expr[order_expr] >> -(kw("asc") | kw("desc")[order_desc]) >>
                            -(kw("nulls") >> (kw("first")[nulls_first] | kw("last")[nulls_last]));

BOOST_SPIRIT_DEFINE(or_expr, and_expr, not_expr, pred_expr, add_expr, mul_expr, unary_expr)

}  // namespace

BOOST_SPIRIT_DEFINE(expr, order_item)
BOOST_SPIRIT_INSTANTIATE(expr_type, Iterator, ParseContext)
BOOST_SPIRIT_INSTANTIATE(order_item_type, Iterator, ParseContext)

}  // namespace ibex::sql::grammar
