#include "exec/ops/streaming.h"

#include "exec/eval.h"

namespace ibex::exec {

Status FilterOp::Execute(ExecContext& ctx, LocalState& local, Chunk& in,
                         const ChunkConsumer& push) {
  (void)ctx;
  (void)local;
  std::vector<uint32_t> sel;
  IBEX_ASSIGN_OR_RETURN(size_t m, EvaluateFilter(*predicate_, in, &sel));
  if (m == in.size) return push(in);
  if (m == 0) return Status::OK();
  Chunk out = in.Gather(sel.data(), m);
  return push(out);
}

Status ProjectOp::Execute(ExecContext& ctx, LocalState& local, Chunk& in,
                          const ChunkConsumer& push) {
  (void)ctx;
  (void)local;
  Chunk out;
  out.size = in.size;
  out.columns.reserve(exprs_.size());
  for (const auto& e : exprs_) {
    IBEX_ASSIGN_OR_RETURN(Vector v, Evaluate(*e, in));
    if (v.is_constant()) v = v.Flatten(in.size);
    out.columns.push_back(std::move(v));
  }
  return push(out);
}

}  // namespace ibex::exec
