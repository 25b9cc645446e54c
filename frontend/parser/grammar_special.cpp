// Operands of SQL expressions (`primary`): literals (exact numerals, strings, DATE '..',
// INTERVAL '..' unit), $n parameters, CASE, CAST, EXTRACT, SUBSTRING, EXISTS, scalar
// subqueries, parentheses, function calls with DISTINCT/* and OVER windows, column
// references; and type names. See grammar_common.h.
#include "frontend/parser/grammar_common.h"

namespace ibex::sql::grammar {
namespace {

using x3::_attr;
using x3::_val;
using boost::fusion::at_c;

ast::Span TokenSpan(const Token* t) { return {t->begin, t->end}; }

template <ast::ExprKind Kind>
struct Begin {
  template <typename Ctx>
  void operator()(Ctx& ctx) const {
    _val(ctx) = MakeExpr(Kind, SpanOf(ctx));
  }
};
auto push_arg = [](auto& ctx) { _val(ctx)->args.push_back(_attr(ctx)); };
auto end_span = [](auto& ctx) { _val(ctx)->span.end = SpanOf(ctx).end; };

ast::ExprPtr MakeLiteral(ast::LiteralKind kind, ast::Span span, std::string text) {
  auto e = MakeExpr(ast::ExprKind::kLiteral, span);
  e->literal = kind;
  e->text = std::move(text);
  return e;
}
auto number_lit = [](auto& ctx) {
  const Token* t = _attr(ctx);
  bool integer = t->text.find_first_of(".eE") == std::string::npos;
  _val(ctx) = MakeLiteral(integer ? ast::LiteralKind::kInteger : ast::LiteralKind::kDecimal, TokenSpan(t), t->text);
};
auto string_lit = [](auto& ctx) {
  const Token* t = _attr(ctx);
  _val(ctx) = MakeLiteral(ast::LiteralKind::kString, TokenSpan(t), t->text);
};
template <ast::LiteralKind Kind>
struct Keyword {
  const char* text;
  template <typename Ctx>
  void operator()(Ctx& ctx) const {
    _val(ctx) = MakeLiteral(Kind, SpanOf(ctx), text);
  }
};
auto date_lit = [](auto& ctx) {
  const Token* t = _attr(ctx);
  _val(ctx) = MakeLiteral(ast::LiteralKind::kDate, MarkedSpan(ctx), t->text);
};
auto interval_lit = [](auto& ctx) {
  auto& a = _attr(ctx);
  auto e = MakeLiteral(ast::LiteralKind::kInterval, MarkedSpan(ctx), at_c<0>(a)->text);
  e->interval_unit = at_c<1>(a).name;
  _val(ctx) = e;
};
auto param_lit = [](auto& ctx) {
  const Token* t = _attr(ctx);
  auto e = MakeExpr(ast::ExprKind::kParam, TokenSpan(t));
  e->text = t->text;
  _val(ctx) = e;
};
auto case_operand = [](auto& ctx) {
  _val(ctx)->args.push_back(_attr(ctx));
  _val(ctx)->has_operand = true;
};
auto case_else = [](auto& ctx) {
  _val(ctx)->args.push_back(_attr(ctx));
  _val(ctx)->has_else = true;
};
auto cast_type = [](auto& ctx) { _val(ctx)->cast_type = _attr(ctx); };
auto set_name = [](auto& ctx) { _val(ctx)->name = _attr(ctx).name; };
auto set_subquery = [](auto& ctx) { _val(ctx)->subquery = _attr(ctx); };
auto paren = [](auto& ctx) { _val(ctx) = _attr(ctx); };
auto function_begin = [](auto& ctx) {
  auto e = MakeExpr(ast::ExprKind::kFunction, SpanOf(ctx));
  e->name = _attr(ctx).name;
  _val(ctx) = e;
};
auto function_star = [](auto& ctx) {
  _val(ctx)->args.push_back(MakeExpr(ast::ExprKind::kStar, SpanOf(ctx)));
};
auto function_distinct = [](auto& ctx) { _val(ctx)->distinct = true; };
auto set_window = [](auto& ctx) {
  _val(ctx)->window = _attr(ctx);
  _val(ctx)->span.end = _attr(ctx)->span.end;
};
auto column = [](auto& ctx) {
  auto e = MakeExpr(ast::ExprKind::kColumnRef, SpanOf(ctx));
  e->name = _attr(ctx).name;
  _val(ctx) = e;
};
auto qualify = [](auto& ctx) {
  auto& e = *_val(ctx);
  e.qualifier = std::move(e.name);
  e.qualifier_span = e.span;
  e.name = _attr(ctx).name;
  e.span.end = _attr(ctx).span.end;
};
auto qualified_star = [](auto& ctx) {
  auto& e = *_val(ctx);
  e.kind = ast::ExprKind::kStar;
  e.qualifier = std::move(e.name);
  e.qualifier_span = e.span;
  e.name.clear();
  e.span.end = PrevEnd(ctx);
};

auto window_begin = [](auto& ctx) {
  _val(ctx) = std::make_shared<ast::WindowSpec>();
  _val(ctx)->span = SpanOf(ctx);
};
auto window_partition = [](auto& ctx) { _val(ctx)->partition_by.push_back(_attr(ctx)); };
auto window_order = [](auto& ctx) { _val(ctx)->order_by.push_back(_attr(ctx)); };

auto type_begin = [](auto& ctx) {
  _val(ctx) = ast::TypeName{};
  _val(ctx).name = _attr(ctx).name;
  _val(ctx).span = _attr(ctx).span;
};
auto type_param = [](auto& ctx) {
  const Token* t = _attr(ctx);
  int64_t v = 0;
  for (char c : t->text) {
    if (c < '0' || c > '9' || v > 1'000'000'000) {
      v = -1;  // not a small integer: the binder reports it
      break;
    }
    v = v * 10 + (c - '0');
  }
  _val(ctx).params.push_back(v);
  _val(ctx).span.end = t->end;
};
auto type_varying = [](auto& ctx) {
  _val(ctx).name = "varchar";
  _val(ctx).span.end = SpanOf(ctx).end;
};
auto type_end = [](auto& ctx) { _val(ctx).span.end = SpanOf(ctx).end; };

x3::rule<class literal_id, ast::ExprPtr> const literal = "literal";
x3::rule<class case_expr_id, ast::ExprPtr> const case_expr = "case_expr";
x3::rule<class cast_expr_id, ast::ExprPtr> const cast_expr = "cast_expr";
x3::rule<class extract_expr_id, ast::ExprPtr> const extract_expr = "extract_expr";
x3::rule<class substring_expr_id, ast::ExprPtr> const substring_expr = "substring_expr";
x3::rule<class exists_expr_id, ast::ExprPtr> const exists_expr = "exists_expr";
x3::rule<class subquery_expr_id, ast::ExprPtr> const subquery_expr = "subquery_expr";
x3::rule<class function_call_id, ast::ExprPtr> const function_call = "function_call";
x3::rule<class column_ref_id, ast::ExprPtr> const column_ref = "column_ref";
x3::rule<class over_clause_id, std::shared_ptr<ast::WindowSpec>> const over_clause = "over_clause";

using K = ast::ExprKind;
using L = ast::LiteralKind;

auto const literal_def = number_tok[number_lit] | string_tok[string_lit] |
                         kw("null")[Keyword<L::kNull>{"null"}] |
                         kw("true")[Keyword<L::kBool>{"true"}] |
                         kw("false")[Keyword<L::kBool>{"false"}] |
                         mark[kw("date") >> string_tok][date_lit] |
                         mark[kw("interval") >> string_tok >> ident][interval_lit];
auto const case_expr_def = kw("case")[Begin<K::kCase>()] >> -(!kw("when") >> expr[case_operand]) >>
                           +(kw("when") >> expr[push_arg] >> kw("then") >> expr[push_arg]) >>
                           -(kw("else") >> expr[case_else]) >> kw("end")[end_span];
auto const cast_expr_def = kw("cast")[Begin<K::kCast>()] >> op("(") >> expr[push_arg] >>
                           kw("as") >> type_name[cast_type] >> op(")")[end_span];
auto const extract_expr_def = kw("extract")[Begin<K::kExtract>()] >> op("(") >> ident[set_name] >>
                              kw("from") >> expr[push_arg] >> op(")")[end_span];
auto const substring_expr_def =
    kw("substring")[Begin<K::kSubstring>()] >> op("(") >> expr[push_arg] >>
    ((kw("from") >> expr[push_arg] >> -(kw("for") >> expr[push_arg])) |
     (op(",") >> expr[push_arg] >> -(op(",") >> expr[push_arg]))) >>
    op(")")[end_span];
auto const exists_expr_def = kw("exists")[Begin<K::kExists>()] >> op("(") >> query[set_subquery] >>
                             op(")")[end_span];
auto const subquery_expr_def = op("(")[Begin<K::kSubquery>()] >> query[set_subquery] >> op(")")[end_span];
auto const function_call_def =
    ident[function_begin] >> op("(") >>
    -(op("*")[function_star] |
      (-(kw("distinct")[function_distinct] | kw("all")) >> (expr[push_arg] % op(",")))) >>
    op(")")[end_span] >> -over_clause[set_window];
auto const column_ref_def = ident[column] >> -(op(".") >> (ident[qualify] | op("*")[qualified_star]));
auto const over_clause_def =
    kw("over")[window_begin] >> op("(") >>
    -(kw("partition") >> kw("by") >> (expr[window_partition] % op(","))) >>
    -(kw("order") >> kw("by") >> (order_item[window_order] % op(","))) >>
    op(")")[([](auto& ctx) { _val(ctx)->span.end = SpanOf(ctx).end; })];

// Every alternative has an action: a rule whose definition has actions does not propagate
// attributes by itself.
auto const primary_def = literal[set_val] | param_tok[param_lit] | case_expr[set_val] |
                         cast_expr[set_val] | extract_expr[set_val] | substring_expr[set_val] |
                         exists_expr[set_val] | subquery_expr[set_val] |
                         (op("(") >> expr >> op(")"))[paren] | function_call[set_val] |
                         column_ref[set_val];

auto const type_name_def =
    any_word[type_begin] >> -(kw("precision")[type_end] | kw("varying")[type_varying]) >>
    -(op("(") >> (number_tok[type_param] % op(",")) >> op(")")[type_end]);

BOOST_SPIRIT_DEFINE(literal, case_expr, cast_expr, extract_expr, substring_expr, exists_expr,
                    subquery_expr, function_call, column_ref, over_clause)

}  // namespace

BOOST_SPIRIT_DEFINE(primary, type_name)
BOOST_SPIRIT_INSTANTIATE(primary_type, Iterator, ParseContext)
BOOST_SPIRIT_INSTANTIATE(type_name_type, Iterator, ParseContext)

}  // namespace ibex::sql::grammar
