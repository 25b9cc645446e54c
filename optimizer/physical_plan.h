// The physical plan: what the optimizer hands to exec (single rank) and, cut at its Exchange
// nodes into fragments, to the executors (distributed). Plain, copyable, serializable data
// (optimizer/plan_serde.h); no pointers into the catalog or the AST. exec builds one operator
// (pipeline stage) per node from it.
//
// Shape: a tree of PlanNode values. Every node has an id (unique in its plan, assigned in
// pre-order by AssignNodeIds), an output schema (names and DataTypes), an estimated row count
// (the cost model's, shown by EXPLAIN) and a kind-specific payload. Expressions of a node
// refer to its input by position (optimizer/plan_expr.h): one child -> that child's schema;
// a join -> the left child's columns followed by the right child's.
//
// Output schemas, per kind:
//   Scan       the projected table columns, in `columns` order
//   Filter     = input                         Project   one column per expression
//   HashJoin   inner/left/right/full: left ++ right (outer side's missing columns NULL)
//              semi/anti: left only            mark: left ++ one BOOLEAN (the mark)
//   HashAggregate  group keys, then one column per aggregate (phase kPartial: see below)
//   Sort, TopN, Limit, Exchange  = input
//   SetOperation  = the first child's (the planner casts every child to the common types)
//   Window     input ++ one column per window function
//   Values     the declared schema            Sink      one BIGINT column "count"
//
// Thread safety: values; build on one thread, then read from any number.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "optimizer/plan_expr.h"
#include "storage/blocks/zone_map.h"
#include "storage/catalog.h"

