// A zone map: the smallest and largest non-null value of one column in one block, and how
// many of its values are null. The block builder computes it; the block file and the catalog
// keep it; the optimizer asks it whether a block can hold rows that satisfy a comparison, to
// skip blocks that cannot (pruning). A "may" answer of true is always safe; false must only be
// given when no row of the block can match.
//
// Thread safety: a value.
#pragma once

#include <cstdint>
#include <optional>

#include "storage/types.h"

namespace ibex::storage {

struct ZoneMap {
  Value min;  // NULL when the block has no non-null value in this column
  Value max;
  int64_t null_count = 0;

  bool all_null() const { return min.is_null(); }
  bool operator==(const ZoneMap&) const = default;
};

// A range predicate on one column: lower and/or upper bound, each inclusive or not. Equality
// is lower == upper, both inclusive. Bounds of a numeric (or DATE) column may be of any
// numeric type (Value::Compare compares by value); bounds of a string column are strings.
struct ValueRange {
  std::optional<Value> lower;
  bool lower_inclusive = true;
  std::optional<Value> upper;
  bool upper_inclusive = true;

  static ValueRange Equal(Value v) { return {v, true, v, true}; }
};

// False only when no non-null value in [zone.min, zone.max] can lie in `range`.
bool ZoneMayMatch(const ZoneMap& zone, const ValueRange& range);

}  // namespace ibex::storage
