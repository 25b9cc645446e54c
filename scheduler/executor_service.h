// ExecutorService: what an executor rank does for the whole job — keep the committed catalog
// the coordinator sends (opening and recovering its partition on the first one), and run the
// queries it is told to start, one at a time, on the rank's worker threads, answering each
// with a QueryDone (status and per-fragment statistics). A CancelQuery reaches the running
// query at once (from the network thread); one that arrives before its query is remembered.
//
// Threads: the constructor registers the control handlers (call it before the job's startup
// barrier); handlers only queue work or cancel. One service thread does the work. Stop() (or
// the destructor) cancels a running query and joins the thread.
#pragma once

#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>

#include "exec/block_cache.h"
#include "exec/executor.h"
#include "net/rdma/exchange.h"
#include "net/rdma/fabric.h"
#include "scheduler/query_execution.h"
#include "storage/partition_reader.h"

namespace ibex::scheduler {

class ExecutorService {
 public:
  // `data_pattern`: the job's --data-dir (%r expands to the rank): this rank's root, and where
  // other partitions are for blocks taken over from a slower executor.
  ExecutorService(net::Fabric& fabric, net::ExchangeService& exchanges, std::string data_pattern,
                  int workers, int64_t cache_bytes);
  ~ExecutorService();
  ExecutorService(const ExecutorService&) = delete;
  ExecutorService& operator=(const ExecutorService&) = delete;

  void Stop();

 private:
  struct Message {
    uint16_t type;
    std::string bytes;
  };
  void Enqueue(uint16_t type, std::span<const std::byte> payload);
  void ServiceLoop();
  void ApplyCatalog(const std::string& bytes);
  void RunQuery(const std::string& bytes);
  void OnCancel(std::span<const std::byte> payload);
  void Reply(uint16_t type, const std::string& bytes);

  net::Fabric& fabric_;
  net::ExchangeService& exchanges_;
  const std::string data_pattern_;
  const std::string data_root_;
  exec::Executor executor_;
  exec::BlockCache cache_;
  std::unique_ptr<storage::PartitionReader> reader_;  // service thread only

  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<Message> queue_;           // guarded by mu_
  bool stop_ = false;                   // guarded by mu_
  QueryExecution* running_ = nullptr;   // guarded by mu_
  std::set<uint64_t> cancelled_early_;  // guarded by mu_
  std::thread thread_;
};

}  // namespace ibex::scheduler
