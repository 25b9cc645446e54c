#include "exec/ops/window.h"

#include <algorithm>
#include <cstring>
#include <numeric>

#include "exec/cast.h"
#include "exec/eval.h"
#include "exec/ops/collect.h"
#include "exec/expr_compiler.h"
#include "exec/row_key.h"

namespace ibex::exec {

namespace opt = ibex::optimizer;

Result<std::unique_ptr<WindowSink>> MakeWindowSink(const opt::WindowSpec& spec,
                                                   std::vector<DataType> input_types,
                                                   const std::vector<Value>& params) {
  std::vector<ExprPtr> partition;
  for (const auto& e : spec.partition_keys) {
    IBEX_ASSIGN_OR_RETURN(ExprPtr c, CompileExpr(e, params));
    partition.push_back(std::move(c));
  }
  std::vector<SortKeyDef> order;
  for (const auto& k : spec.order_keys) {
    IBEX_ASSIGN_OR_RETURN(ExprPtr c, CompileExpr(k.expr, params));
    order.push_back(SortKeyDef{std::move(c), SortSpec{k.descending, k.nulls_first}});
  }
  std::vector<WindowFunctionDef> functions;
  for (const auto& f : spec.functions) {
    WindowFunctionDef d;
    d.func = f.func;
    d.type = f.type;
    if (f.arg) {
      IBEX_ASSIGN_OR_RETURN(d.arg, CompileExpr(*f.arg, params));
    }
    functions.push_back(std::move(d));
  }
  return std::make_unique<WindowSink>(std::move(input_types), std::move(partition),
                                      std::move(order), std::move(functions));
}

std::unique_ptr<LocalState> WindowSink::MakeLocal(ExecContext& ctx) {
  if (memory_ == nullptr) memory_ = std::make_unique<MemoryReservation>(ctx.memory, Name());
  return std::make_unique<ChunkListLocal>();
}

Status WindowSink::Consume(ExecContext& ctx, LocalState& local, Chunk& chunk) {
  (void)ctx;
  static_cast<ChunkListLocal&>(local).Add(chunk);
  return Status::OK();
}

Status WindowSink::Combine(ExecContext& ctx, LocalState& local) {
  (void)ctx;
  return static_cast<ChunkListLocal&>(local).MoveTo(memory_.get(), &stats, &chunks_);
}

Status WindowSink::Finalize(ExecContext& ctx) {
  (void)ctx;
  Chunk all = ConcatChunks(chunks_, types_);
  chunks_.clear();
  const size_t n = all.size;
  // Sort by partition keys (any fixed order) then the order keys.
  std::vector<SortKeyDef> keys;
  for (const auto& p : partition_) keys.push_back(SortKeyDef{p->Clone(), SortSpec{}});
  for (const auto& o : order_) keys.push_back(SortKeyDef{o.expr->Clone(), o.spec});
  Chunk sorted;
  if (!keys.empty()) {
    IBEX_ASSIGN_OR_RETURN(sorted, SortRows(all, keys, -1, 0));
  } else {
    sorted = std::move(all);
  }
  // Partition and peer boundaries from encoded keys of the sorted rows.
  auto encode = [&](const std::vector<const Expr*>& exprs, KeyBuffer* kb) -> Status {
    std::vector<Vector> vs;
    for (const Expr* e : exprs) {
      IBEX_ASSIGN_OR_RETURN(Vector v, Evaluate(*e, sorted));
      if (v.is_constant()) v = v.Flatten(n);
      vs.push_back(std::move(v));
    }
    std::vector<const Vector*> cols;
    for (const Vector& v : vs) cols.push_back(&v);
    kb->Encode(cols, nullptr, n);
    return Status::OK();
  };
  std::vector<const Expr*> pexprs;
  for (const auto& p : partition_) pexprs.push_back(p.get());
  std::vector<const Expr*> oexprs;
  for (const auto& o : order_) oexprs.push_back(o.expr.get());
  KeyBuffer pk;
  KeyBuffer ok;
  IBEX_RETURN_IF_ERROR(encode(pexprs, &pk));
  IBEX_RETURN_IF_ERROR(encode(oexprs, &ok));
  std::vector<uint8_t> new_partition(n, 0);
  std::vector<uint8_t> new_peer(n, 0);
  for (size_t i = 0; i < n; ++i) {
    new_partition[i] = i == 0 || pexprs.empty() ? (i == 0) : (pk.Key(i) != pk.Key(i - 1));
    new_peer[i] = new_partition[i] || (!oexprs.empty() && ok.Key(i) != ok.Key(i - 1));
  }
  output_ = std::move(sorted);
  for (const WindowFunctionDef& f : functions_) {
    Vector out(f.type, n);
    Vector arg;
    if (f.arg) {
      IBEX_ASSIGN_OR_RETURN(arg, Evaluate(*f.arg, output_));
      arg = arg.Flatten(n);
    }
    auto put_int = [&](size_t i, int64_t v) {
      if (out.physical() == PhysicalType::kInt32) {
        out.mutable_data<int32_t>()[i] = static_cast<int32_t>(v);
      } else {
        out.mutable_data<int64_t>()[i] = v;
      }
    };
    size_t start = 0;
    while (start < n) {
      size_t end = start + 1;
      while (end < n && !new_partition[end]) ++end;
      // Partition [start, end): walk peer groups.
      int64_t row_number = 0;
      int64_t rank = 0;
      int64_t dense = 0;
      int64_t count = 0;
      Value acc;  // SUM/MIN/MAX running value
      double dsum = 0;
      size_t g = start;
      const bool whole = oexprs.empty();
      while (g < end) {
        size_t ge = g + 1;
        while (ge < end && !new_peer[ge]) ++ge;
        if (whole) ge = end;
        ++dense;
        rank = row_number + 1;
        // Fold the peer group into the running aggregate.
        for (size_t i = g; i < ge; ++i) {
          if (!f.arg || arg.IsNull(i)) continue;
          ++count;
          const Value v = arg.GetValue(i);
          if (f.func == opt::WindowFunc::kAvg) {
            IBEX_ASSIGN_OR_RETURN(Vector d, CastVector(Vector::Constant(v), DataType::Double(), 1));
            dsum += d.data<double>()[0];
          } else if (f.func == opt::WindowFunc::kSum) {
            if (acc.is_null()) {
              acc = v;
            } else if (v.type().id() == storage::TypeId::kDouble) {
              acc = Value::Double(acc.dbl() + v.dbl());
            } else {
              acc = Value::Decimal(acc.int128() + v.int128(), DataType::Decimal(38, ScaleOf(v.type())));
            }
          } else if (f.func == opt::WindowFunc::kMin || f.func == opt::WindowFunc::kMax) {
            const bool better = acc.is_null() || (f.func == opt::WindowFunc::kMin ? v.Compare(acc) < 0
                                                                                : v.Compare(acc) > 0);
            if (better) acc = v;
          }
        }
        for (size_t i = g; i < ge; ++i) {
          ++row_number;
          switch (f.func) {
            case opt::WindowFunc::kRowNumber:
              put_int(i, row_number);
              break;
            case opt::WindowFunc::kRank:
              put_int(i, rank);
              break;
            case opt::WindowFunc::kDenseRank:
              put_int(i, dense);
              break;
            case opt::WindowFunc::kCountStar:
              put_int(i, static_cast<int64_t>(ge - start));
              break;
            case opt::WindowFunc::kCount:
              put_int(i, count);
              break;
            case opt::WindowFunc::kAvg:
              if (count == 0) {
                out.SetNull(i);
              } else {
                out.mutable_data<double>()[i] = dsum / static_cast<double>(count);
              }
              break;
            case opt::WindowFunc::kSum:
            case opt::WindowFunc::kMin:
            case opt::WindowFunc::kMax:
              if (acc.is_null()) {
                out.SetNull(i);
              } else {
                IBEX_ASSIGN_OR_RETURN(Vector c, CastVector(Vector::Constant(acc), f.type, 1));
                out.SetValue(i, c.GetValue(0));
              }
              break;
          }
        }
        g = ge;
      }
      start = end;
    }
    out.CompactNulls();
    output_.columns.push_back(std::move(out));
  }
  stats.rows_out.store(static_cast<int64_t>(n));
  return Status::OK();
}

Result<ProduceResult> WindowSource::Produce(ExecContext& ctx, size_t order, const ChunkConsumer& push) {
  (void)ctx;
  return ProduceChunkRange(sink_->output(), order, push);
}

}  // namespace ibex::exec
