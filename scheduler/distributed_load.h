// Distributed COPY (docs/scheduler.md, "Distributed COPY"): one load spread over every
// executor, all or nothing. The coordinator (rank 0) lists the input files and gives each
// executor a disjoint share of their bytes; each executor parses its share, routes rows to
// their owning partitions through an exchange (HASH: the partition of the row's hash;
// REPLICATED: every executor; ROUND ROBIN: kept where parsed), builds its own partition's
// blocks and manifest under the new epoch E and reports; the coordinator then commits CATALOG
// (epoch E) and tells the executors to drop what E made unreachable, or, on any failure,
// tells them to remove what E wrote. The storage commit protocol (docs/storage.md) makes a
// crash at any point leave either the old or the new state.
//
// Who calls it: mpi_launch (one LoadExecutor per executor rank, created before the job's
// start-up barrier; one LoadCoordinator on rank 0) and the shell's COPY through it; tests.
//
// Threads: LoadCoordinator::Copy on one coordinator thread at a time (it waits on a condition
// variable; the fabric's network thread only queues into it). LoadExecutor runs each load on
// its own thread plus `workers` parsing threads and one receiving thread; its control handlers
// only queue work. Both must be destroyed before the fabric and the exchange service.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <utility>

#include "common/status.h"
#include "net/rdma/exchange.h"
#include "net/rdma/fabric.h"
#include "storage/catalog.h"
#include "storage/loader/copy_options.h"

namespace ibex::scheduler {

class LoadCoordinator {
 public:
  // `catalog_root`: ExpandDataDir(pattern, 0), where CATALOG lives. `executors`: ranks
  // 1..executors each own partition rank - 1.
  LoadCoordinator(net::Fabric& fabric, net::ExchangeService& exchanges, std::string catalog_root,
                  int executors);
  ~LoadCoordinator();
  LoadCoordinator(const LoadCoordinator&) = delete;
  LoadCoordinator& operator=(const LoadCoordinator&) = delete;

  // Loads the files matching `pattern` into `table` of `committed` (the catalog CATALOG holds
  // now). On success CATALOG holds the returned catalog (epoch committed.epoch() + 1) and the
  // executors have dropped what it made unreachable; the int64_t is the number of rows loaded.
  // On any error — a bad row ("file:line:column: reason", the first in file order), a file
  // some rank cannot see or sees with another size (naming the rank), a dead executor (naming
  // the rank, within ~5 s), `cancelled()` turning true — nothing is committed and every live
  // executor has removed what the load wrote before this returns. `load_id` must be unique
  // among the job's loads. `options.threads` is ignored: each executor uses its workers.
  //
  // If the commit itself fails, CATALOG may or may not hold the new epoch: the executors
  // leave their files alone, and the caller must re-read CATALOG (CatalogStore::Open) before
  // its next change.
  Result<std::pair<storage::Catalog, int64_t>> Copy(const storage::Catalog& committed,
                                                    std::string_view table,
                                                    const std::string& pattern,
                                                    const storage::CopyOptions& options,
                                                    uint64_t load_id,
                                                    const std::function<bool()>& cancelled);

  // From any thread (the coordinator's Ctrl-C / timeout watcher): the running Copy stops
  // with Cancelled as if `cancelled()` had turned true, without waiting to poll it.
  void Cancel();

  struct State;  // shared with the fabric's handlers (docs in the .cpp)

 private:
  net::Fabric& fabric_;
  std::string catalog_root_;
  int executors_;
  std::shared_ptr<State> state_;
};

class LoadExecutor {
 public:
  // Registers the load's control handlers on `fabric` (do it before the job's start-up
  // barrier, so no coordinator message can arrive first) and starts the load thread.
  // `data_root`: ExpandDataDir(pattern, rank); the partition is rank - 1. `workers`: parsing
  // and block-building threads.
  LoadExecutor(net::Fabric& fabric, net::ExchangeService& exchanges, std::string data_root,
               int workers);
  ~LoadExecutor();  // aborts a running load (its files stay: the next open recovers them)
  LoadExecutor(const LoadExecutor&) = delete;
  LoadExecutor& operator=(const LoadExecutor&) = delete;

  struct State;

 private:
  std::shared_ptr<State> state_;
};

}  // namespace ibex::scheduler
