// Shared pieces of the SQL grammar (Boost.Spirit X3 over tokens): the token primitives, the
// ParseTracker that remembers the furthest failure and what was expected there, the nesting
// guard, the one context type every rule is instantiated with, and the declarations of the
// rules that cross translation units (defined in grammar_expr.cpp, grammar_special.cpp,
// grammar_query.cpp and grammar_stmt.cpp). Included only by those files and parser.cpp.
// A tracker belongs to one parse on one thread.
#pragma once

#include <boost/spirit/home/x3.hpp>

#include <array>
#include <cctype>
#include <type_traits>
#include <unordered_map>
#include <string>
#include <string_view>
#include <vector>

#include "frontend/ast/ast.h"
#include "frontend/parser/tokenizer.h"
#include "frontend/stack_budget.h"

namespace ibex::sql::grammar {

namespace x3 = boost::spirit::x3;
using Iterator = const Token*;

// Recursion limit of expressions and queries: deep enough for any human query, far from the
// stack's end (each level costs a few KiB of X3 frames).
inline constexpr int kMaxNesting = 200;

struct ParseTracker {
  Iterator furthest = nullptr;
  std::vector<std::string> expected;  // what would have been accepted at `furthest`
  struct Frame {
    Iterator start;
    const char* name;
  };
  std::vector<Frame> named;  // named rules being parsed, outermost first
  int depth = 0;
  StackBudget stack;              // where the parse began
  // Packrat memo of memo[...] rules: (rule slot, start token) -> outcome. Without it,
  // backtracking over nested parentheses and subqueries is exponential in the input.
  struct MemoEntry {
    bool ok = false;
    Iterator end = nullptr;
    std::shared_ptr<void> value;
  };
  std::unordered_map<uintptr_t, MemoEntry> memo;
  Iterator last_start = nullptr;  // where the last successful mark[...] began

