#include "optimizer/constant_folding.h"

#include <algorithm>
#include <cmath>

namespace ibex::optimizer {

using storage::int128_t;
using storage::TypeId;

namespace {

bool IsLiteral(const PlanExpr& e) { return e.kind == ExprKind::kLiteral; }

// Exact numeric value as an unscaled integer at `scale`, when the value is integral/decimal.
std::optional<int128_t> Unscaled(const Value& v, int scale) {
  const DataType& t = v.type();
  int from = 0;
  if (t.is_decimal()) {
    from = t.scale();
  } else if (t.id() != TypeId::kInteger && t.id() != TypeId::kBigint) {
    return std::nullopt;
  }
  if (from > scale) return std::nullopt;
  int128_t x = v.int128();
  int128_t f = storage::PowerOfTen(scale - from);
  int128_t limit = storage::PowerOfTen(storage::kMaxDecimalPrecision);
  if (x > limit / f || x < -limit / f) return std::nullopt;
  return x * f;
}

bool FitsPrecision(int128_t v, int precision) {
  int128_t limit = storage::PowerOfTen(precision);
  return v < limit && v > -limit;
}

std::optional<Value> MakeNumber(const DataType& t, int128_t v) {
  switch (t.id()) {
    case TypeId::kInteger:
      if (v < INT32_MIN || v > INT32_MAX) return std::nullopt;
      return Value::Integer(static_cast<int32_t>(v));
    case TypeId::kBigint:
      if (v < INT64_MIN || v > INT64_MAX) return std::nullopt;
      return Value::Bigint(static_cast<int64_t>(v));
    case TypeId::kDecimal:
      if (!FitsPrecision(v, t.precision())) return std::nullopt;
      return Value::Decimal(v, t);
    case TypeId::kDate:
      if (v < INT32_MIN || v > INT32_MAX) return std::nullopt;
      return Value::Date(static_cast<int32_t>(v));
    default:
      return std::nullopt;
  }
}

double AsDouble(const Value& v) {
  if (v.type().id() == TypeId::kDouble) return v.dbl();
  double x = static_cast<double>(v.int128());
  return v.type().is_decimal() ? x / static_cast<double>(storage::PowerOfTen(v.type().scale())) : x;
}

std::optional<Value> FoldArith(const PlanExpr& e) {
  const Value& a = e.args[0].value;
  if (e.op == ScalarOp::kNeg) {
    if (e.type.id() == TypeId::kDouble) return Value::Double(-a.dbl());
    return MakeNumber(e.type, -a.int128());
  }
  const Value& b = e.args[1].value;
  const DataType& t = e.type;
  if (t.id() == TypeId::kDate) {  // DATE +/- integer days
    int128_t days = a.type().id() == TypeId::kDate ? a.int128() : b.int128();
    int128_t n = a.type().id() == TypeId::kDate ? b.int128() : a.int128();
    return MakeNumber(t, e.op == ScalarOp::kSub ? days - n : days + n);
  }
  if (a.type().id() == TypeId::kDate && b.type().id() == TypeId::kDate) {
    return MakeNumber(t, a.int128() - b.int128());
  }
  if (t.id() == TypeId::kDouble) {
    double x = AsDouble(a), y = AsDouble(b);
    switch (e.op) {
      case ScalarOp::kAdd:
        return Value::Double(x + y);
      case ScalarOp::kSub:
        return Value::Double(x - y);
      case ScalarOp::kMul:
        return Value::Double(x * y);
      case ScalarOp::kDiv:
        if (y == 0) return std::nullopt;  // the run-time error stays
        return Value::Double(x / y);
      default:
        return std::nullopt;
    }
  }
  if (t.id() != TypeId::kInteger && t.id() != TypeId::kBigint && !t.is_decimal())
    return std::nullopt;
  int scale = t.is_decimal() ? t.scale() : 0;
  if (e.op == ScalarOp::kMul) {
    int sa = a.type().is_decimal() ? a.type().scale() : 0;
    auto x = Unscaled(a, sa), y = Unscaled(b, scale - sa);
    if (!x || !y) return std::nullopt;
    int128_t limit = storage::PowerOfTen(storage::kMaxDecimalPrecision);
    if (*y != 0 && (*x > limit / (*y < 0 ? -*y : *y) || *x < -limit / (*y < 0 ? -*y : *y)))
      return std::nullopt;
    return MakeNumber(t, *x * *y);
  }
  auto x = Unscaled(a, scale), y = Unscaled(b, scale);
  if (!x || !y) return std::nullopt;
  switch (e.op) {
    case ScalarOp::kAdd:
      return MakeNumber(t, *x + *y);
    case ScalarOp::kSub:
      return MakeNumber(t, *x - *y);
    case ScalarOp::kDiv:
      if (*y == 0 || t.is_decimal()) return std::nullopt;
      return MakeNumber(t, *x / *y);
    case ScalarOp::kMod:
      if (*y == 0) return std::nullopt;
      return MakeNumber(t, *x % *y);
    default:
      return std::nullopt;
  }
}

std::optional<bool> FoldCompare(const PlanExpr& e) {
  const Value& a = e.args[0].value;
  const Value& b = e.args[1].value;
  if (a.type().is_string() != b.type().is_string()) return std::nullopt;
  int c = a.Compare(b);
  switch (e.op) {
    case ScalarOp::kEq:
      return c == 0;
    case ScalarOp::kNe:
      return c != 0;
    case ScalarOp::kLt:
      return c < 0;
    case ScalarOp::kLe:
      return c <= 0;
    case ScalarOp::kGt:
      return c > 0;
    case ScalarOp::kGe:
      return c >= 0;
    default:
      return std::nullopt;
  }
}

void FoldJunction(PlanExpr* e) {
  bool is_and = e->kind == ExprKind::kAnd;
  std::vector<PlanExpr> kept;
  for (PlanExpr& a : e->args) {
    if (is_and ? a.is_true_literal() : a.is_false_literal()) continue;
    if (is_and ? a.is_false_literal() : a.is_true_literal()) {
      *e = PlanExpr::Literal(Value::Boolean(!is_and));
      return;
    }
    kept.push_back(std::move(a));
  }
  *e = is_and ? PlanExpr::And(std::move(kept)) : PlanExpr::Or(std::move(kept));
}

}  // namespace

int32_t AddMonthsAndDays(int32_t days, int32_t months, int32_t plus_days) {
  if (months != 0) {
    int y = 0;
    unsigned m = 0, d = 0;
    storage::CivilFromDays(days, &y, &m, &d);
    int total = y * 12 + static_cast<int>(m) - 1 + months;
    int ny = total >= 0 ? total / 12 : (total - 11) / 12;
    unsigned nm = static_cast<unsigned>(total - ny * 12) + 1;
    static constexpr unsigned kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    unsigned last = kDays[nm - 1];
    if (nm == 2 && ((ny % 4 == 0 && ny % 100 != 0) || ny % 400 == 0)) last = 29;
    days = storage::DaysFromCivil(ny, nm, std::min(d, last));
  }
  return days + plus_days;
}

std::optional<Value> CastValue(const Value& v, const DataType& to) {
  if (v.is_null()) return Value::Null(to);
  const DataType& from = v.type();
  if (from == to) return v;
  if (to.is_string()) {
    if (!from.is_string()) return std::nullopt;
    std::string_view s = v.str();
    if (!storage::CheckString(to, &s).ok()) return std::nullopt;
    return Value::String(std::string(s), to);
  }
  if (from.is_string()) {
    auto parsed = Value::Parse(to, v.str());
    if (!parsed.ok()) return std::nullopt;
    return parsed.value();
  }
  if (to.id() == TypeId::kDouble && from.is_numeric()) return Value::Double(AsDouble(v));
  if (from.id() == TypeId::kDouble) return std::nullopt;  // rounding rules live in exec
  if (to.is_decimal() || to.id() == TypeId::kInteger || to.id() == TypeId::kBigint) {
    if (!from.is_numeric()) return std::nullopt;
    auto x = Unscaled(v, to.is_decimal() ? to.scale() : 0);
    if (!x) return std::nullopt;  // narrowing scale: exec rounds
    return MakeNumber(to, *x);
  }
  return std::nullopt;
}

void FoldNode(PlanExpr* e) {
  auto all_literal = [&] {
    return std::all_of(e->args.begin(), e->args.end(),
                       [](const PlanExpr& a) { return IsLiteral(a); });
  };
  auto any_null = [&] {
    return std::any_of(e->args.begin(), e->args.end(),
                       [](const PlanExpr& a) { return a.is_null_literal(); });
  };
  switch (e->kind) {
    case ExprKind::kCast:
      if (IsLiteral(e->args[0])) {
        if (auto v = CastValue(e->args[0].value, e->type)) *e = PlanExpr::Literal(*v);
      }
      return;
    case ExprKind::kDateAdd:
      if (IsLiteral(e->args[0])) {
        if (e->args[0].is_null_literal()) {
          *e = PlanExpr::Literal(Value::Null(DataType::Date()));
        } else {
          *e = PlanExpr::Literal(
              Value::Date(AddMonthsAndDays(e->args[0].value.int32(), e->months, e->days)));
        }
      }
      return;
    case ExprKind::kArith:
      if (!all_literal()) return;
      if (any_null()) {
        *e = PlanExpr::Literal(Value::Null(e->type));
      } else if (e->op != ScalarOp::kConcat) {
        if (auto v = FoldArith(*e)) *e = PlanExpr::Literal(*v);
      }
      return;
    case ExprKind::kCompare:
      if (!all_literal()) return;
      if (any_null()) {
        *e = PlanExpr::Literal(Value::Null(DataType::Boolean()));
      } else if (auto b = FoldCompare(*e)) {
        *e = PlanExpr::Literal(Value::Boolean(*b));
      }
      return;
    case ExprKind::kAnd:
    case ExprKind::kOr:
      FoldJunction(e);
      return;
    case ExprKind::kNot:
      if (e->args[0].is_true_literal() || e->args[0].is_false_literal()) {
        *e = PlanExpr::Literal(Value::Boolean(e->args[0].is_false_literal()));
      } else if (e->args[0].kind == ExprKind::kNot) {
        PlanExpr inner = std::move(e->args[0].args[0]);
        *e = std::move(inner);
      }
      return;
    case ExprKind::kIsNull:
      if (IsLiteral(e->args[0]))
        *e = PlanExpr::Literal(Value::Boolean(e->args[0].is_null_literal() != e->negated));
      return;
    default:
      return;
  }
}

void FoldConstants(PlanExpr* e) {
  for (PlanExpr& a : e->args) FoldConstants(&a);
  FoldNode(e);
}

}  // namespace ibex::optimizer
