#include "optimizer/predicate_pushdown.h"

#include <algorithm>
#include <cmath>

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
    bool everywhere =
        std::all_of(branches.begin() + 1, branches.end(), [&](const std::vector<PlanExpr>& b) {
          return std::find(b.begin(), b.end(), c) != b.end();
        });
    if (everywhere && std::find(common.begin(), common.end(), c) == common.end())
      common.push_back(c);
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

bool ImpliedDisjunction(const PlanExpr& pred, const std::function<bool(const PlanExpr&)>& keep,
                        PlanExpr* out) {
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

void ScaleRows(PlanNode* node, double selectivity) {
  node->estimated_rows = std::max(1.0, node->estimated_rows * selectivity);
}

}  // namespace

bool PrunableRange(const PlanExpr& c, ColumnRange* out) {
  if (c.kind != ExprKind::kCompare || c.args.size() != 2) return false;
  const PlanExpr* col = &c.args[0];
  const PlanExpr* lit = &c.args[1];
  ScalarOp op = c.op;
  if (col->kind != ExprKind::kColumn) {
    std::swap(col, lit);
    op = MirrorComparison(op);
  }
  if (col->kind != ExprKind::kColumn || lit->kind != ExprKind::kLiteral || lit->value.is_null())
    return false;
  if (col->type.is_string() != lit->type.is_string()) return false;
  if (col->type.id() == storage::TypeId::kBoolean) return false;
  ColumnRange r;
  r.column = col->column;
  switch (op) {
    case ScalarOp::kEq:
      r.range = storage::ValueRange::Equal(lit->value);
      break;
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
    default:
      return false;
  }
  *out = std::move(r);
  return true;
}

namespace {

// Moves one conjunct below `node` if some node under it takes it; false when it has to stay
// above `node`.
bool PushBelow(PlanNode* node, PlanExpr& c, double selectivity) {
  switch (node->kind()) {
    case NodeKind::kScan: {
      ScanSpec& scan = node->As<ScanSpec>();
      ColumnRange r;
      if (PrunableRange(c, &r)) scan.prune.push_back(std::move(r));
      std::vector<PlanExpr> terms;
      if (scan.filter) terms.push_back(std::move(*scan.filter));
      terms.push_back(std::move(c));
      scan.filter = PlanExpr::And(std::move(terms));
      ScaleRows(node, selectivity);
      return true;
    }
    case NodeKind::kFilter:
      if (!PushBelow(&node->children[0], c, selectivity)) return false;
      ScaleRows(node, selectivity);
      return true;
    case NodeKind::kProject:
      PushFilter(&node->children[0], SubstituteColumns(c, node->As<ProjectSpec>().exprs),
                 selectivity);
      ScaleRows(node, selectivity);
      return true;
    case NodeKind::kSort:
      PushFilter(&node->children[0], std::move(c), selectivity);
      ScaleRows(node, selectivity);
      return true;
    case NodeKind::kHashAggregate: {
      // Conjuncts on group keys only go below (they hold for the whole group).
      const AggregateSpec& agg = node->As<AggregateSpec>();
      int keys = static_cast<int>(agg.group_keys.size());
      if (agg.phase != AggPhase::kSingle || keys == 0 ||
          c.ReferencesRange(keys, static_cast<int>(node->schema.size()))) {
        return false;
      }
      PushFilter(&node->children[0], SubstituteColumns(c, agg.group_keys), selectivity);
      ScaleRows(node, selectivity);
      return true;
    }
    default:
      return false;
  }
}

}  // namespace

void PushFilter(PlanNode* node, PlanExpr pred, double selectivity) {
  std::vector<PlanExpr> conjuncts = SplitConjuncts(std::move(pred));
  if (conjuncts.empty()) return;
  // The selectivity is spread evenly over the conjuncts.
  double each = std::pow(selectivity, 1.0 / static_cast<double>(conjuncts.size()));
  std::vector<PlanExpr> above;
  for (PlanExpr& c : conjuncts) {
    if (!PushBelow(node, c, each)) above.push_back(std::move(c));
  }
  if (above.empty()) return;
  double rest = std::pow(each, static_cast<double>(above.size()));
  if (node->kind() == NodeKind::kFilter) {
    std::vector<PlanExpr> terms;
    terms.push_back(std::move(node->As<FilterSpec>().predicate));
    for (PlanExpr& c : above) terms.push_back(std::move(c));
    node->As<FilterSpec>().predicate = PlanExpr::And(std::move(terms));
    ScaleRows(node, rest);
    return;
  }
  PlanNode filter;
  filter.schema = node->schema;
  filter.estimated_rows = std::max(1.0, node->estimated_rows * rest);
  filter.payload = FilterSpec{PlanExpr::And(std::move(above))};
  filter.children.push_back(std::move(*node));
  *node = std::move(filter);
}

}  // namespace ibex::optimizer
