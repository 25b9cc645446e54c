// Casting vectors between types: the numeric matrix (exact between integers and decimals of
// any scale, with range checks), numbers <-> DOUBLE, strings <-> everything via the storage
// parsers and formatters, DATE <-> strings. The evaluator calls it for CAST and to bring both
// sides of an operation to one type; the plan builder for set operations.
//
// Thread safety: pure functions.
#pragma once

#include "common/status.h"
#include "exec/vector.h"

namespace ibex::exec {

// `in` (n rows, or constant) as type `to`. Errors: a value that does not fit (overflow, named
// with the value and the target type), unparsable text. Null rows never raise errors.
Result<Vector> CastVector(const Vector& in, const DataType& to, size_t n);

// Scale of an integer-like type (DECIMAL: its scale; integers, DATE, BOOLEAN: 0).
int ScaleOf(const DataType& t);
// Whether the physical representation is an integer (bool, int32, int64, int128).
bool IsIntegerLike(const DataType& t);

}  // namespace ibex::exec