  void Fail(Iterator at, std::string_view what) {
    for (const Frame& f : named) {
      if (f.start == at) {
        what = f.name;
        break;
      }
    }
    if (furthest == nullptr || at > furthest) {
      furthest = at;
      expected.clear();
    }
    if (at != furthest) return;
    for (const std::string& e : expected) {
      if (e == what) return;
    }
    expected.emplace_back(what);
  }
};

// Thrown (and caught by the parser driver) when kMaxNesting is exceeded.
struct NestingTooDeep {
  Iterator at;
};

struct tracker_tag;
using ParseContext = x3::context<tracker_tag, ParseTracker, x3::unused_type>;

template <typename Ctx>
ParseTracker& Tracker(const Ctx& ctx) {
  return x3::get<tracker_tag>(ctx);
}

// --- token primitives ------------------------------------------------------------------------

// A keyword: an unquoted word with this (lower-case) text.
struct kw_parser : x3::parser<kw_parser> {
  using attribute_type = x3::unused_type;
  static bool const has_attribute = false;
  const char* word;
  constexpr explicit kw_parser(const char* w) : word(w) {}
  template <typename It, typename Ctx, typename RCtx, typename Attr>
  bool parse(It& first, It const& last, Ctx const& ctx, RCtx&, Attr&) const {
    if (first != last && first->kind == TokenKind::kWord && first->text == word) {
      ++first;
      return true;
    }
    std::string shown = word;
    for (char& c : shown) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    Tracker(ctx).Fail(first, shown);
    return false;
  }
};
inline kw_parser kw(const char* w) { return kw_parser(w); }

// One of up to six operator tokens. With Value the attribute is the operator's text (opv),
// otherwise there is none (op).
template <bool Value>
struct op_parser : x3::parser<op_parser<Value>> {
  using attribute_type = std::conditional_t<Value, std::string, x3::unused_type>;
  static bool const has_attribute = Value;
  std::array<const char*, 6> ops{};
  template <typename... S>
  constexpr explicit op_parser(S... s) : ops{s...} {}
  template <typename It, typename Ctx, typename RCtx, typename Attr>
  bool parse(It& first, It const& last, Ctx const& ctx, RCtx&, Attr& attr) const {
    for (const char* o : ops) {
      if (o == nullptr) break;
      if (first != last && first->kind == TokenKind::kOp && first->text == o) {
        if constexpr (Value) x3::traits::move_to(first->text, attr);
        ++first;
        return true;
      }
    }
    for (const char* o : ops) {
      if (o == nullptr) break;
      Tracker(ctx).Fail(first, std::string("\"") + o + "\"");
    }
    return false;
  }
};
template <typename... S>
op_parser<false> op(S... s) {
  return op_parser<false>(s...);
}
template <typename... S>
op_parser<true> opv(S... s) {
  return op_parser<true>(s...);
}

// The end of the previous token: where a construct that just ended stops.
template <typename Ctx>
uint32_t PrevEnd(const Ctx& ctx) {
  return (x3::_where(ctx).begin() - 1)->end;
}

// Words that cannot be unquoted identifiers (they start or separate clauses).
bool IsReserved(std::string_view word);

// An identifier: an unreserved word, or any quoted identifier. `any_word` also accepts
// reserved words (type names, COPY options).
struct ident_parser : x3::parser<ident_parser> {
  using attribute_type = ast::Identifier;
  static bool const has_attribute = true;
  bool any_word = false;
  template <typename It, typename Ctx, typename RCtx, typename Attr>
  bool parse(It& first, It const& last, Ctx const& ctx, RCtx&, Attr& attr) const {
    if (first != last && (first->kind == TokenKind::kQuotedIdent ||
                          (first->kind == TokenKind::kWord && (any_word || !IsReserved(first->text))))) {
      x3::traits::move_to(ast::Identifier{first->text, {first->begin, first->end}}, attr);
      ++first;
      return true;
    }
    Tracker(ctx).Fail(first, any_word ? "word" : "identifier");
    return false;
  }
};
inline constexpr ident_parser ident{};
inline constexpr ident_parser any_word{{}, true};

// A token of one kind (number, string, parameter); the attribute is the token.
struct tok_parser : x3::parser<tok_parser> {
  using attribute_type = const Token*;
  static bool const has_attribute = true;
  TokenKind kind;
  const char* name;
  template <typename It, typename Ctx, typename RCtx, typename Attr>
  bool parse(It& first, It const& last, Ctx const& ctx, RCtx&, Attr& attr) const {
    if (first != last && first->kind == kind) {
      x3::traits::move_to(&*first, attr);
      ++first;
      return true;
    }
    Tracker(ctx).Fail(first, name);
    return false;
  }
};
inline constexpr tok_parser number_tok{{}, TokenKind::kNumber, "number"};
inline constexpr tok_parser string_tok{{}, TokenKind::kString, "string"};
inline constexpr tok_parser param_tok{{}, TokenKind::kParam, "parameter"};

// The end of the statement's tokens.
struct end_parser : x3::parser<end_parser> {
  using attribute_type = x3::unused_type;
  static bool const has_attribute = false;
  template <typename It, typename Ctx, typename RCtx, typename Attr>
  bool parse(It& first, It const& last, Ctx const& ctx, RCtx&, Attr&) const {
    if (first == last) return true;
    Tracker(ctx).Fail(first, "end of statement");
    return false;
  }
};
inline constexpr end_parser end_of_statement{};

// --- directives ------------------------------------------------------------------------------

// directive[p] for a directive parser template taking only its subject.
template <template <typename> class Parser>
struct unary_gen {
  template <typename Subject>
  constexpr Parser<typename x3::extension::as_parser<Subject>::value_type> operator[](Subject const& s) const {
    return Parser<typename x3::extension::as_parser<Subject>::value_type>(x3::as_parser(s));
  }
};

// depth_guard[p]: p, counting nesting; throws NestingTooDeep beyond kMaxNesting.
template <typename Subject>
struct depth_guard_parser : x3::unary_parser<Subject, depth_guard_parser<Subject>> {
  using base_type = x3::unary_parser<Subject, depth_guard_parser<Subject>>;
  static bool const is_pass_through_unary = true;
  constexpr explicit depth_guard_parser(Subject const& s) : base_type(s) {}
  template <typename It, typename Ctx, typename RCtx, typename Attr>
  bool parse(It& first, It const& last, Ctx const& ctx, RCtx& rctx, Attr& attr) const {
    ParseTracker& t = Tracker(ctx);
    if (++t.depth > kMaxNesting || t.stack.Exhausted()) throw NestingTooDeep{first};
    bool ok = this->subject.parse(first, last, ctx, rctx, attr);
    --t.depth;
    return ok;
  }
};
inline constexpr unary_gen<depth_guard_parser> depth_guard{};

// named("expression")[p]: when p fails at its first token, that failure reads "expected
// expression" instead of listing every token that can start one.
template <typename Subject>
struct named_parser : x3::unary_parser<Subject, named_parser<Subject>> {
  using base_type = x3::unary_parser<Subject, named_parser<Subject>>;
  static bool const is_pass_through_unary = true;
  const char* name;
  constexpr named_parser(Subject const& s, const char* n) : base_type(s), name(n) {}
  template <typename It, typename Ctx, typename RCtx, typename Attr>
  bool parse(It& first, It const& last, Ctx const& ctx, RCtx& rctx, Attr& attr) const {
    ParseTracker& t = Tracker(ctx);
    t.named.push_back({first, name});
    bool ok = this->subject.parse(first, last, ctx, rctx, attr);
    t.named.pop_back();
    return ok;
  }
};
struct named_gen {
  const char* name;
  template <typename Subject>
  constexpr named_parser<typename x3::extension::as_parser<Subject>::value_type> operator[](
      Subject const& s) const {
    return {x3::as_parser(s), name};
  }
};
inline constexpr named_gen named(const char* n) { return named_gen{n}; }

// memo<Slot>[p] as the whole definition of a rule whose attribute is a shared_ptr: parses p at
// most once per start token, replaying the outcome (success, end, attribute) afterwards.
template <int Slot, typename Subject>
struct memo_parser : x3::unary_parser<Subject, memo_parser<Slot, Subject>> {
  using base_type = x3::unary_parser<Subject, memo_parser<Slot, Subject>>;
  static bool const is_pass_through_unary = true;
  static_assert(Slot >= 0 && Slot < 8);
  constexpr explicit memo_parser(Subject const& s) : base_type(s) {}
  // RCtx is the rule's attribute (X3 passes it as the rule context), a shared_ptr.
  template <typename It, typename Ctx, typename RCtx, typename Attr>
  bool parse(It& first, It const& last, Ctx const& ctx, RCtx& rctx, Attr& attr) const {
    ParseTracker& t = Tracker(ctx);
    uintptr_t key = reinterpret_cast<uintptr_t>(&*first) | Slot;  // tokens are 8-aligned
    if (auto it = t.memo.find(key); it != t.memo.end()) {
      if (!it->second.ok) return false;
      rctx = std::static_pointer_cast<typename RCtx::element_type>(it->second.value);
      first = it->second.end;
      return true;
    }
    bool ok = this->subject.parse(first, last, ctx, rctx, attr);
    t.memo[key] = ParseTracker::MemoEntry{ok, first, ok ? std::static_pointer_cast<void>(rctx) : nullptr};
    return ok;
  }
};
template <int Slot>
struct memo_gen {
  template <typename Subject>
  constexpr memo_parser<Slot, typename x3::extension::as_parser<Subject>::value_type> operator[](
      Subject const& s) const {
    return memo_parser<Slot, typename x3::extension::as_parser<Subject>::value_type>(x3::as_parser(s));
  }
};
template <int Slot>
inline constexpr memo_gen<Slot> memo{};
inline constexpr int kExprMemo = 0;
inline constexpr int kQueryMemo = 1;

// mark[p]: p; on success remembers where p began, for MarkedSpan in the action on mark[p].
template <typename Subject>
struct mark_parser : x3::unary_parser<Subject, mark_parser<Subject>> {
  using base_type = x3::unary_parser<Subject, mark_parser<Subject>>;
  static bool const is_pass_through_unary = true;
  constexpr explicit mark_parser(Subject const& s) : base_type(s) {}
  template <typename It, typename Ctx, typename RCtx, typename Attr>
  bool parse(It& first, It const& last, Ctx const& ctx, RCtx& rctx, Attr& attr) const {
    It start = first;
    if (!this->subject.parse(first, last, ctx, rctx, attr)) return false;
    Tracker(ctx).last_start = start;
    return true;
  }
};
inline constexpr unary_gen<mark_parser> mark{};

// --- helpers for semantic actions ------------------------------------------------------------

// In Boost 1.74 a semantic action's _where is [end of the match, end of input), not the
// match. So: SpanOf = the one token just matched (for actions on single tokens), PrevEnd = the
// end of the last matched token, NextBegin = where the next token starts (for eps), and
// MarkedSpan = the whole match of a mark[...] subject.
template <typename Ctx>
ast::Span SpanOf(const Ctx& ctx) {
  const Token* t = x3::_where(ctx).begin() - 1;
  return {t->begin, t->end};
}
template <typename Ctx>
uint32_t NextBegin(const Ctx& ctx) {
  return x3::_where(ctx).begin()->begin;
}
template <typename Ctx>
ast::Span MarkedSpan(const Ctx& ctx) {
  return {Tracker(ctx).last_start->begin, PrevEnd(ctx)};
}

inline ast::Span Join(ast::Span a, ast::Span b) { return {a.begin, b.end}; }

// The action that makes a rule's value its subject's (rules with actions do not propagate).
inline constexpr auto set_val = [](auto& ctx) { x3::_val(ctx) = x3::_attr(ctx); };

inline ast::ExprPtr MakeExpr(ast::ExprKind kind, ast::Span span) {
  auto e = std::make_shared<ast::Expr>();
  e->kind = kind;
  e->span = span;
  return e;
}

inline ast::ExprPtr MakeBinary(std::string op, ast::ExprPtr lhs, ast::ExprPtr rhs) {
  auto e = MakeExpr(ast::ExprKind::kBinary, Join(lhs->span, rhs->span));
  e->name = std::move(op);
  e->args = {std::move(lhs), std::move(rhs)};
  return e;
}

// --- rules shared across translation units ---------------------------------------------------

using expr_type = x3::rule<class expr_id, ast::ExprPtr>;
using primary_type = x3::rule<class primary_id, ast::ExprPtr>;
using order_item_type = x3::rule<class order_item_id, ast::OrderItem>;
using query_type = x3::rule<class query_id, ast::QueryPtr>;
using type_name_type = x3::rule<class type_name_id, ast::TypeName>;
using statement_type = x3::rule<class statement_id, ast::StatementPtr>;

inline const expr_type expr = "expr";
inline const primary_type primary = "primary";
inline const order_item_type order_item = "order_item";
inline const query_type query = "query";
inline const type_name_type type_name = "type_name";
inline const statement_type statement = "statement";

BOOST_SPIRIT_DECLARE(expr_type, primary_type, order_item_type, query_type, type_name_type,
                     statement_type)

}  // namespace ibex::sql::grammar
