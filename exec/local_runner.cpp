#include "exec/local_runner.h"

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>

#include <unistd.h>

#include "exec/csv_rows.h"
#include "exec/plan_builder.h"
#include "exec/result_stream.h"
#include "optimizer/planner.h"
#include "storage/persist/layout.h"

namespace ibex::exec {

Result<std::unique_ptr<LocalRunner>> LocalRunner::Open(const std::string& data_dir, int workers) {
  std::string dir = data_dir;
  std::string temp;
  if (dir.empty()) {
    const char* base = std::getenv("TMPDIR");
    std::string tmpl = std::string(base != nullptr && *base != '\0' ? base : "/tmp") + "/ibex-data-XXXXXX";
    if (mkdtemp(tmpl.data()) == nullptr) return Status::FromErrno("mkdtemp", tmpl, errno);
    dir = temp = tmpl;
  }
  IBEX_ASSIGN_OR_RETURN(auto store, storage::LocalStore::Open(dir, 1));
  auto runner = std::unique_ptr<LocalRunner>(new LocalRunner(std::move(store), workers, std::move(temp)));
  runner->store_dir_ = storage::ExpandDataDir(dir, 0);
  return runner;
}

LocalRunner::~LocalRunner() {
  store_.reset();
  if (!temp_dir_.empty()) {
    std::error_code ec;
    std::filesystem::remove_all(temp_dir_, ec);
  }
}

std::string LocalRunner::DescribeRanks() {
  return "rank 0: coordinator and executor (single rank), " + std::to_string(executor_.threads()) +
         " worker threads\n";
}

Status LocalRunner::SettingChanged(const std::string& name, const std::string& value) {
  if (name == "memory_limit") {
    IBEX_ASSIGN_OR_RETURN(int64_t bytes, ParseMemorySize(sql::SettingText(value)));
    memory_limit_ = bytes;
  }
  return Status::OK();
}

ExecContext LocalRunner::Context(MemoryTracker* memory, sql::CancelToken& cancel) {
  ExecContext ctx;
  ctx.memory = memory;
  ctx.store = store_.get();
  ctx.cache = &cache_;
  ctx.cancelled_fn = [&cancel] { return cancel.cancelled(); };
  return ctx;
}

Status LocalRunner::CatalogChanged(const storage::Catalog& catalog) {
  cache_.Clear();
  return store_->ApplyDefinitions(catalog);
}

Result<int64_t> LocalRunner::Insert(const optimizer::PhysicalPlan& plan, sql::CancelToken& cancel) {
  const auto& spec = plan.root.As<optimizer::SinkSpec>();
  if (spec.create_table) IBEX_RETURN_IF_ERROR(store_->CreateTable(*spec.create_table));
  IBEX_ASSIGN_OR_RETURN(const storage::Table* table, store_->catalog().GetTable(spec.table));
  optimizer::PhysicalPlan input;
  input.root = plan.root.children[0];
  IBEX_ASSIGN_OR_RETURN(std::unique_ptr<ExecPlan> exec, BuildExecPlan(input, {}));
  MemoryTracker memory(memory_limit_);
  ExecContext ctx = Context(&memory, cancel);
  IBEX_RETURN_IF_ERROR(executor_.Run(ctx, exec->pipelines));
  const int64_t rows = static_cast<int64_t>(exec->result->rows());
  if (rows == 0) return rows;
  // The rows go through the loader as a CSV file (exec/csv_rows.h says why).
  const std::string path = store_dir_ + "/.insert-" + std::to_string(table->table_id) + ".csv";
  IBEX_RETURN_IF_ERROR(WriteRowsAsCsv(exec->result->chunks(), spec.columns, path).status());
  storage::CopyOptions options;
  options.format = storage::FileFormat::kCsv;
  cache_.Clear();
  Result<storage::LoadResult> loaded = store_->Copy(spec.table, path, options);
  std::remove(path.c_str());
  IBEX_RETURN_IF_ERROR(loaded.status());
  return loaded->rows;
}

Status LocalRunner::RunQuery(const sql::BoundStatement& bound, sql::ResultSink& sink,
                             sql::CancelToken& cancel) {
  IBEX_ASSIGN_OR_RETURN(optimizer::PhysicalPlan plan, optimizer::PlanStatement(bound, store_->catalog()));
  if (plan.root.kind() == optimizer::NodeKind::kSink) {
    IBEX_ASSIGN_OR_RETURN(int64_t rows, Insert(plan, cancel));
    if (shell_catalog_ != nullptr) *shell_catalog_ = store_->catalog();
    return sink.Message(plan.root.As<optimizer::SinkSpec>().create_table ? "SELECT " + std::to_string(rows)
                                                                         : "INSERT 0 " + std::to_string(rows));
  }
  IBEX_ASSIGN_OR_RETURN(std::unique_ptr<ExecPlan> exec, BuildExecPlan(plan, {}));
  MemoryTracker memory(memory_limit_);
  ExecContext ctx = Context(&memory, cancel);
  IBEX_RETURN_IF_ERROR(executor_.Run(ctx, exec->pipelines));
  return StreamQueryResult(bound, plan.root.schema, *exec->result, sink, cancel);
}

Status LocalRunner::Explain(const sql::BoundStatement& bound, sql::ResultSink& sink,
                            sql::CancelToken& cancel) {
  IBEX_ASSIGN_OR_RETURN(optimizer::PhysicalPlan plan, optimizer::PlanStatement(bound, store_->catalog()));
  std::string text;
  if (bound.ast->analyze) {
    IBEX_ASSIGN_OR_RETURN(std::unique_ptr<ExecPlan> exec, BuildExecPlan(plan, {}));
    MemoryTracker memory(memory_limit_);
    ExecContext ctx = Context(&memory, cancel);
    const auto t0 = std::chrono::steady_clock::now();
    IBEX_RETURN_IF_ERROR(executor_.Run(ctx, exec->pipelines));
    const double ms =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
    text = ExplainAnalyzeText(plan, *exec);
    char buf[160];
    std::snprintf(buf, sizeof(buf), "Total: %.2f ms, %zu rows, peak memory %s, %d threads\n", ms,
                  exec->result->rows(), FormatBytes(memory.peak()).c_str(), executor_.threads());
    text += buf;
  } else {
    text = optimizer::ExplainText(plan);
  }
  return StreamPlanText(text, sink);
}

Status LocalRunner::Execute(const sql::BoundStatement& bound, sql::ResultSink& sink,
                            sql::CancelToken& cancel) {
  switch (bound.kind()) {
    case sql::ast::StatementKind::kCopy: {
      cache_.Clear();
      IBEX_ASSIGN_OR_RETURN(storage::LoadResult r,
                            store_->Copy(bound.copy.table, bound.copy.path, bound.copy.options));
      return sink.Message("COPY " + std::to_string(r.rows));
    }
    case sql::ast::StatementKind::kExplain:
      return Explain(bound, sink, cancel);
    case sql::ast::StatementKind::kSelect:
    case sql::ast::StatementKind::kExecute:
    case sql::ast::StatementKind::kInsert:
    case sql::ast::StatementKind::kCreateTableAs:  // the shell created the table; fill it
      return RunQuery(bound, sink, cancel);
    default:
      return Status::NotSupported(std::string(sql::StatementKindName(bound.kind())) +
                                  " is not supported by the single-rank engine yet");
  }
}

}  // namespace ibex::exec
