// The options of COPY t FROM 'path-or-glob' (FORMAT csv|tbl, DELIMITER 'c', HEADER, NULL 's'),
// as the front end hands them to the loader once it has parsed the statement.
//
// Thread safety: a value.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "storage/blocks/block.h"

namespace ibex::storage {

enum class FileFormat : uint8_t {
  kCsv,  // RFC 4180: fields may be quoted with '"', a quote inside doubled
  kTbl,  // dbgen: '|'-separated, a trailing '|' on every line, no quoting
};

struct CopyOptions {
  FileFormat format = FileFormat::kCsv;
  // The field separator; unset: ',' for csv, '|' for tbl.
  std::optional<char> delimiter;
  // Skip the first line of every file.
  bool header = false;
  // The text that stands for NULL; unset: "" (an empty unquoted field) for csv, none for tbl.
  std::optional<std::string> null_string;
  // Worker threads parsing and building blocks (>= 1).
  int threads = 2;
  // Rows per block (tests use small blocks; leave the default otherwise).
  uint32_t block_rows = kDefaultBlockRows;

  char effective_delimiter() const {
    return delimiter ? *delimiter : (format == FileFormat::kTbl ? '|' : ',');
  }
  std::optional<std::string> effective_null() const {
    if (null_string) return null_string;
    if (format == FileFormat::kCsv) return std::string();
    return std::nullopt;
  }
};

}  // namespace ibex::storage
