// Evaluating an Expr over a chunk: one kernel per node and vector (a tight loop over raw
// arrays chosen by a switch on types), never a per-row virtual call. Filters evaluate their
// predicate into a selection vector (rows where it is TRUE; NULL and FALSE drop the row).
//
// Errors (decimal/integer overflow, division by zero, bad casts) are InvalidArgument; a row
// that is NULL, or not chosen by a CASE branch, never raises one.
//
// Thread safety: pure functions of their arguments.
#pragma once

#include <cstdint>
#include <vector>

#include "common/status.h"
#include "exec/expr.h"
#include "exec/vector.h"

namespace ibex::exec {

// The value of `e` for every row of `in` (may be a constant vector).
Result<Vector> Evaluate(const Expr& e, const Chunk& in);

// Row indices of `in` where `predicate` is TRUE, into *sel (resized); returns their number.
Result<size_t> EvaluateFilter(const Expr& predicate, const Chunk& in, std::vector<uint32_t>* sel);

}  // namespace ibex::exec
