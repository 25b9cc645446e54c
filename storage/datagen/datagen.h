// The benchmark data generators' entry point: options, their validation, and Generate(),
// which writes the chosen tables of SSB or TPC-H at a scale factor (or one slice of them) as
// `.tbl` files into a folder. See docs/datagen.md for the contracts (format, determinism,
// slicing, nothing half-written). Called by the ibex-datagen tool and by tests; Generate()
// runs its own worker threads and may be called from any one thread at a time per folder.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace ibex::datagen {

enum class Benchmark { kSsb, kTpch };

struct GenerateOptions {
  Benchmark benchmark = Benchmark::kTpch;
  double scale_factor = 1.0;
  std::string output_dir;
  int parts = 1;                    // K: the tables are cut into K slices by key range
  int part = 0;                     // I in [0, K): the slice written
  std::vector<std::string> tables;  // empty: all tables of the benchmark
  int threads = 0;                  // 0: hardware concurrency
  bool sync = true;                 // fsync each file before its rename
};

// The tables of a benchmark, in generation order ("region", "nation", ... / "date", ...).
std::vector<std::string> TableNames(Benchmark benchmark);

// Parses "ssb" / "tpch".
Result<Benchmark> ParseBenchmark(std::string_view name);

// InvalidArgument naming the first bad option (unknown table, SF out of range, bad slice).
Status ValidateOptions(const GenerateOptions& options);

// The file name a table is written to: "<table>.tbl", or "<table>.tbl.<part>" when parts > 1.
std::string OutputFileName(std::string_view table, int parts, int part);

// The driving rows [first, last) of slice `part` of `parts` over `rows` rows.
struct RowRange {
  int64_t first;
  int64_t last;
};
RowRange SliceRows(int64_t rows, int parts, int part);

struct TableReport {
  std::string table;
  std::string path;
  uint64_t bytes = 0;
};

// Writes the tables; on success returns what was written. On failure no final file of the
// failed table exists (files committed earlier stay) and the Status names file and cause.
Result<std::vector<TableReport>> Generate(const GenerateOptions& options);

}  // namespace ibex::datagen
