#include "tests/mpi/scheduler/load_check.h"

#include <algorithm>

#include "perf/load_bench/schema_file.h"
#include "storage/blocks/partitioning.h"
#include "storage/loader/input_files.h"
#include "storage/persist/file_util.h"

namespace ibex::testing {

using namespace ibex::storage;

Result<std::vector<TableDef>> SsbTables(const std::string& schema_file) {
  IBEX_ASSIGN_OR_RETURN(std::vector<TableDef> tables, perf::ParseSchemaFile(schema_file));
  for (TableDef& def : tables) {
    if (def.name == "lineorder") {
      def.distribution = Distribution::Hash({def.FindColumn("lo_orderkey")});
      def.sort_key = {def.FindColumn("lo_orderdate")};
    } else if (def.name == "part") {
      def.distribution = Distribution::Hash({def.FindColumn("p_partkey")});
    } else if (def.name == "customer") {
      def.distribution = Distribution::RoundRobin();
    } else {
      def.distribution = Distribution::Replicated();
    }
  }
  return tables;
}

std::string TblPattern(const std::string& dir, const std::string& table) {
  return dir + "/" + (table == "dates" ? std::string("date") : table) + ".tbl*";
}

Result<int64_t> CountLines(const std::string& pattern) {
  IBEX_ASSIGN_OR_RETURN(std::vector<InputFile> files, InputFiles::List(pattern));
  int64_t lines = 0;
  for (const InputFile& f : files) {
    IBEX_ASSIGN_OR_RETURN(std::string text, ReadFile(f.path));
    lines += std::count(text.begin(), text.end(), '\n');
  }
  return lines;
}

namespace {

// Rows of one partition; with `owner_errors`, also checks each row's hash partition.
Result<std::vector<std::string>> Rows(const LocalStore& store, const std::string& table,
                                      int partition, std::vector<std::string>* owner_errors) {
  IBEX_ASSIGN_OR_RETURN(const Table* t, store.catalog().GetTable(table));
  std::vector<std::string> rows;
  // A table with a sort key, loaded once, has its partition's rows in sort-key order.
  const std::vector<int>& key = t->def.sort_key;
  std::vector<Value> previous;
  const size_t blocks = t->partitions[static_cast<size_t>(partition)].blocks.size();
  for (size_t b = 0; b < blocks; ++b) {
    IBEX_ASSIGN_OR_RETURN(Block block, store.ReadBlock(table, partition, b, {}));
    for (size_t r = 0; r < block.row_count; ++r) {
      std::string row;
      for (const ColumnVector& c : block.columns) row += c.GetValue(r).ToString() + "|";
      if (owner_errors != nullptr && t->def.distribution.kind == DistributionKind::kHash) {
        const size_t owner = PartitionOfHash(HashRow(block.columns, r, t->def.distribution.hash_columns),
                                             static_cast<size_t>(store.num_partitions()));
        if (owner != static_cast<size_t>(partition) && owner_errors->size() < 5) {
          owner_errors->push_back(table + ": row " + row + " is in partition " +
                                  std::to_string(partition) + ", its hash says " +
                                  std::to_string(owner));
        }
      }
      if (owner_errors != nullptr && !key.empty()) {
        std::vector<Value> current;
        for (int c : key) current.push_back(block.columns[static_cast<size_t>(c)].GetValue(r));
        if (!previous.empty() && current[0].Compare(previous[0]) < 0 && owner_errors->size() < 5) {
          owner_errors->push_back(table + " partition " + std::to_string(partition) +
                                  ": not in sort-key order at row " + row);
        }
        previous = std::move(current);
      }
      rows.push_back(std::move(row));
    }
  }
  std::sort(rows.begin(), rows.end());
  return rows;
}

}  // namespace

Result<std::vector<std::string>> PartitionRows(const LocalStore& store, const std::string& table,
                                               int partition) {
  return Rows(store, table, partition, nullptr);
}

std::vector<std::string> CompareTable(const LocalStore& loaded, const LocalStore& reference,
                                      const std::string& table, int64_t lines) {
  std::vector<std::string> errors;
  auto t = loaded.catalog().GetTable(table);
  if (!t.ok()) return {t.status().ToString()};
  const int parts = loaded.num_partitions();
  std::vector<std::string> all_loaded, all_reference;
  int64_t stored = 0;
  for (int p = 0; p < parts; ++p) {
    auto a = Rows(loaded, table, p, &errors);
    auto b = Rows(reference, table, p, nullptr);
    if (!a.ok() || !b.ok()) return {(a.ok() ? b.status() : a.status()).ToString()};
    stored += static_cast<int64_t>(a->size());
    const DistributionKind kind = (*t)->def.distribution.kind;
    if (kind != DistributionKind::kRoundRobin && *a != *b) {
      errors.push_back(table + " partition " + std::to_string(p) + ": " +
                       std::to_string(a->size()) + " rows, the single-rank loader put " +
                       std::to_string(b->size()) + " (or different ones)");
    }
    if (kind == DistributionKind::kReplicated && static_cast<int64_t>(a->size()) != lines) {
      errors.push_back(table + " partition " + std::to_string(p) + " holds " +
                       std::to_string(a->size()) + " rows of " + std::to_string(lines));
    }
    all_loaded.insert(all_loaded.end(), a->begin(), a->end());
    all_reference.insert(all_reference.end(), b->begin(), b->end());
  }
  std::sort(all_loaded.begin(), all_loaded.end());
  std::sort(all_reference.begin(), all_reference.end());
  if (all_loaded != all_reference) errors.push_back(table + ": the rows differ from the single-rank load");
  const bool replicated = (*t)->def.distribution.kind == DistributionKind::kReplicated;
  if (stored != (replicated ? lines * parts : lines)) {
    errors.push_back(table + ": " + std::to_string(stored) + " rows stored for " +
                     std::to_string(lines) + " lines");
  }
  if ((*t)->stats.row_count != lines) {
    errors.push_back(table + ": catalog row count " + std::to_string((*t)->stats.row_count) +
                     ", files have " + std::to_string(lines) + " lines");
  }
  return errors;
}

}  // namespace ibex::testing
