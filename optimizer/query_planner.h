// The query planner's internals: bound queries (frontend/ast, annotated by the binder) to plan
// trees. query_planner.cpp plans queries, set operations, SELECT lists, aggregation, windows,
// ORDER BY and LIMIT; from_planner.cpp plans FROM and WHERE (join graph, outer joins and their
// simplification, CTEs and views inlined); subquery_planner.cpp decorrelates subqueries into
// semi, anti, mark and outer joins with aggregation. The public entry is optimizer/planner.h.
// One QueryPlanner per statement, one thread.
#pragma once

#include <optional>
#include <set>
#include <utility>
#include <vector>

#include "common/status.h"
#include "frontend/ast/ast.h"
#include "optimizer/expr_translator.h"
#include "optimizer/join_order.h"
#include "optimizer/physical_plan.h"
#include "storage/catalog.h"

namespace ibex::optimizer {

// One SELECT core being planned: its current plan, whose columns are the FROM clause's
// (from-item i's columns start at offsets[i]) followed by columns appended by decorrelated
// subqueries; above an aggregation (`grouped`) raw columns are gone and `subs` maps the group
// keys and aggregate calls to the aggregation's outputs.
struct Level {
  const ast::SelectCore* core = nullptr;
  std::vector<int> offsets;
  PlanNode plan;
  bool grouped = false;
  std::vector<std::pair<const ast::Expr*, PlanExpr>> subs;
};

class QueryPlanner {
 public:
  QueryPlanner(const storage::Catalog& catalog, std::vector<DataType>* param_types)
      : catalog_(catalog), param_types_(param_types) {}

  // A whole query: output columns as query.outputs says (names and types).
  Result<PlanNode> PlanQuery(const ast::Query& query);

  // A plan node over `child` (estimated rows copied).
  static PlanNode MakeNode(NodePayload payload, Schema schema, PlanNode child);
  static PlanNode MakeProject(std::vector<PlanExpr> exprs, std::vector<std::string> names,
                              PlanNode child);

  // Translates `e` in the context of `level` (subqueries decorrelated into level.plan).
  Result<PlanExpr> Translate(Level& level, const ast::Expr& e,
                             std::optional<DataType> expected = std::nullopt);

 private:
  // query_planner.cpp
  Result<PlanNode> PlanBody(const ast::QueryBody& body);
  // The SELECT list, then one column per ORDER BY item that is not a select-list output
  // (*extra_order gets their positions).
  Result<PlanNode> PlanSelect(const ast::SelectCore& core,
                              const std::vector<ast::OrderItem>* order_by,
                              const std::vector<ast::OutputColumn>& outputs,
                              std::vector<int>* extra_order);
  // Aggregates the level by `extra_keys` (plan expressions, first) and its GROUP BY, computing
  // every aggregate call found in `roots`; afterwards level.subs maps them to the output.
  Status PlanAggregation(Level& level, const std::vector<const ast::Expr*>& roots,
                         std::vector<PlanExpr> extra_keys = {});
  Status PlanWindows(Level& level, const std::vector<const ast::Expr*>& roots);

  // from_planner.cpp
  // FROM and WHERE of `core` into level->plan. WHERE conjuncts that refer to the enclosing
  // query are not applied but returned in *correlated (nullptr: they are an error).
  Status PlanFromWhere(const ast::SelectCore& core, Level* level,
                       std::vector<const ast::Expr*>* correlated);
  Result<JoinRelation> PlanSource(const ast::SelectCore& core, int source,
                                  const std::vector<int>& offsets);
  // Join conditions of an inner-join tree: ON conjuncts, and USING equalities (over
  // the canonical columns of the whole FROM clause).
  struct JoinConditions {
    std::vector<const ast::Expr*> on;
    std::vector<PlanExpr> using_equalities;
  };
  Status CollectRelations(const ast::SelectCore& core, const ast::TableRef& ref,
                          const std::vector<int>& offsets, const std::set<int>& null_rejected,
                          std::vector<JoinRelation>* rels, JoinConditions* conditions);
  Result<JoinRelation> PlanOuterJoin(const ast::SelectCore& core, const ast::TableRef& ref,
                                     const std::vector<int>& offsets,
                                     const std::set<int>& null_rejected, ast::JoinType type);
  Result<JoinRelation> PlanSubtree(const ast::SelectCore& core, const ast::TableRef& ref,
                                   const std::vector<int>& offsets,
                                   const std::set<int>& null_rejected);

  // subquery_planner.cpp
  // A WHERE/HAVING conjunct that contains a subquery: EXISTS / IN at the top become semi or
  // anti joins; anything else is translated (mark joins, scalar subqueries as joined columns)
  // and filtered.
  Status ApplySubqueryConjunct(Level& level, const ast::Expr& conjunct);
  // The translator's hook: a subquery inside an expression -> a column of level.plan.
  Result<PlanExpr> AttachSubquery(Level& level, const ast::Expr& e);
  struct SubqueryJoin;
  Result<SubqueryJoin> PlanSubqueryJoin(Level& level, const ast::Expr& e, bool want_value);
  void ReduceToOuterKeys(const Level& level, const SubqueryJoin& sj, PlanNode* inner);
  Status JoinSubquery(Level& level, const ast::Expr& e, JoinType type, bool null_aware);

  const storage::Catalog& catalog_;
  std::vector<DataType>* param_types_;
  // The scalar subquery that sits directly under a top-level comparison conjunct (its join
  // may be inner: a missing value makes the comparison NULL, the row is dropped anyway).
  const ast::Expr* null_rejecting_subquery_ = nullptr;
};

// Splits an AST predicate into its AND-ed conjuncts.
void SplitAstConjuncts(const ast::Expr* e, std::vector<const ast::Expr*>* out);
// Whether `e` is a binary comparison (=, <>, <, <=, >, >=).
bool IsAstComparison(const ast::Expr& e);
// Whether an expression contains a subquery (not looking into the subquery itself).
bool ContainsSubquery(const ast::Expr& e);
// Whether `e` refers to an enclosing query: a column of scope depth > `level` (subqueries
// inside count one level deeper).
bool RefersOutside(const ast::Expr& e, int level);
bool QueryRefersOutside(const ast::Query& q, int level);
// Collects, without entering subqueries, the sources (from-indices, depth 0) `e` refers to.
void CollectSources(const ast::Expr& e, std::set<int>* out);

}  // namespace ibex::optimizer
