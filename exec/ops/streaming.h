// The streaming operators: Filter (a selection vector, then a gather of the rows kept) and
// Project (one expression per output column). Stateless per chunk.
//
// Threads: Execute runs concurrently on workers.
#pragma once

#include <vector>

#include "exec/expr.h"
#include "exec/operator.h"

namespace ibex::exec {

class FilterOp : public Operator {
 public:
  explicit FilterOp(ExprPtr predicate) : predicate_(std::move(predicate)) {}
  std::string Name() const override { return "Filter"; }
  Status Execute(ExecContext& ctx, LocalState& local, Chunk& in, const ChunkConsumer& push) override;

 private:
  ExprPtr predicate_;
};

class ProjectOp : public Operator {
 public:
  explicit ProjectOp(std::vector<ExprPtr> exprs) : exprs_(std::move(exprs)) {}
  std::string Name() const override { return "Project"; }
  Status Execute(ExecContext& ctx, LocalState& local, Chunk& in, const ChunkConsumer& push) override;

 private:
  std::vector<ExprPtr> exprs_;
};

}  // namespace ibex::exec
