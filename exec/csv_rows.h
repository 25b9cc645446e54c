// Rows of collected chunks written as a CSV file the loader reads back (INSERT ... SELECT /
// VALUES and CREATE TABLE AS go through the loader, so that inserted rows become blocks with
// zone maps and statistics and commit like any load: all or nothing). Used by the single-rank
// runner and the distributed coordinator.
//
// Thread safety: a pure function of its arguments (writes one file).
#pragma once

#include <string>
#include <vector>

#include "common/status.h"
#include "exec/vector.h"

namespace ibex::exec {

// Writes one line per row; field i is column `columns[i]` of the chunks (-1: NULL, an empty
// field), strings quoted with "" escaping. Returns the number of rows written.
Result<int64_t> WriteRowsAsCsv(const std::vector<Chunk>& chunks, const std::vector<int>& columns,
                               const std::string& path);

}  // namespace ibex::exec
