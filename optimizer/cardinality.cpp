#include "optimizer/cardinality.h"

#include <algorithm>

namespace ibex::optimizer {

using storage::TypeId;

namespace {

constexpr double kDefault = 0.25;
constexpr double kLikeSelectivity = 0.1;

const ColumnEstimate* ColumnOf(const PlanExpr& e, const std::vector<ColumnEstimate>& columns) {
  const PlanExpr* x = &e;
  while (x->kind == ExprKind::kCast && !x->args.empty()) x = &x->args[0];
  if (x->kind != ExprKind::kColumn || x->column < 0 || static_cast<size_t>(x->column) >= columns.size()) {
    return nullptr;
  }
  return &columns[x->column];
}

const Value* LiteralOf(const PlanExpr& e) {
  const PlanExpr* x = &e;
  while (x->kind == ExprKind::kCast && !x->args.empty()) x = &x->args[0];
  return x->kind == ExprKind::kLiteral && !x->value.is_null() ? &x->value : nullptr;
}

// Distinct values of a column; unknown: `fallback` (10 for a comparison with a constant, i.e.
// selectivity 0.1; the row count for a join column, i.e. key-like).
double Ndv(const ColumnEstimate* c, double fallback) {
  if (c == nullptr || c->ndv <= 0) return std::max(1.0, fallback);
  return std::max(1.0, c->ndv);
}

constexpr double kUnknownNdv = 10;

ScalarOp Mirror(ScalarOp op) {
  switch (op) {
    case ScalarOp::kLt: return ScalarOp::kGt;
    case ScalarOp::kLe: return ScalarOp::kGe;
    case ScalarOp::kGt: return ScalarOp::kLt;
    case ScalarOp::kGe: return ScalarOp::kLe;
    default: return op;
  }
}

double CompareSelectivity(const PlanExpr& e, const std::vector<ColumnEstimate>& columns, double rows) {
  const ColumnEstimate* ca = ColumnOf(e.args[0], columns);
  const ColumnEstimate* cb = ColumnOf(e.args[1], columns);
  const Value* la = LiteralOf(e.args[0]);
  const Value* lb = LiteralOf(e.args[1]);
  ScalarOp op = e.op;
  const ColumnEstimate* col = ca;
  const Value* lit = lb;
  if (ca == nullptr && cb != nullptr && la != nullptr) {
    col = cb;
    lit = la;
    op = Mirror(op);
  }
  if (op == ScalarOp::kEq) {
    if (col != nullptr && lit != nullptr) return 1.0 / Ndv(col, kUnknownNdv);
    if (ca != nullptr && cb != nullptr) return 1.0 / std::max(Ndv(ca, rows), Ndv(cb, rows));
    return 1.0 / Ndv(col, kUnknownNdv);
  }
  if (op == ScalarOp::kNe) return 1.0 - 1.0 / Ndv(col, kUnknownNdv);
  if (col != nullptr && lit != nullptr && col->min && col->max) {
    auto v = NumericValue(*lit);
    double lo = *col->min, hi = *col->max;
    if (v && hi > lo) {
      double below = std::clamp((*v - lo) / (hi - lo), 0.0, 1.0);
      double s = (op == ScalarOp::kLt || op == ScalarOp::kLe) ? below : 1.0 - below;
      return std::clamp(s, 1.0 / std::max(rows, 1.0), 1.0);
    }
  }
  return 1.0 / 3;
}

}  // namespace

std::optional<double> NumericValue(const Value& v) {
  if (v.is_null()) return std::nullopt;
  switch (v.type().id()) {
    case TypeId::kInteger:
    case TypeId::kBigint:
    case TypeId::kDate:
    case TypeId::kBoolean: return static_cast<double>(v.int128());
    case TypeId::kDecimal:
      return static_cast<double>(v.int128()) / static_cast<double>(storage::PowerOfTen(v.type().scale()));
    case TypeId::kDouble: return v.dbl();
    default: return std::nullopt;
  }
}

std::vector<ColumnEstimate> TableColumnEstimates(const storage::Table& table, const std::vector<int>& columns) {
  std::vector<ColumnEstimate> out;
  for (int c : columns) {
    ColumnEstimate e;
    if (static_cast<size_t>(c) < table.stats.columns.size()) {
      const storage::ColumnStats& s = table.stats.columns[c];
      e.ndv = static_cast<double>(s.distinct_estimate());
      if (table.stats.row_count > 0) e.ndv = std::min(e.ndv, static_cast<double>(table.stats.row_count));
      e.min = NumericValue(s.min);
      e.max = NumericValue(s.max);
      e.null_fraction = table.stats.null_fraction(c);
    }
    out.push_back(e);
  }
  return out;
}

double Selectivity(const PlanExpr& pred, const std::vector<ColumnEstimate>& columns, double rows) {
  switch (pred.kind) {
    case ExprKind::kLiteral:
      return pred.is_true_literal() ? 1.0 : 0.0;
    case ExprKind::kAnd: {
      double s = 1;
      for (const PlanExpr& a : pred.args) s *= Selectivity(a, columns, rows);
      return s;
    }
    case ExprKind::kOr: {
      double none = 1;
      for (const PlanExpr& a : pred.args) none *= 1 - Selectivity(a, columns, rows);
      return 1 - none;
    }
    case ExprKind::kNot: return 1 - Selectivity(pred.args[0], columns, rows);
    case ExprKind::kCompare: return CompareSelectivity(pred, columns, rows);
    case ExprKind::kLike: return pred.negated ? 1 - kLikeSelectivity : kLikeSelectivity;
    case ExprKind::kInList: {
      double s = std::min(1.0, static_cast<double>(pred.args.size() - 1) / Ndv(ColumnOf(pred.args[0], columns), kUnknownNdv * 2));
      return pred.negated ? 1 - s : s;
    }
    case ExprKind::kIsNull: {
      const ColumnEstimate* c = ColumnOf(pred.args[0], columns);
      double s = c != nullptr ? c->null_fraction : 0.05;
      return pred.negated ? 1 - s : s;
    }
    default: return kDefault;
  }
}

}  // namespace ibex::optimizer
