// Set operations other than UNION ALL (which is several pipelines into one collector): UNION,
// INTERSECT [ALL], EXCEPT [ALL]. Each input (side 0, 1, ...) is its own pipeline into a
// SetOpSink of that side sharing one SetOpState; rows are keyed by all their columns (encoded
// keys: NULLs equal, as DISTINCT wants) with a count per side; SetOpSource emits each key as
// often as the operation says.
//
// Threads: per-worker KeyMaps merged at Combine (serialized); the source after Finalize.
#pragma once

#include <memory>
#include <vector>

#include "exec/key_map.h"
#include "exec/operator.h"

namespace ibex::exec {

enum class SetKind : uint8_t { kUnion, kIntersect, kExcept };

struct SetOpState {
  SetKind kind = SetKind::kUnion;
  bool all = false;
  std::vector<DataType> types;
  KeyMap map;
  std::vector<std::vector<int64_t>> counts;  // [side][key id]
  std::vector<uint32_t> emit;                // key ids to emit (with repeats), after Finalize
  std::unique_ptr<MemoryReservation> memory;
};

class SetOpSink : public Sink {
 public:
  SetOpSink(std::shared_ptr<SetOpState> state, int side) : state_(std::move(state)), side_(side) {}
  std::string Name() const override { return "SetOperation"; }
  std::unique_ptr<LocalState> MakeLocal(ExecContext& ctx) override;
  Status Consume(ExecContext& ctx, LocalState& local, Chunk& chunk) override;
  Status Combine(ExecContext& ctx, LocalState& local) override;
  Status Finalize(ExecContext& ctx) override;

 private:
  std::shared_ptr<SetOpState> state_;
  int side_;
};

class SetOpSource : public Source {
 public:
  explicit SetOpSource(std::shared_ptr<SetOpState> state) : state_(std::move(state)) {}
  std::string Name() const override { return "SetOperationOutput"; }
  size_t WorkOrders() const override { return (state_->emit.size() + kChunkRows - 1) / kChunkRows; }
  Result<ProduceResult> Produce(ExecContext& ctx, size_t order, const ChunkConsumer& push) override;

 private:
  std::shared_ptr<SetOpState> state_;
};

}  // namespace ibex::exec
