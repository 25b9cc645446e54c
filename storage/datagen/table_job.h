// TableJob: how a benchmark describes one generation pass to the driver (datagen.cpp). A job
// makes one table, or two tables that share their rows' random draws (TPC-H part+partsupp,
// orders+lineitem), from `rows` driving rows numbered 0..rows-1; the driver slices that range
// for --parts/--part and runs `generate` on chunks of it through GenerateInOrder.
#pragma once

#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include "storage/datagen/chunk_pipeline.h"

namespace ibex::datagen {

struct TableJob {
  std::vector<std::string> tables;  // output k of `generate` is tables[k]
  int64_t rows = 0;                 // driving rows (orders for lineitem, parts for partsupp)
  int64_t chunk_rows = 0;
  ChunkGenerator generate;  // rows are 0-based driving-row indices
};

// base · SF rounded to the nearest row (0.1 · 150000 is 15000, not 14999).
inline int64_t ScaledRows(int64_t base, double scale_factor) {
  return std::llround(static_cast<double>(base) * scale_factor);
}

}  // namespace ibex::datagen
