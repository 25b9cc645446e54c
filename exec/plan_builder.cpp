#include "exec/plan_builder.h"

#include <cstdio>
#include <sstream>

#include "exec/cast.h"
#include "exec/eval.h"
#include "exec/expr_compiler.h"
#include "exec/ops/hash_aggregate.h"
#include "exec/ops/hash_join.h"
#include "exec/ops/scan.h"
#include "exec/ops/set_op.h"
#include "exec/ops/sort.h"
#include "exec/ops/streaming.h"
#include "exec/ops/window.h"

namespace ibex::exec {

namespace opt = ibex::optimizer;

namespace {

// An open pipeline: its source and operators so far (ends at some node's output).
struct Stage {
  Source* source = nullptr;
  std::vector<Operator*> ops;
};

std::vector<DataType> TypesOf(const opt::Schema& schema) {
  std::vector<DataType> t;
  for (const opt::Field& f : schema) t.push_back(f.type);
  return t;
}

class Builder {
 public:
  Builder(ExecPlan* plan, const std::vector<Value>& params, const FragmentBuild* fragment)
      : plan_(plan), params_(params), fragment_(fragment) {}

  Result<Stage> Build(const opt::PlanNode& node);

  void Terminate(Stage stage, Sink* sink, bool finalize = true, size_t order_base = 0) {
    plan_->pipelines.push_back(Pipeline{stage.source, std::move(stage.ops), sink, finalize, order_base});
  }

 private:
  Result<ExprPtr> Compile(const opt::PlanExpr& e) { return CompileExpr(e, params_); }
  Result<std::vector<ExprPtr>> CompileAll(const std::vector<opt::PlanExpr>& es) {
    std::vector<ExprPtr> out;
    for (const auto& e : es) {
      IBEX_ASSIGN_OR_RETURN(ExprPtr c, Compile(e));
      out.push_back(std::move(c));
    }
    return out;
  }
  Result<std::vector<SortKeyDef>> CompileKeys(const std::vector<opt::SortKey>& keys) {
    std::vector<SortKeyDef> out;
    for (const opt::SortKey& k : keys) {
      IBEX_ASSIGN_OR_RETURN(ExprPtr e, Compile(k.expr));
      out.push_back(SortKeyDef{std::move(e), SortSpec{k.descending, k.nulls_first}});
    }
    return out;
  }
  void Track(int node, const OperatorStats* s) {
    if (node < 0) return;
    if (plan_->node_stats.size() <= static_cast<size_t>(node)) {
      plan_->node_stats.resize(static_cast<size_t>(node) + 1);
    }
    plan_->node_stats[static_cast<size_t>(node)].push_back(s);
  }
  Source* AddSource(int node, std::unique_ptr<Source> s) {
    Track(node, &s->stats);
    plan_->sources.push_back(std::move(s));
    return plan_->sources.back().get();
  }
  Operator* AddOperator(int node, std::unique_ptr<Operator> o) {
    Track(node, &o->stats);
    plan_->operators.push_back(std::move(o));
    return plan_->operators.back().get();
  }
  Sink* AddSink(int node, std::unique_ptr<Sink> s) {
    Track(node, &s->stats);
    plan_->sinks.push_back(std::move(s));
    return plan_->sinks.back().get();
  }

  // used_outputs: see JoinProbeOp (empty: every output column is read above).
  Result<Stage> BuildJoin(const opt::PlanNode& node, std::vector<bool> used_outputs = {});
  Result<Stage> BuildAggregate(const opt::PlanNode& node);
  Result<Stage> BuildSetOp(const opt::PlanNode& node);

