#include "exec/ops/sort.h"

#include <algorithm>
#include <cstring>
#include <numeric>

#include "exec/eval.h"
#include "exec/ops/collect.h"

namespace ibex::exec {

namespace {
struct SortLocal : LocalState {
  std::vector<Chunk> chunks;
  size_t rows = 0;
  int64_t bytes = 0;
  std::unique_ptr<MemoryReservation> memory;
};
}  // namespace

Result<RowOrder> RowOrder::Make(const Chunk& rows, const std::vector<SortKeyDef>& keys) {
  const size_t n = rows.size;
  std::vector<Vector> key_vectors;
  std::vector<SortSpec> specs;
  for (const SortKeyDef& k : keys) {
    IBEX_ASSIGN_OR_RETURN(Vector v, Evaluate(*k.expr, rows));
    if (v.is_constant()) v = v.Flatten(n);
    key_vectors.push_back(std::move(v));
    specs.push_back(k.spec);
  }
  std::vector<const Vector*> cols;
  for (const Vector& v : key_vectors) cols.push_back(&v);
  RowOrder order;
  order.keys_.Encode(cols, &specs, n);
  return order;
}

Result<Chunk> SortRows(const Chunk& rows, const std::vector<SortKeyDef>& keys, int64_t limit,
                       int64_t offset) {
  const size_t n = rows.size;
  IBEX_ASSIGN_OR_RETURN(RowOrder order, RowOrder::Make(rows, keys));
  std::vector<uint32_t> perm(n);
  std::iota(perm.begin(), perm.end(), 0);
  auto less = [&](uint32_t a, uint32_t b) { return order.Less(a, b); };
  const size_t begin = std::min<size_t>(n, static_cast<size_t>(std::max<int64_t>(offset, 0)));
  size_t end = n;
  if (limit >= 0) end = std::min<size_t>(n, begin + static_cast<size_t>(limit));
  if (end < n) {
    std::partial_sort(perm.begin(), perm.begin() + static_cast<std::ptrdiff_t>(end), perm.end(), less);
  } else {
    std::sort(perm.begin(), perm.end(), less);
  }
  return rows.Gather(perm.data() + begin, end - begin);
}

std::unique_ptr<LocalState> SortSink::MakeLocal(ExecContext& ctx) {
  if (memory_ == nullptr) memory_ = std::make_unique<MemoryReservation>(ctx.memory, Name());
  auto l = std::make_unique<SortLocal>();
  l->memory = std::make_unique<MemoryReservation>(ctx.memory, Name());
  return l;
}

Status SortSink::Consume(ExecContext& ctx, LocalState& local, Chunk& chunk) {
  (void)ctx;
  auto& l = static_cast<SortLocal&>(local);
  l.rows += chunk.size;
  l.bytes += ChunkBytes(chunk);
  l.chunks.push_back(std::move(chunk));
  if (limit_ >= 0) {
    const size_t keep = static_cast<size_t>(limit_ + offset_);
    if (l.rows > std::max<size_t>(keep * 2, 8 * kChunkRows)) {
      Chunk all = ConcatChunks(l.chunks, types_);
      IBEX_ASSIGN_OR_RETURN(Chunk best, SortRows(all, keys_, static_cast<int64_t>(keep), 0));
      l.chunks.clear();
      l.rows = best.size;
      l.bytes = ChunkBytes(best);
      l.chunks.push_back(std::move(best));
    }
  }
  return l.memory->ResizeTo(l.bytes);
}

Status SortSink::Combine(ExecContext& ctx, LocalState& local) {
  (void)ctx;
  auto& l = static_cast<SortLocal&>(local);
  if (l.chunks.empty()) return Status::OK();
  IBEX_RETURN_IF_ERROR(memory_->ResizeTo(memory_->bytes() + l.bytes));
  stats.AddMemory(memory_->bytes());
  for (Chunk& c : l.chunks) chunks_.push_back(std::move(c));
  l.chunks.clear();
  return Status::OK();
}

Status SortSink::Finalize(ExecContext& ctx) {
  (void)ctx;
  Chunk all = ConcatChunks(chunks_, types_);
  chunks_.clear();
  IBEX_ASSIGN_OR_RETURN(sorted_, SortRows(all, keys_, limit_, offset_));
  stats.rows_out.store(static_cast<int64_t>(sorted_.size));
  return Status::OK();
}

Result<ProduceResult> SortedSource::Produce(ExecContext& ctx, size_t order, const ChunkConsumer& push) {
  (void)ctx;
  return ProduceChunkRange(sink_->sorted(), order, push);
}

}  // namespace ibex::exec
