// Queries: set operations, the SELECT list, aggregation (GROUP BY, HAVING, DISTINCT), window
// functions, ORDER BY, LIMIT/OFFSET. FROM/WHERE: from_planner.cpp; subqueries:
// subquery_planner.cpp.
#include "optimizer/query_planner.h"

#include <algorithm>

#include "frontend/binder/binder.h"
#include "optimizer/cardinality.h"
#include "optimizer/constant_folding.h"
#include "optimizer/predicate_pushdown.h"

namespace ibex::optimizer {

using EK = ast::ExprKind;

PlanNode QueryPlanner::MakeNode(NodePayload payload, Schema schema, PlanNode child) {
  PlanNode node;
  node.schema = std::move(schema);
  node.estimated_rows = child.estimated_rows;
  node.payload = std::move(payload);
  node.children.push_back(std::move(child));
  return node;
}

PlanNode QueryPlanner::MakeProject(std::vector<PlanExpr> exprs, std::vector<std::string> names,
                                   PlanNode child) {
  Schema schema;
  for (size_t i = 0; i < exprs.size(); ++i)
    schema.push_back({i < names.size() ? names[i] : "", exprs[i].type});
  return MakeNode(ProjectSpec{std::move(exprs)}, std::move(schema), std::move(child));
}

Result<PlanExpr> QueryPlanner::Translate(Level& level, const ast::Expr& e,
                                         std::optional<DataType> expected) {
  ExprTranslator t({ScopeColumns{level.grouped ? nullptr : &level.offsets, 0}});
  for (const auto& [pattern, replacement] : level.subs) t.Substitute(pattern, replacement);
  t.set_param_types(param_types_);
  t.set_subquery_hook([this, &level](const ast::Expr& sub) { return AttachSubquery(level, sub); });
  return t.Translate(e, expected);
}

namespace {

void AddUnique(const ast::Expr* e, std::vector<const ast::Expr*>* out) {
  for (const ast::Expr* x : *out) {
    if (sql::SameExpr(*x, *e)) return;
  }
  out->push_back(e);
}

void CollectAggregates(const ast::Expr& e, std::vector<const ast::Expr*>* out) {
  if (e.kind == EK::kExists || e.kind == EK::kSubquery) return;
  if (e.kind == EK::kInSubquery) {
    CollectAggregates(*e.args[0], out);
    return;
  }
  if (e.bound.is_aggregate) {
    AddUnique(&e, out);
    return;
  }
  for (const auto& a : e.args) CollectAggregates(*a, out);
  if (e.window) {
    for (const auto& p : e.window->partition_by) CollectAggregates(*p, out);
    for (const auto& o : e.window->order_by) CollectAggregates(*o.expr, out);
  }
}

void CollectWindows(const ast::Expr& e, std::vector<const ast::Expr*>* out) {
  if (e.kind == EK::kExists || e.kind == EK::kSubquery || e.kind == EK::kInSubquery) return;
  if (e.bound.is_window) {
    AddUnique(&e, out);
    return;
  }
  for (const auto& a : e.args) CollectWindows(*a, out);
}

Result<AggFunc> AggregateFunction(const ast::Expr& e) {
  std::string name = storage::ToLowerAscii(e.name);
  bool star = e.args.empty() || e.args[0]->kind == EK::kStar;
  if (name == "count") return star ? AggFunc::kCountStar : AggFunc::kCount;
  if (name == "sum") return AggFunc::kSum;
  if (name == "avg") return AggFunc::kAvg;
  if (name == "min") return AggFunc::kMin;
  if (name == "max") return AggFunc::kMax;
  if (name == "stddev" || name == "stddev_samp") return AggFunc::kStddevSamp;
  if (name == "stddev_pop") return AggFunc::kStddevPop;
  if (name == "variance" || name == "var_samp") return AggFunc::kVarSamp;
  if (name == "var_pop") return AggFunc::kVarPop;
  return Status::NotSupported("aggregate " + name);
}

Result<WindowFunc> WindowFunction(const ast::Expr& e) {
  std::string name = storage::ToLowerAscii(e.name);
  bool star = e.args.empty() || e.args[0]->kind == EK::kStar;
  if (name == "row_number") return WindowFunc::kRowNumber;
  if (name == "rank") return WindowFunc::kRank;
  if (name == "dense_rank") return WindowFunc::kDenseRank;
  if (name == "count") return star ? WindowFunc::kCountStar : WindowFunc::kCount;
  if (name == "sum") return WindowFunc::kSum;
  if (name == "avg") return WindowFunc::kAvg;
  if (name == "min") return WindowFunc::kMin;
  if (name == "max") return WindowFunc::kMax;
  return Status::NotSupported("window function " + name);
}

// A constant LIMIT/OFFSET value.
Result<int64_t> ConstantCount(const ast::ExprPtr& e, std::vector<DataType>* param_types,
                              const char* what) {
  if (!e) return -1;
  ExprTranslator t({});
  t.set_param_types(param_types);
  IBEX_ASSIGN_OR_RETURN(PlanExpr p, t.Translate(*e, DataType::Bigint()));
  FoldConstants(&p);
  if (p.kind != ExprKind::kLiteral || p.value.is_null() || !p.type.is_numeric() ||
      p.type.is_decimal() || p.type.id() == storage::TypeId::kDouble) {
    return Status::NotSupported(std::string(what) + " must be a constant integer");
  }
  if (p.value.int64() < 0)
    return Status::InvalidArgument(std::string(what) + " must not be negative");
  return p.value.int64();
}

std::string KeyName(const PlanExpr& key, const Schema& input, const char* fallback, size_t i) {
  if (key.kind == ExprKind::kColumn && key.column >= 0 &&
      static_cast<size_t>(key.column) < input.size()) {
    return input[key.column].name;
  }
  return fallback + std::to_string(i);
}

}  // namespace

Status QueryPlanner::PlanAggregation(Level& level, const std::vector<const ast::Expr*>& roots,
                                     std::vector<PlanExpr> extra_keys) {
  std::vector<const ast::Expr*> aggs;
  for (const ast::Expr* r : roots) CollectAggregates(*r, &aggs);
  AggregateSpec spec;
  Schema schema;
  for (PlanExpr& k : extra_keys) {
    schema.push_back({KeyName(k, level.plan.schema, "key", schema.size()), k.type});
    spec.group_keys.push_back(std::move(k));
  }
  size_t extra = spec.group_keys.size();
  const std::vector<ast::ExprPtr>& group_by = level.core->group_by;
  for (const auto& g : group_by) {
    IBEX_ASSIGN_OR_RETURN(PlanExpr k, Translate(level, *g));
    std::string name =
        g->kind == EK::kColumnRef ? g->name : KeyName(k, level.plan.schema, "group", schema.size());
    schema.push_back({name, k.type});
    spec.group_keys.push_back(std::move(k));
  }
  for (const ast::Expr* a : aggs) {
    AggregateCall call;
    IBEX_ASSIGN_OR_RETURN(call.func, AggregateFunction(*a));
    if (call.func != AggFunc::kCountStar) {
      IBEX_ASSIGN_OR_RETURN(PlanExpr arg, Translate(level, *a->args[0]));
      call.arg = std::move(arg);
    }
    call.distinct = a->distinct;
    call.type = ExprTranslator::TypeOf(a->bound.type);
    schema.push_back({storage::ToLowerAscii(a->name), call.type});
    spec.aggregates.push_back(std::move(call));
  }
  double groups = GroupCount(level.plan, spec.group_keys, catalog_);
  size_t nkeys = spec.group_keys.size();
  PlanNode node = MakeNode(std::move(spec), std::move(schema), std::move(level.plan));
  node.estimated_rows = groups;
  level.plan = std::move(node);
  level.grouped = true;
  for (size_t i = 0; i < group_by.size(); ++i) {
    level.subs.emplace_back(group_by[i].get(), PlanExpr::Column(static_cast<int>(extra + i),
                                                                level.plan.schema[extra + i].type));
  }
  for (size_t j = 0; j < aggs.size(); ++j) {
    level.subs.emplace_back(
        aggs[j], PlanExpr::Column(static_cast<int>(nkeys + j), level.plan.schema[nkeys + j].type));
  }
  return Status::OK();
}

Status QueryPlanner::PlanWindows(Level& level, const std::vector<const ast::Expr*>& roots) {
  std::vector<const ast::Expr*> windows;
  for (const ast::Expr* r : roots) CollectWindows(*r, &windows);
  for (const ast::Expr* w : windows) {
    WindowSpec spec;
    for (const auto& p : w->window->partition_by) {
      IBEX_ASSIGN_OR_RETURN(PlanExpr k, Translate(level, *p));
      spec.partition_keys.push_back(std::move(k));
    }
    for (const auto& o : w->window->order_by) {
      IBEX_ASSIGN_OR_RETURN(PlanExpr k, Translate(level, *o.expr));
      spec.order_keys.push_back({std::move(k), o.descending, o.nulls_first.value_or(false)});
    }
    WindowCall call;
    IBEX_ASSIGN_OR_RETURN(call.func, WindowFunction(*w));
    if (!w->args.empty() && w->args[0]->kind != EK::kStar) {
      IBEX_ASSIGN_OR_RETURN(PlanExpr arg, Translate(level, *w->args[0]));
      call.arg = std::move(arg);
    }
    call.type = ExprTranslator::TypeOf(w->bound.type);
    spec.functions.push_back(call);
    Schema schema = level.plan.schema;
    schema.push_back({storage::ToLowerAscii(w->name), call.type});
    int pos = static_cast<int>(schema.size()) - 1;
    level.plan = MakeNode(std::move(spec), std::move(schema), std::move(level.plan));
    level.subs.emplace_back(w, PlanExpr::Column(pos, call.type));
  }
  return Status::OK();
}

Result<PlanNode> QueryPlanner::PlanSelect(const ast::SelectCore& core,
                                          const std::vector<ast::OrderItem>* order_by,
                                          const std::vector<ast::OutputColumn>& outputs,
                                          std::vector<int>* order_positions) {
  Level level;
  IBEX_RETURN_IF_ERROR(PlanFromWhere(core, &level, nullptr));
  std::vector<const ast::Expr*> roots;
  for (const auto& item : core.items) roots.push_back(item.expr.get());
  if (core.having) roots.push_back(core.having.get());
  if (order_by != nullptr) {
    for (const auto& o : *order_by) {
      if (o.expr->bound.select_index < 0) roots.push_back(o.expr.get());
    }
  }
  if (core.aggregating) {
    IBEX_RETURN_IF_ERROR(PlanAggregation(level, roots));
    std::vector<const ast::Expr*> having;
    SplitAstConjuncts(core.having.get(), &having);
    for (const ast::Expr* h : having) {
      if (ContainsSubquery(*h)) {
        IBEX_RETURN_IF_ERROR(ApplySubqueryConjunct(level, *h));
        continue;
      }
      IBEX_ASSIGN_OR_RETURN(PlanExpr p, Translate(level, *h, DataType::Boolean()));
      PushFilter(&level.plan, std::move(p), 0.5);
    }
  }
  IBEX_RETURN_IF_ERROR(PlanWindows(level, roots));
  std::vector<PlanExpr> exprs;
  std::vector<std::string> names;
  for (size_t i = 0; i < core.items.size(); ++i) {
    std::optional<DataType> expected;
    if (i < outputs.size() && !outputs[i].type.unknown())
      expected = ExprTranslator::TypeOf(outputs[i].type);
    IBEX_ASSIGN_OR_RETURN(PlanExpr p, Translate(level, *core.items[i].expr, expected));
    exprs.push_back(std::move(p));
    std::string name = i < outputs.size() ? outputs[i].name : "";
    if (name.empty() && core.items[i].alias) name = core.items[i].alias->name;
    if (name.empty() && core.items[i].expr->kind == EK::kColumnRef) name = core.items[i].expr->name;
    names.push_back(std::move(name));
  }
  if (order_by != nullptr) {
    for (const auto& o : *order_by) {
      int pos = o.expr->bound.select_index;
      for (size_t i = 0; pos < 0 && i < core.items.size(); ++i) {
        if (sql::SameExpr(*core.items[i].expr, *o.expr)) pos = static_cast<int>(i);
      }
      if (pos < 0) {
        IBEX_ASSIGN_OR_RETURN(PlanExpr p, Translate(level, *o.expr));
        pos = static_cast<int>(exprs.size());
        exprs.push_back(std::move(p));
        names.push_back("order" + std::to_string(pos));
      }
      order_positions->push_back(pos);
    }
  }
  PlanNode plan = MakeProject(std::move(exprs), std::move(names), std::move(level.plan));
  if (core.distinct) {
    AggregateSpec spec;
    for (size_t i = 0; i < plan.schema.size(); ++i)
      spec.group_keys.push_back(PlanExpr::Column(static_cast<int>(i), plan.schema[i].type));
    Schema schema = plan.schema;
    double rows = GroupCount(plan, spec.group_keys, catalog_);
    plan = MakeNode(std::move(spec), std::move(schema), std::move(plan));
    plan.estimated_rows = rows;
  }
  return plan;
}

namespace {

// The type both sides of a set operation are cast to.
DataType SetOpType(const DataType& a, const DataType& b) {
  if (a == b) return a;
  if (a.is_string() && b.is_string()) return DataType::Varchar();
  auto c = ComparisonType(a, b);
  return c ? *c : a;
}

PlanNode CastTo(PlanNode plan, const std::vector<DataType>& types) {
  bool same = true;
  for (size_t i = 0; i < types.size(); ++i) same = same && plan.schema[i].type == types[i];
  if (same) return plan;
  std::vector<PlanExpr> exprs;
  std::vector<std::string> names;
  for (size_t i = 0; i < types.size(); ++i) {
    exprs.push_back(
        PlanExpr::Cast(PlanExpr::Column(static_cast<int>(i), plan.schema[i].type), types[i]));
    names.push_back(plan.schema[i].name);
  }
  return QueryPlanner::MakeProject(std::move(exprs), std::move(names), std::move(plan));
}

}  // namespace

Result<PlanNode> QueryPlanner::PlanBody(const ast::QueryBody& body) {
  if (body.op == ast::SetOp::kNone) {
    if (body.nested) return PlanQuery(*body.nested);
    std::vector<int> unused;
    static const std::vector<ast::OutputColumn> kNoOutputs;
    return PlanSelect(*body.select, nullptr, kNoOutputs, &unused);
  }
  IBEX_ASSIGN_OR_RETURN(PlanNode left, PlanBody(*body.left));
  IBEX_ASSIGN_OR_RETURN(PlanNode right, PlanBody(*body.right));
  if (left.schema.size() != right.schema.size())
    return Status::Internal("set operation widths differ");
  std::vector<DataType> types;
  for (size_t i = 0; i < left.schema.size(); ++i)
    types.push_back(SetOpType(left.schema[i].type, right.schema[i].type));
  SetOpSpec spec;
  spec.kind = body.op == ast::SetOp::kUnion       ? SetOpKind::kUnion
              : body.op == ast::SetOp::kIntersect ? SetOpKind::kIntersect
                                                  : SetOpKind::kExcept;
  spec.all = body.all;
  double rows = spec.kind == SetOpKind::kUnion ? left.estimated_rows + right.estimated_rows
                : spec.kind == SetOpKind::kIntersect
                    ? std::min(left.estimated_rows, right.estimated_rows)
                    : left.estimated_rows;
  PlanNode node;
  left = CastTo(std::move(left), types);
  right = CastTo(std::move(right), types);
  node.schema = left.schema;
  node.estimated_rows = rows;
  // UNION chains of the same kind become one n-ary node.
  bool merge = spec.kind == SetOpKind::kUnion && left.kind() == NodeKind::kSetOperation &&
               left.As<SetOpSpec>().kind == SetOpKind::kUnion &&
               left.As<SetOpSpec>().all == spec.all;
  node.payload = spec;
  if (merge) {
    for (PlanNode& c : left.children) node.children.push_back(std::move(c));
  } else {
    node.children.push_back(std::move(left));
  }
  node.children.push_back(std::move(right));
  return node;
}

Result<PlanNode> QueryPlanner::PlanQuery(const ast::Query& q) {
  PlanNode plan;
  std::vector<int> order_positions;
  if (q.body->op == ast::SetOp::kNone && q.body->select) {
    IBEX_ASSIGN_OR_RETURN(plan,
                          PlanSelect(*q.body->select, &q.order_by, q.outputs, &order_positions));
  } else {
    IBEX_ASSIGN_OR_RETURN(plan, PlanBody(*q.body));
    for (const auto& o : q.order_by) order_positions.push_back(o.expr->bound.select_index);
  }
  std::vector<SortKey> keys;
  for (size_t i = 0; i < q.order_by.size(); ++i) {
    int pos = order_positions[i];
    if (pos < 0) return Status::Internal("ORDER BY item without a column");
    const ast::OrderItem& o = q.order_by[i];
    keys.push_back({PlanExpr::Column(pos, plan.schema[pos].type), o.descending,
                    o.nulls_first.value_or(false)});
  }
  IBEX_ASSIGN_OR_RETURN(int64_t limit, ConstantCount(q.limit, param_types_, "LIMIT"));
  IBEX_ASSIGN_OR_RETURN(int64_t offset, ConstantCount(q.offset, param_types_, "OFFSET"));
  offset = std::max<int64_t>(offset, 0);
  Schema schema = plan.schema;
  if (!keys.empty() && limit >= 0) {
    double rows = std::min(plan.estimated_rows, static_cast<double>(limit));
    plan = MakeNode(TopNSpec{std::move(keys), limit, offset}, schema, std::move(plan));
    plan.estimated_rows = rows;
  } else if (!keys.empty()) {
    plan = MakeNode(SortSpec{std::move(keys)}, schema, std::move(plan));
    if (offset > 0) plan = MakeNode(LimitSpec{-1, offset}, schema, std::move(plan));
  } else if (limit >= 0 || offset > 0) {
    double rows = limit >= 0 ? std::min(plan.estimated_rows, static_cast<double>(limit))
                             : plan.estimated_rows;
    plan = MakeNode(LimitSpec{limit, offset}, schema, std::move(plan));
    plan.estimated_rows = rows;
  }
  size_t n = q.outputs.size();
  if (plan.schema.size() > n) {
    std::vector<PlanExpr> exprs;
    std::vector<std::string> names;
    for (size_t i = 0; i < n; ++i) {
      exprs.push_back(PlanExpr::Column(static_cast<int>(i), plan.schema[i].type));
      names.push_back(plan.schema[i].name);
    }
    plan = MakeProject(std::move(exprs), std::move(names), std::move(plan));
  }
  for (size_t i = 0; i < n && i < plan.schema.size(); ++i) plan.schema[i].name = q.outputs[i].name;
  return plan;
}

}  // namespace ibex::optimizer
