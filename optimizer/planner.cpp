#include "optimizer/planner.h"

#include "optimizer/column_pruning.h"
#include "optimizer/constant_folding.h"
#include "optimizer/query_planner.h"

namespace ibex::optimizer {

using K = sql::ast::StatementKind;

namespace {

Result<PhysicalPlan> Finish(Result<PlanNode> root, std::vector<DataType> param_types,
                            int param_count) {
  if (!root.ok()) return root.status();
  PhysicalPlan plan;
  plan.root = std::move(root).value();
  PruneColumns(&plan.root);
  AssignNodeIds(&plan.root);
  plan.param_count = std::max<int>(param_count, static_cast<int>(param_types.size()));
  param_types.resize(plan.param_count, DataType::Varchar());
  plan.param_types = std::move(param_types);
  return plan;
}

// INSERT INTO t [(cols)] SELECT ... | VALUES ...: the rows cast to t's column types, then a Sink.
Result<PlanNode> PlanInsert(const sql::ast::Statement& s, const storage::Catalog& catalog,
                            QueryPlanner& planner, std::vector<DataType>* param_types) {
  IBEX_ASSIGN_OR_RETURN(const storage::Table* table, catalog.GetTable(s.name.name));
  const auto& columns = table->def.columns;
  std::vector<int> targets;
  for (const auto& id : s.column_list) targets.push_back(table->def.FindColumn(id.name));
  if (targets.empty()) {
    for (size_t i = 0; i < columns.size(); ++i) targets.push_back(static_cast<int>(i));
  }
  PlanNode source;
  if (s.query) {
    IBEX_ASSIGN_OR_RETURN(source, planner.PlanQuery(*s.query));
  } else {
    ValuesSpec values;
    for (const auto& row : s.values) {
      std::vector<PlanExpr> out;
      for (size_t i = 0; i < row.size() && i < targets.size(); ++i) {
        DataType t = columns[targets[i]].type;
        ExprTranslator tr({});
        tr.set_param_types(param_types);
        IBEX_ASSIGN_OR_RETURN(PlanExpr e, tr.Translate(*row[i], t));
        PlanExpr cast = PlanExpr::Cast(std::move(e), t);
        FoldConstants(&cast);
        out.push_back(std::move(cast));
      }
      values.rows.push_back(std::move(out));
    }
    for (size_t i = 0; i < targets.size(); ++i)
      source.schema.push_back({columns[targets[i]].name, columns[targets[i]].type});
    source.estimated_rows = static_cast<double>(s.values.size());
    source.payload = std::move(values);
  }
  if (source.schema.size() != targets.size())
    return Status::InvalidArgument("INSERT column count mismatch");
  std::vector<PlanExpr> exprs;
  std::vector<std::string> names;
  for (size_t c = 0; c < columns.size(); ++c) {
    auto it = std::find(targets.begin(), targets.end(), static_cast<int>(c));
    if (it == targets.end()) {
      exprs.push_back(PlanExpr::Literal(storage::Value::Null(columns[c].type)));
    } else {
      int pos = static_cast<int>(it - targets.begin());
      exprs.push_back(
          PlanExpr::Cast(PlanExpr::Column(pos, source.schema[pos].type), columns[c].type));
    }
    names.push_back(columns[c].name);
  }
  PlanNode rows = QueryPlanner::MakeProject(std::move(exprs), std::move(names), std::move(source));
  SinkSpec sink;
  sink.table = table->def.name;
  sink.table_id = table->table_id;
  for (size_t c = 0; c < columns.size(); ++c) sink.columns.push_back(static_cast<int>(c));
  return QueryPlanner::MakeNode(std::move(sink), {{"count", DataType::Bigint()}}, std::move(rows));
}

Result<PhysicalPlan> PlanAst(const sql::ast::Statement& s, int param_count,
                             const storage::Catalog& catalog) {
  std::vector<DataType> param_types;
  QueryPlanner planner(catalog, &param_types);
  switch (s.kind) {
    case K::kSelect: {
      Result<PlanNode> root = planner.PlanQuery(*s.query);
      return Finish(std::move(root), std::move(param_types), param_count);
    }
    case K::kInsert:
    case K::kCreateTableAs: {  // the shell has created the table: fill it like an INSERT
      Result<PlanNode> root = PlanInsert(s, catalog, planner, &param_types);
      return Finish(std::move(root), std::move(param_types), param_count);
    }
    case K::kExplain:
    case K::kPrepare:
      if (!s.inner) return Status::Internal("EXPLAIN/PREPARE without a statement");
      return PlanAst(*s.inner, param_count, catalog);
    default:
      return Status::NotSupported("planning this kind of statement");
  }
}

void ReplaceParams(PlanExpr* e, const std::vector<PlanExpr>& values) {
  if (e->kind == ExprKind::kParam) {
    DataType t = e->type;
    PlanExpr v = PlanExpr::Cast(values[e->param - 1], t);
    *e = std::move(v);
  }
  for (PlanExpr& a : e->args) ReplaceParams(&a, values);
  FoldNode(e);
}

void ReplaceParamsInNode(PlanNode* n, const std::vector<PlanExpr>& values) {
  auto fix = [&](PlanExpr& e) { ReplaceParams(&e, values); };
  auto fix_all = [&](std::vector<PlanExpr>& es) {
    for (PlanExpr& e : es) fix(e);
  };
  auto fix_keys = [&](std::vector<SortKey>& ks) {
    for (SortKey& k : ks) fix(k.expr);
  };
  std::visit(
      [&](auto& p) {
        using T = std::decay_t<decltype(p)>;
        if constexpr (std::is_same_v<T, ScanSpec>) {
          if (p.filter) fix(*p.filter);
        } else if constexpr (std::is_same_v<T, FilterSpec>) {
          fix(p.predicate);
        } else if constexpr (std::is_same_v<T, ProjectSpec>) {
          fix_all(p.exprs);
        } else if constexpr (std::is_same_v<T, JoinSpec>) {
          fix_all(p.left_keys);
          fix_all(p.right_keys);
          if (p.residual) fix(*p.residual);
        } else if constexpr (std::is_same_v<T, AggregateSpec>) {
          fix_all(p.group_keys);
          for (AggregateCall& c : p.aggregates) {
            if (c.arg) fix(*c.arg);
          }
        } else if constexpr (std::is_same_v<T, SortSpec> || std::is_same_v<T, TopNSpec>) {
          fix_keys(p.keys);
        } else if constexpr (std::is_same_v<T, WindowSpec>) {
          fix_all(p.partition_keys);
          fix_keys(p.order_keys);
          for (WindowCall& c : p.functions) {
            if (c.arg) fix(*c.arg);
          }
        } else if constexpr (std::is_same_v<T, ValuesSpec>) {
          for (auto& row : p.rows) fix_all(row);
        } else if constexpr (std::is_same_v<T, ExchangeSpec>) {
          fix_all(p.keys);
          fix_keys(p.merge_keys);
        }
      },
      n->payload);
  for (PlanNode& c : n->children) ReplaceParamsInNode(&c, values);
}

}  // namespace

Status BindParameters(PhysicalPlan* plan, const std::vector<storage::Value>& values) {
  if (values.size() < static_cast<size_t>(plan->param_count)) {
    return Status::InvalidArgument("the statement takes " + std::to_string(plan->param_count) +
                                   " parameters, " + std::to_string(values.size()) + " given");
  }
  std::vector<PlanExpr> literals;
  for (size_t i = 0; i < values.size(); ++i) {
    if (i < plan->param_types.size()) {
      auto v = CastValue(values[i], plan->param_types[i]);
      if (!v) {
        return Status::InvalidArgument("parameter $" + std::to_string(i + 1) + ": " +
                                       values[i].ToString() + " is not a valid " +
                                       plan->param_types[i].ToString());
      }
      literals.push_back(PlanExpr::Literal(*v));
    } else {
      literals.push_back(PlanExpr::Literal(values[i]));
    }
  }
  ReplaceParamsInNode(&plan->root, literals);
  plan->param_count = 0;
  plan->param_types.clear();
  return Status::OK();
}

Result<PhysicalPlan> PlanStatement(const sql::BoundStatement& bound,
                                   const storage::Catalog& catalog) {
  const sql::ast::Statement& s = *bound.ast;
  if (s.kind != K::kExecute) return PlanAst(s, bound.param_count, catalog);
  if (!bound.prepared) return Status::InvalidArgument("EXECUTE of an unknown prepared statement");
  IBEX_ASSIGN_OR_RETURN(PhysicalPlan plan, PlanStatement(*bound.prepared, catalog));
  std::vector<storage::Value> values;
  for (const auto& arg : s.args) {
    ExprTranslator t({});
    IBEX_ASSIGN_OR_RETURN(PlanExpr e, t.Translate(*arg));
    FoldConstants(&e);
    if (e.kind != ExprKind::kLiteral)
      return Status::InvalidArgument("EXECUTE arguments must be constants");
    values.push_back(e.value);
  }
  IBEX_RETURN_IF_ERROR(BindParameters(&plan, values));
  return plan;
}

}  // namespace ibex::optimizer
