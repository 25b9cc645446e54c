#include "exec/expr.h"

#include <algorithm>

#include "exec/like.h"

namespace ibex::exec {

using storage::DataType;
using storage::TypeId;

ExprPtr Expr::Clone() const {
  auto out = std::make_unique<Expr>();
  out->kind = kind;
  out->type = type;
  out->column = column;
  out->constant = constant;
  out->arith = arith;
  out->compare = compare;
  out->field = field;
  out->negated = negated;
  out->has_else = has_else;
  out->months = months;
  out->days = days;
  out->text = text;
  out->matcher = matcher;
  for (const auto& a : args) out->args.push_back(a->Clone());
  return out;
}

namespace {
const char* ArithName(ArithOp op) {
  switch (op) {
    case ArithOp::kAdd:
      return "+";
    case ArithOp::kSub:
      return "-";
    case ArithOp::kMul:
      return "*";
    case ArithOp::kDiv:
      return "/";
    case ArithOp::kMod:
      return "%";
  }
  return "?";
}
const char* CompareName(CompareOp op) {
  switch (op) {
    case CompareOp::kEq:
      return "=";
    case CompareOp::kNe:
      return "<>";
    case CompareOp::kLt:
      return "<";
    case CompareOp::kLe:
      return "<=";
    case CompareOp::kGt:
      return ">";
    case CompareOp::kGe:
      return ">=";
  }
  return "?";
}
std::string JoinArgs(const Expr& e, const char* sep) {
  std::string s;
  for (size_t i = 0; i < e.args.size(); ++i) {
    if (i > 0) s += sep;
    s += e.args[i]->ToString();
  }
  return s;
}
}  // namespace

namespace {
// Concatenation without operator+ chains (g++ 12 warns falsely on those under -O3).
std::string Cat(std::initializer_list<std::string_view> parts) {
  std::string s;
  for (std::string_view p : parts) s.append(p);
  return s;
}
}  // namespace

std::string Expr::ToString() const {
  switch (kind) {
    case ExprKind::kColumn:
      return Cat({"#", std::to_string(column)});
    case ExprKind::kConstant:
      return constant.type().is_string() && !constant.is_null()
                 ? Cat({"'", constant.ToString(), "'"})
                 : constant.ToString();
    case ExprKind::kArith:
      return Cat({"(", args[0]->ToString(), " ", ArithName(arith), " ", args[1]->ToString(), ")"});
    case ExprKind::kNegate:
      return Cat({"(-", args[0]->ToString(), ")"});
    case ExprKind::kCompare:
      return Cat(
          {"(", args[0]->ToString(), " ", CompareName(compare), " ", args[1]->ToString(), ")"});
    case ExprKind::kAnd:
      return Cat({"(", JoinArgs(*this, " AND "), ")"});
    case ExprKind::kOr:
      return Cat({"(", JoinArgs(*this, " OR "), ")"});
    case ExprKind::kNot:
      return Cat({"(NOT ", args[0]->ToString(), ")"});
    case ExprKind::kIsNull:
      return Cat({"(", args[0]->ToString(), negated ? " IS NOT NULL)" : " IS NULL)"});
    case ExprKind::kCast:
      return Cat({"CAST(", args[0]->ToString(), " AS ", type.ToString(), ")"});
    case ExprKind::kCase:
      return Cat({"CASE(", JoinArgs(*this, ", "), ")"});
    case ExprKind::kLike:
      return Cat({"(", args[0]->ToString(), negated ? " NOT LIKE '" : " LIKE '", text, "')"});
    case ExprKind::kInList:
      return Cat({negated ? "NOT IN(" : "IN(", JoinArgs(*this, ", "), ")"});
    case ExprKind::kExtract:
      return Cat({"EXTRACT(", std::to_string(static_cast<int>(field)), ", ", args[0]->ToString(),
                  ")"});
    case ExprKind::kSubstring:
      return Cat({"SUBSTRING(", JoinArgs(*this, ", "), ")"});
    case ExprKind::kDateAdd:
      return Cat({"(", args[0]->ToString(), " + INTERVAL ", std::to_string(months), " MONTHS ",
                  std::to_string(days), " DAYS)"});
    case ExprKind::kCoalesce:
      return Cat({"COALESCE(", JoinArgs(*this, ", "), ")"});
    case ExprKind::kFunction:
      return Cat({text, "(", JoinArgs(*this, ", "), ")"});
  }
  return "?";
}

ExprPtr ColumnRef(int column, DataType type) {
  auto e = std::make_unique<Expr>();
  e->kind = ExprKind::kColumn;
  e->column = column;
  e->type = type;
  return e;
}

ExprPtr Literal(storage::Value v) {
  auto e = std::make_unique<Expr>();
  e->kind = ExprKind::kConstant;
  e->type = v.type();
  e->constant = std::move(v);
  return e;
}

namespace {
ExprPtr Node(ExprKind kind, DataType type, std::vector<ExprPtr> args) {
  auto e = std::make_unique<Expr>();
  e->kind = kind;
  e->type = type;
  e->args = std::move(args);
  return e;
}
std::vector<ExprPtr> Args(ExprPtr a) {
  std::vector<ExprPtr> v;
  v.push_back(std::move(a));
  return v;
}
std::vector<ExprPtr> Args(ExprPtr a, ExprPtr b) {
  std::vector<ExprPtr> v;
  v.push_back(std::move(a));
  v.push_back(std::move(b));
  return v;
}
}  // namespace

ExprPtr Arith(ArithOp op, ExprPtr a, ExprPtr b, DataType type) {
  auto e = Node(ExprKind::kArith, type, Args(std::move(a), std::move(b)));
  e->arith = op;
  return e;
}
ExprPtr Compare(CompareOp op, ExprPtr a, ExprPtr b) {
  auto e = Node(ExprKind::kCompare, DataType::Boolean(), Args(std::move(a), std::move(b)));
  e->compare = op;
  return e;
}
ExprPtr And(std::vector<ExprPtr> args) {
  return Node(ExprKind::kAnd, DataType::Boolean(), std::move(args));
}
ExprPtr Or(std::vector<ExprPtr> args) {
  return Node(ExprKind::kOr, DataType::Boolean(), std::move(args));
}
ExprPtr Not(ExprPtr a) { return Node(ExprKind::kNot, DataType::Boolean(), Args(std::move(a))); }
ExprPtr IsNull(ExprPtr a, bool negated) {
  auto e = Node(ExprKind::kIsNull, DataType::Boolean(), Args(std::move(a)));
  e->negated = negated;
  return e;
}
ExprPtr Cast(ExprPtr a, DataType type) { return Node(ExprKind::kCast, type, Args(std::move(a))); }
ExprPtr Like(ExprPtr a, std::string pattern, bool negated) {
  auto e = Node(ExprKind::kLike, DataType::Boolean(), Args(std::move(a)));
  e->negated = negated;
  e->matcher = std::make_shared<LikeMatcher>(pattern);
  e->text = std::move(pattern);
  return e;
}
ExprPtr InList(ExprPtr a, std::vector<ExprPtr> list, bool negated) {
  auto e = Node(ExprKind::kInList, DataType::Boolean(), Args(std::move(a)));
  for (auto& x : list) e->args.push_back(std::move(x));
  e->negated = negated;
  return e;
}
ExprPtr Extract(ExtractField field, ExprPtr a) {
  auto e = Node(ExprKind::kExtract, DataType::Bigint(), Args(std::move(a)));
  e->field = field;
  return e;
}
ExprPtr Substring(ExprPtr a, ExprPtr from, ExprPtr length) {
  DataType t = a->type.is_string() ? a->type : DataType::Varchar();
  auto e = Node(ExprKind::kSubstring, t, Args(std::move(a), std::move(from)));
  if (length) e->args.push_back(std::move(length));
  return e;
}
ExprPtr DateAdd(ExprPtr date, int32_t months, int32_t days) {
  auto e = Node(ExprKind::kDateAdd, DataType::Date(), Args(std::move(date)));
  e->months = months;
  e->days = days;
  return e;
}
ExprPtr Case(std::vector<ExprPtr> args, bool has_else, DataType type) {
  auto e = Node(ExprKind::kCase, type, std::move(args));
  e->has_else = has_else;
  return e;
}

namespace {
// Integer digits and scale of an exact numeric type.
void Digits(const DataType& t, int* int_digits, int* scale) {
  switch (t.id()) {
    case TypeId::kBoolean:
      *int_digits = 1;
      *scale = 0;
      return;
    case TypeId::kInteger:
      *int_digits = 10;
      *scale = 0;
      return;
    case TypeId::kBigint:
      *int_digits = 19;
      *scale = 0;
      return;
    default:
      *int_digits = t.precision() - t.scale();
      *scale = t.scale();
  }
}
}  // namespace

DataType CommonType(const DataType& a, const DataType& b) {
  if (a == b) return a;
  if (a.is_string() && b.is_string()) return DataType::Varchar();
  if (a.id() == TypeId::kDate || b.id() == TypeId::kDate) return DataType::Date();
  if (a.is_string()) return b;
  if (b.is_string()) return a;
  if (a.id() == TypeId::kDouble || b.id() == TypeId::kDouble) return DataType::Double();
  if (!a.is_decimal() && !b.is_decimal()) {
    if (a.id() == TypeId::kBigint || b.id() == TypeId::kBigint) return DataType::Bigint();
    if (a.id() == TypeId::kInteger || b.id() == TypeId::kInteger) return DataType::Integer();
    return DataType::Boolean();
  }
  int ia;
  int sa;
  int ib;
  int sb;
  Digits(a, &ia, &sa);
  Digits(b, &ib, &sb);
  const int scale = std::max(sa, sb);
  const int precision = std::min(std::max(ia, ib) + scale, storage::kMaxDecimalPrecision);
  return DataType::Decimal(precision, std::min(scale, precision));
}

}  // namespace ibex::exec
