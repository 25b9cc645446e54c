// Reads a benchmark schema file (plain CREATE TABLEs with "--" comments, as
// benchmarks/schema/*.sql) into catalog table definitions. The benchmarks use it to
// hand-build their tables: the SQL front end is not storage's.
#pragma once

#include <string>
#include <vector>

#include "common/status.h"
#include "storage/catalog.h"

namespace ibex::perf {

Result<std::vector<storage::TableDef>> ParseSchemaFile(const std::string& path);

}  // namespace ibex::perf
