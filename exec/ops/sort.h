// Sort and top-N: a sink that keeps its input (per worker; with a limit, each worker's rows
// are cut to the best limit + offset whenever they grow past a threshold), then at Finalize
// concatenates, encodes the ORDER BY keys in order-preserving form (row_key.h) and sorts a
// permutation by memcmp; SortedSource emits the result in order, one work order per chunk.
//
// Threads: Consume concurrently (distinct local states); Combine serialized.
#pragma once

#include <algorithm>
#include <cstring>
#include <vector>

#include "exec/expr.h"
#include "exec/operator.h"
#include "exec/ops/collect.h"
#include "exec/row_key.h"

namespace ibex::exec {

struct SortKeyDef {
  ExprPtr expr;
  SortSpec spec;
};

// The ORDER BY order of the rows of one chunk: the keys encoded in order-preserving form
// (row_key.h) and compared with memcmp, ties broken by row index (so sorting is stable and a
// merge of runs concatenated in run order keeps equal keys in run order). The exchange merge
// (exec/ops/exchange_receive.h) uses it too.
class RowOrder {
 public:
  static Result<RowOrder> Make(const Chunk& rows, const std::vector<SortKeyDef>& keys);
  bool Less(uint32_t a, uint32_t b) const {
    const std::string_view ka = keys_.Key(a);
    const std::string_view kb = keys_.Key(b);
    const int c = std::memcmp(ka.data(), kb.data(), std::min(ka.size(), kb.size()));
    if (c != 0) return c < 0;
    if (ka.size() != kb.size()) return ka.size() < kb.size();
    return a < b;
  }

 private:
  KeyBuffer keys_;
};

// Sorts `rows` by `keys`, keeps [offset, offset + limit) (limit < 0: all).
Result<Chunk> SortRows(const Chunk& rows, const std::vector<SortKeyDef>& keys, int64_t limit,
                       int64_t offset);

class SortSink : public Sink {
 public:
  SortSink(std::vector<DataType> types, std::vector<SortKeyDef> keys, int64_t limit = -1,
           int64_t offset = 0)
      : types_(std::move(types)), keys_(std::move(keys)), limit_(limit), offset_(offset) {}
  std::string Name() const override { return limit_ >= 0 ? "TopN" : "Sort"; }
  std::unique_ptr<LocalState> MakeLocal(ExecContext& ctx) override;
  Status Consume(ExecContext& ctx, LocalState& local, Chunk& chunk) override;
  Status Combine(ExecContext& ctx, LocalState& local) override;
  Status Finalize(ExecContext& ctx) override;

  const Chunk& sorted() const { return sorted_; }

 private:
  std::vector<DataType> types_;
  std::vector<SortKeyDef> keys_;
  int64_t limit_;
  int64_t offset_;
  std::vector<Chunk> chunks_;
  Chunk sorted_;
  std::unique_ptr<MemoryReservation> memory_;
};

class SortedSource : public Source {
 public:
  explicit SortedSource(const SortSink* sink) : sink_(sink) {}
  std::string Name() const override { return "SortedOutput"; }
  size_t WorkOrders() const override { return ChunkRangeOrders(sink_->sorted()); }
  bool Ordered() const override { return true; }
  Result<ProduceResult> Produce(ExecContext& ctx, size_t order, const ChunkConsumer& push) override;

 private:
  const SortSink* sink_;
};

}  // namespace ibex::exec
