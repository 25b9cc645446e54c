// LocalRunner: the StatementRunner (frontend/shell/runner.h) of a single-rank ibex — the
// coordinator and the only executor in one process. It owns the data directory
// (storage::LocalStore), plans each statement with the optimizer (optimizer/planner.h), builds
// the operators (exec/plan_builder.h), runs them on the rank's worker threads (exec/executor.h)
// and streams the result rows to the shell's ResultSink. COPY loads through the store; DDL the
// shell applied to its catalog is replayed onto the store (CatalogChanged).
//
// Threads: the shell calls Execute/CatalogChanged from its one thread; the workers are the
// Executor's. The ResultSink is called from the calling thread only.
#pragma once

#include <memory>
#include <string>

#include "common/status.h"
#include "exec/block_cache.h"
#include "exec/executor.h"
#include "frontend/shell/runner.h"
#include "optimizer/physical_plan.h"
#include "storage/local_store.h"

namespace ibex::exec {

class LocalRunner : public sql::StatementRunner {
 public:
  // data_dir empty: a private temporary directory, removed when the runner is destroyed.
  // workers <= 0: one per CPU the process may run on.
  static Result<std::unique_ptr<LocalRunner>> Open(const std::string& data_dir, int workers);
  ~LocalRunner() override;

  // The committed catalog (the shell binds against a copy of it).
  const storage::Catalog& catalog() const { return store_->catalog(); }
  // Per-query memory limit in bytes (<= 0: none); also settable with SET memory_limit.
  void set_memory_limit(int64_t bytes) { memory_limit_ = bytes; }
  int64_t memory_limit() const { return memory_limit_; }

  Status Execute(const sql::BoundStatement& bound, sql::ResultSink& sink,
                 sql::CancelToken& cancel) override;
  Status CatalogChanged(const storage::Catalog& catalog) override;
  std::string DescribeRanks() override;
  // SET name = value forwarded by the shell: memory_limit ('4GB', '512MB', ...), threads.
  Status SettingChanged(const std::string& name, const std::string& value) override;
  // The shell's catalog (binding), refreshed from the store when the engine changes the schema.
  void set_shell_catalog(storage::Catalog* catalog) { shell_catalog_ = catalog; }

 private:
  LocalRunner(std::unique_ptr<storage::LocalStore> store, int workers, std::string temp_dir)
      : store_(std::move(store)), executor_(workers), temp_dir_(std::move(temp_dir)) {}

  // A query's context: its memory tracker, the store, the block cache, the shell's Ctrl-C.
  ExecContext Context(MemoryTracker* memory, sql::CancelToken& cancel);
  // INSERT / CREATE TABLE AS: runs the Sink's input and loads its rows; returns their count.
  Result<int64_t> Insert(const optimizer::PhysicalPlan& plan, sql::CancelToken& cancel);
  Status RunQuery(const sql::BoundStatement& bound, sql::ResultSink& sink, sql::CancelToken& cancel);
  Status Explain(const sql::BoundStatement& bound, sql::ResultSink& sink, sql::CancelToken& cancel);

  std::unique_ptr<storage::LocalStore> store_;
  Executor executor_;
  BlockCache cache_{DefaultBlockCacheBytes()};  // decoded blocks kept between queries
  std::string temp_dir_;
  int64_t memory_limit_ = 0;
  std::string store_dir_;                      // the catalog's root (scratch files go there)
  storage::Catalog* shell_catalog_ = nullptr;  // kept in step after CREATE TABLE AS
};

}  // namespace ibex::exec
