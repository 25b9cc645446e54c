// Translates bound AST expressions (frontend/ast/ast.h, typed by the binder) into plan
// expressions (optimizer/plan_expr.h): column references become input positions, implicit
// casts become explicit kCast nodes as plan_expr.h's contract requires, BETWEEN and CASE x WHEN
// are rewritten into comparisons, DATE +/- INTERVAL into kDateAdd, and every node is
// constant-folded. Subqueries are handed to a hook of the query planner (which decorrelates
// them into joins and returns a reference to the column that carries their value).
// Used by the planner on the coordinator; one object per translation context, one thread.
#pragma once

#include <functional>
#include <optional>
#include <utility>
#include <vector>

#include "common/status.h"
#include "frontend/ast/ast.h"
#include "optimizer/plan_expr.h"

namespace ibex::optimizer {

namespace ast = sql::ast;

// Where the columns of one FROM scope sit in the translated expression's input: column c of
// from-item f is at offsets[f] + c + shift. A null `offsets` means that scope's columns may not
// appear here (e.g. raw columns above an aggregation).
struct ScopeColumns {
  const std::vector<int>* offsets = nullptr;
  int shift = 0;
};

class ExprTranslator {
 public:
  using SubqueryHook = std::function<Result<PlanExpr>(const ast::Expr&)>;

  // scopes[d]: the columns of scope depth d (0 = the expression's own SELECT).
  explicit ExprTranslator(std::vector<ScopeColumns> scopes) : scopes_(std::move(scopes)) {}

  // Whole subexpressions replaced by a given plan expression before anything else (group keys
  // and aggregate calls above an aggregation, window calls above a Window node).
  void Substitute(const ast::Expr* e, PlanExpr replacement) {
    subs_.emplace_back(e, std::move(replacement));
  }
  void set_subquery_hook(SubqueryHook hook) { hook_ = std::move(hook); }
  // Types of $n seen so far (index n-1), shared by all translators of one statement.
  void set_param_types(std::vector<DataType>* types) { param_types_ = types; }

  // `expected`: the type a NULL literal or a $n parameter takes when nothing else says.
  Result<PlanExpr> Translate(const ast::Expr& e, std::optional<DataType> expected = std::nullopt);

  // The plan type of a bound SQL type (UNKNOWN -> `fallback`).
  static DataType TypeOf(const sql::SqlType& t, DataType fallback = DataType::Integer());

 private:
  Result<PlanExpr> TranslateBinary(const ast::Expr& e);
  Result<PlanExpr> TranslatePair(const ast::Expr& a, const ast::Expr& b, PlanExpr* pa,
                                 PlanExpr* pb);
  Result<PlanExpr> TranslateCase(const ast::Expr& e);
  Result<PlanExpr> TranslateFunction(const ast::Expr& e);
  Result<PlanExpr> Compare(ScalarOp op, PlanExpr a, PlanExpr b);

  std::vector<ScopeColumns> scopes_;
  std::vector<std::pair<const ast::Expr*, PlanExpr>> subs_;
  SubqueryHook hook_;
  std::vector<DataType>* param_types_ = nullptr;
};

// Comparison of two plan expressions with both sides cast to their common type (the contract
// of plan_expr.h); InvalidArgument when they are not comparable.
Result<PlanExpr> MakeComparison(ScalarOp op, PlanExpr a, PlanExpr b);

}  // namespace ibex::optimizer
