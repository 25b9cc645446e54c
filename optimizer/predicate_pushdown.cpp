#include "optimizer/predicate_pushdown.h"

#include <algorithm>

#include "optimizer/constant_folding.h"

namespace ibex::optimizer {

std::vector<PlanExpr> SplitConjuncts(PlanExpr pred) {
  std::vector<PlanExpr> out;
  if (pred.kind == ExprKind::kAnd) {
    for (PlanExpr& a : pred.args) {
      for (PlanExpr& c : SplitConjuncts(std::move(a))) out.push_back(std::move(c));
    }
  } else if (!pred.is_true_literal()) {
    out.push_back(std::move(pred));
  }
  return out;
}

std::vector<PlanExpr> FactorDisjunction(PlanExpr pred) {
  if (pred.kind != ExprKind::kOr) return SplitConjuncts(std::move(pred));
  std::vector<std::vector<PlanExpr>> branches;
  for (PlanExpr& d : pred.args) branches.push_back(SplitConjuncts(std::move(d)));
  std::vector<PlanExpr> common;
  for (const PlanExpr& c : branches[0]) {
    bool everywhere = std::all_of(branches.begin() + 1, branches.end(), [&](const std::vector<PlanExpr>& b) {
      return std::find(b.begin(), b.end(), c) != b.end();
    });
    if (everywhere && std::find(common.begin(), common.end(), c) == common.end()) common.push_back(c);
  }
  std::vector<PlanExpr> disjuncts;
  bool some_empty = false;
  for (auto& b : branches) {
    std::vector<PlanExpr> rest;
    for (PlanExpr& c : b) {
      if (std::find(common.begin(), common.end(), c) == common.end()) rest.push_back(std::move(c));
    }
    some_empty = some_empty || rest.empty();
    disjuncts.push_back(PlanExpr::And(std::move(rest)));
  }
  std::vector<PlanExpr> out = std::move(common);
  // A branch that was only common conjuncts makes the remaining OR true.
  if (!some_empty) out.push_back(PlanExpr::Or(std::move(disjuncts)));
  return out;
}

bool ImpliedDisjunction(const PlanExpr& pred, const std::function<bool(const PlanExpr&)>& keep, PlanExpr* out) {
  if (pred.kind != ExprKind::kOr) return false;
  std::vector<PlanExpr> disjuncts;
  for (const PlanExpr& d : pred.args) {
    std::vector<PlanExpr> kept;
    for (PlanExpr& c : SplitConjuncts(d)) {
      if (keep(c)) kept.push_back(std::move(c));
    }
    if (kept.empty()) return false;
    disjuncts.push_back(PlanExpr::And(std::move(kept)));
  }
  *out = PlanExpr::Or(std::move(disjuncts));
  return true;
}

namespace {

// Replaces column i by exprs[i]; false when some expression is not safe to duplicate below
// (nothing here is impure, so every substitution is allowed).
PlanExpr SubstituteColumns(const PlanExpr& e, const std::vector<PlanExpr>& exprs) {
  if (e.kind == ExprKind::kColumn) return exprs[e.column];
  PlanExpr out = e;
  for (size_t i = 0; i < out.args.size(); ++i) out.args[i] = SubstituteColumns(e.args[i], exprs);
  FoldNode(&out);
  return out;
}

void ScaleRows(PlanNode* node, double selectivity) { node->estimated_rows = std::max(1.0, node->estimated_rows * selectivity); }

ScalarOp Mirror(ScalarOp op) {
  switch (op) {
    case ScalarOp::kLt: return ScalarOp::kGt;
    case ScalarOp::kLe: return ScalarOp::kGe;
    case ScalarOp::kGt: return ScalarOp::kLt;
    case ScalarOp::kGe: return ScalarOp::kLe;
    default: return op;
  }
}

}  // namespace

bool PrunableRange(const PlanExpr& c, ColumnRange* out) {
  if (c.kind != ExprKind::kCompare || c.args.size() != 2) return false;
  const PlanExpr* col = &c.args[0];
  const PlanExpr* lit = &c.args[1];
  ScalarOp op = c.op;
  if (col->kind != ExprKind::kColumn) {
    std::swap(col, lit);
    op = Mirror(op);
  }
  if (col->kind != ExprKind::kColumn || lit->kind != ExprKind::kLiteral || lit->value.is_null()) return false;
  if (col->type.is_string() != lit->type.is_string()) return false;
  if (col->type.id() == storage::TypeId::kBoolean) return false;
  ColumnRange r;
  r.column = col->column;
  switch (op) {
    case ScalarOp::kEq: r.range = storage::ValueRange::Equal(lit->value); break;
    case ScalarOp::kLt:
    case ScalarOp::kLe:
      r.range.upper = lit->value;
      r.range.upper_inclusive = op == ScalarOp::kLe;
      break;
    case ScalarOp::kGt:
    case ScalarOp::kGe:
      r.range.lower = lit->value;
      r.range.lower_inclusive = op == ScalarOp::kGe;
      break;
    default: return false;
  }
  *out = std::move(r);
  return true;
}

void PushFilter(PlanNode* node, PlanExpr pred, double selectivity) {
  if (pred.is_true_literal()) return;
  switch (node->kind()) {
    case NodeKind::kScan: {
      ScanSpec& scan = node->As<ScanSpec>();
      for (const PlanExpr& c : SplitConjuncts(pred)) {
        ColumnRange r;
        if (PrunableRange(c, &r)) scan.prune.push_back(std::move(r));
      }
      std::vector<PlanExpr> terms;
      if (scan.filter) terms.push_back(std::move(*scan.filter));
      terms.push_back(std::move(pred));
      scan.filter = PlanExpr::And(std::move(terms));
      ScaleRows(node, selectivity);
      return;
    }
    case NodeKind::kFilter: {
      PlanExpr existing = std::move(node->As<FilterSpec>().predicate);
      PlanNode child = std::move(node->children[0]);
      std::vector<PlanExpr> terms;
      terms.push_back(std::move(existing));
      terms.push_back(std::move(pred));
      // Push the combined predicate again: the child may take it.
      double rows = node->estimated_rows * selectivity;
      *node = std::move(child);
      PushFilter(node, PlanExpr::And(std::move(terms)), 1.0);
      node->estimated_rows = rows;
      return;
    }
    case NodeKind::kProject: {
      PlanExpr below = SubstituteColumns(pred, node->As<ProjectSpec>().exprs);
      PushFilter(&node->children[0], std::move(below), selectivity);
      ScaleRows(node, selectivity);
      return;
    }
    case NodeKind::kSort: {
      PushFilter(&node->children[0], std::move(pred), selectivity);
      ScaleRows(node, selectivity);
      return;
    }
    case NodeKind::kHashAggregate: {
      // Conjuncts on group keys only go below (they hold for the whole group).
      const AggregateSpec& agg = node->As<AggregateSpec>();
      int keys = static_cast<int>(agg.group_keys.size());
      if (agg.phase == AggPhase::kSingle && !pred.ReferencesRange(keys, static_cast<int>(node->schema.size())) &&
          keys > 0) {
        PlanExpr below = SubstituteColumns(pred, agg.group_keys);
        PushFilter(&node->children[0], std::move(below), selectivity);
        ScaleRows(node, selectivity);
        return;
      }
      break;
    }
    default:
      break;
  }
  PlanNode filter;
  filter.schema = node->schema;
  filter.estimated_rows = std::max(1.0, node->estimated_rows * selectivity);
  filter.payload = FilterSpec{std::move(pred)};
  filter.children.push_back(std::move(*node));
  *node = std::move(filter);
}

}  // namespace ibex::optimizer
