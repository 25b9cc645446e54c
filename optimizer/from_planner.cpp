// FROM and WHERE: base tables become scans, derived tables, views and CTEs are planned in line
// (a CTE once per reference), inner joins and comma lists become one join graph ordered by
// optimizer/join_order.h, outer joins are units of their own (simplified to inner joins where
// a WHERE conjunct rejects the NULLs they would add), and WHERE conjuncts with subqueries are
// decorrelated after the joins (subquery_planner.cpp).
#include <algorithm>
#include <limits>

#include "frontend/binder/type_rules.h"
#include "optimizer/cardinality.h"
#include "optimizer/predicate_pushdown.h"
#include "optimizer/query_planner.h"

namespace ibex::optimizer {

using EK = ast::ExprKind;

void SplitAstConjuncts(const ast::Expr* e, std::vector<const ast::Expr*>* out) {
  if (e == nullptr) return;
  if (e->kind == EK::kBinary && e->name == "and") {
    SplitAstConjuncts(e->args[0].get(), out);
    SplitAstConjuncts(e->args[1].get(), out);
    return;
  }
  out->push_back(e);
}

bool IsAstComparison(const ast::Expr& e) {
  if (e.kind != EK::kBinary) return false;
  static constexpr const char* kOps[] = {"=", "<>", "!=", "<", "<=", ">", ">="};
  return std::any_of(std::begin(kOps), std::end(kOps),
                     [&](const char* op) { return e.name == op; });
}

bool ContainsSubquery(const ast::Expr& e) {
  if (e.kind == EK::kExists || e.kind == EK::kInSubquery || e.kind == EK::kSubquery) return true;
  return std::any_of(e.args.begin(), e.args.end(),
                     [](const ast::ExprPtr& a) { return ContainsSubquery(*a); });
}

namespace {

bool CoreRefersOutside(const ast::SelectCore& core, int level);

bool BodyRefersOutside(const ast::QueryBody& body, int level) {
  if (body.op == ast::SetOp::kNone) {
    if (body.select) return CoreRefersOutside(*body.select, level);
    return body.nested && QueryRefersOutside(*body.nested, level);
  }
  return BodyRefersOutside(*body.left, level) || BodyRefersOutside(*body.right, level);
}

bool RefRefersOutside(const ast::TableRef& ref, int level) {
  if (ref.kind == ast::TableRef::Kind::kJoin) {
    return RefRefersOutside(*ref.left, level) || RefRefersOutside(*ref.right, level) ||
           (ref.on && RefersOutside(*ref.on, level));
  }
  // A derived table's scope hangs off the enclosing query's scope: its depths count from there.
  return ref.kind == ast::TableRef::Kind::kDerived && ref.subquery &&
         QueryRefersOutside(*ref.subquery, level - 1);
}

bool CoreRefersOutside(const ast::SelectCore& core, int level) {
  for (const auto& item : core.items) {
    if (RefersOutside(*item.expr, level)) return true;
  }
  for (const auto& ref : core.from) {
    if (RefRefersOutside(*ref, level)) return true;
  }
  for (const auto& g : core.group_by) {
    if (RefersOutside(*g, level)) return true;
  }
  return (core.where && RefersOutside(*core.where, level)) ||
         (core.having && RefersOutside(*core.having, level));
}

}  // namespace

bool RefersOutside(const ast::Expr& e, int level) {
  if (e.kind == EK::kColumnRef && e.bound.scope_depth > level) return true;
  if (e.subquery && QueryRefersOutside(*e.subquery, level + 1)) return true;
  if (e.window) {
    for (const auto& p : e.window->partition_by) {
      if (RefersOutside(*p, level)) return true;
    }
    for (const auto& o : e.window->order_by) {
      if (RefersOutside(*o.expr, level)) return true;
    }
  }
  return std::any_of(e.args.begin(), e.args.end(),
                     [&](const ast::ExprPtr& a) { return RefersOutside(*a, level); });
}

bool QueryRefersOutside(const ast::Query& q, int level) {
  for (const auto& cte : q.with) {
    if (QueryRefersOutside(*cte.query, level)) return true;
  }
  for (const auto& o : q.order_by) {
    if (o.expr->bound.select_index < 0 && RefersOutside(*o.expr, level)) return true;
  }
  return BodyRefersOutside(*q.body, level);
}

void CollectSources(const ast::Expr& e, std::set<int>* out) {
  if (e.kind == EK::kColumnRef && e.bound.scope_depth == 0) out->insert(e.bound.from_index);
  if (e.kind == EK::kExists || e.kind == EK::kInSubquery || e.kind == EK::kSubquery) {
    if (e.kind == EK::kInSubquery) CollectSources(*e.args[0], out);
    return;
  }
  for (const auto& a : e.args) CollectSources(*a, out);
}

namespace {

// Whether a WHERE conjunct is false or NULL whenever all columns of its sources are NULL
// (so an outer join that would add such rows can be an inner join).
bool NullRejecting(const ast::Expr& e) {
  switch (e.kind) {
    case EK::kBinary:
      return IsAstComparison(e);
    case EK::kLike:
    case EK::kBetween:
    case EK::kInList:
      return true;
    case EK::kIsNull:
      return e.negated;
    default:
      return false;
  }
}

std::set<int> SourcesOfRef(const ast::TableRef& ref) {
  std::set<int> out;
  if (ref.kind != ast::TableRef::Kind::kJoin) {
    out.insert(ref.source_index);
    return out;
  }
  auto l = SourcesOfRef(*ref.left), r = SourcesOfRef(*ref.right);
  out.insert(l.begin(), l.end());
  out.insert(r.begin(), r.end());
  return out;
}

bool AnyIn(const std::set<int>& a, const std::set<int>& b) {
  return std::any_of(a.begin(), a.end(), [&](int x) { return b.count(x) > 0; });
}

// The relation (index into rels) an uncorrelated `x [NOT] IN (q)` or `[NOT] EXISTS (q)`
// conjunct filters when x's columns all come from one base relation; -1 otherwise.
int SingleRelationFilter(const ast::Expr& conjunct, const std::vector<int>& offsets,
                         const std::vector<JoinRelation>& rels) {
  const ast::Expr* e = &conjunct;
  while (e->kind == EK::kUnary && e->name == "not") e = e->args[0].get();
  if (e->kind != EK::kInSubquery && e->kind != EK::kExists) return -1;
  if (QueryRefersOutside(*e->subquery, 0)) return -1;
  if (e->kind == EK::kExists) return -1;  // no columns of the outer query: keep it on top
  if (RefersOutside(*e->args[0], 0) || ContainsSubquery(*e->args[0])) return -1;
  std::set<int> sources;
  CollectSources(*e->args[0], &sources);
  if (sources.size() != 1) return -1;
  int first = offsets[*sources.begin()];
  for (size_t r = 0; r < rels.size(); ++r) {
    const JoinRelation& rel = rels[r];
    if (rel.columns.empty() || rel.columns.front() != first) continue;
    // A leaf: exactly this source's columns, in order.
    int width = *sources.begin() + 1 < static_cast<int>(offsets.size())
                    ? offsets[*sources.begin() + 1] - first
                    : static_cast<int>(rel.columns.size());
    if (static_cast<int>(rel.columns.size()) != width) return -1;
    return static_cast<int>(r);
  }
  return -1;
}

// JOIN ... USING (cols): for each column, left.col = right.col over the canonical columns (the
// binder hid the right one; the left one is the first visible match on the left side).
Result<std::vector<PlanExpr>> UsingEqualities(const ast::SelectCore& core, const ast::TableRef& ref,
                                              const std::vector<int>& offsets) {
  std::vector<PlanExpr> out;
  std::set<int> left = SourcesOfRef(*ref.left), right = SourcesOfRef(*ref.right);
  for (const ast::Identifier& id : ref.using_columns) {
    auto find = [&](const std::set<int>& sources, bool hidden) -> std::optional<PlanExpr> {
      for (int s : sources) {
        const ast::BoundSource& src = core.sources[s];
        for (size_t c = 0; c < src.columns.size(); ++c) {
          if (src.hidden[c] == hidden && sql::SameName(src.columns[c].name, id.name)) {
            return PlanExpr::Column(offsets[s] + static_cast<int>(c),
                                    ExprTranslator::TypeOf(src.columns[c].type));
          }
        }
      }
      return std::nullopt;
    };
    auto l = find(left, false);
    auto r = find(right, true);
    if (!l || !r) return Status::Internal("USING column " + id.name + " not found");
    IBEX_ASSIGN_OR_RETURN(PlanExpr eq, MakeComparison(ScalarOp::kEq, std::move(*l), std::move(*r)));
    out.push_back(std::move(eq));
  }
  return out;
}

}  // namespace

Result<JoinRelation> QueryPlanner::PlanSource(const ast::SelectCore& core, int source,
                                              const std::vector<int>& offsets) {
  const ast::BoundSource& src = core.sources[source];
  JoinRelation rel;
  int width = static_cast<int>(src.columns.size());
  for (int c = 0; c < width; ++c) rel.columns.push_back(offsets[source] + c);
  Schema schema;
  for (const auto& c : src.columns) schema.push_back({c.name, ExprTranslator::TypeOf(c.type)});
  if (src.kind == ast::BoundSource::Kind::kTable) {
    IBEX_ASSIGN_OR_RETURN(const storage::Table* table, catalog_.GetTable(src.table_name));
    ScanSpec scan;
    scan.table = table->def.name;
    scan.table_id = table->table_id;
    for (int c = 0; c < width; ++c) scan.columns.push_back(c);
    rel.plan.payload = std::move(scan);
    rel.plan.schema = std::move(schema);
    rel.plan.estimated_rows = static_cast<double>(std::max<int64_t>(table->stats.row_count, 1));
    rel.estimates = TableColumnEstimates(*table, rel.plan.As<ScanSpec>().columns);
    return rel;
  }
  const ast::Query* q =
      src.kind == ast::BoundSource::Kind::kCte ? src.cte->query.get() : src.query.get();
  if (q == nullptr) return Status::Internal("derived table without a query");
  IBEX_ASSIGN_OR_RETURN(PlanNode plan, PlanQuery(*q));
  for (size_t i = 0; i < plan.schema.size() && i < schema.size(); ++i)
    plan.schema[i].name = schema[i].name;
  rel.plan = std::move(plan);
  for (int c = 0; c < width; ++c) {
    ColumnEstimate e;
    e.ndv = ColumnDistinct(rel.plan, c, catalog_).value_or(rel.plan.estimated_rows);
    rel.estimates.push_back(e);
  }
  return rel;
}

Result<JoinRelation> QueryPlanner::PlanSubtree(const ast::SelectCore& core,
                                               const ast::TableRef& ref,
                                               const std::vector<int>& offsets,
                                               const std::set<int>& null_rejected) {
  if (ref.kind != ast::TableRef::Kind::kJoin) return PlanSource(core, ref.source_index, offsets);
  std::vector<JoinRelation> rels;
  JoinConditions conditions;
  IBEX_RETURN_IF_ERROR(CollectRelations(core, ref, offsets, null_rejected, &rels, &conditions));
  if (rels.size() == 1 && conditions.on.empty() && conditions.using_equalities.empty())
    return std::move(rels[0]);
  // Join the subtree's relations on its own: re-base its (contiguous) canonical columns to 0.
  int base = std::numeric_limits<int>::max(), end = 0;
  for (const JoinRelation& r : rels) {
    for (int c : r.columns) {
      base = std::min(base, c);
      end = std::max(end, c + 1);
    }
  }
  Level level;
  level.core = &core;
  level.offsets = offsets;
  for (int& o : level.offsets) o -= base;
  std::vector<PlanExpr> conjuncts;
  for (const ast::Expr* c : conditions.on) {
    IBEX_ASSIGN_OR_RETURN(PlanExpr p, Translate(level, *c, DataType::Boolean()));
    for (PlanExpr& t : SplitConjuncts(std::move(p))) conjuncts.push_back(std::move(t));
  }
  for (PlanExpr& eq : conditions.using_equalities) {
    eq.ShiftColumns(-base);
    conjuncts.push_back(std::move(eq));
  }
  JoinRelation out;
  Schema schema(end - base);
  for (JoinRelation& r : rels) {
    for (size_t i = 0; i < r.columns.size(); ++i) {
      out.columns.push_back(r.columns[i]);
      schema[r.columns[i] - base] = r.plan.schema[i];
      r.columns[i] -= base;
    }
  }
  std::sort(out.columns.begin(), out.columns.end());
  out.estimates.resize(out.columns.size());
  for (JoinRelation& r : rels) {
    for (size_t i = 0; i < r.columns.size() && i < r.estimates.size(); ++i)
      out.estimates[r.columns[i]] = r.estimates[i];
  }
  IBEX_ASSIGN_OR_RETURN(out.plan,
                        OrderJoins(std::move(rels), std::move(conjuncts), end - base, schema));
  return out;
}

Result<JoinRelation> QueryPlanner::PlanOuterJoin(const ast::SelectCore& core,
                                                 const ast::TableRef& ref,
                                                 const std::vector<int>& offsets,
                                                 const std::set<int>& null_rejected,
                                                 ast::JoinType type) {
  IBEX_ASSIGN_OR_RETURN(JoinRelation left, PlanSubtree(core, *ref.left, offsets, null_rejected));
  IBEX_ASSIGN_OR_RETURN(JoinRelation right, PlanSubtree(core, *ref.right, offsets, null_rejected));
  int lw = static_cast<int>(left.columns.size());
  int base = left.columns.front();
  Level level;
  level.core = &core;
  level.offsets = offsets;
  for (int& o : level.offsets) o -= base;  // left ++ right is contiguous from `base`
  std::vector<PlanExpr> conds;
  if (ref.on) {
    IBEX_ASSIGN_OR_RETURN(PlanExpr on, Translate(level, *ref.on, DataType::Boolean()));
    conds = SplitConjuncts(std::move(on));
  }
  if (!ref.using_columns.empty()) {
    // RIGHT/FULL would show the right (or merged) column, which the binder hid.
    if (type != ast::JoinType::kLeft) return Status::NotSupported("RIGHT or FULL JOIN ... USING");
    IBEX_ASSIGN_OR_RETURN(std::vector<PlanExpr> eqs, UsingEqualities(core, ref, offsets));
    for (PlanExpr& eq : eqs) {
      eq.ShiftColumns(-base);
      conds.push_back(std::move(eq));
    }
  }
  // ON conjuncts on the null-supplying side alone filter that side before the join.
  std::vector<PlanExpr> kept;
  for (PlanExpr& c : conds) {
    bool refs_left = c.ReferencesRange(0, lw);
    bool refs_right = c.ReferencesRange(lw, std::numeric_limits<int>::max());
    if (type == ast::JoinType::kLeft && refs_right && !refs_left) {
      c.ShiftColumns(-lw);
      double s = Selectivity(c, right.estimates, right.plan.estimated_rows);
      PushFilter(&right.plan, std::move(c), s);
    } else if (type == ast::JoinType::kRight && refs_left && !refs_right) {
      double s = Selectivity(c, left.estimates, left.plan.estimated_rows);
      PushFilter(&left.plan, std::move(c), s);
    } else {
      kept.push_back(std::move(c));
    }
  }
  JoinSpec join;
  join.type = type == ast::JoinType::kLeft    ? JoinType::kLeft
              : type == ast::JoinType::kRight ? JoinType::kRight
                                              : JoinType::kFull;
  ExtractJoinKeys(std::move(kept), lw, &join);
  join.build =
      left.plan.estimated_rows < right.plan.estimated_rows ? BuildSide::kLeft : BuildSide::kRight;
  double rows = std::max(left.plan.estimated_rows, right.plan.estimated_rows);
  JoinRelation out;
  out.columns = left.columns;
  out.columns.insert(out.columns.end(), right.columns.begin(), right.columns.end());
  out.estimates = left.estimates;
  out.estimates.insert(out.estimates.end(), right.estimates.begin(), right.estimates.end());
  out.plan.schema = left.plan.schema;
  out.plan.schema.insert(out.plan.schema.end(), right.plan.schema.begin(), right.plan.schema.end());
  out.plan.estimated_rows = rows;
  out.plan.payload = std::move(join);
  out.plan.children.push_back(std::move(left.plan));
  out.plan.children.push_back(std::move(right.plan));
  return out;
}

Status QueryPlanner::CollectRelations(const ast::SelectCore& core, const ast::TableRef& ref,
                                      const std::vector<int>& offsets,
                                      const std::set<int>& null_rejected,
                                      std::vector<JoinRelation>* rels, JoinConditions* conditions) {
  if (ref.kind != ast::TableRef::Kind::kJoin) {
    IBEX_ASSIGN_OR_RETURN(JoinRelation rel, PlanSource(core, ref.source_index, offsets));
    rels->push_back(std::move(rel));
    return Status::OK();
  }
  ast::JoinType type = ref.join_type;
  // Outer-join simplification: NULLs the outer join would add are rejected by WHERE anyway.
  bool left_rejected = AnyIn(SourcesOfRef(*ref.left), null_rejected);
  bool right_rejected = AnyIn(SourcesOfRef(*ref.right), null_rejected);
  if (type == ast::JoinType::kLeft && right_rejected) type = ast::JoinType::kInner;
  if (type == ast::JoinType::kRight && left_rejected) type = ast::JoinType::kInner;
  if (type == ast::JoinType::kFull) {
    if (left_rejected && right_rejected) {
      type = ast::JoinType::kInner;
    } else if (left_rejected) {
      type = ast::JoinType::kLeft;
    } else if (right_rejected) {
      type = ast::JoinType::kRight;
    }
  }
  if (type == ast::JoinType::kInner || type == ast::JoinType::kCross) {
    IBEX_RETURN_IF_ERROR(
        CollectRelations(core, *ref.left, offsets, null_rejected, rels, conditions));
    IBEX_RETURN_IF_ERROR(
        CollectRelations(core, *ref.right, offsets, null_rejected, rels, conditions));
    if (ref.on) SplitAstConjuncts(ref.on.get(), &conditions->on);
    IBEX_ASSIGN_OR_RETURN(std::vector<PlanExpr> eqs, UsingEqualities(core, ref, offsets));
    for (PlanExpr& eq : eqs) conditions->using_equalities.push_back(std::move(eq));
    return Status::OK();
  }
  IBEX_ASSIGN_OR_RETURN(JoinRelation rel, PlanOuterJoin(core, ref, offsets, null_rejected, type));
  rels->push_back(std::move(rel));
  return Status::OK();
}

Status QueryPlanner::PlanFromWhere(const ast::SelectCore& core, Level* level,
                                   std::vector<const ast::Expr*>* correlated) {
  level->core = &core;
  level->offsets.clear();
  Schema canonical;
  int width = 0;
  for (const ast::BoundSource& src : core.sources) {
    level->offsets.push_back(width);
    width += static_cast<int>(src.columns.size());
    for (const auto& c : src.columns) canonical.push_back({c.name, ExprTranslator::TypeOf(c.type)});
  }
  std::vector<const ast::Expr*> where;
  SplitAstConjuncts(core.where.get(), &where);
  std::vector<const ast::Expr*> plain, with_subquery;
  std::set<int> null_rejected;
  for (const ast::Expr* c : where) {
    if (RefersOutside(*c, 0) && !ContainsSubquery(*c)) {
      if (correlated == nullptr)
        return Status::NotSupported("a correlated reference in this position");
      correlated->push_back(c);
    } else if (ContainsSubquery(*c)) {
      with_subquery.push_back(c);
    } else {
      plain.push_back(c);
      if (NullRejecting(*c)) CollectSources(*c, &null_rejected);
    }
  }
  if (core.from.empty()) {
    ValuesSpec values;
    values.rows.emplace_back();
    level->plan = PlanNode{};
    level->plan.payload = std::move(values);
    level->plan.estimated_rows = 1;
  } else {
    std::vector<JoinRelation> rels;
    JoinConditions conditions;
    for (const auto& ref : core.from) {
      IBEX_RETURN_IF_ERROR(
          CollectRelations(core, *ref, level->offsets, null_rejected, &rels, &conditions));
    }
    // An uncorrelated [NOT] IN / EXISTS on the columns of one base relation filters that
    // relation before the joins (TPC-H Q18: orders semi-joined with the big-order keys).
    std::vector<const ast::Expr*> later;
    for (const ast::Expr* c : with_subquery) {
      int rel = SingleRelationFilter(*c, level->offsets, rels);
      if (rel < 0) {
        later.push_back(c);
        continue;
      }
      Level sub;
      sub.core = &core;
      int base = rels[rel].columns.front();
      for (int o : level->offsets) sub.offsets.push_back(o - base);
      sub.plan = std::move(rels[rel].plan);
      IBEX_RETURN_IF_ERROR(ApplySubqueryConjunct(sub, *c));
      rels[rel].plan = std::move(sub.plan);
    }
    with_subquery = std::move(later);
    std::vector<PlanExpr> conjuncts;
    for (const ast::Expr* c : conditions.on) plain.push_back(c);
    for (PlanExpr& eq : conditions.using_equalities) conjuncts.push_back(std::move(eq));
    for (const ast::Expr* c : plain) {
      IBEX_ASSIGN_OR_RETURN(PlanExpr p, Translate(*level, *c, DataType::Boolean()));
      for (PlanExpr& t : SplitConjuncts(std::move(p))) conjuncts.push_back(std::move(t));
    }
    IBEX_ASSIGN_OR_RETURN(level->plan,
                          OrderJoins(std::move(rels), std::move(conjuncts), width, canonical));
  }
  for (const ast::Expr* c : with_subquery) IBEX_RETURN_IF_ERROR(ApplySubqueryConjunct(*level, *c));
  return Status::OK();
}

}  // namespace ibex::optimizer
