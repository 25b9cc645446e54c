// Filter push-down on physical plan trees: a predicate over a node's output is moved as far
// down as it can go — through Project (by substituting the projected expressions), Filter,
// Sort and into a Scan's filter, where its `column op constant` conjuncts also become zone-map
// ranges for block skipping (ScanSpec::prune). Used by the planner (after joins are ordered,
// for predicates on derived tables and views) and by join ordering (single-relation conjuncts).
// Pure functions on plan values.
#pragma once

#include <functional>
#include <vector>

#include "optimizer/physical_plan.h"

namespace ibex::optimizer {

// Splits a predicate into its AND-ed conjuncts.
std::vector<PlanExpr> SplitConjuncts(PlanExpr pred);

// (A AND B) OR (A AND C) -> A, (B OR C): conjuncts common to every disjunct are factored out
// (TPC-H Q19's join predicate sits in each branch of an OR). Returns the resulting conjuncts.
std::vector<PlanExpr> FactorDisjunction(PlanExpr pred);

// For a disjunction, the weaker predicate implied by it that only uses the columns `keep`
// accepts: OR over the disjuncts of the AND of their conjuncts that `keep` accepts; false when
// some disjunct has no such conjunct (then nothing is implied).
bool ImpliedDisjunction(const PlanExpr& pred, const std::function<bool(const PlanExpr&)>& keep,
                        PlanExpr* out);

// Adds `pred` (over `node`'s output) below or at `node`. `selectivity` (0..1) scales the row
// estimates of the nodes the predicate ends up at or above.
void PushFilter(PlanNode* node, PlanExpr pred, double selectivity);

// The zone-map range `conjunct` implies for a column (`column op literal`, either order;
// BETWEEN arrives as two conjuncts), or false.
bool PrunableRange(const PlanExpr& conjunct, ColumnRange* out);

}  // namespace ibex::optimizer
