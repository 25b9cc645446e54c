// QueryExecution: one rank's part in one distributed query. It opens a receiver for every
// exchange this rank receives (before running anything: data may arrive before this rank's
// fragments start — the exchange layer keeps early data, bounded) and drains them on its own
// thread into exec::ExchangeInboxes, so that a sender is never blocked for long by a receiver
// busy with other work: every rank runs its fragments bottom-up (each after the fragments it
// receives from, exec's ExchangeSource waiting for its inbox to complete), and because every
// receiver drains continuously no cycle of waits can form. The fragment's root feeds an
// exec::ExchangeSendSink into the exchange named by the fragment's id; the root fragment (rank
// 0) ends in a ChunkCollector whose chunks are the result.
//
// Cancel (any thread, also the network thread: it only records and notifies) fails every inbox,
// wakes blocked senders and makes the workers stop at their next chunk. A failing peer reaches
// us as an error of a receiver or a sender (the exchange layer names the rank) and cancels the
// whole execution with that error.
//
// Threads: Open/Run/reports on one thread; Cancel from any thread.
#pragma once

#include <atomic>
#include <map>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "common/status.h"
#include "exec/executor.h"
#include "exec/ops/collect.h"
#include "exec/ops/exchange_receive.h"
#include "exec/ops/exchange_send.h"
#include "exec/plan_builder.h"
#include "exec/work_feed.h"
#include "net/rdma/exchange.h"
#include "optimizer/fragment.h"
#include "scheduler/load_channel.h"
#include "scheduler/query_layout.h"
#include "scheduler/query_messages.h"

namespace ibex::scheduler {

// Exchange ids of bloom filters: the build fragment's id with this bit set.
inline constexpr uint32_t kBloomExchangeBit = 0x80000000u;

struct QueryContext {
  net::ExchangeService* exchanges = nullptr;
  exec::Executor* executor = nullptr;
  const storage::BlockSource* store = nullptr;  // null on the coordinator (it scans nothing)
  exec::BlockCache* cache = nullptr;
  int64_t memory_limit = 0;  // bytes per query on this rank, <= 0: none
  std::function<bool()> user_cancelled;  // the shell's Ctrl-C (coordinator); may be empty
  // Executors: asks the coordinator's foreman for work orders (must not block). Empty: scans
  // take their own partition's blocks without a foreman (tests, the coordinator).
  std::function<void(const WorkRequest&)> request_work;
  uint32_t work_batch = 4;  // orders asked for at a time; the feed asks again below this
};

class QueryExecution {
 public:
  QueryExecution(uint64_t query, optimizer::FragmentedPlan plan, int executors,
                 std::vector<storage::Value> params, bool analyze, QueryContext ctx);
  ~QueryExecution();  // stops the drain thread, closes the channels, forgets the query
  QueryExecution(const QueryExecution&) = delete;
  QueryExecution& operator=(const QueryExecution&) = delete;

  // Opens the receivers and starts draining. Call before Run.
  Status Open();
  // Runs this rank's fragments bottom-up; the first error (or the cancel reason) is returned.
  Status Run();
  void Cancel(const Status& why);
  // A batch from the foreman (the network thread).
  void Grant(const WorkGrant& grant);

  uint64_t query() const { return query_; }
  const QueryLayout& layout() const { return layout_; }
  // Rank 0 after Run: the root fragment's result.
  exec::ChunkCollector* result() const { return result_; }
  std::vector<FragmentReport> reports() const { return reports_; }

 private:
  struct Inbound {
    int fragment = 0;
    std::unique_ptr<net::ExchangeReceiver> receiver;
    std::unique_ptr<exec::ExchangeInbox> inbox;  // rows, or:
    std::shared_ptr<exec::BloomInbox> bloom;     // the bloom filter fragment `fragment` builds
    bool ended = false;
    std::shared_ptr<std::atomic<bool>> armed = std::make_shared<std::atomic<bool>>(false);
  };
  // What the network thread's wake-ups signal; shared so a late callback outlives us safely.
  struct Signal {
    std::mutex mu;
    std::condition_variable cv;
    uint64_t count = 0;
    bool stop = false;
  };

  void DrainLoop();
  Status RunFragment(int fragment);
  exec::ExchangeInbox* InboxOf(int fragment);
  std::shared_ptr<exec::BloomInbox> BloomOf(int build_fragment);
  // Sends a finished build side's bloom filter to the ranks of the probe fragment.
  Status SendBloom(int build_fragment, const exec::BloomFilter& filter);

  const uint64_t query_;
  const int rank_;
  optimizer::FragmentedPlan plan_;
  QueryLayout layout_;
  std::vector<storage::Value> params_;
  const bool analyze_;
  QueryContext ctx_;

  std::vector<Inbound> inbound_;
  std::shared_ptr<Signal> signal_ = std::make_shared<Signal>();
  std::thread drain_;

  std::atomic<bool> cancelled_{false};
  mutable std::mutex mu_;
  Status cancel_reason_;                           // guarded by mu_
  std::vector<exec::ExchangeSendSink*> senders_;   // live sinks to wake, guarded by mu_
  std::map<std::pair<int, int>, std::shared_ptr<exec::WorkFeed>> feeds_;  // guarded by mu_

  exec::MemoryTracker memory_;
  std::vector<std::unique_ptr<exec::ExecPlan>> plans_;  // kept for the result and reports
  std::vector<std::unique_ptr<net::ExchangeSender>> channels_;
  // Bloom filters' senders (build side), blocking on a signal Cancel aborts.
  std::shared_ptr<LoadSignal> bloom_signal_ = std::make_shared<LoadSignal>();
  std::vector<std::unique_ptr<LoadSender>> bloom_senders_;
  exec::ChunkCollector* result_ = nullptr;
  std::vector<FragmentReport> reports_;
};

}  // namespace ibex::scheduler
