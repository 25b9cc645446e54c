#include "exec/result_stream.h"

#include <sstream>
#include <vector>

namespace ibex::exec {

Status StreamQueryResult(const sql::BoundStatement& bound, const optimizer::Schema& schema,
                         const ChunkCollector& result, sql::ResultSink& sink,
                         sql::CancelToken& cancel) {
  const sql::BoundStatement& query = bound.prepared ? *bound.prepared : bound;
  std::vector<sql::ast::OutputColumn> columns = query.outputs;
  if (columns.size() != schema.size()) {
    columns.clear();
    for (const auto& f : schema) columns.push_back({f.name, sql::SqlType::Of(f.type)});
  }
  IBEX_RETURN_IF_ERROR(sink.Begin(columns));
  std::vector<storage::Value> row;
  for (const Chunk& c : result.chunks()) {
    if (cancel.cancelled()) return Status::Cancelled("canceling statement due to user request");
    for (size_t r = 0; r < c.size; ++r) {
      row.clear();
      for (size_t col = 0; col < c.columns.size(); ++col) row.push_back(c.GetValue(col, r));
      IBEX_RETURN_IF_ERROR(sink.Row(row));
    }
  }
  return sink.End();
}

Status StreamPlanText(const std::string& text, sql::ResultSink& sink) {
  IBEX_RETURN_IF_ERROR(sink.Begin({{"plan", sql::SqlType::Varchar()}}));
  std::istringstream lines(text);
  std::string line;
  while (std::getline(lines, line)) IBEX_RETURN_IF_ERROR(sink.Row({storage::Value::String(line)}));
  return sink.End();
}

}  // namespace ibex::exec
