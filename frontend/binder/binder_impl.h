// The binder's internal state, shared by binder.cpp (statements, queries, FROM) and
// bind_expr.cpp (expressions, functions, grouping). One BinderImpl binds one statement.
// Errors are thrown as BindError inside and returned as SqlError by Bind().
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "frontend/binder/binder.h"
#include "frontend/stack_budget.h"

namespace ibex::sql {

struct BindError {
  SqlError error;
};

class BinderImpl {
 public:
  BinderImpl(std::string_view text, const storage::Catalog& catalog, int view_depth = 0,
             const StackBudget* stack = nullptr)
      : text_(text),
        catalog_(catalog),
        view_depth_(view_depth),
        stack_(stack ? *stack : StackBudget()) {}

  BoundStatement BindStatement(const ast::StatementPtr& stmt);

  // CTEs visible at a point of a query, innermost last.
  struct CteEntry {
    const ast::Cte* cte;
    std::vector<ast::OutputColumn> columns;
  };
  struct CteEnv {
    const CteEnv* parent = nullptr;
    std::vector<CteEntry> entries;
  };
  // The names a SELECT sees: its FROM sources, then those of enclosing queries.
  struct Scope {
    Scope* parent = nullptr;
    ast::SelectCore* core = nullptr;  // null: no FROM (LIMIT, VALUES, EXECUTE arguments)
    const CteEnv* ctes = nullptr;
  };
  // Where an expression stands, for aggregate and window placement rules.
  struct ExprPlace {
    bool aggregates_allowed = false;
    bool windows_allowed = false;
    bool in_aggregate = false;
    const char* clause = "this clause";
  };

  [[noreturn]] void Fail(uint32_t offset, std::string message, std::string hint = "") const;

  // --- queries (binder.cpp)
  std::vector<ast::OutputColumn> BindQuery(ast::Query& query, Scope* outer, const CteEnv* env);

  // --- expressions (bind_expr.cpp)
  SqlType BindExpr(ast::Expr& e, Scope& scope, const ExprPlace& place);
  // BOOLEAN (or UNKNOWN) condition of WHERE/ON/HAVING/WHEN.
  void BindCondition(ast::Expr& e, Scope& scope, const ExprPlace& place, const char* clause);
  static bool ContainsAggregate(const ast::Expr& e);
  // Every column of the current scope used outside aggregates must be grouped.
  void CheckGrouped(const ast::Expr& e, const std::vector<ast::ExprPtr>& group_by) const;
  // A string literal compared with a DATE must be a valid date.
  void CheckDateLiteral(const ast::Expr& e) const;
  // Name for a select item without alias.
  static std::string OutputName(const ast::Expr& e);

  int param_count() const { return param_count_; }

 private:
  std::vector<ast::OutputColumn> BindBody(ast::QueryBody& body, Scope* outer, const CteEnv* env);
  std::vector<ast::OutputColumn> BindSelect(ast::SelectCore& core, Scope* outer, const CteEnv* env,
                                            std::vector<ast::OrderItem>* order_by);
  void BindFrom(ast::TableRef& ref, Scope& scope, Scope* outer);
  void BindLeaf(ast::TableRef& ref, Scope& scope, Scope* outer);
  void ApplyAliases(ast::TableRef& ref, ast::BoundSource& source);
  void BindOrderBy(std::vector<ast::OrderItem>& order_by,
                   const std::vector<ast::OutputColumn>& outputs, Scope* scope,
                   const std::vector<ast::SelectItem>* items);
  void BindLimit(ast::ExprPtr& e, const CteEnv* env, const char* what);
  void ExpandStars(ast::SelectCore& core);

  void BindCreateTable(const ast::Statement& s, BoundStatement& out);
  void BindCopy(const ast::Statement& s, BoundStatement& out);
  void BindInsert(ast::Statement& s, BoundStatement& out);

  // --- expressions (bind_expr.cpp)
  SqlType BindColumn(ast::Expr& e, Scope& scope);
  SqlType BindLiteral(ast::Expr& e);
  SqlType BindBinary(ast::Expr& e, Scope& scope, const ExprPlace& place);
  SqlType BindFunction(ast::Expr& e, Scope& scope, const ExprPlace& place);
  SqlType BindSubquery(ast::Expr& e, Scope& scope, bool single_column);
  void RequireComparable(const ast::Expr& a, const ast::Expr& b, uint32_t at) const;
  std::string ClosestColumn(const Scope& scope, const std::string& name) const;
  static std::string ToUpper(std::string s);

  std::string_view text_;
  const storage::Catalog& catalog_;
  int view_depth_ = 0;
  StackBudget stack_;  // where binding began (a view's binder inherits its caller's)
  int param_count_ = 0;

 public:
  // Fails with "nesting too deep" at `offset` when the stack budget is spent.
  void CheckStack(uint32_t offset) const;
};

}  // namespace ibex::sql
