#include "exec/ops/collect.h"

#include <algorithm>
#include <numeric>

namespace ibex::exec {

namespace {
struct CollectLocal : LocalState {
  std::vector<std::pair<size_t, Chunk>> chunks;  // (work order, chunk)
  int64_t bytes = 0;
};
}  // namespace

Status ChunkListLocal::MoveTo(MemoryReservation* memory, OperatorStats* stats,
                              std::vector<Chunk>* into) {
  IBEX_RETURN_IF_ERROR(memory->ResizeTo(memory->bytes() + bytes));
  stats->AddMemory(memory->bytes());
  for (Chunk& c : chunks) into->push_back(std::move(c));
  chunks.clear();
  bytes = 0;
  return Status::OK();
}

std::unique_ptr<LocalState> ChunkCollector::MakeLocal(ExecContext& ctx) {
  if (memory_ == nullptr) memory_ = std::make_unique<MemoryReservation>(ctx.memory, Name());
  return std::make_unique<CollectLocal>();
}

Status ChunkCollector::Consume(ExecContext& ctx, LocalState& local, Chunk& chunk) {
  (void)ctx;
  auto& l = static_cast<CollectLocal&>(local);
  const int64_t bytes = ChunkBytes(chunk);
  l.bytes += bytes;
  l.chunks.emplace_back(l.work_order, std::move(chunk));
  return Status::OK();
}

Status ChunkCollector::Combine(ExecContext& ctx, LocalState& local) {
  (void)ctx;
  auto& l = static_cast<CollectLocal&>(local);
  if (l.chunks.empty()) return Status::OK();
  IBEX_RETURN_IF_ERROR(memory_->ResizeTo(memory_->bytes() + l.bytes));
  stats.AddMemory(memory_->bytes());
  for (auto& [order, chunk] : l.chunks) {
    entries_.push_back(Entry{order, entries_.size(), std::move(chunk)});
  }
  l.chunks.clear();
  return Status::OK();
}

Status ChunkCollector::Finalize(ExecContext& ctx) {
  (void)ctx;
  std::stable_sort(entries_.begin(), entries_.end(), [](const Entry& a, const Entry& b) {
    return a.order != b.order ? a.order < b.order : a.seq < b.seq;
  });
  chunks_.clear();
  int64_t skip = offset_;
  int64_t left = limit_ < 0 ? INT64_MAX : limit_;
  for (Entry& e : entries_) {
    if (left == 0) break;
    Chunk c = std::move(e.chunk);
    const auto n = static_cast<int64_t>(c.size);
    if (skip >= n) {
      skip -= n;
      continue;
    }
    const int64_t take = std::min(n - skip, left);
    if (skip > 0 || take < n) {
      std::vector<uint32_t> sel(static_cast<size_t>(take));
      std::iota(sel.begin(), sel.end(), static_cast<uint32_t>(skip));
      c = c.Gather(sel.data(), sel.size());
    }
    skip = 0;
    left -= take;
    chunks_.push_back(std::move(c));
  }
  entries_.clear();
  stats.rows_out.store(static_cast<int64_t>(rows()));
  return Status::OK();
}

size_t ChunkCollector::rows() const {
  size_t n = 0;
  for (const Chunk& c : chunks_) n += c.size;
  return n;
}

Result<ProduceResult> CollectedSource::Produce(ExecContext& ctx, size_t order,
                                               const ChunkConsumer& push) {
  (void)ctx;
  const Chunk& c = collector_->chunks()[order];
  // Push a shallow copy (views sharing memory): the collector keeps its chunks.
  Chunk copy;
  copy.size = c.size;
  for (const Vector& v : c.columns) copy.columns.push_back(v.Ref());
  IBEX_RETURN_IF_ERROR(push(copy));
  return ProduceResult::kDone;
}

Result<ProduceResult> ProduceChunkRange(const Chunk& all, size_t order, const ChunkConsumer& push) {
  const size_t begin = order * kChunkRows;
  const size_t end = std::min(all.size, begin + kChunkRows);
  std::vector<uint32_t> sel(end - begin);
  std::iota(sel.begin(), sel.end(), static_cast<uint32_t>(begin));
  Chunk out = all.Gather(sel.data(), sel.size());
  IBEX_RETURN_IF_ERROR(push(out));
  return ProduceResult::kDone;
}

Result<ProduceResult> ValuesSource::Produce(ExecContext& ctx, size_t order,
                                            const ChunkConsumer& push) {
  (void)ctx;
  (void)order;
  Chunk copy;
  copy.size = rows_.size;
  for (const Vector& v : rows_.columns) copy.columns.push_back(v.Ref());
  IBEX_RETURN_IF_ERROR(push(copy));
  return ProduceResult::kDone;
}

}  // namespace ibex::exec
