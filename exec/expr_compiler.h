// Compiles the optimizer's plan expressions (optimizer/plan_expr.h, plain data) into the
// engine's Expr trees: parameters ($n) become constants, LIKE patterns are compiled once,
// COALESCE becomes its own node. Called by the plan builder on the coordinator (single rank)
// or an executor (fragments).
//
// Thread safety: pure functions.
#pragma once

#include <vector>

#include "common/status.h"
#include "exec/expr.h"
#include "optimizer/plan_expr.h"

namespace ibex::exec {

Result<ExprPtr> CompileExpr(const optimizer::PlanExpr& e, const std::vector<storage::Value>& params);

}  // namespace ibex::exec
