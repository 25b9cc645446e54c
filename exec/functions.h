// Named scalar functions of the plan (optimizer/plan_expr.h kFunction): abs floor ceil round
// upper lower trim ltrim rtrim length nullif concat (and the || operator, as "concat").
//
// Thread safety: pure functions.
#pragma once

#include <vector>

#include "common/status.h"
#include "exec/expr.h"
#include "exec/vector.h"

namespace ibex::exec {

// `args` are the evaluated arguments; `rows` is 1 when all of them are constant.
Result<Vector> EvalFunction(const Expr& e, const std::vector<Vector>& args, size_t rows);

}  // namespace ibex::exec
