// The receiving end of an exchange in a fragment (docs/exec.md, "Exchanges").
//
// ExchangeInbox collects every buffer of one exchange that arrives on this rank. The runtime's
// drain thread opens the net::ExchangeReceiver, loops TryReceive -> AddBuffer(buf.source(),
// buf.data()) -> release the buffer, and on kEnd calls MarkEnded; on a receiver error, a peer
// failure or a cancel it calls Fail. AddBuffer deserializes at once (exec/chunk_serde.h), so
// the slot goes back to its sender right away and the chunks own their memory.
//
// ExchangeSource is the source of the pipeline that consumes the exchange: Prepare waits until
// the inbox is complete (every sender ended) or failed and reserves the received rows' memory
// with the query's tracker (OutOfMemory past the limit); then one work order per received
// chunk, or, with merge keys, one ordered work order that yields the k-way merge of the
// senders' sorted runs (each sender's chunks in the order it sent them).
//
// Threads: AddBuffer/MarkEnded/Fail from the drain thread (Fail from any thread);
// WaitComplete, TakeAll, TakeRuns from the consuming thread; statistics from any thread.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <span>
#include <vector>

#include "exec/operator.h"
#include "exec/ops/sort.h"
#include "optimizer/physical_plan.h"

namespace ibex::exec {

class ExchangeInbox {
 public:
  // `senders`: how many ranks send into this exchange (checked: buffers from more distinct
  // sources are Corruption).
  ExchangeInbox(std::vector<storage::DataType> types, int senders);

  // Deserializes one buffer from rank `source` and appends its chunks (per source in
  // arrival order, restored to send order by the buffers' sequence numbers for ordered
  // streams). A malformed buffer fails the inbox and returns the Corruption naming the rank.
  Status AddBuffer(int source, std::span<const std::byte> bytes);
  // Every sender ended (the receiver returned kEnd).
  void MarkEnded();
  // Peer failure, cancel, receiver error: waiters return `why` (the first one given).
  void Fail(Status why);
  // Blocks until ended (OK) or failed (the failure). `cancelled` is checked before waiting
  // and at every wake-up; a cancel must also be signalled with Fail(Status::Cancelled(..)),
  // since the wait is on a condition variable alone (no polling).
  Status WaitComplete(const std::function<bool()>& cancelled);

  // All chunks received (any order); the inbox is empty afterwards.
  std::vector<Chunk> TakeAll();
  // Per source (ascending rank), its chunks in send order (sorted runs).
  std::vector<std::vector<Chunk>> TakeRuns();

  const std::vector<storage::DataType>& types() const { return types_; }
  int64_t bytes_received() const { return bytes_received_.load(std::memory_order_relaxed); }
  int64_t buffers_received() const { return buffers_received_.load(std::memory_order_relaxed); }
  int64_t wait_ns() const { return wait_ns_.load(std::memory_order_relaxed); }

 private:
  struct Entry {
    uint32_t sequence;
    Chunk chunk;
  };

  const std::vector<storage::DataType> types_;
  const int senders_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::map<int, std::vector<Entry>> runs_;  // by source rank, arrival order
  bool ended_ = false;
  Status error_;
  std::atomic<int64_t> bytes_received_{0};
  std::atomic<int64_t> buffers_received_{0};
  std::atomic<int64_t> wait_ns_{0};
};

class ExchangeSource : public Source {
 public:
  // merge_keys empty: no merge. Keys are over the exchange's columns (`types`).
  ExchangeSource(ExchangeInbox* inbox, std::vector<optimizer::SortKey> merge_keys,
                 std::vector<storage::DataType> types);

  std::string Name() const override;
  Status Prepare(ExecContext& ctx) override;
  size_t WorkOrders() const override { return merging() ? 1 : chunks_.size(); }
  bool Ordered() const override { return merging(); }
  Result<ProduceResult> Produce(ExecContext& ctx, size_t order, const ChunkConsumer& push) override;

 private:
  bool merging() const { return !merge_keys_.empty(); }
  // The merged order of the runs, concatenated in run order into merged_.
  Status Merge(std::vector<std::vector<Chunk>> runs);

  ExchangeInbox* inbox_;
  std::vector<optimizer::SortKey> merge_keys_;
  std::vector<storage::DataType> types_;
  std::vector<Chunk> chunks_;   // no merge: one work order each
  Chunk merged_;                // merge: every row, runs one after another
  std::vector<uint32_t> perm_;  // merge: rows of merged_ in merged order
  std::unique_ptr<MemoryReservation> memory_;  // what the received rows take
};

}  // namespace ibex::exec
