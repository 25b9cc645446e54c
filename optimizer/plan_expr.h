// Scalar expressions of a physical plan, as plain data: a tree of PlanExpr values, each typed
// with storage's DataType, referring to the columns of its operator's input by position. The
// optimizer builds them (optimizer/planner*), exec compiles them into vectorized evaluators,
// and they travel inside plan fragments (optimizer/plan_serde.h). Also here: the result-type
// rules every layer agrees on (issue 6 item 4).
//
// Contract the planner guarantees to exec (so that evaluators never guess):
//  - Arithmetic (+ - * / %) on numbers: both operands already have the operand type the rule
//    below names (the planner inserts kCast nodes); only the result may differ.
//      INTEGER op INTEGER -> INTEGER (+ - / %), BIGINT for *; with a BIGINT -> BIGINT;
//        integer / is truncating division; division or modulo by zero is an error.
//      DOUBLE with anything numeric -> DOUBLE (operands cast to DOUBLE).
//      DECIMAL (integers count as DECIMAL(10,0) / DECIMAL(19,0)):
//        + -  operands cast to DECIMAL(p_i, s) with s = max(s1, s2) (scales aligned); result
//             DECIMAL(min(38, max(p1-s1, p2-s2) + s + 1), s).
//        *    operands keep their scales; result DECIMAL(min(38, p1 + p2), s1 + s2), i.e. the
//             product of the unscaled integers, exact.
//        /    operands cast to DOUBLE, result DOUBLE (as the reference answers use).
//        %    as + - but the result precision has no +1.
//      A result precision above 18 is held as __int128 (storage::DataType::is_wide_decimal);
//      a result that does not fit its precision is an overflow error, never a wrapped value.
//  - DATE arithmetic: DATE + INTEGER / DATE - INTEGER -> DATE (days), DATE - DATE -> INTEGER
//    (days), as kArith with those operand types; DATE +/- INTERVAL is kDateAdd (calendar
//    months, clamped to the month's last day, then days).
//  - Comparisons: both operands have the same TypeId; DECIMALs share the scale (precision may
//    differ); strings (VARCHAR/CHAR of any length) compare bytewise. Result BOOLEAN.
//  - Three-valued logic: comparisons, arithmetic and functions on NULL give NULL (except
//    IS NULL, COALESCE, CASE and the AND/OR rules: FALSE AND NULL = FALSE, TRUE OR NULL = TRUE).
//  - Aggregates: COUNT(*), COUNT(x) -> BIGINT; SUM(integer) -> BIGINT; SUM(DECIMAL(p,s)) ->
//    DECIMAL(38,s) with a 128-bit accumulator; SUM(DOUBLE) -> DOUBLE; AVG -> DOUBLE;
//    MIN/MAX -> the argument's type; STDDEV/VARIANCE (samp, pop) -> DOUBLE. Overflow is an
//    error. Aggregates ignore NULL inputs; SUM/AVG/MIN/MAX of no rows is NULL, COUNT is 0.
//
// Thread safety: values; build on one thread, then read from any number.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/status.h"
#include "storage/types.h"

