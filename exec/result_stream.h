// Handing a statement's result to the shell's ResultSink (frontend/shell/runner.h): a query's
// collected rows under the statement's output column names, and EXPLAIN text one line per row.
// Shared by the single-rank runner (exec/local_runner.h) and the distributed coordinator
// (scheduler/coordinator.h).
//
// Threads: call from the shell's thread (the ResultSink's contract).
#pragma once

#include <string>

#include "common/status.h"
#include "exec/ops/collect.h"
#include "frontend/shell/runner.h"
#include "optimizer/physical_plan.h"

namespace ibex::exec {

// Streams `result` (rows of `schema`) with the column names the binder gave `bound` (those of
// the prepared statement for EXECUTE; the plan's names when they do not line up). Stops with
// Cancelled when `cancel` is set between chunks.
Status StreamQueryResult(const sql::BoundStatement& bound, const optimizer::Schema& schema,
                         const ChunkCollector& result, sql::ResultSink& sink,
                         sql::CancelToken& cancel);

// EXPLAIN output: one VARCHAR column "plan", one row per line of `text`.
Status StreamPlanText(const std::string& text, sql::ResultSink& sink);

}  // namespace ibex::exec
