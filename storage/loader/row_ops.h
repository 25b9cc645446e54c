// Row-level helpers over a table's columns (std::vector<ColumnVector>, one vector per table
// column, all of one size), shared by the loader's router and block builder: compare rows on
// sort-key columns, copy rows between column sets, deep-copy a column set.
//
// Copies keep strings as views (they point wherever the source's do), except DeepCopy.
//
// Thread safety: pure functions over caller-owned data.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "storage/blocks/column_vector.h"
#include "storage/catalog.h"

namespace ibex::storage {

using Columns = std::vector<ColumnVector>;

// -1, 0, 1 comparing row i of a with row j of b on the columns `cols`; NULLs first.
int CompareRows(const Columns& a, size_t i, const Columns& b, size_t j, const std::vector<int>& cols);

// Copies row `row` of `src` into row `dst_row` of `dst` (already sized past it, with that row
// zero and valid, as Resize leaves new rows).
void CopyRow(const Columns& src, size_t row, Columns* dst, size_t dst_row);

// Copies rows [begin, end) of `src` to rows [dst_row, dst_row + end - begin) of `dst` (sized,
// those rows zero and valid).
void CopyRows(const Columns& src, size_t begin, size_t end, Columns* dst, size_t dst_row);

// Copies rows rows[0..n) of `src` to rows [dst_row, dst_row + n) of `dst` (sized, those rows
// zero and valid).
void GatherRows(const Columns& src, const uint32_t* rows, size_t n, Columns* dst, size_t dst_row);

// Empty columns of the table's types with room for `capacity` rows, sized `size`.
Columns MakeColumns(const TableDef& def, size_t capacity, size_t size);

// A copy of `src` whose strings live in the copy's own arenas.
Columns DeepCopy(const Columns& src);

}  // namespace ibex::storage
