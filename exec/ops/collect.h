// Materializing stages:
//  - ChunkCollector: a sink that keeps every chunk it gets, in work-order order when its
//    source is ordered, optionally cut to [offset, offset + limit) (LIMIT); afterwards it is
//    the source of what it holds (CollectedSource), one work order per chunk, ordered. The
//    query's result, LIMIT, and UNION ALL (several pipelines into one collector) use it.
//  - ValuesSource: constant rows.
//
// Threads: Consume concurrently with distinct local states; Combine serialized.
#pragma once

#include <memory>
#include <vector>

#include "exec/operator.h"

namespace ibex::exec {

// Per-worker state of sinks that keep whole chunks until Finalize (join build, window).
struct ChunkListLocal : LocalState {
  std::vector<Chunk> chunks;
  int64_t bytes = 0;

  void Add(Chunk& chunk) {
    bytes += ChunkBytes(chunk);
    chunks.push_back(std::move(chunk));
  }
  // Moves the chunks into `into` after reserving their bytes (Combine).
  Status MoveTo(MemoryReservation* memory, OperatorStats* stats, std::vector<Chunk>* into);
};

class ChunkCollector : public Sink {
 public:
  // limit < 0: no limit.
  ChunkCollector(std::vector<DataType> types, int64_t limit = -1, int64_t offset = 0)
      : types_(std::move(types)), limit_(limit), offset_(offset) {}

  std::string Name() const override { return limit_ >= 0 || offset_ > 0 ? "Limit" : "Collect"; }
  std::unique_ptr<LocalState> MakeLocal(ExecContext& ctx) override;
  Status Consume(ExecContext& ctx, LocalState& local, Chunk& chunk) override;
  Status Combine(ExecContext& ctx, LocalState& local) override;
  Status Finalize(ExecContext& ctx) override;

  const std::vector<DataType>& types() const { return types_; }
  // After Finalize: the chunks in order.
  const std::vector<Chunk>& chunks() const { return chunks_; }
  std::vector<Chunk>& mutable_chunks() { return chunks_; }
  size_t rows() const;

 private:
  struct Entry {
    size_t order;
    size_t seq;
    Chunk chunk;
  };
  std::vector<DataType> types_;
  int64_t limit_;
  int64_t offset_;
  std::vector<Entry> entries_;
  std::vector<Chunk> chunks_;
  std::unique_ptr<MemoryReservation> memory_;
};

// The chunks a collector holds, as a source.
class CollectedSource : public Source {
 public:
  explicit CollectedSource(const ChunkCollector* collector) : collector_(collector) {}
  std::string Name() const override { return "Collected"; }
  size_t WorkOrders() const override { return collector_->chunks().size(); }
  bool Ordered() const override { return true; }
  Result<ProduceResult> Produce(ExecContext& ctx, size_t order, const ChunkConsumer& push) override;

 private:
  const ChunkCollector* collector_;
};

// Pushes rows [order * kChunkRows, +kChunkRows) of `all`: the work order of sources that emit
// one materialized result (sorted rows, window output) in order.
Result<ProduceResult> ProduceChunkRange(const Chunk& all, size_t order, const ChunkConsumer& push);
inline size_t ChunkRangeOrders(const Chunk& all) { return (all.size + kChunkRows - 1) / kChunkRows; }

class ValuesSource : public Source {
 public:
  explicit ValuesSource(Chunk rows) : rows_(std::move(rows)) {}
  std::string Name() const override { return "Values"; }
  size_t WorkOrders() const override { return 1; }
  bool Ordered() const override { return true; }
  Result<ProduceResult> Produce(ExecContext& ctx, size_t order, const ChunkConsumer& push) override;

 private:
  Chunk rows_;
};

}  // namespace ibex::exec
