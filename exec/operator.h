// The operator interfaces of the push-based pipeline model (docs/exec.md): a Source splits
// its output into work orders (a block of a table, a range of a finished breaker's result) and
// pushes chunks; streaming Operators transform chunks; a Sink consumes them into per-thread
// local state, merged by Combine and finished once by Finalize. One virtual call per chunk
// per operator, never per row.
//
// Threads: Produce/Execute/Sink run on worker threads concurrently, each with its own local
// state objects; Combine calls are serialized by the executor; Finalize runs once, alone.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "common/status.h"
#include "exec/memory.h"
#include "exec/vector.h"

namespace ibex::storage {
class BlockSource;
}

namespace ibex::exec {

// What a query's operators share: its memory tracker, the store its scans read, its cancel
// test (the shell's Ctrl-C token).
class BlockCache;

struct ExecContext {
  MemoryTracker* memory = nullptr;
  const storage::BlockSource* store = nullptr;
  BlockCache* cache = nullptr;  // decoded blocks kept between queries; may be null
  std::function<bool()> cancelled_fn;  // polled once per chunk; may be empty

  bool cancelled() const { return cancelled_fn && cancelled_fn(); }
};

// Per-operator statistics for EXPLAIN ANALYZE, summed over threads.
struct OperatorStats {
  std::atomic<int64_t> rows_out{0};
  std::atomic<int64_t> time_ns{0};
  std::atomic<int64_t> memory_peak{0};

  void AddMemory(int64_t bytes) {
    int64_t cur = memory_peak.load(std::memory_order_relaxed);
    while (bytes > cur && !memory_peak.compare_exchange_weak(cur, bytes)) {
    }
  }
};

// Per-thread state of an operator or sink; each kind derives its own.
struct LocalState {
  virtual ~LocalState() = default;
  size_t work_order = 0;  // the work order being processed (ordered sources)
};

// Where a stage's output chunks go (the rest of the pipeline).
using ChunkConsumer = std::function<Status(Chunk&)>;

// How a stage ended a call: done, or blocked waiting for something outside (an exchange
// receiver in the distributed engine); a blocked work order is retried later and the worker
// takes other work meanwhile.
enum class ProduceResult : uint8_t { kDone, kBlocked };

class Source {
 public:
  virtual ~Source() = default;
  virtual std::string Name() const = 0;
  // Called once before workers start (after the pipelines this source depends on finished).
  virtual Status Prepare(ExecContext& ctx) {
    (void)ctx;
    return Status::OK();
  }
  // How many work orders the source has (valid after Prepare).
  virtual size_t WorkOrders() const = 0;
  // Whether output order matters across work orders (a sorted result): sinks then keep it.
  virtual bool Ordered() const { return false; }
  // Pushes the chunks of work order `order` into `push`.
  virtual Result<ProduceResult> Produce(ExecContext& ctx, size_t order, const ChunkConsumer& push) = 0;
  // Non-null: the orders come from this feed while the pipeline runs (exec/work_feed.h), not
  // from 0..WorkOrders()-1.
  virtual class WorkFeed* feed() const { return nullptr; }
  OperatorStats stats;
};

class Operator {
 public:
  virtual ~Operator() = default;
  virtual std::string Name() const = 0;
  // One per worker thread running the pipeline. The executor serializes the calls (operators
  // and sinks may set up state shared by all workers in the first one).
  virtual std::unique_ptr<LocalState> MakeLocal(ExecContext& ctx) {
    (void)ctx;
    return std::make_unique<LocalState>();
  }
  // Transforms `in`, pushing zero or more chunks to `push`.
  virtual Status Execute(ExecContext& ctx, LocalState& local, Chunk& in,
                         const ChunkConsumer& push) = 0;
  // Output to produce once after every work order of the pipeline is done (an outer join's
  // unmatched build rows). Called on one thread.
  virtual Status Finish(ExecContext& ctx, const ChunkConsumer& push) {
    (void)ctx;
    (void)push;
    return Status::OK();
  }
  OperatorStats stats;
};

class Sink {
 public:
  virtual ~Sink() = default;
  virtual std::string Name() const = 0;
  // As Operator::MakeLocal: serialized by the executor.
  virtual std::unique_ptr<LocalState> MakeLocal(ExecContext& ctx) = 0;
  virtual Status Consume(ExecContext& ctx, LocalState& local, Chunk& chunk) = 0;
  virtual Status Combine(ExecContext& ctx, LocalState& local) = 0;
  virtual Status Finalize(ExecContext& ctx) = 0;
  OperatorStats stats;
};

// A source, its streaming operators and its sink; runs after `dependencies`.
// Several pipelines may feed one sink (UNION ALL, set operations): all but the last skip
// Finalize, and order_base keeps their work orders apart for ordered sinks.
struct Pipeline {
  Source* source = nullptr;
  std::vector<Operator*> operators;
  Sink* sink = nullptr;
  bool finalize = true;
  size_t order_base = 0;
};

}  // namespace ibex::exec
