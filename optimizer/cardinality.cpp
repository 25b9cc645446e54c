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
  if (x->kind != ExprKind::kColumn || x->column < 0 ||
      static_cast<size_t>(x->column) >= columns.size()) {
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

double CompareSelectivity(const PlanExpr& e, const std::vector<ColumnEstimate>& columns,
                          double rows) {
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
    op = MirrorComparison(op);
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
    case TypeId::kBoolean:
      return static_cast<double>(v.int128());
    case TypeId::kDecimal:
      return static_cast<double>(v.int128()) /
             static_cast<double>(storage::PowerOfTen(v.type().scale()));
    case TypeId::kDouble:
      return v.dbl();
    default:
      return std::nullopt;
  }
}

std::vector<ColumnEstimate> TableColumnEstimates(const storage::Table& table,
                                                 const std::vector<int>& columns) {
  std::vector<ColumnEstimate> out;
  for (int c : columns) {
    ColumnEstimate e;
    if (static_cast<size_t>(c) < table.stats.columns.size()) {
      const storage::ColumnStats& s = table.stats.columns[c];
      e.ndv = static_cast<double>(s.distinct_estimate());
      if (table.stats.row_count > 0)
        e.ndv = std::min(e.ndv, static_cast<double>(table.stats.row_count));
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
    case ExprKind::kNot:
      return 1 - Selectivity(pred.args[0], columns, rows);
    case ExprKind::kCompare:
      return CompareSelectivity(pred, columns, rows);
    case ExprKind::kLike:
      return pred.negated ? 1 - kLikeSelectivity : kLikeSelectivity;
    case ExprKind::kInList: {
      double s = std::min(1.0, static_cast<double>(pred.args.size() - 1) /
                                   Ndv(ColumnOf(pred.args[0], columns), kUnknownNdv * 2));
      return pred.negated ? 1 - s : s;
    }
    case ExprKind::kIsNull: {
      const ColumnEstimate* c = ColumnOf(pred.args[0], columns);
      double s = c != nullptr ? c->null_fraction : 0.05;
      return pred.negated ? 1 - s : s;
    }
    default:
      return kDefault;
  }
}

std::optional<double> ColumnDistinct(const PlanNode& node, int column,
                                     const storage::Catalog& catalog) {
  std::optional<double> out;
  switch (node.kind()) {
    case NodeKind::kScan: {
      const ScanSpec& scan = node.As<ScanSpec>();
      const storage::Table* table = catalog.FindTable(scan.table);
      if (table == nullptr || column < 0 || static_cast<size_t>(column) >= scan.columns.size())
        return std::nullopt;
      size_t c = static_cast<size_t>(scan.columns[column]);
      if (c >= table->stats.columns.size()) return std::nullopt;
      double ndv = static_cast<double>(table->stats.columns[c].distinct_estimate());
      if (ndv <= 0) return std::nullopt;
      out = ndv;
      break;
    }
    case NodeKind::kFilter:
    case NodeKind::kSort:
    case NodeKind::kTopN:
    case NodeKind::kLimit:
    case NodeKind::kExchange:
      out = ColumnDistinct(node.children[0], column, catalog);
      break;
    case NodeKind::kProject: {
      const PlanExpr& e = node.As<ProjectSpec>().exprs[column];
      if (e.kind == ExprKind::kColumn) out = ColumnDistinct(node.children[0], e.column, catalog);
      break;
    }
    case NodeKind::kHashJoin: {
      int lw = static_cast<int>(node.children[0].schema.size());
      JoinType t = node.As<JoinSpec>().type;
      if (column < lw) {
        out = ColumnDistinct(node.children[0], column, catalog);
      } else if (t != JoinType::kSemi && t != JoinType::kAnti && t != JoinType::kMark) {
        out = ColumnDistinct(node.children[1], column - lw, catalog);
      }
      break;
    }
    case NodeKind::kHashAggregate: {
      const AggregateSpec& a = node.As<AggregateSpec>();
      if (static_cast<size_t>(column) < a.group_keys.size() &&
          a.group_keys[column].kind == ExprKind::kColumn) {
        out = ColumnDistinct(node.children[0], a.group_keys[column].column, catalog);
      }
      break;
    }
    default:
      break;
  }
  if (out) out = std::max(1.0, std::min(*out, node.estimated_rows));
  return out;
}

double GroupCount(const PlanNode& input, const std::vector<PlanExpr>& keys,
                  const storage::Catalog& catalog) {
  if (keys.empty()) return 1;
  double rows = std::max(1.0, input.estimated_rows);
  double groups = 1;
  for (const PlanExpr& k : keys) {
    std::optional<double> ndv;
    if (k.kind == ExprKind::kColumn) ndv = ColumnDistinct(input, k.column, catalog);
    groups *= ndv ? *ndv : std::max(1.0, rows / 10);
    if (groups >= rows) return rows;
  }
  return std::max(1.0, groups);
}

}  // namespace ibex::optimizer
