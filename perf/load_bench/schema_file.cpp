#include "perf/load_bench/schema_file.h"

#include <sstream>

#include "storage/persist/file_util.h"

namespace ibex::perf {
namespace {

using namespace ibex::storage;

std::string Lower(const std::string& s) { return ToLowerAscii(s); }

// "create table t ( c type [not null], ... );" with "--" comments.
}  // namespace

Result<std::vector<TableDef>> ParseSchemaFile(const std::string& path) {
  auto text = ReadFile(path);
  if (!text.ok()) return text.status();
  std::string sql;
  std::istringstream lines(*text);
  for (std::string line; std::getline(lines, line);) {
    sql += line.substr(0, line.find("--"));
    sql += ' ';
  }
  std::vector<TableDef> tables;
  size_t at = 0;
  while ((at = Lower(sql).find("create table", at)) != std::string::npos) {
    const size_t open = sql.find('(', at);
    size_t close = open;
    for (int depth = 0; close < sql.size(); ++close) {
      depth += sql[close] == '(';
      depth -= sql[close] == ')';
      if (depth == 0) break;
    }
    TableDef def;
    std::istringstream name(sql.substr(at + 12, open - at - 12));
    name >> def.name;
    // Split the column list at top-level commas.
    std::string body = sql.substr(open + 1, close - open - 1);
    std::vector<std::string> items;
    int depth = 0;
    std::string cur;
    for (char c : body) {
      depth += c == '(';
      depth -= c == ')';
      if (c == ',' && depth == 0) {
        items.push_back(cur);
        cur.clear();
      } else {
        cur += c;
      }
    }
    items.push_back(cur);
    for (const std::string& item : items) {
      std::istringstream in(item);
      ColumnDef col;
      in >> col.name;
      std::string rest;
      std::getline(in, rest);
      const size_t nn = Lower(rest).find("not null");
      col.not_null = nn != std::string::npos;
      auto type = ParseDataType(rest.substr(0, nn));
      if (!type.ok()) return type.status().Annotate(def.name + "." + col.name);
      col.type = *type;
      def.columns.push_back(col);
    }
    tables.push_back(std::move(def));
    at = close;
  }
  return tables;
}

}  // namespace ibex::perf