namespace ibex::optimizer {

using storage::DataType;
using storage::Value;

enum class ExprKind : uint8_t {
  kColumn = 0,      // column: position in the operator's input (joins: left columns, then right)
  kLiteral = 1,     // value (DECIMAL: exact unscaled integer + precision/scale in its type)
  kParam = 2,       // param: 1-based $n; type: the type the parameter is used as
  kArith = 3,       // op in kAdd..kNeg: args[0] op args[1] (kNeg: one arg)
  kCompare = 4,     // op in kEq..kGe: args[0] op args[1]
  kAnd = 5,         // args: two or more
  kOr = 6,          // args: two or more
  kNot = 7,         // args[0]
  kIsNull = 8,      // args[0] IS [NOT] NULL (negated: IS NOT NULL)
  kLike = 9,        // args[0] [NOT] LIKE args[1] (% and _, no escape character)
  kCase = 10,       // args: when1, then1, when2, then2, ..., [else] (has_else); searched form
  kCast = 11,       // CAST(args[0] AS type)
  kExtract = 12,    // EXTRACT(field FROM args[0]) -> INTEGER
  kSubstring = 13,  // SUBSTRING(args[0] FROM args[1] [FOR args[2]]), 1-based, in characters
  kInList = 14,     // args[0] [NOT] IN (args[1], ...); same-typed as comparisons
  kDateAdd = 15,    // args[0] (DATE) + months + days (already signed; subtraction negates)
  kFunction = 16,   // name(args): abs floor ceil round upper lower trim ltrim rtrim length
                    // coalesce nullif concat
};
inline constexpr int kExprKindCount = 17;

enum class ScalarOp : uint8_t {
  kNone = 0,
  kAdd = 1,
  kSub = 2,
  kMul = 3,
  kDiv = 4,
  kMod = 5,
  kNeg = 6,
  kEq = 7,
  kNe = 8,
  kLt = 9,
  kLe = 10,
  kGt = 11,
  kGe = 12,
  kConcat = 13,  // string || string (kArith, VARCHAR)
};
inline constexpr int kScalarOpCount = 14;

enum class ExtractField : uint8_t {
  kYear = 0,
  kMonth = 1,
  kDay = 2,
  kQuarter = 3,
  kWeek = 4,
  kDow = 5,
  kDoy = 6,
};
inline constexpr int kExtractFieldCount = 7;

struct PlanExpr {
  ExprKind kind = ExprKind::kLiteral;
  DataType type;  // the result type of this node
  ScalarOp op = ScalarOp::kNone;
  int column = -1;                           // kColumn
  int param = 0;                             // kParam
  Value value;                               // kLiteral
  bool negated = false;                      // kIsNull, kLike, kInList
  bool has_else = false;                     // kCase
  ExtractField field = ExtractField::kYear;  // kExtract
  int32_t months = 0;                        // kDateAdd
  int32_t days = 0;                          // kDateAdd
  std::string name;                          // kFunction (lower case)
  std::vector<PlanExpr> args;

  // Constructors of the common shapes.
  static PlanExpr Column(int column, DataType type);
  static PlanExpr Literal(Value v);
  static PlanExpr Param(int n, DataType type);
  static PlanExpr Binary(ExprKind kind, ScalarOp op, PlanExpr a, PlanExpr b, DataType type);
  static PlanExpr Compare(ScalarOp op, PlanExpr a, PlanExpr b);
  static PlanExpr And(std::vector<PlanExpr> terms);  // one term: that term; none: TRUE
  static PlanExpr Or(std::vector<PlanExpr> terms);
  static PlanExpr Not(PlanExpr a);
  static PlanExpr IsNull(PlanExpr a, bool negated);
  static PlanExpr Cast(PlanExpr a, DataType to);  // no node when a already has type `to`

  bool is_true_literal() const;   // TRUE constant
  bool is_false_literal() const;  // FALSE constant
  bool is_null_literal() const;   // NULL constant of any type
  // Whether any kColumn node refers to column >= begin and < end.
  bool ReferencesRange(int begin, int end) const;
  // Adds `delta` to every column position (subtrees moved between inputs).
  void ShiftColumns(int delta);
  // Every column position in the tree, appended to *out.
  void CollectColumns(std::vector<int>* out) const;

  bool operator==(const PlanExpr&) const = default;
};

// ---- Result-type rules (see the header comment). nullopt when the operands do not allow it.
std::optional<DataType> ArithmeticResultType(ScalarOp op, const DataType& a, const DataType& b);
// The type the operands of `a op b` are cast to before the operation (both the same, except
// DECIMAL * keeps each operand's scale: then the input's own type, integers as DECIMAL(10|19,0)).
DataType ArithmeticOperandType(ScalarOp op, const DataType& result, const DataType& operand);
// The common type two comparable values are cast to (numbers promote, strings stay strings,
// DATE with a string literal is DATE); nullopt when not comparable.
std::optional<DataType> ComparisonType(const DataType& a, const DataType& b);

// The comparison with its operands swapped (< becomes >); other operators unchanged.
ScalarOp MirrorComparison(ScalarOp op);

// "=", "<>", "+", ...
const char* ScalarOpSymbol(ScalarOp op);
const char* ExtractFieldName(ExtractField f);  // "year"

// Text form, for EXPLAIN: columns by the given input names (or #i when a name is empty or
// missing), literals in SQL form (DATE '1995-03-15', 0.06, 'abc'), $n.
std::string ExprToString(const PlanExpr& e, const std::vector<std::string>& input_names);

}  // namespace ibex::optimizer
