// Constant folding of plan expressions: casts of literals, exact integer/decimal/date
// arithmetic on literals (nothing is folded that would overflow: that stays an execution-time
// error), comparisons of literals, DATE +/- INTERVAL of a literal, and the boolean identities
// (x AND TRUE = x, x AND FALSE = FALSE, NOT TRUE = FALSE, ...). Called by the expression
// translator on every node it builds, bottom-up, so a tree is folded once. Pure functions.
#pragma once

#include <optional>

#include "optimizer/plan_expr.h"

namespace ibex::optimizer {

// Folds `e` in place, assuming its arguments are folded already.
void FoldNode(PlanExpr* e);
// Folds the whole tree.
void FoldConstants(PlanExpr* e);

// `v` converted to `to` exactly as CAST would at run time, or nullopt when that is not
// done at plan time (a failing or inexact conversion).
std::optional<Value> CastValue(const Value& v, const DataType& to);

// Calendar arithmetic: days + months (clamped to the month's end) + days.
int32_t AddMonthsAndDays(int32_t days, int32_t months, int32_t plus_days);

}  // namespace ibex::optimizer