namespace ibex::optimizer {

struct Field {
  std::string name;
  DataType type;
  bool operator==(const Field&) const = default;
};
using Schema = std::vector<Field>;

// ORDER BY item. Default NULL order (what the planner writes when SQL says nothing): NULLS
// LAST for ASC and for DESC, as DuckDB, which produced the reference answers.
struct SortKey {
  PlanExpr expr;
  bool descending = false;
  bool nulls_first = false;
  bool operator==(const SortKey&) const = default;
};

// ---- Payloads --------------------------------------------------------------------------------

// A zone-map prunable conjunct of the scan's filter: `column` (position in the scan's output)
// lies in `range`. A block whose zone map cannot match any one of these is skipped
// (storage::ZoneMayMatch); the full `filter` is still applied to the rows of other blocks.
struct ColumnRange {
  int column = -1;
  storage::ValueRange range;
  bool operator==(const ColumnRange& o) const;
};

struct ScanSpec {
  std::string table;  // as the catalog spells it
  uint64_t table_id = 0;
  std::vector<int> columns;        // table column indices, in output order
  std::optional<PlanExpr> filter;  // over the output columns; rows where it is not TRUE drop
  std::vector<ColumnRange> prune;  // implied by `filter`, for block skipping
  bool operator==(const ScanSpec&) const = default;
};

struct FilterSpec {
  PlanExpr predicate;  // keeps rows where it is TRUE
  bool operator==(const FilterSpec&) const = default;
};

struct ProjectSpec {
  std::vector<PlanExpr> exprs;  // one per output column
  bool operator==(const ProjectSpec&) const = default;
};

enum class JoinType : uint8_t {
  kInner = 0,
  kLeft = 1,
  kRight = 2,
  kFull = 3,
  kSemi = 4,
  kAnti = 5,
  kMark = 6,
};
inline constexpr int kJoinTypeCount = 7;
enum class BuildSide : uint8_t { kRight = 0, kLeft = 1 };

// Equi-join on left_keys[i] = right_keys[i] (keys over their own side's columns, pairwise of
// equal type; a NULL key never matches), plus an optional residual over left ++ right that a
// candidate pair must also satisfy (TRUE). No keys: a nested-loop join on the residual (or a
// cross product when there is none either).
// Semi/anti/mark keep the left side's rows: semi emits a left row once if some right row
// matches; anti if none does; mark emits every left row with mark = TRUE if one matches, else
// FALSE — or NULL when null_aware and (the left key is NULL or the right side has a NULL key)
// and the right side is not empty.
// null_aware (NOT IN): an anti join then emits no row at all when the right side has a row with
// a NULL key, and emits a left row with a NULL key only when the right side is empty.
struct JoinSpec {
  JoinType type = JoinType::kInner;
  std::vector<PlanExpr> left_keys;
  std::vector<PlanExpr> right_keys;
  std::optional<PlanExpr> residual;
  BuildSide build = BuildSide::kRight;  // semi/anti/mark: the planner always builds the right
  bool null_aware = false;
  // Scalar subquery (added in plan format 2): a left row matching a second right row — for a
  // join without keys, a right side of more than one row — is the error "more than one row
  // returned by a subquery used as an expression".
  bool at_most_one_match = false;
  bool operator==(const JoinSpec&) const = default;
};

enum class AggFunc : uint8_t {
  kCountStar = 0,
  kCount = 1,
  kSum = 2,
  kAvg = 3,
  kMin = 4,
  kMax = 5,
  kStddevSamp = 6,
  kStddevPop = 7,
  kVarSamp = 8,
  kVarPop = 9,
};
inline constexpr int kAggFuncCount = 10;

struct AggregateCall {
  AggFunc func = AggFunc::kCountStar;
  std::optional<PlanExpr> arg;  // none for COUNT(*)
  bool distinct = false;
  DataType type;  // result type (plan_expr.h rules)
  bool operator==(const AggregateCall&) const = default;
};

// kSingle: input rows -> results. Two-phase (issue 7): kPartial emits, after the group keys,
// each aggregate's state columns: COUNT -> BIGINT count; SUM -> its result type; MIN/MAX ->
// the value; AVG -> sum (DECIMAL(38,s) for decimals, BIGINT for integers, DOUBLE otherwise)
// and BIGINT count; STDDEV/VAR -> BIGINT count, DOUBLE sum, DOUBLE sum of squares. kFinal
// reads group keys then those state columns (by position, in the same order) and emits the
// kSingle schema. DISTINCT aggregates are never split.
enum class AggPhase : uint8_t { kSingle = 0, kPartial = 1, kFinal = 2 };

struct AggregateSpec {
  std::vector<PlanExpr> group_keys;  // no keys: one output row, even for empty input
  std::vector<AggregateCall> aggregates;
  AggPhase phase = AggPhase::kSingle;
  bool operator==(const AggregateSpec&) const = default;
};

struct SortSpec {
  std::vector<SortKey> keys;
  bool operator==(const SortSpec&) const = default;
};

struct TopNSpec {  // Sort then Limit, fused
  std::vector<SortKey> keys;
  int64_t limit = 0;
  int64_t offset = 0;
  bool operator==(const TopNSpec&) const = default;
};

struct LimitSpec {
  int64_t limit = -1;  // -1: no limit
  int64_t offset = 0;
  bool operator==(const LimitSpec&) const = default;
};

enum class SetOpKind : uint8_t { kUnion = 0, kIntersect = 1, kExcept = 2 };
// UNION [ALL] of two or more children; INTERSECT/EXCEPT [ALL] of exactly two. Without ALL the
// result has no duplicate rows (NULLs compare equal here, as in DISTINCT); with ALL, bag
// semantics (INTERSECT ALL: min of counts, EXCEPT ALL: difference of counts).
struct SetOpSpec {
  SetOpKind kind = SetOpKind::kUnion;
  bool all = false;
  bool operator==(const SetOpSpec&) const = default;
};

enum class WindowFunc : uint8_t {
  kRowNumber = 0,
  kRank = 1,
  kDenseRank = 2,
  kCountStar = 3,
  kCount = 4,
  kSum = 5,
  kAvg = 6,
  kMin = 7,
  kMax = 8,
};
inline constexpr int kWindowFuncCount = 9;

struct WindowCall {
  WindowFunc func = WindowFunc::kRowNumber;
  std::optional<PlanExpr> arg;
  DataType type;
  bool operator==(const WindowCall&) const = default;
};

// All functions of one node share the partition and order keys. Frame: with order keys, from
// the partition's start to the current row's last peer (running aggregates, SQL's default
// RANGE UNBOUNDED PRECEDING); without, the whole partition. Output rows: all input rows, in
// any order.
struct WindowSpec {
  std::vector<PlanExpr> partition_keys;
  std::vector<SortKey> order_keys;
  std::vector<WindowCall> functions;
  bool operator==(const WindowSpec&) const = default;
};

// Constant rows (INSERT ... VALUES, SELECT without FROM); each expression is a literal, a
// parameter or constant arithmetic of those, typed as the schema says.
struct ValuesSpec {
  std::vector<std::vector<PlanExpr>> rows;
  bool operator==(const ValuesSpec&) const = default;
};

// Where rows move between ranks (issue 7). kShuffle: by hash of `keys` (storage's
// partitioning function, so co-located tables line up); kBroadcast: every row to every
// executor; kGather: everything to one place (rank 0 for results), merged by `merge_keys`
// when the inputs are sorted runs.
enum class ExchangeKind : uint8_t { kShuffle = 0, kBroadcast = 1, kGather = 2 };
// In a whole plan an Exchange has one child, its sending side. In a fragment
// (optimizer/fragment.h) an Exchange without children is a receiving end: `fragment` names the
// fragment that sends into it (plan format 3).
struct ExchangeSpec {
  ExchangeKind kind = ExchangeKind::kGather;
  std::vector<PlanExpr> keys;
  std::vector<SortKey> merge_keys;
  int32_t fragment = -1;
  // Bloom filters below shuffles (plan format 4, set by CutFragments): the build side of a
  // selective join hashes its shuffle keys into a filter of `bloom_bits` bits that it sends to
  // the senders of fragment `bloom_to` (the probe side), which drop rows whose shuffle keys
  // cannot match before shuffling them (`bloom_from`: the fragment whose filter they apply).
  int32_t bloom_to = -1;
  int64_t bloom_bits = 0;
  int32_t bloom_from = -1;
  bool operator==(const ExchangeSpec&) const = default;
};

// Writes its input into a table (INSERT ... SELECT / VALUES, CREATE TABLE AS). `columns[i]` is
// the input position that feeds table column i, or -1 for NULL; the input is already cast to
// the table's types. create_table: CTAS creates this table (committed with the rows).
struct SinkSpec {
  std::string table;
  uint64_t table_id = 0;  // 0 when create_table (the id is assigned at commit)
  std::vector<int> columns;
  std::optional<storage::TableDef> create_table;
  bool operator==(const SinkSpec&) const = default;
};

// Index order = NodeKind order.
using NodePayload =
    std::variant<ScanSpec, FilterSpec, ProjectSpec, JoinSpec, AggregateSpec, SortSpec, TopNSpec,
                 LimitSpec, SetOpSpec, WindowSpec, ValuesSpec, ExchangeSpec, SinkSpec>;

enum class NodeKind : uint8_t {
  kScan = 0,
  kFilter = 1,
  kProject = 2,
  kHashJoin = 3,
  kHashAggregate = 4,
  kSort = 5,
  kTopN = 6,
  kLimit = 7,
  kSetOperation = 8,
  kWindow = 9,
  kValues = 10,
  kExchange = 11,
  kSink = 12,
};
inline constexpr int kNodeKindCount = 13;

struct PlanNode {
  int id = -1;
  Schema schema;
  double estimated_rows = 0;
  NodePayload payload;
  std::vector<PlanNode> children;

