#include "frontend/shell/runner.h"

namespace ibex::sql {

const char* StatementKindName(ast::StatementKind kind) {
  using K = ast::StatementKind;
  switch (kind) {
    case K::kSelect: return "SELECT";
    case K::kCreateTable: return "CREATE TABLE";
    case K::kDropTable: return "DROP TABLE";
    case K::kCreateView: return "CREATE VIEW";
    case K::kDropView: return "DROP VIEW";
    case K::kCopy: return "COPY";
    case K::kInsert: return "INSERT";
    case K::kExplain: return "EXPLAIN";
    case K::kPrepare: return "PREPARE";
    case K::kExecute: return "EXECUTE";
    case K::kDeallocate: return "DEALLOCATE";
    case K::kSet: return "SET";
    case K::kShow: return "SHOW";
  }
  return "statement";
}

Status NotSupportedRunner::Execute(const BoundStatement& bound, ResultSink& sink, CancelToken& cancel) {
  (void)sink;
  (void)cancel;
  return Status::NotSupported(std::string(StatementKindName(bound.kind())) +
                              " is not supported yet: this build has no execution engine");
}

}  // namespace ibex::sql
