// Helpers of the frontend tests: read files, load a schema script into a catalog, render the
// outcome of parse+bind as the user would see it.
#pragma once

#include <fstream>
#include <sstream>
#include <string>

#include "frontend/binder/binder.h"
#include "frontend/parser/parser.h"
#include "tests/unit/frontend/test_paths.h"

namespace ibex::sql::test {

inline std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Runs every statement of `script` (DDL) against `catalog`; "" or the first error, rendered.
inline std::string RunDdl(const std::string& script, storage::Catalog& catalog) {
  auto tokens = Tokenize(script);
  if (!tokens.ok()) return FormatSqlError(script, tokens.error());
  SplitResult split = SplitStatements(tokens.value());
  if (split.trailing_incomplete) split.statements.push_back(split.trailing);
  for (StatementRange r : split.statements) {
    auto parsed = ParseStatement(script, tokens.value(), r);
    if (!parsed.ok()) return FormatSqlError(script, parsed.error());
    auto bound = Bind(script, parsed.value(), catalog);
    if (!bound.ok()) return FormatSqlError(script, bound.error());
    if (bound.value().IsCatalogStatement()) {
      auto applied = ApplyCatalogStatement(bound.value(), catalog);
      if (!applied.ok()) return FormatSqlError(script, applied.error());
    }
  }
  return "";
}

inline storage::Catalog SchemaCatalog(const std::string& name) {
  storage::Catalog catalog;
  std::string err = RunDdl(ReadFile(BenchmarksDir() + "/schema/" + name + ".sql"), catalog);
  if (!err.empty()) throw std::runtime_error(err);
  return catalog;
}

// "OK" or the rendered error of parsing and binding `text`.
inline std::string Outcome(const std::string& text, const storage::Catalog& catalog) {
  auto r = ParseAndBind(text, catalog);
  return r.ok() ? "OK" : FormatSqlError(text, r.error());
}

}  // namespace ibex::sql::test
