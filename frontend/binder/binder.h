// The binder: resolves a parsed statement against the catalog and annotates its AST in place —
// tables, views (expanded to their parsed query), CTEs, derived tables and aliases become
// ast::BoundSource entries of each SELECT; every expression gets a type (standard SQL
// implicit casts: integer < bigint < decimal < double, string literals as dates where a date
// is compared) and column references a binding (scope depth, source, column; depth > 0 is a
// correlated reference). It checks grouping, aggregate placement, literal validity, DDL
// against the catalog, and prepares the catalog change of DDL statements.
// Called on the coordinator by the shell (and tests); reads the catalog, never changes it.
// One Bind call per thread at a time per AST; the catalog must not change during the call.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "frontend/ast/ast.h"
#include "frontend/sql_error.h"
#include "storage/catalog.h"
#include "storage/loader/copy_options.h"

namespace ibex::sql {

// COPY t FROM 'path-or-glob' (FORMAT csv|tbl, DELIMITER 'c', HEADER [bool], NULL 'text'): what
// the runner hands to the storage loader (storage::LoadFiles).
struct CopySpec {
  std::string table;  // as the catalog spells it
  std::string path;
  storage::CopyOptions options;
};

struct BoundStatement {
  std::string text;                        // the text the AST's spans point into
  ast::StatementPtr ast;                   // annotated by the binder
  std::vector<ast::OutputColumn> outputs;  // result columns of a query (EXPLAIN: of its query)
  int param_count = 0;                     // highest $n used
  // DDL: the catalog change, checked against the catalog the statement was bound with.
  // CREATE TABLE AS: the table the shell creates before the runner fills it from ast->query.
  std::optional<storage::TableDef> create_table;
  std::optional<storage::ViewDef> create_view;
  CopySpec copy;  // kCopy
  // kExecute: the prepared statement it runs (set by the shell, which keeps prepared
  // statements per session); its $n take the values of ast->args.
  std::shared_ptr<const BoundStatement> prepared;

  ast::StatementKind kind() const { return ast->kind; }
  // CREATE/DROP TABLE/VIEW: the front end applies these to the catalog itself.
  bool IsCatalogStatement() const;
};

// Binds `stmt` (parsed from `text`) against `catalog`.
SqlResult<BoundStatement> Bind(std::string_view text, const ast::StatementPtr& stmt,
                               const storage::Catalog& catalog);

// Parses and binds one statement (tests, the fuzzer, view expansion).
SqlResult<BoundStatement> ParseAndBind(std::string_view text, const storage::Catalog& catalog);

// Parses and binds every statement of `script` in order, applying CREATE/DROP TABLE/VIEW to
// `catalog` as it goes (later statements see earlier ones); other statements are only checked.
// Returns how many statements there were, or the first error (positioned in `script`).
SqlResult<int> BindScript(std::string_view script, storage::Catalog& catalog);

// Applies a bound CREATE/DROP TABLE/VIEW (or the CREATE of a CREATE TABLE AS) to `catalog`. Errors
// from the catalog (a name taken meanwhile) come back positioned at the statement's name.
// Whether two bound expressions denote the same value: same shape, same literals, and column
// references to the same column of the same scope (grouping keys, repeated aggregates). Used by
// the binder's grouping check and by the optimizer.
bool SameExpr(const ast::Expr& a, const ast::Expr& b);

SqlResult<bool> ApplyCatalogStatement(const BoundStatement& bound, storage::Catalog& catalog);

}  // namespace ibex::sql
