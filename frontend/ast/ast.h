// The SQL abstract syntax tree produced by the parser (frontend/parser/parser.h) and annotated
// in place by the binder (frontend/binder/binder.h). Nodes are plain structs held by
// shared_ptr (X3 copies attributes while it backtracks); every node carries the Span of text
// it came from. Numeric literals keep their text. A tree is built by one thread and then only
// read, except that Bind() writes the `bound` annotations before anyone else reads it.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "frontend/binder/sql_type.h"

namespace ibex::sql::ast {

struct Span {
  uint32_t begin = 0;  // byte offsets into the statement text
  uint32_t end = 0;
};

struct Expr;
struct Query;
struct TableRef;
using ExprPtr = std::shared_ptr<Expr>;
using QueryPtr = std::shared_ptr<Query>;
using TableRefPtr = std::shared_ptr<TableRef>;

struct Identifier {
  std::string name;  // folded to lower case unless it was quoted
  Span span;
};

enum class ExprKind : uint8_t {
  kColumnRef,   // [qualifier.]name
  kStar,        // * or qualifier.*  (select list and count(*))
  kLiteral,
  kParam,       // $n
  kUnary,       // op: "-", "+", "not"
  kBinary,      // op: + - * / % || = <> < <= > >= and or
  kBetween,     // args: value, low, high; negated
  kInList,      // args: value, list...; negated
  kInSubquery,  // args: value; subquery; negated
  kExists,      // subquery; negated
  kSubquery,    // scalar subquery
  kLike,        // args: value, pattern; negated
  kIsNull,      // args: value; negated
  kCase,        // args: [operand], when, then, when, then, ..., [else]; has_operand, has_else
  kCast,        // args: value; cast_type
  kExtract,     // args: value; name = field ("year")
  kSubstring,   // args: value, from, [for]
  kFunction,    // name(args); distinct; star (count(*)); window
};

enum class LiteralKind : uint8_t { kInteger, kDecimal, kString, kNull, kBool, kDate, kInterval };

struct TypeName {
  std::string name;  // lower case: integer, bigint, decimal, varchar, char, date, ...
  std::vector<int64_t> params;
  Span span;
};

struct OrderItem {
  ExprPtr expr;
  bool descending = false;
  std::optional<bool> nulls_first;
};

struct WindowSpec {
  std::vector<ExprPtr> partition_by;
  std::vector<OrderItem> order_by;
  Span span;
};

// The binder's annotation of an expression.
struct BoundExpr {
  SqlType type;
  // Column references: which FROM scope (0 = the innermost, >0 = an outer query: correlated),
  // which from-item (in the scope's flattened list) and which of its columns.
  int scope_depth = -1;
  int from_index = -1;
  int column_index = -1;
  bool correlated = false;
  bool from_star = false;  // a column SELECT * expanded to: bound already
  bool is_aggregate = false;  // an aggregate function call
  bool is_window = false;
  int select_index = -1;  // ORDER BY item resolved to a select-list output
};

struct Expr {
  ExprKind kind = ExprKind::kLiteral;
  Span span;
  std::string name;       // column/function name, operator, extract field
  std::string qualifier;  // table qualifier of a column ref or qualified star
  Span qualifier_span;
  LiteralKind literal = LiteralKind::kNull;
  std::string text;  // literal text: exact numeral, string value, date text, interval count
  std::string interval_unit;  // year, month, day (interval literals)
  std::vector<ExprPtr> args;
  QueryPtr subquery;
  TypeName cast_type;
  std::shared_ptr<WindowSpec> window;
  bool negated = false;
  bool distinct = false;
  bool has_operand = false;
  bool has_else = false;
  BoundExpr bound;
};

// What a query produces: one per output column (binder annotation).
struct OutputColumn {
  std::string name;
  SqlType type;
};

struct Cte;

// Binder annotation of one FROM leaf: a base table, a CTE reference, or a derived table (a
// subquery in FROM, or a view, expanded to its parsed query).
struct BoundSource {
  enum class Kind : uint8_t { kTable, kCte, kDerived } kind = Kind::kTable;
  std::string name;  // what qualifies its columns: the alias, else the table/CTE/view name
  uint64_t table_id = 0;   // kTable
  std::string table_name;  // kTable, kCte, views
  const Cte* cte = nullptr;  // kCte
  QueryPtr query;            // kDerived
  std::vector<OutputColumn> columns;
  std::vector<bool> hidden;  // columns merged away by JOIN ... USING (unqualified lookups)
};

struct SelectItem {
  ExprPtr expr;
  std::optional<Identifier> alias;
};

enum class JoinType : uint8_t { kInner, kLeft, kRight, kFull, kCross };

struct TableRef {
  enum class Kind : uint8_t { kBase, kDerived, kJoin } kind = Kind::kBase;
  Span span;
  Identifier name;  // kBase
  QueryPtr subquery;  // kDerived
  std::optional<Identifier> alias;
  std::vector<Identifier> column_aliases;
  // kJoin
  JoinType join_type = JoinType::kInner;
  TableRefPtr left, right;
  ExprPtr on;
  std::vector<Identifier> using_columns;
  int source_index = -1;  // binder: index into the SelectCore's sources (leaves only)
};

struct SelectCore {
  Span span;
  bool distinct = false;
  std::vector<SelectItem> items;
  std::vector<TableRefPtr> from;
  ExprPtr where;
  std::vector<ExprPtr> group_by;
  ExprPtr having;
  // binder annotations
  std::vector<BoundSource> sources;  // FROM leaves in order; ColumnBinding::from_index
  bool aggregating = false;          // GROUP BY or aggregates: the output is grouped
};

enum class SetOp : uint8_t { kNone, kUnion, kIntersect, kExcept };

// A query body: a SELECT, a parenthesised query, or a set operation of two bodies.
struct QueryBody {
  SetOp op = SetOp::kNone;
  bool all = false;
  std::shared_ptr<SelectCore> select;  // op == kNone and !nested
  QueryPtr nested;                     // op == kNone: ( query )
  std::shared_ptr<QueryBody> left, right;
  Span span;
};
using QueryBodyPtr = std::shared_ptr<QueryBody>;

struct Cte {
  Identifier name;
  std::vector<Identifier> columns;
  QueryPtr query;
};

struct Query {
  Span span;
  std::vector<Cte> with;
  QueryBodyPtr body;
  std::vector<OrderItem> order_by;
  ExprPtr limit;
  ExprPtr offset;
  std::vector<OutputColumn> outputs;  // binder annotation
};

struct ColumnDef {
  Identifier name;
  TypeName type;
  bool not_null = false;
};

enum class StatementKind : uint8_t {
  kSelect, kCreateTable, kDropTable, kCreateView, kDropView, kCopy, kInsert, kExplain,
  kPrepare, kExecute, kDeallocate, kSet, kShow,
};

struct Statement;
using StatementPtr = std::shared_ptr<Statement>;

struct CopyOption {
  Identifier name;  // format, delimiter, header, null
  std::string value;
  bool has_value = false;
};

struct Statement {
  StatementKind kind = StatementKind::kSelect;
  Span span;
  QueryPtr query;  // select, create view, insert ... select, prepare/explain via inner
  // create/drop table/view, copy, insert, prepare/execute/deallocate name, set/show name
  Identifier name;
  bool if_not_exists = false;
  bool if_exists = false;
  std::vector<ColumnDef> columns;              // create table
  enum class Partitioning : uint8_t { kRoundRobin, kHash, kReplicated } partitioning =
      Partitioning::kRoundRobin;
  std::vector<Identifier> partition_columns;  // PARTITION BY HASH(...)
  std::vector<Identifier> sort_key;           // ORDER BY (...)
  std::vector<Identifier> column_list;        // create view (cols), insert (cols)
  std::string path;                           // copy
  std::vector<CopyOption> copy_options;
  std::vector<std::vector<ExprPtr>> values;   // insert ... values
  std::vector<ExprPtr> args;                  // execute name(args); set name = value
  bool analyze = false;                       // explain analyze
  StatementPtr inner;                         // explain / prepare
  std::string view_text;                      // create view: the query's text
};

}  // namespace ibex::sql::ast
