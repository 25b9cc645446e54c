// The engine's typed scalar expression tree, compiled from the physical plan's expressions by
// the plan builder (exec/plan_builder.h) and evaluated a chunk at a time by Evaluate
// (exec/eval.h). Every node carries its result type as the binder decided it; the evaluator
// follows those types exactly (decimal scales and precisions included).
//
// Thread safety: an Expr is immutable once built; any number of threads may evaluate it.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "storage/types.h"

namespace ibex::exec {

class LikeMatcher;

enum class ExprKind : uint8_t {
  kColumn,     // input column `column`
  kConstant,   // `constant`
  kArith,      // args[0] op args[1]
  kNegate,     // -args[0]
  kCompare,    // args[0] cmp args[1] (any comparable types; compared exactly)
  kAnd,        // three-valued, any number of args
  kOr,         // three-valued, any number of args
  kNot,        // three-valued
  kIsNull,     // args[0] IS NULL (negated: IS NOT NULL)
  kCast,       // CAST(args[0] AS type)
  kCase,       // args = when0, then0, when1, then1, ..., [else]; has_else says if last is else
  kLike,       // args[0] [NOT] LIKE pattern (pattern constant in `text`)
  kInList,     // args[0] [NOT] IN (args[1..]) — SQL NULL semantics
  kExtract,    // EXTRACT(field FROM args[0])
  kSubstring,  // SUBSTRING(args[0] FROM args[1] [FOR args[2]]), 1-based
  kDateAdd,    // args[0] (DATE) + interval of `months` and `days` (negative to subtract)
  kCoalesce,   // first non-null of args
  kFunction,   // named scalar function `text` (exec/functions.h)
};

enum class ArithOp : uint8_t { kAdd, kSub, kMul, kDiv, kMod };
enum class CompareOp : uint8_t { kEq, kNe, kLt, kLe, kGt, kGe };
enum class ExtractField : uint8_t { kYear, kMonth, kDay, kQuarter, kWeek, kDayOfWeek, kDayOfYear };

struct Expr {
  ExprKind kind = ExprKind::kConstant;
  storage::DataType type;
  int column = -1;
  storage::Value constant;
  ArithOp arith = ArithOp::kAdd;
  CompareOp compare = CompareOp::kEq;
  ExtractField field = ExtractField::kYear;
  bool negated = false;
  bool has_else = false;
  int32_t months = 0;
  int32_t days = 0;
  std::string text;
  std::vector<std::unique_ptr<Expr>> args;
  std::shared_ptr<const LikeMatcher> matcher;  // kLike: compiled `text`

  std::unique_ptr<Expr> Clone() const;
  // For EXPLAIN: "(#3 * (1 - #5))".
  std::string ToString() const;
};

using ExprPtr = std::unique_ptr<Expr>;

// Builders (tests and the plan builder).
ExprPtr ColumnRef(int column, storage::DataType type);
ExprPtr Literal(storage::Value v);
ExprPtr Arith(ArithOp op, ExprPtr a, ExprPtr b, storage::DataType type);
ExprPtr Compare(CompareOp op, ExprPtr a, ExprPtr b);
ExprPtr And(std::vector<ExprPtr> args);
ExprPtr Or(std::vector<ExprPtr> args);
ExprPtr Not(ExprPtr a);
ExprPtr IsNull(ExprPtr a, bool negated = false);
ExprPtr Cast(ExprPtr a, storage::DataType type);
ExprPtr Like(ExprPtr a, std::string pattern, bool negated = false);
ExprPtr InList(ExprPtr a, std::vector<ExprPtr> list, bool negated = false);
ExprPtr Extract(ExtractField field, ExprPtr a);
ExprPtr Substring(ExprPtr a, ExprPtr from, ExprPtr length /* may be null */);
ExprPtr DateAdd(ExprPtr date, int32_t months, int32_t days);
// args: when, then pairs, then optional else.
ExprPtr Case(std::vector<ExprPtr> args, bool has_else, storage::DataType type);

// The type both sides of a comparison (or a CASE's branches, a set operation's columns) are
// converted to: exact for integers and decimals, DOUBLE if either is DOUBLE, DATE for DATE vs
// string, VARCHAR for strings.
storage::DataType CommonType(const storage::DataType& a, const storage::DataType& b);

}  // namespace ibex::exec