  NodeKind kind() const { return static_cast<NodeKind>(payload.index()); }
  template <typename T>
  T& As() {
    return std::get<T>(payload);
  }
  template <typename T>
  const T& As() const {
    return std::get<T>(payload);
  }

  std::vector<std::string> ColumnNames() const;  // schema names
  bool operator==(const PlanNode&) const = default;
};

// A whole statement's plan: the root node (its schema is the result's) and how many $n
// parameters it takes (EXECUTE supplies them; exec evaluates kParam from that vector).
struct PhysicalPlan {
  PlanNode root;
  int param_count = 0;
  std::vector<DataType> param_types;  // index n-1: the type $n is used as
  bool operator==(const PhysicalPlan&) const = default;
};

// Numbers the nodes of the tree in pre-order from 0.
void AssignNodeIds(PlanNode* root);

// Calls `fn` on every node of the tree, in pre-order (the order of ExplainText's lines).
void ForEachNode(const PlanNode& root, const std::function<void(const PlanNode&)>& fn);

const char* NodeKindName(NodeKind kind);  // "Scan", "HashJoin", ...
const char* JoinTypeName(JoinType type);  // "inner", "semi", ...
const char* AggFuncName(AggFunc func);    // "count_star", "sum", ...
const char* WindowFuncName(WindowFunc func);

// The stable text form EXPLAIN prints (one line per node, children indented by two spaces):
//   HashJoin[inner] build=right keys=(o_orderkey = l_orderkey) rows=1500
//     Scan orders [o_orderkey, o_orderdate] filter=(o_orderdate >= DATE '1993-07-01') rows=...
// Tests assert on it; change it only additively.
std::string ExplainText(const PhysicalPlan& plan);
std::string ExplainText(const PlanNode& node);

// Binary form: magic "IBXP", a format version, then the tree (optimizer/plan_serde.cpp).
// Deserialize checks bounds, enum ranges and nesting depth: bad bytes give Corruption, never
// a crash.
std::string SerializePlan(const PhysicalPlan& plan);
Result<PhysicalPlan> DeserializePlan(std::string_view bytes);

}  // namespace ibex::optimizer
