// Result printers: ResultSinks that render a statement's rows as an aligned table (headers,
// numbers right-aligned, a row-count footer), as CSV with a header row, or as JSON (an array
// of objects, one per line). They stream: the table printer holds only its first rows, to
// choose column widths, then prints each row as it comes.
// Used by the shell on its thread; one printer per statement.
#pragma once

#include <cstdio>
#include <memory>
#include <string>

#include "frontend/shell/runner.h"

namespace ibex::sql {

enum class OutputFormat : uint8_t { kTable, kCsv, kJson };

// "table", "csv", "json" -> the format; false when the name is none of them.
bool ParseOutputFormat(const std::string& name, OutputFormat* format);

// A printer writing to `out` (not owned). `terminal`: progress lines may be drawn.
std::unique_ptr<ResultSink> MakePrinter(OutputFormat format, std::FILE* out, bool terminal);

// Rows the table printer holds before it fixes column widths and starts printing.
inline constexpr size_t kTableWidthSampleRows = 1000;

}  // namespace ibex::sql
