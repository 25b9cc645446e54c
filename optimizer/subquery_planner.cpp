// Subquery decorrelation. Every subquery becomes a join of the current plan (left) with the
// subquery's plan (right):
//   WHERE [NOT] EXISTS (q)             semi (anti) join
//   WHERE x [NOT] IN (q)               semi join on x = q's column (NOT IN: null-aware anti join)
//   EXISTS / IN anywhere else          mark join (IN: null-aware), the mark column used as value
//   scalar (q), uncorrelated           a one-row right side joined without keys (left join, or
//                                      inner when a comparison conjunct rejects its NULL)
//   scalar (q), correlated, aggregate  q grouped by its correlation columns, then left (or
//                                      inner) join on them; COUNT's missing group reads 0
// A correlated subquery's WHERE conjuncts that refer to the outer query become the join's
// condition: equalities between an outer and an inner expression are hash keys, the rest the
// residual (e.g. TPC-H Q21's l2.l_suppkey <> l1.l_suppkey).
#include "optimizer/predicate_pushdown.h"
#include "optimizer/query_planner.h"

namespace ibex::optimizer {

using EK = ast::ExprKind;

struct QueryPlanner::SubqueryJoin {
  PlanNode right;
  std::vector<PlanExpr> left_keys;   // over the left (current) plan
  std::vector<PlanExpr> right_keys;  // over `right`
  std::optional<PlanExpr> residual;  // over left ++ right
  std::optional<PlanExpr> value;     // over `right`: the subquery's value (IN, scalar)
  bool correlated = false;
  bool counts = false;   // the value is a COUNT: a missing group means 0
  bool grouped = false;  // aggregated by the correlation keys: at most one row per key
};

namespace {

PlanNode MakeJoin(JoinSpec join, PlanNode left, PlanNode right, double rows) {
  PlanNode node;
  node.schema = left.schema;
  if (join.type == JoinType::kMark) {
    node.schema.push_back({"mark", DataType::Boolean()});
  } else if (join.type != JoinType::kSemi && join.type != JoinType::kAnti) {
    node.schema.insert(node.schema.end(), right.schema.begin(), right.schema.end());
  }
  node.estimated_rows = rows;
  node.payload = std::move(join);
  node.children.push_back(std::move(left));
  node.children.push_back(std::move(right));
  return node;
}

// Adds the pair left = right, cast to one type.
Status AddKeyPair(PlanExpr left, PlanExpr right, std::vector<PlanExpr>* left_keys,
                  std::vector<PlanExpr>* right_keys) {
  if (!(left.type.is_string() && right.type.is_string())) {
    auto common = ComparisonType(left.type, right.type);
    if (!common)
      return Status::InvalidArgument("IN compares " + left.type.ToString() + " with " +
                                     right.type.ToString());
    left = PlanExpr::Cast(std::move(left), *common);
    right = PlanExpr::Cast(std::move(right), *common);
  }
  left_keys->push_back(std::move(left));
  right_keys->push_back(std::move(right));
  return Status::OK();
}

// How much smaller than the subquery's input the outer rows must be estimated for the
// subquery to be reduced to the outer keys first.
constexpr double kReduceWhenOuterSmallerBy = 4;

}  // namespace

// Before a correlated aggregate is grouped by its correlation keys, its input keeps only the
// rows whose keys the outer query has (a semi join with the outer plan's keys: the "magic
// set"). TPC-H Q17 averaged l_quantity over all 200 k parts to compare it for the ~200 parts
// of one brand and container; Q20 summed a year of lineitem by (part, supplier) for the
// ~8 k pairs of 'forest' parts. Done when the outer plan is estimated much smaller than the
// subquery's input; the outer plan is then evaluated twice.
void QueryPlanner::ReduceToOuterKeys(const Level& level, const SubqueryJoin& sj,
                                     PlanNode* inner) {
  if (sj.left_keys.empty() || sj.left_keys.size() != sj.right_keys.size()) return;
  // Both evaluations of the outer plan must see the same rows: not with a LIMIT inside it (a
  // LIMIT without ORDER BY, or ties at a top-N's cut, may keep other rows the second time).
  bool limited = false;
  ForEachNode(level.plan, [&](const PlanNode& n) {
    limited |= n.kind() == NodeKind::kLimit || n.kind() == NodeKind::kTopN;
  });
  if (limited) return;
  const double outer_rows = std::max(1.0, level.plan.estimated_rows);
  if (outer_rows * kReduceWhenOuterSmallerBy > inner->estimated_rows) return;
  std::vector<PlanExpr> exprs;
  std::vector<std::string> names;
  for (size_t k = 0; k < sj.left_keys.size(); ++k) {
    exprs.push_back(sj.left_keys[k]);
    names.push_back("outer_key" + std::to_string(k));
  }
  PlanNode keys = MakeProject(std::move(exprs), std::move(names), level.plan);
  JoinSpec semi;
  semi.type = JoinType::kSemi;
  semi.left_keys = sj.right_keys;
  for (size_t k = 0; k < sj.left_keys.size(); ++k) {
    semi.right_keys.push_back(PlanExpr::Column(static_cast<int>(k), sj.left_keys[k].type));
  }
  const double rows = std::min(inner->estimated_rows, outer_rows * kReduceWhenOuterSmallerBy);
  *inner = MakeJoin(std::move(semi), std::move(*inner), std::move(keys), rows);
}

Result<QueryPlanner::SubqueryJoin> QueryPlanner::PlanSubqueryJoin(Level& level, const ast::Expr& e,
                                                                  bool want_value) {
  const ast::Query& q = *e.subquery;
  SubqueryJoin out;
  if (!QueryRefersOutside(q, 0)) {
    IBEX_ASSIGN_OR_RETURN(out.right, PlanQuery(q));
    if (want_value) out.value = PlanExpr::Column(0, out.right.schema[0].type);
    return out;
  }
  out.correlated = true;
  if (level.grouped) return Status::NotSupported("a correlated subquery above GROUP BY");
  if (q.body->op != ast::SetOp::kNone || !q.body->select || !q.with.empty() || q.offset ||
      (q.limit && e.kind != EK::kExists)) {
    return Status::NotSupported("a correlated subquery with set operations, WITH, LIMIT or OFFSET");
  }
  const ast::SelectCore& core = *q.body->select;
  Level sub;
  std::vector<const ast::Expr*> correlated;
  IBEX_RETURN_IF_ERROR(PlanFromWhere(core, &sub, &correlated));
  int lw = static_cast<int>(level.plan.schema.size());
  ExprTranslator t({ScopeColumns{&sub.offsets, lw}, ScopeColumns{&level.offsets, 0}});
  t.set_param_types(param_types_);
  std::vector<PlanExpr> conds;
  for (const ast::Expr* c : correlated) {
    IBEX_ASSIGN_OR_RETURN(PlanExpr p, t.Translate(*c, DataType::Boolean()));
    for (PlanExpr& x : SplitConjuncts(std::move(p))) conds.push_back(std::move(x));
  }
  JoinSpec keys;
  ExtractJoinKeys(std::move(conds), lw, &keys);
  out.left_keys = std::move(keys.left_keys);
  out.right_keys = std::move(keys.right_keys);
  out.residual = std::move(keys.residual);
  if (!core.aggregating) {
    if (want_value) {
      IBEX_ASSIGN_OR_RETURN(PlanExpr v, Translate(sub, *core.items[0].expr));
      out.value = std::move(v);
    }
    out.right = std::move(sub.plan);
    return out;
  }
  // An aggregate correlated by equalities: group by the inner side of the equalities.
  if (!core.group_by.empty() || core.having || out.residual || !want_value) {
    return Status::NotSupported(
        "a correlated subquery with GROUP BY, HAVING or a non-equality correlation");
  }
  const ast::Expr& item = *core.items[0].expr;
  std::vector<const ast::Expr*> roots = {&item};
  ReduceToOuterKeys(level, out, &sub.plan);
  IBEX_RETURN_IF_ERROR(PlanAggregation(sub, roots, out.right_keys));
  IBEX_ASSIGN_OR_RETURN(PlanExpr value, Translate(sub, item));
  std::vector<PlanExpr> exprs;
  std::vector<std::string> names;
  for (size_t k = 0; k < out.right_keys.size(); ++k) {
    exprs.push_back(PlanExpr::Column(static_cast<int>(k), out.right_keys[k].type));
    names.push_back(sub.plan.schema[k].name);
    out.right_keys[k] = exprs.back();
  }
  out.value = PlanExpr::Column(static_cast<int>(exprs.size()), value.type);
  exprs.push_back(std::move(value));
  names.push_back("value");
  out.right = MakeProject(std::move(exprs), std::move(names), std::move(sub.plan));
  out.grouped = true;
  out.counts = item.kind == EK::kFunction && item.bound.is_aggregate &&
               storage::ToLowerAscii(item.name) == "count";
  return out;
}

Status QueryPlanner::JoinSubquery(Level& level, const ast::Expr& e, JoinType type,
                                  bool null_aware) {
  bool in = e.kind == EK::kInSubquery;
  IBEX_ASSIGN_OR_RETURN(SubqueryJoin sj, PlanSubqueryJoin(level, e, in));
  if (null_aware && sj.correlated) {
    return Status::NotSupported(type == JoinType::kMark
                                    ? "a correlated IN subquery inside an expression"
                                    : "a correlated NOT IN subquery");
  }
  JoinSpec join;
  join.type = type;
  join.null_aware = null_aware;
  if (in) {
    IBEX_ASSIGN_OR_RETURN(PlanExpr lv, Translate(level, *e.args[0]));
    IBEX_RETURN_IF_ERROR(
        AddKeyPair(std::move(lv), std::move(*sj.value), &join.left_keys, &join.right_keys));
  }
  for (size_t i = 0; i < sj.left_keys.size(); ++i) {
    join.left_keys.push_back(std::move(sj.left_keys[i]));
    join.right_keys.push_back(std::move(sj.right_keys[i]));
  }
  join.residual = std::move(sj.residual);
  double rows = type == JoinType::kMark ? level.plan.estimated_rows
                                        : std::max(1.0, level.plan.estimated_rows * 0.5);
  level.plan = MakeJoin(std::move(join), std::move(level.plan), std::move(sj.right), rows);
  return Status::OK();
}

Result<PlanExpr> QueryPlanner::AttachSubquery(Level& level, const ast::Expr& e) {
  int lw = static_cast<int>(level.plan.schema.size());
  if (e.kind == EK::kSubquery) {
    double rows = level.plan.estimated_rows;
    IBEX_ASSIGN_OR_RETURN(SubqueryJoin sj, PlanSubqueryJoin(level, e, true));
    if (sj.value->kind != ExprKind::kColumn) {
      return Status::NotSupported("a correlated scalar subquery without an aggregate");
    }
    JoinSpec join;
    bool inner = null_rejecting_subquery_ == &e;
    join.type = inner ? JoinType::kInner : JoinType::kLeft;
    join.left_keys = std::move(sj.left_keys);
    join.right_keys = std::move(sj.right_keys);
    join.residual = std::move(sj.residual);
    // An aggregate grouped by the correlation keys has one row per key already.
    join.at_most_one_match = !sj.grouped;
    PlanExpr value = PlanExpr::Column(lw + sj.value->column, sj.value->type);
    level.plan = MakeJoin(std::move(join), std::move(level.plan), std::move(sj.right), rows);
    if (sj.counts && !inner) {
      PlanExpr c;
      c.kind = ExprKind::kFunction;
      c.name = "coalesce";
      c.type = value.type;
      c.args = {value, PlanExpr::Literal(Value::Bigint(0))};
      return c;
    }
    return value;
  }
  IBEX_RETURN_IF_ERROR(JoinSubquery(level, e, JoinType::kMark, e.kind == EK::kInSubquery));
  PlanExpr mark = PlanExpr::Column(lw, DataType::Boolean());
  return e.negated ? PlanExpr::Not(std::move(mark)) : mark;
}

Status QueryPlanner::ApplySubqueryConjunct(Level& level, const ast::Expr& conjunct) {
  const ast::Expr* e = &conjunct;
  bool negate = false;
  while (e->kind == EK::kUnary && e->name == "not") {
    negate = !negate;
    e = e->args[0].get();
  }
  if (e->kind == EK::kExists) {
    bool anti = negate != e->negated;
    return JoinSubquery(level, *e, anti ? JoinType::kAnti : JoinType::kSemi, false);
  }
  if (e->kind == EK::kInSubquery) {
    bool anti = negate != e->negated;
    return JoinSubquery(level, *e, anti ? JoinType::kAnti : JoinType::kSemi, anti);
  }
  null_rejecting_subquery_ = nullptr;
  if (IsAstComparison(conjunct)) {
    for (const auto& a : conjunct.args) {
      if (a->kind == EK::kSubquery) {
        null_rejecting_subquery_ = a.get();
        break;
      }
    }
  }
  auto pred = Translate(level, conjunct, DataType::Boolean());
  null_rejecting_subquery_ = nullptr;
  if (!pred.ok()) return pred.status();
  PushFilter(&level.plan, std::move(pred).value(), 0.5);
  return Status::OK();
}

}  // namespace ibex::optimizer
