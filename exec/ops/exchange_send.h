// ExchangeSendSink: the sending end of an exchange in a fragment (docs/exec.md, "Exchanges").
// It routes its input rows to destination ranks — by the storage-compatible hash of key
// columns (shuffle, exec/partition_hash.h), to every destination (broadcast) or to one
// (gather) — and writes them in the chunk wire format (exec/chunk_serde.h) straight into the
// buffers of a net::ExchangeSender (on the store path: the receiver's own memory).
//
// Per worker thread and destination, rows are accumulated by selection (the input chunks are
// held, nothing is copied) until one more would overflow a slot; then a buffer is acquired,
// the rows serialized into it once, and committed. Combine flushes the thread's partial
// buffers; Finalize ends the stream (sender->Finish()). With `ordered`, the input is a sorted
// run: chunks are kept and sent only in Finalize, in work-order order, buffers numbered so the
// receiver restores their order.
//
// Blocking contract: when the sender has no credit toward a destination, the worker waits on
// a condition variable signalled by the sender's WhenUnblocked callback (receivers drain
// continuously, so this ends), by Wake() (the runtime calls it after cancelling the query or
// on a peer failure), or returns the sender's error. After a Wake the sink returns
// Status::Cancelled if ctx.cancelled(), else retries.
//
// Threads: Consume on worker threads concurrently (distinct local states); the sender is
// shared and guarded by a mutex (net senders are used by one thread at a time); Combine
// serialized; Finalize alone; Wake and the statistics from any thread.
#pragma once

#include <atomic>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <vector>

#include "exec/bloom_filter.h"
#include "exec/operator.h"
#include "net/rdma/exchange.h"
#include "optimizer/physical_plan.h"

namespace ibex::exec {

struct ExchangeSendSpec {
  optimizer::ExchangeKind kind = optimizer::ExchangeKind::kGather;
  // kShuffle: the input columns hashed (HashPartitionKeys); a row goes to
  // destinations[storage::PartitionOfHash(hash, destinations.size())].
  std::vector<int> key_columns;
  // Receiver ranks; index i = partition i for shuffles. kGather: exactly one.
  std::vector<int> destinations;
  // The input is a sorted run (an ordered source): send in work-order order, only in Finalize.
  bool ordered = false;
  // Capacity of one buffer: the service's options().slot_bytes (0: the default options').
  size_t slot_bytes = 0;
  // kShuffle, bloom filters (exec/bloom_filter.h): the build side adds every row's shuffle-key
  // hash to `bloom_build` (the runtime sends it on after Finalize); the probe side waits for
  // `bloom_probe` to be complete and drops the rows whose hash it cannot contain.
  std::shared_ptr<BloomFilter> bloom_build;
  std::shared_ptr<BloomInbox> bloom_probe;
};

class ExchangeSendSink : public Sink {
 public:
  ExchangeSendSink(net::ExchangeSender* sender, ExchangeSendSpec spec,
                   std::vector<storage::DataType> types);
  ~ExchangeSendSink() override;

  std::string Name() const override;
  std::unique_ptr<LocalState> MakeLocal(ExecContext& ctx) override;
  Status Consume(ExecContext& ctx, LocalState& local, Chunk& chunk) override;
  Status Combine(ExecContext& ctx, LocalState& local) override;
  Status Finalize(ExecContext& ctx) override;

  // Wakes every worker waiting for a credit so that it rechecks ctx.cancelled() and the
  // sender's state. Any thread (the runtime, on cancel or peer failure).
  void Wake();

  int64_t bytes_sent() const { return bytes_sent_.load(std::memory_order_relaxed); }
  int64_t buffers_sent() const { return buffers_sent_.load(std::memory_order_relaxed); }
  int64_t wait_ns() const { return wait_ns_.load(std::memory_order_relaxed); }
  // Rows the probe side's bloom filter dropped.
  int64_t bloom_dropped() const { return bloom_dropped_.load(std::memory_order_relaxed); }
  // Workers waiting for a credit right now (observability, tests).
  int blocked_workers() const { return blocked_workers_.load(std::memory_order_relaxed); }

 private:
  struct Local;  // per-thread accumulation (exchange_send.cpp)
  // Signalled by WhenUnblocked callbacks and Wake; shared with the callbacks the network
  // thread may still hold after the sink is gone.
  struct Waker {
    std::mutex mu;
    std::condition_variable cv;
    uint64_t generation = 0;
    void Signal();
  };
  struct Held {
    size_t order;
    size_t seq;
    Chunk chunk;
  };

  // Routes `chunk` into the local accumulation, flushing full buffers.
  Status Route(ExecContext& ctx, Local& local, Chunk&& chunk);
  Status AddRows(ExecContext& ctx, Local& local, size_t dest,
                 const std::shared_ptr<const Chunk>& chunk, std::vector<uint32_t> sel,
                 size_t rows);
  Status Flush(ExecContext& ctx, Local& local, size_t dest);
  Status FlushAll(ExecContext& ctx, Local& local);
  // Waits for a buffer toward `rank` (see the blocking contract).
  Status AcquireBuffer(ExecContext& ctx, int rank, net::StagingBuffer* buffer);

  net::ExchangeSender* sender_;
  ExchangeSendSpec spec_;
  std::vector<storage::DataType> types_;
  size_t slot_bytes_;
  std::mutex sender_mu_;  // guards sender_ calls
  std::shared_ptr<Waker> waker_ = std::make_shared<Waker>();
  std::atomic<uint32_t> next_sequence_{0};
  std::atomic<int64_t> bytes_sent_{0};
  std::atomic<int64_t> buffers_sent_{0};
  std::atomic<int64_t> wait_ns_{0};
  std::atomic<int64_t> bloom_dropped_{0};
  std::atomic<int> blocked_workers_{0};
  // Ordered mode: the input kept until Finalize (Combine adds under the executor's lock).
  std::vector<Held> held_;
  std::unique_ptr<MemoryReservation> memory_;
};

}  // namespace ibex::exec
