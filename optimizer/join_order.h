// Join ordering: the relations of one FROM clause (base tables, derived tables, outer-join
// units) and the conjuncts of its WHERE/ON clauses become a join graph; single-relation
// conjuncts are pushed into their relation (and from there into scans), and the order of the
// inner joins is chosen by cost: dynamic programming over connected subsets up to
// kMaxDpRelations relations, greedy (cheapest connected pair first) beyond. Cost = the sum of
// the estimated intermediate result sizes (C_out) plus the rows hashed by each build; the
// smaller input of every join is its build (right) side. A cross product is only chosen where
// no join predicate connects the parts. Called by the planner; pure.
#pragma once

#include <vector>

#include "common/status.h"
#include "optimizer/cardinality.h"
#include "optimizer/physical_plan.h"

namespace ibex::optimizer {

inline constexpr int kMaxDpRelations = 10;

struct JoinRelation {
  PlanNode plan;                          // its output: the relation's columns, local order
  std::vector<int> columns;               // canonical position of each local column
  std::vector<ColumnEstimate> estimates;  // per local column
};

// Joins `relations` under `conjuncts` (over canonical positions 0..width-1, which the
// relations' columns cover exactly once). Returns a plan whose output is the canonical layout.
Result<PlanNode> OrderJoins(std::vector<JoinRelation> relations, std::vector<PlanExpr> conjuncts,
                            int width, const Schema& canonical_schema);

// Splits an equi-join predicate over left ++ right (left_width columns on the left) into keys
// and residual: conjuncts `l = r` with l over the left only and r over the right only become
// key pairs (right keys re-based to the right input), the rest the residual.
void ExtractJoinKeys(std::vector<PlanExpr> conjuncts, int left_width, JoinSpec* join);

}  // namespace ibex::optimizer