  ExecPlan* plan_;
  const std::vector<Value>& params_;
  const FragmentBuild* fragment_;  // null: a whole plan on one rank
};

Result<AggKind> ToAggKind(opt::AggFunc f) {
  switch (f) {
    case opt::AggFunc::kCountStar:
      return AggKind::kCountStar;
    case opt::AggFunc::kCount:
      return AggKind::kCount;
    case opt::AggFunc::kSum:
      return AggKind::kSum;
    case opt::AggFunc::kAvg:
      return AggKind::kAvg;
    case opt::AggFunc::kMin:
      return AggKind::kMin;
    case opt::AggFunc::kMax:
      return AggKind::kMax;
    case opt::AggFunc::kStddevSamp:
      return AggKind::kStddevSamp;
    case opt::AggFunc::kStddevPop:
      return AggKind::kStddevPop;
    case opt::AggFunc::kVarSamp:
      return AggKind::kVarSamp;
    case opt::AggFunc::kVarPop:
      return AggKind::kVarPop;
  }
  return Status::Internal("unknown aggregate function");
}

Result<Stage> Builder::BuildJoin(const opt::PlanNode& node, std::vector<bool> used_outputs) {
  const auto& spec = node.As<opt::JoinSpec>();
  auto def = std::make_shared<HashJoinDef>();
  switch (spec.type) {
    case opt::JoinType::kInner:
      def->kind = JoinKind::kInner;
      break;
    case opt::JoinType::kLeft:
      def->kind = JoinKind::kLeft;
      break;
    case opt::JoinType::kRight:
      def->kind = JoinKind::kRight;
      break;
    case opt::JoinType::kFull:
      def->kind = JoinKind::kFull;
      break;
    case opt::JoinType::kSemi:
      def->kind = JoinKind::kSemi;
      break;
    case opt::JoinType::kAnti:
      def->kind = JoinKind::kAnti;
      break;
    case opt::JoinType::kMark:
      def->kind = JoinKind::kMark;
      break;
  }
  def->build_is_left = spec.build == opt::BuildSide::kLeft;
  const bool filtering = def->kind == JoinKind::kSemi || def->kind == JoinKind::kAnti ||
                         def->kind == JoinKind::kMark;
  if (filtering && def->build_is_left) {
    return Status::NotSupported("semi/anti/mark join building its left side");
  }
  def->null_aware = spec.null_aware;
  def->at_most_one_match = spec.at_most_one_match;
  def->left_types = TypesOf(node.children[0].schema);
  def->right_types = TypesOf(node.children[1].schema);
  IBEX_ASSIGN_OR_RETURN(std::vector<ExprPtr> left_keys, CompileAll(spec.left_keys));
  IBEX_ASSIGN_OR_RETURN(std::vector<ExprPtr> right_keys, CompileAll(spec.right_keys));
  if (spec.residual) {
      IBEX_ASSIGN_OR_RETURN(def->residual, Compile(*spec.residual));
    }
  def->build_keys = std::move(def->build_is_left ? left_keys : right_keys);
  def->probe_keys = std::move(def->build_is_left ? right_keys : left_keys);
  const opt::PlanNode& build_child = node.children[def->build_is_left ? 0 : 1];
  const opt::PlanNode& probe_child = node.children[def->build_is_left ? 1 : 0];
  IBEX_ASSIGN_OR_RETURN(Stage build, Build(build_child));
  auto sink = std::make_unique<JoinBuildSink>(def);
  JoinBuildSink* build_sink = sink.get();
  Terminate(std::move(build), AddSink(node.id, std::move(sink)));
  IBEX_ASSIGN_OR_RETURN(Stage probe, Build(probe_child));
  probe.ops.push_back(
      AddOperator(node.id, std::make_unique<JoinProbeOp>(def, build_sink, std::move(used_outputs))));
  return probe;
}

Result<Stage> Builder::BuildAggregate(const opt::PlanNode& node) {
  const auto& spec = node.As<opt::AggregateSpec>();
  const AggMode mode = spec.phase == opt::AggPhase::kPartial ? AggMode::kPartial
                       : spec.phase == opt::AggPhase::kFinal ? AggMode::kFinal
                                                             : AggMode::kSingle;
  IBEX_ASSIGN_OR_RETURN(std::vector<ExprPtr> keys, CompileAll(spec.group_keys));
  const opt::Schema& input = node.children[0].schema;
  size_t state_column = spec.group_keys.size();  // kFinal: states follow the group keys
  std::vector<AggregateDef> aggs;
  for (const opt::AggregateCall& call : spec.aggregates) {
    AggregateDef a;
    IBEX_ASSIGN_OR_RETURN(a.kind, ToAggKind(call.func));
    a.type = call.type;
    if (mode == AggMode::kFinal) {
      if (call.distinct) return Status::InvalidArgument("DISTINCT aggregate in a final phase");
      const size_t count = PartialStateTypes(a.kind, call.type, call.type).size();
      if (state_column + count > input.size()) {
        return Status::InvalidArgument("final aggregation input lacks partial state columns");
      }
      a.state_column = static_cast<int>(state_column);
      for (size_t c = 0; c < count; ++c) a.state_types.push_back(input[state_column + c].type);
      state_column += count;
    } else {
      if (call.arg) {
        IBEX_ASSIGN_OR_RETURN(a.arg, Compile(*call.arg));
      }
      a.distinct = call.distinct && a.arg != nullptr;
      if (mode == AggMode::kPartial && a.distinct) {
        return Status::InvalidArgument("DISTINCT aggregate in a partial phase");
      }
    }
    // Validate the state now (workers create theirs without error paths).
    const DataType arg = !a.state_types.empty() ? a.state_types[0]
                         : a.arg                ? a.arg->type
                                                : DataType::Bigint();
    IBEX_RETURN_IF_ERROR(MakeAggState(a.kind, arg, a.type).status());
    aggs.push_back(std::move(a));
  }
  IBEX_ASSIGN_OR_RETURN(Stage in, Build(node.children[0]));
  auto sink = std::make_unique<HashAggregateSink>(std::move(keys), std::move(aggs), mode);
  HashAggregateSink* agg = sink.get();
  Terminate(std::move(in), AddSink(node.id, std::move(sink)));
  return Stage{AddSource(node.id, std::make_unique<AggregateSource>(agg)), {}};
}

Result<Stage> Builder::BuildSetOp(const opt::PlanNode& node) {
  const auto& spec = node.As<opt::SetOpSpec>();
  const std::vector<DataType> types = TypesOf(node.schema);
  const size_t n = node.children.size();
  if (spec.kind == opt::SetOpKind::kUnion && spec.all) {
    auto c = std::make_unique<ChunkCollector>(types);
    ChunkCollector* collector = c.get();
    Sink* sink = AddSink(node.id, std::move(c));
    for (size_t i = 0; i < n; ++i) {
      IBEX_ASSIGN_OR_RETURN(Stage child, Build(node.children[i]));
      Terminate(std::move(child), sink, i + 1 == n, i << 40);
    }
    return Stage{AddSource(node.id, std::make_unique<CollectedSource>(collector)), {}};
  }
  auto state = std::make_shared<SetOpState>();
  state->kind = spec.kind == opt::SetOpKind::kUnion       ? SetKind::kUnion
                : spec.kind == opt::SetOpKind::kIntersect ? SetKind::kIntersect
                                                          : SetKind::kExcept;
  state->all = spec.all;
  state->types = types;
  for (size_t i = 0; i < n; ++i) {
    IBEX_ASSIGN_OR_RETURN(Stage child, Build(node.children[i]));
    Sink* sink = AddSink(i == 0 ? node.id : -1, std::make_unique<SetOpSink>(state, static_cast<int>(i)));
    Terminate(std::move(child), sink, i + 1 == n);
  }
  return Stage{AddSource(node.id, std::make_unique<SetOpSource>(state)), {}};
}

Result<Stage> Builder::Build(const opt::PlanNode& node) {
  switch (node.kind()) {
    case opt::NodeKind::kScan: {
      const auto& spec = node.As<opt::ScanSpec>();
      ExprPtr filter;
      if (spec.filter) {
      IBEX_ASSIGN_OR_RETURN(filter, Compile(*spec.filter));
    }
      std::vector<ScanPrune> prune;
      for (const opt::ColumnRange& r : spec.prune) prune.push_back(ScanPrune{r.column, r.range});
      auto scan = std::make_unique<TableScan>(spec.table, spec.columns, std::move(filter),
                                              std::move(prune));
      if (fragment_ != nullptr && fragment_->partition >= 0) {
        scan->RestrictToPartition(fragment_->partition);
      }
      if (fragment_ != nullptr && fragment_->scan_feed) {
        if (std::shared_ptr<WorkFeed> feed = fragment_->scan_feed(node)) scan->SetFeed(std::move(feed));
      }
      return Stage{AddSource(node.id, std::move(scan)), {}};
    }
    case opt::NodeKind::kFilter: {
      IBEX_ASSIGN_OR_RETURN(ExprPtr pred, Compile(node.As<opt::FilterSpec>().predicate));
      IBEX_ASSIGN_OR_RETURN(Stage s, Build(node.children[0]));
      s.ops.push_back(AddOperator(node.id, std::make_unique<FilterOp>(std::move(pred))));
      return s;
    }
    case opt::NodeKind::kProject: {
      const auto& project = node.As<opt::ProjectSpec>().exprs;
      IBEX_ASSIGN_OR_RETURN(std::vector<ExprPtr> exprs, CompileAll(project));
      Stage s;
      if (node.children[0].kind() == opt::NodeKind::kHashJoin) {
        // The join gathers only the columns this projection reads.
        std::vector<bool> used(node.children[0].schema.size(), false);
        std::vector<int> columns;
        for (const opt::PlanExpr& e : project) e.CollectColumns(&columns);
        for (int c : columns) {
          if (c >= 0 && static_cast<size_t>(c) < used.size()) used[static_cast<size_t>(c)] = true;
        }
        IBEX_ASSIGN_OR_RETURN(s, BuildJoin(node.children[0], std::move(used)));
      } else {
        IBEX_ASSIGN_OR_RETURN(s, Build(node.children[0]));
      }
      s.ops.push_back(AddOperator(node.id, std::make_unique<ProjectOp>(std::move(exprs))));
      return s;
    }
    case opt::NodeKind::kHashJoin:
      return BuildJoin(node);
    case opt::NodeKind::kHashAggregate:
      return BuildAggregate(node);
    case opt::NodeKind::kSort:
    case opt::NodeKind::kTopN: {
      int64_t limit = -1;
      int64_t offset = 0;
      std::vector<opt::SortKey> keys;
      if (node.kind() == opt::NodeKind::kSort) {
        keys = node.As<opt::SortSpec>().keys;
      } else {
        const auto& t = node.As<opt::TopNSpec>();
        keys = t.keys;
        limit = t.limit;
        offset = t.offset;
      }
      IBEX_ASSIGN_OR_RETURN(std::vector<SortKeyDef> defs, CompileKeys(keys));
      IBEX_ASSIGN_OR_RETURN(Stage s, Build(node.children[0]));
      auto sink = std::make_unique<SortSink>(TypesOf(node.children[0].schema), std::move(defs), limit, offset);
      SortSink* sort = sink.get();
      Terminate(std::move(s), AddSink(node.id, std::move(sink)));
      return Stage{AddSource(node.id, std::make_unique<SortedSource>(sort)), {}};
    }
    case opt::NodeKind::kLimit: {
      const auto& spec = node.As<opt::LimitSpec>();
      IBEX_ASSIGN_OR_RETURN(Stage s, Build(node.children[0]));
      auto sink = std::make_unique<ChunkCollector>(TypesOf(node.schema), spec.limit, spec.offset);
      ChunkCollector* c = sink.get();
      Terminate(std::move(s), AddSink(node.id, std::move(sink)));
      return Stage{AddSource(node.id, std::make_unique<CollectedSource>(c)), {}};
    }
    case opt::NodeKind::kSetOperation:
      return BuildSetOp(node);
    case opt::NodeKind::kWindow: {
      const auto& spec = node.As<opt::WindowSpec>();
      IBEX_ASSIGN_OR_RETURN(Stage s, Build(node.children[0]));
      IBEX_ASSIGN_OR_RETURN(std::unique_ptr<WindowSink> sink,
                            MakeWindowSink(spec, TypesOf(node.children[0].schema), params_));
      WindowSink* w = sink.get();
      Terminate(std::move(s), AddSink(node.id, std::move(sink)));
      return Stage{AddSource(node.id, std::make_unique<WindowSource>(w)), {}};
    }
    case opt::NodeKind::kValues: {
      const auto& spec = node.As<opt::ValuesSpec>();
      const std::vector<DataType> types = TypesOf(node.schema);
      Chunk rows;
      rows.size = spec.rows.size();
      for (const DataType& t : types) rows.columns.emplace_back(t, rows.size);
      Chunk one;
      one.size = 1;
      for (size_t r = 0; r < spec.rows.size(); ++r) {
        for (size_t c = 0; c < types.size() && c < spec.rows[r].size(); ++c) {
          IBEX_ASSIGN_OR_RETURN(ExprPtr e, Compile(spec.rows[r][c]));
          IBEX_ASSIGN_OR_RETURN(Vector v, Evaluate(*e, one));
          Value value = v.GetValue(0);
          if (!value.is_null() && !(value.type() == types[c])) {
            Vector single = Vector::Constant(value);
            IBEX_ASSIGN_OR_RETURN(Vector cast, CastVector(single, types[c], 1));
            value = cast.GetValue(0);
          }
          rows.columns[c].SetValue(r, value);
        }
      }
      for (Vector& v : rows.columns) v.CompactNulls();
      return Stage{AddSource(node.id, std::make_unique<ValuesSource>(std::move(rows))), {}};
    }
    case opt::NodeKind::kExchange:
      if (node.children.empty()) {
        // A fragment's receiving end: the runtime supplies the source.
        if (fragment_ == nullptr || !fragment_->exchange_source) {
          return Status::Internal("exchange receiver outside a distributed fragment");
        }
        IBEX_ASSIGN_OR_RETURN(std::unique_ptr<Source> source, fragment_->exchange_source(node));
        return Stage{AddSource(node.id, std::move(source)), {}};
      }
      // One rank: every exchange is the identity.
      return Build(node.children[0]);
    case opt::NodeKind::kSink:
      return Status::NotSupported("INSERT / CREATE TABLE AS in the engine");
  }
  return Status::Internal("unknown plan node");
}

}  // namespace

Result<std::unique_ptr<ExecPlan>> BuildExecPlan(const opt::PhysicalPlan& plan,
                                                const std::vector<Value>& params) {
  return BuildExecPlan(plan, params, FragmentBuild{});
}

Result<std::unique_ptr<ExecPlan>> BuildExecPlan(const opt::PhysicalPlan& plan,
                                                const std::vector<Value>& params,
                                                FragmentBuild fragment) {
  auto out = std::make_unique<ExecPlan>();
  const bool distributed = fragment.partition >= 0 || fragment.exchange_source || fragment.root_sink ||
                           fragment.scan_feed;
  Builder b(out.get(), params, distributed ? &fragment : nullptr);
  IBEX_ASSIGN_OR_RETURN(Stage root, b.Build(plan.root));
  if (fragment.root_sink) {
    Sink* sink = fragment.root_sink.get();
    out->sinks.push_back(std::move(fragment.root_sink));
    b.Terminate(std::move(root), sink);
    return out;
  }
  auto collector = std::make_unique<ChunkCollector>(TypesOf(plan.root.schema));
  out->result = collector.get();
  out->sinks.push_back(std::move(collector));
  b.Terminate(std::move(root), out->result);
  return out;
}

std::string ExplainAnalyzeText(const opt::PhysicalPlan& plan, const ExecPlan& exec) {
  std::istringstream lines(opt::ExplainText(plan));
  // ExplainText prints one line per node in pre-order; a fragment's nodes keep the whole
  // plan's ids, so map lines to ids by walking the tree the same way.
  std::vector<int> ids;
  opt::ForEachNode(plan.root, [&](const opt::PlanNode& n) { ids.push_back(n.id); });
  std::string out;
  std::string line;
  size_t line_no = 0;
  while (std::getline(lines, line)) {
    const size_t node = line_no < ids.size() && ids[line_no] >= 0 ? static_cast<size_t>(ids[line_no])
                                                                  : SIZE_MAX;
    out += line;
    if (node < exec.node_stats.size() && !exec.node_stats[node].empty()) {
      int64_t rows = 0;
      int64_t ns = 0;
      int64_t mem = 0;
      // The node's output rows: what its last stage produced.
      rows = exec.node_stats[node].back()->rows_out.load();
      for (const OperatorStats* s : exec.node_stats[node]) {
        ns += s->time_ns.load();
        mem = std::max(mem, s->memory_peak.load());
      }
      char buf[128];
      std::snprintf(buf, sizeof(buf), " actual_rows=%lld time=%.2fms", static_cast<long long>(rows),
                    static_cast<double>(ns) / 1e6);
      out += buf;
      if (mem > 0) out += " memory=" + FormatBytes(mem);
    }
    out += '\n';
    ++line_no;
  }
  return out;
}

}  // namespace ibex::exec
