// Checks for the distributed COPY tests, run in one process over data directories every rank
// wrote (all on this machine): the rows of each partition of a table, compared with what the
// single-rank loader (storage::LocalStore::Copy) gives for the same files, the hash ownership
// of every row, and the row counts against the input files' lines.
#pragma once

#include <string>
#include <vector>

#include "common/status.h"
#include "storage/catalog.h"
#include "storage/local_store.h"

namespace ibex::testing {

// The SSB tables as the tests distribute them: lineorder HASH(lo_orderkey) ORDER BY
// (lo_orderdate), part HASH(p_partkey), customer ROUND ROBIN, supplier and dates REPLICATED.
Result<std::vector<storage::TableDef>> SsbTables(const std::string& schema_file);

// The .tbl file (or glob) of a table in `dir`.
std::string TblPattern(const std::string& dir, const std::string& table);
// Lines of the files matching `pattern`.
Result<int64_t> CountLines(const std::string& pattern);

// Every row of partition `partition` of `table`, one string per row, sorted.
Result<std::vector<std::string>> PartitionRows(const storage::LocalStore& store,
                                               const std::string& table, int partition);

// Compares `table` in `loaded` (the distributed load) with `reference` (LocalStore::Copy of
// the same files): per partition for HASH and REPLICATED tables, in total for ROUND ROBIN;
// checks that each row of a HASH table is in the partition of its hash, and that the catalog's
// row count is `lines`. Returns the differences found (empty: equal).
std::vector<std::string> CompareTable(const storage::LocalStore& loaded,
                                      const storage::LocalStore& reference,
                                      const std::string& table, int64_t lines);

}  // namespace ibex::testing
