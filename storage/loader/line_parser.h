// LineParser: turns lines of delimited text (csv or dbgen's .tbl) into rows of a RowBatch,
// enforcing the column types, NOT NULL and length limits. The loader runs one per worker
// thread over disjoint byte ranges of the input files. Strings are not copied: they point into
// the input (which the loader keeps mapped) unless a quoted CSV field had to be unescaped.
//
// Errors carry the byte offset of the offending field and a reason; the loader turns the
// offset into file:line:column.
//
// Thread safety: a parser and its batch belong to one thread.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "storage/blocks/column_vector.h"
#include "storage/catalog.h"
#include "storage/loader/copy_options.h"

namespace ibex::storage {

// Up to `capacity` rows being filled, column by column.
class RowBatch {
 public:
  RowBatch(const TableDef& def, size_t capacity);

  size_t rows() const { return rows_; }
  size_t capacity() const { return capacity_; }
  bool full() const { return rows_ == capacity_; }
  std::vector<ColumnVector>& columns() { return columns_; }

  // Shrinks the columns to the rows filled and hands them over; the batch is then spent.
  std::vector<ColumnVector> Finish();
  // Refills the batch with columns a previous Finish() handed out (same table, same
  // capacity), reusing their memory.
  void Recycle(std::vector<ColumnVector> columns);

 private:
  friend class LineParser;
  std::vector<ColumnVector> columns_;
  size_t rows_ = 0;
  size_t capacity_;
};

struct ParseError {
  size_t offset = 0;  // byte offset in the parsed data where the bad field starts
  std::string reason;
};

class LineParser {
 public:
  LineParser(const TableDef& def, const CopyOptions& options);

  // Parses the lines that start at `pos` (which must be a line start) and before `end`, until
  // the batch is full. Returns the offset of the first line not parsed (>= end when the range
  // is done). On a bad row sets *error and returns; the batch then holds a partial row.
  size_t Parse(std::string_view data, size_t pos, size_t end, RowBatch* batch,
               std::optional<ParseError>* error) const;

 private:
  enum class Kind : uint8_t {
    kBool,
    kInt32,
    kInt64,
    kDouble,
    kDecimal64,
    kDecimal128,
    kDate,
    kString
  };
  struct Column {
    Kind kind;
    DataType type;
    bool not_null;
    std::string name;
  };

  // Stores one field's text into row `row` of column `c`; a reason on failure.
  inline bool StoreField(size_t c, size_t row, std::string_view text, RowBatch* batch,
                         std::string* reason) const;

  std::vector<Column> columns_;
  FileFormat format_;
  char delimiter_;
  std::optional<std::string> null_string_;
};

}  // namespace ibex::storage
