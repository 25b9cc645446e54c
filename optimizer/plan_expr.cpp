#include "optimizer/plan_expr.h"

#include <algorithm>

#include "common/check.h"

namespace ibex::optimizer {

using storage::TypeId;

PlanExpr PlanExpr::Column(int column, DataType type) {
  PlanExpr e;
  e.kind = ExprKind::kColumn;
  e.column = column;
  e.type = type;
  return e;
}

PlanExpr PlanExpr::Literal(Value v) {
  PlanExpr e;
  e.kind = ExprKind::kLiteral;
  e.type = v.type();
  e.value = std::move(v);
  return e;
}

PlanExpr PlanExpr::Param(int n, DataType type) {
  PlanExpr e;
  e.kind = ExprKind::kParam;
  e.param = n;
  e.type = type;
  return e;
}

PlanExpr PlanExpr::Binary(ExprKind kind, ScalarOp op, PlanExpr a, PlanExpr b, DataType type) {
  PlanExpr e;
  e.kind = kind;
  e.op = op;
  e.type = type;
  e.args.push_back(std::move(a));
  e.args.push_back(std::move(b));
  return e;
}

PlanExpr PlanExpr::Compare(ScalarOp op, PlanExpr a, PlanExpr b) {
  return Binary(ExprKind::kCompare, op, std::move(a), std::move(b), DataType::Boolean());
}

namespace {

PlanExpr Junction(ExprKind kind, std::vector<PlanExpr> terms, bool empty_value) {
  std::vector<PlanExpr> flat;
  for (PlanExpr& t : terms) {
    if (t.kind == kind) {
      for (PlanExpr& a : t.args) flat.push_back(std::move(a));
    } else {
      flat.push_back(std::move(t));
    }
  }
  if (flat.empty()) return PlanExpr::Literal(Value::Boolean(empty_value));
  if (flat.size() == 1) return std::move(flat[0]);
  PlanExpr e;
  e.kind = kind;
  e.type = DataType::Boolean();
  e.args = std::move(flat);
  return e;
}

}  // namespace

PlanExpr PlanExpr::And(std::vector<PlanExpr> terms) {
  return Junction(ExprKind::kAnd, std::move(terms), true);
}
PlanExpr PlanExpr::Or(std::vector<PlanExpr> terms) {
  return Junction(ExprKind::kOr, std::move(terms), false);
}

PlanExpr PlanExpr::Not(PlanExpr a) {
  PlanExpr e;
  e.kind = ExprKind::kNot;
  e.type = DataType::Boolean();
  e.args.push_back(std::move(a));
  return e;
}

PlanExpr PlanExpr::IsNull(PlanExpr a, bool negated) {
  PlanExpr e;
  e.kind = ExprKind::kIsNull;
  e.type = DataType::Boolean();
  e.negated = negated;
  e.args.push_back(std::move(a));
  return e;
}

PlanExpr PlanExpr::Cast(PlanExpr a, DataType to) {
  if (a.type == to) return a;
  if (a.kind == ExprKind::kLiteral && a.value.is_null()) return Literal(Value::Null(to));
  PlanExpr e;
  e.kind = ExprKind::kCast;
  e.type = to;
  e.args.push_back(std::move(a));
  return e;
}

bool PlanExpr::is_true_literal() const {
  return kind == ExprKind::kLiteral && !value.is_null() && type.id() == TypeId::kBoolean &&
         value.boolean();
}
bool PlanExpr::is_false_literal() const {
  return kind == ExprKind::kLiteral && !value.is_null() && type.id() == TypeId::kBoolean &&
         !value.boolean();
}
bool PlanExpr::is_null_literal() const { return kind == ExprKind::kLiteral && value.is_null(); }

bool PlanExpr::ReferencesRange(int begin, int end) const {
  if (kind == ExprKind::kColumn && column >= begin && column < end) return true;
  return std::any_of(args.begin(), args.end(),
                     [&](const PlanExpr& a) { return a.ReferencesRange(begin, end); });
}

void PlanExpr::ShiftColumns(int delta) {
  if (kind == ExprKind::kColumn) column += delta;
  for (PlanExpr& a : args) a.ShiftColumns(delta);
}

void PlanExpr::CollectColumns(std::vector<int>* out) const {
  if (kind == ExprKind::kColumn) out->push_back(column);
  for (const PlanExpr& a : args) a.CollectColumns(out);
}

// ---- type rules --------------------------------------------------------------------------------

namespace {

DataType AsDecimal(const DataType& t) {
  if (t.id() == TypeId::kInteger) return DataType::Decimal(10, 0);
  if (t.id() == TypeId::kBigint) return DataType::Decimal(19, 0);
  return t;
}

bool Integral(const DataType& t) { return t.id() == TypeId::kInteger || t.id() == TypeId::kBigint; }

}  // namespace

std::optional<DataType> ArithmeticResultType(ScalarOp op, const DataType& a, const DataType& b) {
  if (op == ScalarOp::kConcat) return DataType::Varchar();
  bool date_a = a.id() == TypeId::kDate, date_b = b.id() == TypeId::kDate;
  if (date_a && Integral(b) && (op == ScalarOp::kAdd || op == ScalarOp::kSub))
    return DataType::Date();
  if (date_b && Integral(a) && op == ScalarOp::kAdd) return DataType::Date();
  if (date_a && date_b && op == ScalarOp::kSub) return DataType::Integer();
  if (!a.is_numeric() || !b.is_numeric()) return std::nullopt;
  if (a.id() == TypeId::kDouble || b.id() == TypeId::kDouble) return DataType::Double();
  if (Integral(a) && Integral(b)) {
    bool big = a.id() == TypeId::kBigint || b.id() == TypeId::kBigint || op == ScalarOp::kMul;
    return big ? DataType::Bigint() : DataType::Integer();
  }
  if (op == ScalarOp::kDiv) return DataType::Double();
  DataType x = AsDecimal(a), y = AsDecimal(b);
  constexpr int kMax = storage::kMaxDecimalPrecision;
  int p1 = x.precision(), s1 = x.scale(), p2 = y.precision(), s2 = y.scale();
  if (op == ScalarOp::kMul) {
    int s = std::min(s1 + s2, kMax);
    int p = std::min(p1 + p2, kMax);
    return DataType::Decimal(std::max(p, s), s);
  }
  int s = std::max(s1, s2);
  int p = std::min(std::max(p1 - s1, p2 - s2) + s + (op == ScalarOp::kMod ? 0 : 1), kMax);
  return DataType::Decimal(std::max(p, s), s);
}

DataType ArithmeticOperandType(ScalarOp op, const DataType& result, const DataType& operand) {
  if (result.id() == TypeId::kDate || operand.id() == TypeId::kDate) return operand;  // days
  if (op == ScalarOp::kConcat) return operand;
  if (result.id() == TypeId::kDouble) return DataType::Double();
  if (!result.is_decimal()) return result;
  DataType d = AsDecimal(operand);
  if (op == ScalarOp::kMul) return d;
  // + - %: aligned to the result's scale, with room for the integer digits.
  int s = result.scale();
  int p = std::min(d.precision() - d.scale() + s, storage::kMaxDecimalPrecision);
  return DataType::Decimal(std::max(p, std::max(s, 1)), s);
}

std::optional<DataType> ComparisonType(const DataType& a, const DataType& b) {
  if (a.is_string() && b.is_string()) return DataType::Varchar();
  if (a.id() == TypeId::kDate && b.is_string()) return a;
  if (b.id() == TypeId::kDate && a.is_string()) return b;
  if (a.id() == b.id() && !a.is_decimal()) return a;
  if (a.id() == TypeId::kBoolean || b.id() == TypeId::kBoolean) return std::nullopt;
  if (a.id() == TypeId::kDate || b.id() == TypeId::kDate) return std::nullopt;
  if (!a.is_numeric() || !b.is_numeric()) return std::nullopt;
  if (a.id() == TypeId::kDouble || b.id() == TypeId::kDouble) return DataType::Double();
  if (Integral(a) && Integral(b)) return DataType::Bigint();
  DataType x = AsDecimal(a), y = AsDecimal(b);
  int s = std::max(x.scale(), y.scale());
  int ip = std::max(x.precision() - x.scale(), y.precision() - y.scale());
  return DataType::Decimal(std::min(ip + s, storage::kMaxDecimalPrecision), s);
}

ScalarOp MirrorComparison(ScalarOp op) {
  switch (op) {
    case ScalarOp::kLt:
      return ScalarOp::kGt;
    case ScalarOp::kLe:
      return ScalarOp::kGe;
    case ScalarOp::kGt:
      return ScalarOp::kLt;
    case ScalarOp::kGe:
      return ScalarOp::kLe;
    default:
      return op;
  }
}

const char* ScalarOpSymbol(ScalarOp op) {
  switch (op) {
    case ScalarOp::kNone:
      return "?";
    case ScalarOp::kAdd:
      return "+";
    case ScalarOp::kSub:
      return "-";
    case ScalarOp::kMul:
      return "*";
    case ScalarOp::kDiv:
      return "/";
    case ScalarOp::kMod:
      return "%";
    case ScalarOp::kNeg:
      return "-";
    case ScalarOp::kEq:
      return "=";
    case ScalarOp::kNe:
      return "<>";
    case ScalarOp::kLt:
      return "<";
    case ScalarOp::kLe:
      return "<=";
    case ScalarOp::kGt:
      return ">";
    case ScalarOp::kGe:
      return ">=";
    case ScalarOp::kConcat:
      return "||";
  }
  return "?";
}

const char* ExtractFieldName(ExtractField f) {
  static constexpr const char* kNames[] = {"year", "month", "day", "quarter", "week", "dow", "doy"};
  return kNames[static_cast<int>(f)];
}

namespace {

std::string LiteralText(const Value& v) {
  if (v.is_null()) return "NULL";
  switch (v.type().id()) {
    case TypeId::kDate:
      return "DATE '" + v.ToString() + "'";
    case TypeId::kVarchar:
    case TypeId::kChar: {
      std::string out = "'";
      for (char c : v.str()) {
        out += c;
        if (c == '\'') out += '\'';
      }
      return out + "'";
    }
    default:
      return v.ToString();
  }
}

void Append(const PlanExpr& e, const std::vector<std::string>& names, std::string* out) {
  auto list = [&](size_t from, const char* sep) {
    for (size_t i = from; i < e.args.size(); ++i) {
      if (i > from) *out += sep;
      Append(e.args[i], names, out);
    }
  };
  switch (e.kind) {
    case ExprKind::kColumn:
      if (e.column >= 0 && static_cast<size_t>(e.column) < names.size() &&
          !names[e.column].empty()) {
        *out += names[e.column];
      } else {
        *out += '#';
        *out += std::to_string(e.column);
      }
      return;
    case ExprKind::kLiteral:
      *out += LiteralText(e.value);
      return;
    case ExprKind::kParam:
      *out += '$';
      *out += std::to_string(e.param);
      return;
    case ExprKind::kArith:
    case ExprKind::kCompare:
      *out += "(";
      if (e.op == ScalarOp::kNeg) {
        *out += "-";
        Append(e.args[0], names, out);
      } else {
        Append(e.args[0], names, out);
        *out += std::string(" ") + ScalarOpSymbol(e.op) + " ";
        Append(e.args[1], names, out);
      }
      *out += ")";
      return;
    case ExprKind::kAnd:
    case ExprKind::kOr:
      *out += "(";
      list(0, e.kind == ExprKind::kAnd ? " AND " : " OR ");
      *out += ")";
      return;
    case ExprKind::kNot:
      *out += "NOT ";
      Append(e.args[0], names, out);
      return;
    case ExprKind::kIsNull:
      *out += "(";
      Append(e.args[0], names, out);
      *out += e.negated ? " IS NOT NULL)" : " IS NULL)";
      return;
    case ExprKind::kLike:
      *out += "(";
      Append(e.args[0], names, out);
      *out += e.negated ? " NOT LIKE " : " LIKE ";
      Append(e.args[1], names, out);
      *out += ")";
      return;
    case ExprKind::kCase: {
      *out += "CASE";
      size_t end = e.args.size() - (e.has_else ? 1 : 0);
      for (size_t i = 0; i + 1 < end; i += 2) {
        *out += " WHEN ";
        Append(e.args[i], names, out);
        *out += " THEN ";
        Append(e.args[i + 1], names, out);
      }
      if (e.has_else) {
        *out += " ELSE ";
        Append(e.args.back(), names, out);
      }
      *out += " END";
      return;
    }
    case ExprKind::kCast:
      *out += "CAST(";
      Append(e.args[0], names, out);
      *out += " AS " + e.type.ToString() + ")";
      return;
    case ExprKind::kExtract:
      *out += std::string("EXTRACT(") + ExtractFieldName(e.field) + " FROM ";
      Append(e.args[0], names, out);
      *out += ")";
      return;
    case ExprKind::kSubstring:
      *out += "SUBSTRING(";
      list(0, ", ");
      *out += ")";
      return;
    case ExprKind::kInList:
      *out += "(";
      Append(e.args[0], names, out);
      *out += e.negated ? " NOT IN (" : " IN (";
      list(1, ", ");
      *out += "))";
      return;
    case ExprKind::kDateAdd:
      *out += "(";
      Append(e.args[0], names, out);
      *out += " + INTERVAL '" + std::to_string(e.months) + " months " + std::to_string(e.days) +
              " days')";
      return;
    case ExprKind::kFunction:
      *out += e.name + "(";
      list(0, ", ");
      *out += ")";
      return;
  }
}

}  // namespace

std::string ExprToString(const PlanExpr& e, const std::vector<std::string>& input_names) {
  std::string out;
  Append(e, input_names, &out);
  return out;
}

}  // namespace ibex::optimizer
