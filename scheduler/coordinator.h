// Coordinator: the StatementRunner (frontend/shell/runner.h) of a multi-rank job, on rank 0.
// It plans each statement (optimizer), distributes it over the executors (Distribute), cuts it
// into fragments, starts it everywhere with one StartQuery per executor (one-phase start: no
// separate "prepare" round trip; the exchange layer keeps data that arrives before a fragment),
// runs the root fragment itself (the final merge/aggregate over a gather exchange) and streams
// the result to the shell. It waits for every executor's QueryDone, so that when Execute
// returns no rank still works on the query.
//
// Cancellation: Ctrl-C (the CancelToken's eventfd wakes a watcher thread — no polling),
// SET statement_timeout (the watcher's deadline), or an error on any rank: the coordinator
// cancels its own part and sends CancelQuery to every executor. A dead executor (the fabric's
// failure callback) fails the running query at once with an error naming it; later statements
// say which executor is gone.
//
// The data: the coordinator owns the committed catalog (CATALOG under the rank-0 root,
// storage::CatalogStore), commits DDL there, runs COPY with the executors (the distributed load,
// scheduler/distributed_load.h) and sends every committed catalog to the executors (kCatalog),
// which read their own partitions (storage::PartitionReader).
//
// Threads: the shell calls it from one thread; control handlers and failure callbacks run on
// the network thread and only record and notify.
#pragma once

#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "exec/executor.h"
#include "frontend/shell/runner.h"
#include "net/rdma/exchange.h"
#include "net/rdma/fabric.h"
#include "optimizer/distribution.h"
#include "scheduler/query_messages.h"
#include "scheduler/distributed_load.h"
#include "scheduler/foreman.h"
#include "storage/catalog.h"

namespace ibex::scheduler {

class Coordinator : public sql::StatementRunner {
 public:
  // Opens the catalog under `data_dir`'s rank-0 root (the data directory must have been
  // written with as many partitions as there are executors), sends it to every executor and
  // waits until each has opened its partition. `ranks_text`: the placement report (\ranks).
  static Result<std::unique_ptr<Coordinator>> Open(net::Fabric& fabric,
                                                   net::ExchangeService& exchanges,
                                                   const std::string& data_dir, int workers,
                                                   std::string ranks_text);
  ~Coordinator() override;

  const storage::Catalog& catalog() const { return catalog_; }
  void set_shell_catalog(storage::Catalog* catalog) { shell_catalog_ = catalog; }

  Status Execute(const sql::BoundStatement& bound, sql::ResultSink& sink,
                 sql::CancelToken& cancel) override;
  Status CatalogChanged(const storage::Catalog& catalog) override;
  Status SettingChanged(const std::string& name, const std::string& value) override;
  std::string DescribeRanks() override;

 private:
  Coordinator(net::Fabric& fabric, net::ExchangeService& exchanges, storage::Catalog catalog,
              std::string data_dir, int workers, std::string ranks_text);
  // Commits `next` (epoch + 1) as the new CATALOG and sends it to the executors.
  Status CommitCatalog(storage::Catalog next);
  // COPY through the executors; returns the rows loaded.
  Result<int64_t> Copy(const std::string& table, const std::string& pattern,
                       const storage::CopyOptions& options, sql::CancelToken& cancel);

  struct RunResult {
    Status status;
    std::unique_ptr<class QueryExecution> local;
    std::vector<std::pair<int, FragmentReport>> reports;  // (rank, report)
    std::string foreman;                                  // blocks handed out per executor
    double millis = 0;
  };
  // Runs a planned, fragmented query everywhere; the root's result stays in `local`.
  RunResult RunDistributed(const optimizer::FragmentedPlan& plan, bool analyze,
                           sql::CancelToken& cancel);
  Result<optimizer::FragmentedPlan> Plan(const sql::BoundStatement& bound);
  // Distribute + CutFragments for this job's executors.
  Result<optimizer::FragmentedPlan> Fragment(optimizer::PhysicalPlan plan);
  // INSERT / CREATE TABLE AS; returns the rows inserted.
  Result<int64_t> Insert(optimizer::PhysicalPlan plan, sql::CancelToken& cancel);
  Status Query(const sql::BoundStatement& bound, sql::ResultSink& sink, sql::CancelToken& cancel);
  Status Explain(const sql::BoundStatement& bound, sql::ResultSink& sink, sql::CancelToken& cancel);
  // Sends the committed catalog to every executor and waits for their acknowledgements.
  Status PublishCatalog();
  // OK, or the error naming the executors that have failed.
  Status ExecutorsAlive() const;
  void Broadcast(uint16_t type, const std::string& bytes);

  void OnQueryDone(int source, std::span<const std::byte> payload);
  void OnWorkRequest(int source, std::span<const std::byte> payload);
  // Whether executors may take over each other's blocks (SET work_stealing, docs/scheduler.md).
  bool StealingAllowed() const;
  void OnCatalogAck(int source, std::span<const std::byte> payload);
  void OnPeerFailed(int rank, const Status& why);

  net::Fabric& fabric_;
  net::ExchangeService& exchanges_;
  storage::Catalog catalog_;     // the committed catalog
  const std::string data_dir_;  // the pattern (%r) the job was started with
  const std::string catalog_root_;
  LoadCoordinator loader_;
  uint64_t next_load_ = 1;
  exec::Executor executor_;
  std::string ranks_text_;
  const int executors_;
  storage::Catalog* shell_catalog_ = nullptr;
  int64_t memory_limit_ = 0;
  int64_t statement_timeout_ms_ = 0;  // 0: none
  optimizer::DistributeOptions distribute_;  // SET join_distribution
  std::string work_stealing_ = "auto";        // SET work_stealing: auto | on | off
  uint64_t next_query_ = 1;

  mutable std::mutex mu_;
  std::condition_variable cv_;
  // The running query (guarded by mu_).
  uint64_t running_ = 0;
  std::set<int> waiting_;                             // executors that have not answered
  Status remote_error_;                               // the first executor error
  std::vector<std::pair<int, FragmentReport>> reports_;
  class QueryExecution* local_ = nullptr;
  std::unique_ptr<class Foreman> foreman_;            // the running query's work orders
  // Catalog publication (guarded by mu_).
  uint64_t publishing_epoch_ = 0;
  std::set<int> acks_waiting_;
  Status ack_error_;
  // Executors seen failing (guarded by mu_).
  std::map<int, std::string> failed_;
  std::vector<int64_t> queries_run_;   // per rank
  std::vector<int64_t> busy_ns_;       // per rank: time in fragments
  int failure_callback_ = -1;          // the fabric's handle
};

}  // namespace ibex::scheduler
