// Window functions (one plan node: shared PARTITION BY and ORDER BY): a sink that keeps its
// input, then at Finalize sorts it by (partition keys, order keys) and computes ROW_NUMBER,
// RANK, DENSE_RANK and the aggregates COUNT/SUM/AVG/MIN/MAX over the frame of
// optimizer/physical_plan.h (with ORDER BY: partition start to the current row's last peer;
// without: the whole partition). WindowSource emits input ++ function columns.
//
// Threads: Consume concurrently (distinct local states); Combine serialized.
#pragma once

#include <vector>

#include "exec/expr.h"
#include "exec/operator.h"
#include "exec/ops/collect.h"
#include "exec/ops/sort.h"
#include "optimizer/physical_plan.h"

namespace ibex::exec {

struct WindowFunctionDef {
  optimizer::WindowFunc func = optimizer::WindowFunc::kRowNumber;
  ExprPtr arg;
  DataType type;
};

class WindowSink : public Sink {
 public:
  WindowSink(std::vector<DataType> types, std::vector<ExprPtr> partition,
             std::vector<SortKeyDef> order, std::vector<WindowFunctionDef> functions)
      : types_(std::move(types)),
        partition_(std::move(partition)),
        order_(std::move(order)),
        functions_(std::move(functions)) {}
  std::string Name() const override { return "Window"; }
  std::unique_ptr<LocalState> MakeLocal(ExecContext& ctx) override;
  Status Consume(ExecContext& ctx, LocalState& local, Chunk& chunk) override;
  Status Combine(ExecContext& ctx, LocalState& local) override;
  Status Finalize(ExecContext& ctx) override;

  const Chunk& output() const { return output_; }

 private:
  std::vector<DataType> types_;
  std::vector<ExprPtr> partition_;
  std::vector<SortKeyDef> order_;
  std::vector<WindowFunctionDef> functions_;
  std::vector<Chunk> chunks_;
  Chunk output_;
  std::unique_ptr<MemoryReservation> memory_;
};

class WindowSource : public Source {
 public:
  explicit WindowSource(const WindowSink* sink) : sink_(sink) {}
  std::string Name() const override { return "WindowOutput"; }
  size_t WorkOrders() const override { return ChunkRangeOrders(sink_->output()); }
  Result<ProduceResult> Produce(ExecContext& ctx, size_t order, const ChunkConsumer& push) override;

 private:
  const WindowSink* sink_;
};

Result<std::unique_ptr<WindowSink>> MakeWindowSink(const optimizer::WindowSpec& spec,
                                                   std::vector<DataType> input_types,
                                                   const std::vector<storage::Value>& params);

}  // namespace ibex::exec
