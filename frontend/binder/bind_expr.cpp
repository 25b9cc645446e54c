// Expressions of the binder: column resolution (correlated references included), literal
// checks, operator and function typing, subqueries, grouping rules. See binder.h.
#include <algorithm>
#include <array>
#include <set>

#include "frontend/binder/binder_impl.h"
#include "frontend/binder/type_rules.h"

namespace ibex::sql {

using storage::ToLowerAscii;
using storage::TypeId;
using EK = ast::ExprKind;

namespace {

std::string Display(const ast::Expr& e) {
  return e.qualifier.empty() ? e.name : e.qualifier + "." + e.name;
}

bool IsBooleanish(const SqlType& t) { return t.unknown() || t.is(TypeId::kBoolean); }

const std::set<std::string, std::less<>>& Aggregates() {
  static const std::set<std::string, std::less<>> kNames = {
      "count",       "sum",        "avg",      "min",      "max",    "stddev",
      "stddev_samp", "stddev_pop", "variance", "var_samp", "var_pop"};
  return kNames;
}
const std::set<std::string, std::less<>>& WindowOnly() {
  static const std::set<std::string, std::less<>> kNames = {"row_number", "rank", "dense_rank"};
  return kNames;
}
const std::vector<std::string>& ScalarFunctions() {
  static const std::vector<std::string> kNames = {
      "abs",   "floor", "ceil",   "ceiling",     "round",    "upper",  "lower", "trim",
      "ltrim", "rtrim", "length", "char_length", "coalesce", "nullif", "concat"};
  return kNames;
}

}  // namespace

void BinderImpl::BindCondition(ast::Expr& e, Scope& scope, const ExprPlace& place,
                               const char* clause) {
  SqlType t = BindExpr(e, scope, place);
  if (!IsBooleanish(t)) {
    Fail(e.span.begin,
         std::string("argument of ") + clause + " must be type BOOLEAN, not type " + t.ToString());
  }
}

void BinderImpl::CheckDateLiteral(const ast::Expr& e) const {
  if (e.kind == EK::kLiteral && e.literal == ast::LiteralKind::kString) {
    int32_t days = 0;
    if (!storage::ParseDate(e.text, &days).ok()) {
      Fail(e.span.begin, "invalid date '" + e.text + "'", "dates are written yyyy-mm-dd");
    }
  }
}

void BinderImpl::RequireComparable(const ast::Expr& a, const ast::Expr& b, uint32_t at) const {
  const SqlType& ta = a.bound.type;
  const SqlType& tb = b.bound.type;
  // A string literal meets a DATE: it must be a date.
  if (ta.is(TypeId::kDate) && tb.string() && b.kind == EK::kLiteral) return CheckDateLiteral(b);
  if (tb.is(TypeId::kDate) && ta.string() && a.kind == EK::kLiteral) return CheckDateLiteral(a);
  if (!Comparable(ta, tb)) Fail(at, "cannot compare " + ta.ToString() + " with " + tb.ToString());
}

std::string BinderImpl::ClosestColumn(const Scope& scope, const std::string& name) const {
  std::vector<std::string> names;
  for (const Scope* s = &scope; s != nullptr; s = s->parent) {
    if (s->core == nullptr) continue;
    for (const auto& src : s->core->sources) {
      for (const auto& c : src.columns) names.push_back(c.name);
    }
  }
  return PerhapsYouMeant(name, names);
}

SqlType BinderImpl::BindColumn(ast::Expr& e, Scope& scope) {
  int depth = 0;
  bool qualifier_seen = false;
  for (Scope* s = &scope; s != nullptr && !qualifier_seen; s = s->parent, ++depth) {
    if (s->core == nullptr) continue;
    int matches = 0;
    for (size_t i = 0; i < s->core->sources.size(); ++i) {
      const ast::BoundSource& src = s->core->sources[i];
      if (!e.qualifier.empty()) {
        if (!SameName(src.name, e.qualifier)) continue;
        qualifier_seen = true;
      }
      for (size_t c = 0; c < src.columns.size(); ++c) {
        if (!SameName(src.columns[c].name, e.name)) continue;
        if (e.qualifier.empty() && src.hidden[c]) continue;
        ++matches;
        e.bound.scope_depth = depth;
        e.bound.from_index = static_cast<int>(i);
        e.bound.column_index = static_cast<int>(c);
        e.bound.correlated = depth > 0;
        e.bound.type = src.columns[c].type;
      }
    }
    if (matches > 1) {
      Fail(e.span.begin, "column reference " + Quoted(Display(e)) + " is ambiguous",
           "qualify it with a table name or alias");
    }
    if (matches == 1) return e.bound.type;
  }
  if (!e.qualifier.empty() && !qualifier_seen) {
    Fail(e.qualifier_span.begin,
         "unknown table or alias " + Quoted(e.qualifier) + " (missing from FROM)");
  }
  Fail(e.span.begin, "unknown column " + Quoted(Display(e)), ClosestColumn(scope, e.name));
}

SqlType BinderImpl::BindLiteral(ast::Expr& e) {
  using L = ast::LiteralKind;
  switch (e.literal) {
    case L::kInteger:
    case L::kDecimal: {
      auto t = NumeralType(e.text);
      if (!t)
        Fail(e.span.begin, "numeric literal out of range", "exact numbers have at most 38 digits");
      return *t;
    }
    case L::kString:
      return SqlType::Varchar();
    case L::kNull:
      return SqlType::Unknown();
    case L::kBool:
      return SqlType::Boolean();
    case L::kDate: {
      int32_t days = 0;
      if (!storage::ParseDate(e.text, &days).ok()) {
        Fail(e.span.begin, "invalid date '" + e.text + "'", "dates are written yyyy-mm-dd");
      }
      return SqlType::Date();
    }
    case L::kInterval: {
      std::string digits = e.text;
      if (!digits.empty() && (digits[0] == '-' || digits[0] == '+')) digits.erase(0, 1);
      if (digits.empty() || digits.size() > 9 ||
          digits.find_first_not_of("0123456789") != std::string::npos) {
        Fail(e.span.begin, "invalid interval '" + e.text + "'", "write INTERVAL '3' MONTH");
      }
      std::string unit = ToLowerAscii(e.interval_unit);
      if (unit.size() > 1 && unit.back() == 's') unit.pop_back();
      if (unit != "year" && unit != "month" && unit != "day") {
        Fail(e.span.begin, "unknown interval unit " + Quoted(e.interval_unit),
             "use YEAR, MONTH or DAY");
      }
      e.interval_unit = unit;
      return SqlType::Interval();
    }
  }
  return SqlType::Unknown();
}

SqlType BinderImpl::BindBinary(ast::Expr& e, Scope& scope, const ExprPlace& place) {
  ast::Expr& lhs = *e.args[0];
  ast::Expr& rhs = *e.args[1];
  SqlType a = BindExpr(lhs, scope, place);
  SqlType b = BindExpr(rhs, scope, place);
  const std::string& op = e.name;
  if (op == "and" || op == "or") {
    for (const ast::Expr* x : {&lhs, &rhs}) {
      if (!IsBooleanish(x->bound.type)) {
        Fail(x->span.begin, "argument of " + ToUpper(op) + " must be type BOOLEAN, not type " +
                                x->bound.type.ToString());
      }
    }
    return SqlType::Boolean();
  }
  if (op == "=" || op == "<>" || op == "<" || op == "<=" || op == ">" || op == ">=") {
    RequireComparable(lhs, rhs, rhs.span.begin);
    return SqlType::Boolean();
  }
  if (op == "||") return SqlType::Varchar();
  bool date_a = a.is(TypeId::kDate), date_b = b.is(TypeId::kDate);
  if ((date_a || a.unknown()) && b.interval() && (op == "+" || op == "-")) return SqlType::Date();
  if (a.interval() && (date_b || b.unknown()) && op == "+") return SqlType::Date();
  if (a.interval() && b.interval() && (op == "+" || op == "-")) return SqlType::Interval();
  if (date_a && b.integral() && (op == "+" || op == "-")) return SqlType::Date();
  if (date_a && date_b && op == "-") return SqlType::Integer();
  auto t = ArithmeticType(op, a, b);
  if (!t) {
    Fail(e.span.begin,
         "operator " + op + " cannot be applied to " + a.ToString() + " and " + b.ToString());
  }
  return *t;
}

std::string BinderImpl::ToUpper(std::string s) {
  for (char& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

SqlType BinderImpl::BindSubquery(ast::Expr& e, Scope& scope, bool single_column) {
  auto columns = BindQuery(*e.subquery, &scope, scope.ctes);
  if (single_column && columns.size() != 1) {
    Fail(e.subquery->span.begin,
         "subquery must return only one column, not " + std::to_string(columns.size()));
  }
  return single_column ? columns[0].type : SqlType::Boolean();
}

SqlType BinderImpl::BindFunction(ast::Expr& e, Scope& scope, const ExprPlace& place) {
  std::string name = ToLowerAscii(e.name);
  bool is_aggregate = Aggregates().count(name) > 0;
  bool is_window_function = WindowOnly().count(name) > 0;
  if (e.window) {
    if (!is_aggregate && !is_window_function) {
      Fail(e.span.begin, "OVER is only allowed after aggregate and window functions, not " + name);
    }
    if (!place.windows_allowed)
      Fail(e.span.begin, std::string("window functions are not allowed in ") + place.clause);
    ExprPlace wplace = place;
    wplace.windows_allowed = false;
    for (auto& p : e.window->partition_by) BindExpr(*p, scope, wplace);
    for (auto& o : e.window->order_by) BindExpr(*o.expr, scope, wplace);
    e.bound.is_window = true;
  } else if (is_window_function) {
    Fail(e.span.begin, "window function " + name + " requires an OVER clause");
  }
  if (is_aggregate && !e.window) {
    if (place.in_aggregate) Fail(e.span.begin, "aggregate function calls cannot be nested");
    if (!place.aggregates_allowed) {
      Fail(e.span.begin, std::string("aggregate functions are not allowed in ") + place.clause);
    }
    e.bound.is_aggregate = true;
  }
  if (e.distinct && !is_aggregate)
    Fail(e.span.begin, "DISTINCT is only allowed in aggregate functions");
  ExprPlace inner = place;
  if (is_aggregate) {
    inner.in_aggregate = true;
    inner.aggregates_allowed = false;
    inner.windows_allowed = false;
    inner.clause = "aggregate arguments";
  }
  std::vector<SqlType> types;
  for (auto& arg : e.args) {
    if (arg->kind == EK::kStar) {
      if (name != "count" || !arg->qualifier.empty())
        Fail(arg->span.begin, "\"*\" is only allowed in count(*)");
      arg->bound.type = SqlType::Unknown();
      types.push_back(SqlType::Unknown());
      continue;
    }
    types.push_back(BindExpr(*arg, scope, inner));
  }
  auto arity = [&](size_t lo, size_t hi) {
    if (types.size() < lo || types.size() > hi) {
      std::string n = lo == hi
                          ? std::to_string(lo)
                          : std::to_string(lo) + " to " + (hi > 100 ? "any" : std::to_string(hi));
      Fail(e.span.begin, "function " + name + " takes " + n + " argument" +
                             (hi == 1 && lo == 1 ? "" : "s") + ", not " +
                             std::to_string(types.size()));
    }
  };
  auto need = [&](size_t i, bool ok, const char* what) {
    if (!ok && !types[i].unknown()) {
      Fail(e.args[i]->span.begin, name + " needs " + what + ", not " + types[i].ToString());
    }
  };
  if (name == "count") {
    arity(1, 1);
    return SqlType::Bigint();
  }
  if (name == "sum") {
    arity(1, 1);
    need(0, types[0].numeric(), "a number");
    if (types[0].integral()) return SqlType::Bigint();
    if (types[0].is(TypeId::kDecimal))
      return SqlType::Decimal(storage::kMaxDecimalPrecision, types[0].data.scale());
    return SqlType::Double();
  }
  if (name == "avg" || name.rfind("stddev", 0) == 0 || name.rfind("var", 0) == 0) {
    arity(1, 1);
    need(0, types[0].numeric(), "a number");
    return SqlType::Double();
  }
  if (name == "min" || name == "max") {
    arity(1, 1);
    need(0, types[0].kind == SqlType::Kind::kData, "a value");
    return types[0];
  }
  if (is_window_function) {
    arity(0, 0);
    return SqlType::Bigint();
  }
  if (name == "abs" || name == "floor" || name == "ceil" || name == "ceiling") {
    arity(1, 1);
    need(0, types[0].numeric(), "a number");
    return types[0];
  }
  if (name == "round") {
    arity(1, 2);
    need(0, types[0].numeric(), "a number");
    if (types.size() == 2) need(1, types[1].integral(), "an integer");
    return types[0];
  }
  if (name == "upper" || name == "lower" || name == "trim" || name == "ltrim" || name == "rtrim") {
    arity(1, 1);
    need(0, types[0].string(), "a string");
    return SqlType::Varchar();
  }
  if (name == "length" || name == "char_length") {
    arity(1, 1);
    need(0, types[0].string(), "a string");
    return SqlType::Integer();
  }
  if (name == "coalesce") {
    arity(1, 1000);
    SqlType result = SqlType::Unknown();
    for (size_t i = 0; i < types.size(); ++i) {
      auto c = CommonType(result, types[i]);
      if (!c)
        Fail(e.args[i]->span.begin, "coalesce types " + result.ToString() + " and " +
                                        types[i].ToString() + " cannot be matched");
      result = *c;
    }
    return result;
  }
  if (name == "nullif") {
    arity(2, 2);
    RequireComparable(*e.args[0], *e.args[1], e.args[1]->span.begin);
    return types[0];
  }
  if (name == "concat") {
    arity(1, 1000);
    return SqlType::Varchar();
  }
  std::vector<std::string> known(Aggregates().begin(), Aggregates().end());
  known.insert(known.end(), WindowOnly().begin(), WindowOnly().end());
  known.insert(known.end(), ScalarFunctions().begin(), ScalarFunctions().end());
  Fail(e.span.begin, "unknown function " + Quoted(e.name), PerhapsYouMeant(e.name, known));
}

SqlType BinderImpl::BindExpr(ast::Expr& e, Scope& scope, const ExprPlace& place) {
  CheckStack(e.span.begin);
  SqlType t;
  switch (e.kind) {
    case EK::kColumnRef:
      t = e.bound.from_star ? e.bound.type : BindColumn(e, scope);
      break;
    case EK::kStar:
      Fail(e.span.begin, "\"*\" is not allowed here");
    case EK::kLiteral:
      t = BindLiteral(e);
      break;
    case EK::kParam: {
      int n = e.text.size() > 4 ? 0 : std::stoi(e.text);
      if (n < 1 || n > 1000) Fail(e.span.begin, "parameter $" + e.text + " out of range (1..1000)");
      param_count_ = std::max(param_count_, n);
      t = SqlType::Unknown();
      break;
    }
    case EK::kUnary: {
      SqlType a = BindExpr(*e.args[0], scope, place);
      if (e.name == "not") {
        if (!IsBooleanish(a))
          Fail(e.args[0]->span.begin,
               "argument of NOT must be type BOOLEAN, not type " + a.ToString());
        t = SqlType::Boolean();
      } else {
        if (!a.numeric() && !a.unknown() && !a.interval()) {
          Fail(e.span.begin, "operator " + e.name + " cannot be applied to " + a.ToString());
        }
        t = a;
      }
      break;
    }
    case EK::kBinary:
      t = BindBinary(e, scope, place);
      break;
    case EK::kBetween:
      for (auto& arg : e.args) BindExpr(*arg, scope, place);
      RequireComparable(*e.args[0], *e.args[1], e.args[1]->span.begin);
      RequireComparable(*e.args[0], *e.args[2], e.args[2]->span.begin);
      t = SqlType::Boolean();
      break;
    case EK::kInList:
      for (auto& arg : e.args) BindExpr(*arg, scope, place);
      for (size_t i = 1; i < e.args.size(); ++i)
        RequireComparable(*e.args[0], *e.args[i], e.args[i]->span.begin);
      t = SqlType::Boolean();
      break;
    case EK::kInSubquery: {
      SqlType a = BindExpr(*e.args[0], scope, place);
      SqlType b = BindSubquery(e, scope, true);
      if (!Comparable(a, b))
        Fail(e.subquery->span.begin, "cannot compare " + a.ToString() + " with " + b.ToString());
      t = SqlType::Boolean();
      break;
    }
    case EK::kExists:
      BindSubquery(e, scope, false);
      t = SqlType::Boolean();
      break;
    case EK::kSubquery:
      t = BindSubquery(e, scope, true);
      break;
    case EK::kLike:
      for (auto& arg : e.args) {
        SqlType a = BindExpr(*arg, scope, place);
        if (!a.string() && !a.unknown())
          Fail(arg->span.begin, "LIKE needs strings, not " + a.ToString());
      }
      t = SqlType::Boolean();
      break;
    case EK::kIsNull:
      BindExpr(*e.args[0], scope, place);
      t = SqlType::Boolean();
      break;
    case EK::kCase: {
      size_t i = 0;
      if (e.has_operand) BindExpr(*e.args[i++], scope, place);
      size_t end = e.args.size() - (e.has_else ? 1 : 0);
      SqlType result = SqlType::Unknown();
      auto merge = [&](ast::Expr& r) {
        SqlType rt = BindExpr(r, scope, place);
        auto c = CommonType(result, rt);
        if (!c)
          Fail(r.span.begin,
               "CASE types " + result.ToString() + " and " + rt.ToString() + " cannot be matched");
        result = *c;
      };
      for (; i + 1 < end; i += 2) {
        ast::Expr& when = *e.args[i];
        if (e.has_operand) {
          BindExpr(when, scope, place);
          RequireComparable(*e.args[0], when, when.span.begin);
        } else {
          BindCondition(when, scope, place, "CASE WHEN");
        }
        merge(*e.args[i + 1]);
      }
      if (e.has_else) merge(*e.args.back());
      t = result;
      break;
    }
    case EK::kCast: {
      SqlType a = BindExpr(*e.args[0], scope, place);
      std::string why;
      auto target = ResolveTypeName(e.cast_type, &why);
      if (!target) Fail(e.cast_type.span.begin, why);
      SqlType to = SqlType::Of(*target);
      bool ok = a.unknown() || a.string() || to.string() || (a.numeric() && to.numeric()) ||
                (a.kind == SqlType::Kind::kData && a.data.id() == target->id()) ||
                (a.integral() && to.is(TypeId::kBoolean)) ||
                (a.is(TypeId::kBoolean) && to.integral());
      if (!ok) Fail(e.span.begin, "cannot cast " + a.ToString() + " to " + to.ToString());
      if (to.is(TypeId::kDate)) CheckDateLiteral(*e.args[0]);
      t = to;
      break;
    }
    case EK::kExtract: {
      static constexpr std::array<std::string_view, 7> kFields = {"year", "month", "day", "quarter",
                                                                  "week", "dow",   "doy"};
      std::string field = ToLowerAscii(e.name);
      if (std::find(kFields.begin(), kFields.end(), field) == kFields.end()) {
        Fail(e.span.begin, "unknown EXTRACT field " + Quoted(e.name),
             "use YEAR, MONTH, DAY, QUARTER, WEEK, DOW or DOY");
      }
      SqlType a = BindExpr(*e.args[0], scope, place);
      if (!a.is(TypeId::kDate) && !a.unknown())
        Fail(e.args[0]->span.begin, "EXTRACT needs a DATE, not " + a.ToString());
      t = SqlType::Integer();
      break;
    }
    case EK::kSubstring: {
      SqlType a = BindExpr(*e.args[0], scope, place);
      if (!a.string() && !a.unknown())
        Fail(e.args[0]->span.begin, "SUBSTRING needs a string, not " + a.ToString());
      for (size_t i = 1; i < e.args.size(); ++i) {
        SqlType p = BindExpr(*e.args[i], scope, place);
        if (!p.integral() && !p.unknown())
          Fail(e.args[i]->span.begin, "SUBSTRING positions are integers, not " + p.ToString());
      }
      t = SqlType::Varchar(a.string() ? a.data.length() : 0);
      break;
    }
    case EK::kFunction:
      t = BindFunction(e, scope, place);
      break;
  }
  e.bound.type = t;
  return t;
}

bool BinderImpl::ContainsAggregate(const ast::Expr& e) {
  if (e.bound.is_aggregate) return true;
  for (const auto& a : e.args) {
    if (ContainsAggregate(*a)) return true;
  }
  return false;
}

bool SameExpr(const ast::Expr& a, const ast::Expr& b) {
  if (&a == &b) return true;
  if (a.kind != b.kind) return false;
  if (a.kind == EK::kColumnRef) {
    return a.bound.scope_depth == b.bound.scope_depth && a.bound.from_index == b.bound.from_index &&
           a.bound.column_index == b.bound.column_index;
  }
  if (a.name != b.name || a.text != b.text || a.literal != b.literal || a.negated != b.negated ||
      a.distinct != b.distinct || a.interval_unit != b.interval_unit ||
      a.has_operand != b.has_operand || a.has_else != b.has_else ||
      a.cast_type.name != b.cast_type.name || a.cast_type.params != b.cast_type.params ||
      a.subquery != b.subquery || a.window != b.window || a.args.size() != b.args.size()) {
    return false;
  }
  for (size_t i = 0; i < a.args.size(); ++i) {
    if (!SameExpr(*a.args[i], *b.args[i])) return false;
  }
  return true;
}

void BinderImpl::CheckGrouped(const ast::Expr& e, const std::vector<ast::ExprPtr>& group_by) const {
  for (const auto& g : group_by) {
    if (SameExpr(e, *g)) return;
  }
  if (e.bound.is_aggregate || e.bound.is_window) return;
  if (e.kind == EK::kColumnRef) {
    if (e.bound.scope_depth == 0) {
      Fail(e.span.begin, "column " + Quoted(Display(e)) +
                             " must appear in GROUP BY or be used in an aggregate function");
    }
    return;
  }
  for (const auto& a : e.args) CheckGrouped(*a, group_by);
}

std::string BinderImpl::OutputName(const ast::Expr& e) {
  switch (e.kind) {
    case EK::kColumnRef:
      return e.name;
    case EK::kFunction:
      return ToLowerAscii(e.name);
    case EK::kCast:
      return e.args[0]->kind == EK::kColumnRef ? e.args[0]->name : "cast";
    case EK::kExtract:
      return "extract";
    case EK::kSubstring:
      return "substring";
    case EK::kCase:
      return "case";
    case EK::kExists:
      return "exists";
    default:
      return "?column?";
  }
}

}  // namespace ibex::sql
