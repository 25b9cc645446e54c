#include "exec/ops/set_op.h"

#include <algorithm>

#include "exec/row_key.h"

namespace ibex::exec {

namespace {
struct SetLocal : LocalState {
  KeyMap map;
  std::vector<int64_t> counts;
  KeyBuffer keys;
};
}  // namespace

std::unique_ptr<LocalState> SetOpSink::MakeLocal(ExecContext& ctx) {
  if (state_->memory == nullptr) {
    state_->memory = std::make_unique<MemoryReservation>(ctx.memory, "SetOperation");
  }
  return std::make_unique<SetLocal>();
}

Status SetOpSink::Consume(ExecContext& ctx, LocalState& local, Chunk& chunk) {
  (void)ctx;
  auto& l = static_cast<SetLocal&>(local);
  std::vector<const Vector*> cols;
  for (const Vector& v : chunk.columns) cols.push_back(&v);
  l.keys.Encode(cols, nullptr, chunk.size);
  bool inserted;
  for (size_t i = 0; i < chunk.size; ++i) {
    const uint32_t id = l.map.FindOrInsert(l.keys.Key(i), l.keys.Hash(i), &inserted);
    if (inserted) l.counts.push_back(0);
    ++l.counts[id];
  }
  return Status::OK();
}

Status SetOpSink::Combine(ExecContext& ctx, LocalState& local) {
  (void)ctx;
  auto& l = static_cast<SetLocal&>(local);
  SetOpState& s = *state_;
  if (s.counts.size() <= static_cast<size_t>(side_)) s.counts.resize(static_cast<size_t>(side_) + 1);
  bool inserted;
  for (uint32_t k = 0; k < l.map.size(); ++k) {
    const uint32_t id = s.map.FindOrInsert(l.map.KeyOf(k), l.map.HashOf(k), &inserted);
    for (auto& c : s.counts) c.resize(s.map.size(), 0);
    s.counts[static_cast<size_t>(side_)][id] += l.counts[k];
  }
  const int64_t bytes = s.map.MemoryBytes() + static_cast<int64_t>(s.map.size() * 8 * s.counts.size());
  IBEX_RETURN_IF_ERROR(s.memory->ResizeTo(bytes));
  stats.AddMemory(bytes);
  return Status::OK();
}

Status SetOpSink::Finalize(ExecContext& ctx) {
  (void)ctx;
  SetOpState& s = *state_;
  s.counts.resize(std::max<size_t>(s.counts.size(), 2));
  for (auto& c : s.counts) c.resize(s.map.size(), 0);
  for (uint32_t id = 0; id < s.map.size(); ++id) {
    int64_t total = 0;
    for (const auto& c : s.counts) total += c[id];
    const int64_t a = s.counts[0][id];
    const int64_t b = s.counts[1][id];
    int64_t times = 0;
    switch (s.kind) {
      case SetKind::kUnion:
        times = s.all ? total : 1;
        break;
      case SetKind::kIntersect:
        times = s.all ? std::min(a, b) : (a > 0 && b > 0 ? 1 : 0);
        break;
      case SetKind::kExcept:
        times = s.all ? std::max<int64_t>(a - b, 0) : (a > 0 && b == 0 ? 1 : 0);
        break;
    }
    for (int64_t t = 0; t < times; ++t) s.emit.push_back(id);
  }
  stats.rows_out.store(static_cast<int64_t>(s.emit.size()));
  return Status::OK();
}

Result<ProduceResult> SetOpSource::Produce(ExecContext& ctx, size_t order,
                                           const ChunkConsumer& push) {
  (void)ctx;
  const size_t begin = order * kChunkRows;
  const size_t end = std::min(state_->emit.size(), begin + kChunkRows);
  std::vector<std::string_view> keys;
  for (size_t i = begin; i < end; ++i) keys.push_back(state_->map.KeyOf(state_->emit[i]));
  Chunk out;
  out.size = keys.size();
  out.columns = DecodeKeys(state_->types, keys);
  IBEX_RETURN_IF_ERROR(push(out));
  return ProduceResult::kDone;
}

}  // namespace ibex::exec
