// Binary form of a PhysicalPlan (declared in physical_plan.h): magic "IBXP", uint16 format
// version, then the tree in pre-order. Little-endian via storage's ByteWriter/ByteReader.
// The reader checks every enum tag, every count against the bytes left, and the nesting depth,
// so that a damaged or hostile fragment gives Corruption instead of a crash.
#include <string>

#include "optimizer/physical_plan.h"
#include "storage/serde.h"

namespace ibex::optimizer {

namespace {

using storage::ByteReader;
using storage::ByteWriter;

constexpr char kMagic[4] = {'I', 'B', 'X', 'P'};
constexpr uint16_t kVersion = 4;  // 2: JoinSpec::at_most_one_match, 3: ExchangeSpec::fragment,
                                   // 4: ExchangeSpec bloom fields
constexpr int kMaxDepth = 2000;

// ---- writer -----------------------------------------------------------------------------------

void PutBool(ByteWriter* w, bool b) { w->Put<uint8_t>(b ? 1 : 0); }
void PutCount(ByteWriter* w, size_t n) { w->Put<uint32_t>(static_cast<uint32_t>(n)); }

void PutExpr(ByteWriter* w, const PlanExpr& e) {
  w->Put<uint8_t>(static_cast<uint8_t>(e.kind));
  w->PutType(e.type);
  w->Put<uint8_t>(static_cast<uint8_t>(e.op));
  w->Put<int32_t>(e.column);
  w->Put<int32_t>(e.param);
  if (e.kind == ExprKind::kLiteral) w->PutValue(e.value);
  PutBool(w, e.negated);
  PutBool(w, e.has_else);
  w->Put<uint8_t>(static_cast<uint8_t>(e.field));
  w->Put<int32_t>(e.months);
  w->Put<int32_t>(e.days);
  w->PutString(e.name);
  PutCount(w, e.args.size());
  for (const PlanExpr& a : e.args) PutExpr(w, a);
}

void PutOptExpr(ByteWriter* w, const std::optional<PlanExpr>& e) {
  PutBool(w, e.has_value());
  if (e) PutExpr(w, *e);
}

void PutExprs(ByteWriter* w, const std::vector<PlanExpr>& es) {
  PutCount(w, es.size());
  for (const PlanExpr& e : es) PutExpr(w, e);
}

void PutSortKeys(ByteWriter* w, const std::vector<SortKey>& keys) {
  PutCount(w, keys.size());
  for (const SortKey& k : keys) {
    PutExpr(w, k.expr);
    PutBool(w, k.descending);
    PutBool(w, k.nulls_first);
  }
}

void PutOptValue(ByteWriter* w, const std::optional<Value>& v) {
  PutBool(w, v.has_value());
  if (v) w->PutValue(*v);
}

void PutTableDef(ByteWriter* w, const storage::TableDef& def) {
  w->PutString(def.name);
  PutCount(w, def.columns.size());
  for (const auto& c : def.columns) {
    w->PutString(c.name);
    w->PutType(c.type);
    PutBool(w, c.not_null);
  }
  w->Put<uint8_t>(static_cast<uint8_t>(def.distribution.kind));
  PutCount(w, def.distribution.hash_columns.size());
  for (int c : def.distribution.hash_columns) w->Put<int32_t>(c);
  PutCount(w, def.sort_key.size());
  for (int c : def.sort_key) w->Put<int32_t>(c);
}

void PutInts(ByteWriter* w, const std::vector<int>& v) {
  PutCount(w, v.size());
  for (int x : v) w->Put<int32_t>(x);
}

struct PayloadWriter {
  ByteWriter* w;
  void operator()(const ScanSpec& s) const {
    w->PutString(s.table);
    w->Put<uint64_t>(s.table_id);
    PutInts(w, s.columns);
    PutOptExpr(w, s.filter);
    PutCount(w, s.prune.size());
    for (const ColumnRange& r : s.prune) {
      w->Put<int32_t>(r.column);
      PutOptValue(w, r.range.lower);
      PutBool(w, r.range.lower_inclusive);
      PutOptValue(w, r.range.upper);
      PutBool(w, r.range.upper_inclusive);
    }
  }
  void operator()(const FilterSpec& s) const { PutExpr(w, s.predicate); }
  void operator()(const ProjectSpec& s) const { PutExprs(w, s.exprs); }
  void operator()(const JoinSpec& s) const {
    w->Put<uint8_t>(static_cast<uint8_t>(s.type));
    PutExprs(w, s.left_keys);
    PutExprs(w, s.right_keys);
    PutOptExpr(w, s.residual);
    w->Put<uint8_t>(static_cast<uint8_t>(s.build));
    PutBool(w, s.null_aware);
    PutBool(w, s.at_most_one_match);
  }
  void operator()(const AggregateSpec& s) const {
    PutExprs(w, s.group_keys);
    PutCount(w, s.aggregates.size());
    for (const AggregateCall& a : s.aggregates) {
      w->Put<uint8_t>(static_cast<uint8_t>(a.func));
      PutOptExpr(w, a.arg);
      PutBool(w, a.distinct);
      w->PutType(a.type);
    }
    w->Put<uint8_t>(static_cast<uint8_t>(s.phase));
  }
  void operator()(const SortSpec& s) const { PutSortKeys(w, s.keys); }
  void operator()(const TopNSpec& s) const {
    PutSortKeys(w, s.keys);
    w->Put<int64_t>(s.limit);
    w->Put<int64_t>(s.offset);
  }
  void operator()(const LimitSpec& s) const {
    w->Put<int64_t>(s.limit);
    w->Put<int64_t>(s.offset);
  }
  void operator()(const SetOpSpec& s) const {
    w->Put<uint8_t>(static_cast<uint8_t>(s.kind));
    PutBool(w, s.all);
  }
  void operator()(const WindowSpec& s) const {
    PutExprs(w, s.partition_keys);
    PutSortKeys(w, s.order_keys);
    PutCount(w, s.functions.size());
    for (const WindowCall& f : s.functions) {
      w->Put<uint8_t>(static_cast<uint8_t>(f.func));
      PutOptExpr(w, f.arg);
      w->PutType(f.type);
    }
  }
  void operator()(const ValuesSpec& s) const {
    PutCount(w, s.rows.size());
    for (const auto& row : s.rows) PutExprs(w, row);
  }
  void operator()(const ExchangeSpec& s) const {
    w->Put<uint8_t>(static_cast<uint8_t>(s.kind));
    PutExprs(w, s.keys);
    PutSortKeys(w, s.merge_keys);
    w->Put<int32_t>(s.fragment);
    w->Put<int32_t>(s.bloom_to);
    w->Put<int64_t>(s.bloom_bits);
    w->Put<int32_t>(s.bloom_from);
  }
  void operator()(const SinkSpec& s) const {
    w->PutString(s.table);
    w->Put<uint64_t>(s.table_id);
    PutInts(w, s.columns);
    PutBool(w, s.create_table.has_value());
    if (s.create_table) PutTableDef(w, *s.create_table);
  }
};

void PutNode(ByteWriter* w, const PlanNode& n) {
  w->Put<uint8_t>(static_cast<uint8_t>(n.kind()));
  w->Put<int32_t>(n.id);
  PutCount(w, n.schema.size());
  for (const Field& f : n.schema) {
    w->PutString(f.name);
    w->PutType(f.type);
  }
  w->Put<double>(n.estimated_rows);
  std::visit(PayloadWriter{w}, n.payload);
  PutCount(w, n.children.size());
  for (const PlanNode& c : n.children) PutNode(w, c);
}

// ---- reader -----------------------------------------------------------------------------------

class Reader {
 public:
  explicit Reader(std::string_view bytes) : r_(bytes) {}

  ByteReader& r() { return r_; }

  template <typename E>
  E Enum(int count, const char* what) {
    const auto v = r_.Get<uint8_t>();
    if (v >= count) r_.Fail(std::string("bad ") + what + " tag " + std::to_string(v));
    return r_.ok() ? static_cast<E>(v) : static_cast<E>(0);
  }
  bool Bool() { return r_.Get<uint8_t>() != 0; }
  // A count of items that need at least `min_bytes` each: more than the bytes left is damage.
  size_t Count(size_t min_bytes = 1) {
    const auto n = r_.Get<uint32_t>();
    if (r_.ok() && static_cast<size_t>(n) * min_bytes > r_.remaining()) {
      r_.Fail("count " + std::to_string(n) + " exceeds the remaining bytes");
      return 0;
    }
    return r_.ok() ? n : 0;
  }
  bool Enter() {
    if (++depth_ > kMaxDepth) r_.Fail("plan nested too deeply");
    return r_.ok();
  }
  void Leave() { --depth_; }

  PlanExpr Expr() {
    PlanExpr e;
    if (!Enter()) return e;
    e.kind = Enum<ExprKind>(kExprKindCount, "expression");
    e.type = r_.GetType();
    e.op = Enum<ScalarOp>(kScalarOpCount, "operator");
    e.column = r_.Get<int32_t>();
    e.param = r_.Get<int32_t>();
    if (e.kind == ExprKind::kLiteral) e.value = r_.GetValue();
    e.negated = Bool();
    e.has_else = Bool();
    e.field = Enum<ExtractField>(kExtractFieldCount, "extract field");
    e.months = r_.Get<int32_t>();
    e.days = r_.Get<int32_t>();
    e.name = r_.GetString();
    size_t n = Count();
    for (size_t i = 0; i < n && r_.ok(); ++i) e.args.push_back(Expr());
    Leave();
    return e;
  }
  std::optional<PlanExpr> OptExpr() {
    if (!Bool() || !r_.ok()) return std::nullopt;
    return Expr();
  }
  std::vector<PlanExpr> Exprs() {
    std::vector<PlanExpr> out;
    size_t n = Count();
    for (size_t i = 0; i < n && r_.ok(); ++i) out.push_back(Expr());
    return out;
  }
  std::vector<SortKey> SortKeys() {
    std::vector<SortKey> out;
    size_t n = Count();
    for (size_t i = 0; i < n && r_.ok(); ++i) {
      SortKey k;
      k.expr = Expr();
      k.descending = Bool();
      k.nulls_first = Bool();
      out.push_back(std::move(k));
    }
    return out;
  }
  std::optional<Value> OptValue() {
    if (!Bool() || !r_.ok()) return std::nullopt;
    return r_.GetValue();
  }
  std::vector<int> Ints() {
    std::vector<int> out;
    size_t n = Count(4);
    for (size_t i = 0; i < n && r_.ok(); ++i) out.push_back(r_.Get<int32_t>());
    return out;
  }
  storage::TableDef TableDef() {
    storage::TableDef def;
    def.name = r_.GetString();
    size_t n = Count();
    for (size_t i = 0; i < n && r_.ok(); ++i) {
      storage::ColumnDef c;
      c.name = r_.GetString();
      c.type = r_.GetType();
      c.not_null = Bool();
      def.columns.push_back(std::move(c));
    }
    def.distribution.kind = Enum<storage::DistributionKind>(3, "distribution");
    def.distribution.hash_columns = Ints();
    def.sort_key = Ints();
    return def;
  }

  NodePayload Payload(NodeKind kind) {
    switch (kind) {
      case NodeKind::kScan: {
        ScanSpec s;
        s.table = r_.GetString();
        s.table_id = r_.Get<uint64_t>();
        s.columns = Ints();
        s.filter = OptExpr();
        size_t n = Count();
        for (size_t i = 0; i < n && r_.ok(); ++i) {
          ColumnRange c;
          c.column = r_.Get<int32_t>();
          c.range.lower = OptValue();
          c.range.lower_inclusive = Bool();
          c.range.upper = OptValue();
          c.range.upper_inclusive = Bool();
          s.prune.push_back(std::move(c));
        }
        return s;
      }
      case NodeKind::kFilter:
        return FilterSpec{Expr()};
      case NodeKind::kProject:
        return ProjectSpec{Exprs()};
      case NodeKind::kHashJoin: {
        JoinSpec s;
        s.type = Enum<JoinType>(kJoinTypeCount, "join type");
        s.left_keys = Exprs();
        s.right_keys = Exprs();
        s.residual = OptExpr();
        s.build = Enum<BuildSide>(2, "build side");
        s.null_aware = Bool();
        s.at_most_one_match = Bool();
        if (s.left_keys.size() != s.right_keys.size()) r_.Fail("join key counts differ");
        return s;
      }
      case NodeKind::kHashAggregate: {
        AggregateSpec s;
        s.group_keys = Exprs();
        size_t n = Count();
        for (size_t i = 0; i < n && r_.ok(); ++i) {
          AggregateCall a;
          a.func = Enum<AggFunc>(kAggFuncCount, "aggregate");
          a.arg = OptExpr();
          a.distinct = Bool();
          a.type = r_.GetType();
          s.aggregates.push_back(std::move(a));
        }
        s.phase = Enum<AggPhase>(3, "aggregate phase");
        return s;
      }
      case NodeKind::kSort:
        return SortSpec{SortKeys()};
      case NodeKind::kTopN: {
        TopNSpec s;
        s.keys = SortKeys();
        s.limit = r_.Get<int64_t>();
        s.offset = r_.Get<int64_t>();
        return s;
      }
      case NodeKind::kLimit: {
        LimitSpec s;
        s.limit = r_.Get<int64_t>();
        s.offset = r_.Get<int64_t>();
        return s;
      }
      case NodeKind::kSetOperation: {
        SetOpSpec s;
        s.kind = Enum<SetOpKind>(3, "set operation");
        s.all = Bool();
        return s;
      }
      case NodeKind::kWindow: {
        WindowSpec s;
        s.partition_keys = Exprs();
        s.order_keys = SortKeys();
        size_t n = Count();
        for (size_t i = 0; i < n && r_.ok(); ++i) {
          WindowCall f;
          f.func = Enum<WindowFunc>(kWindowFuncCount, "window function");
          f.arg = OptExpr();
          f.type = r_.GetType();
          s.functions.push_back(std::move(f));
        }
        return s;
      }
      case NodeKind::kValues: {
        ValuesSpec s;
        size_t n = Count();
        for (size_t i = 0; i < n && r_.ok(); ++i) s.rows.push_back(Exprs());
        return s;
      }
      case NodeKind::kExchange: {
        ExchangeSpec s;
        s.kind = Enum<ExchangeKind>(3, "exchange");
        s.keys = Exprs();
        s.merge_keys = SortKeys();
        s.fragment = r_.Get<int32_t>();
        s.bloom_to = r_.Get<int32_t>();
        s.bloom_bits = r_.Get<int64_t>();
        s.bloom_from = r_.Get<int32_t>();
        return s;
      }
      case NodeKind::kSink: {
        SinkSpec s;
        s.table = r_.GetString();
        s.table_id = r_.Get<uint64_t>();
        s.columns = Ints();
        if (Bool() && r_.ok()) s.create_table = TableDef();
        return s;
      }
    }
    return ScanSpec{};
  }

  PlanNode Node() {
    PlanNode n;
    if (!Enter()) return n;
    NodeKind kind = Enum<NodeKind>(kNodeKindCount, "plan node");
    n.id = r_.Get<int32_t>();
    size_t fields = Count();
    for (size_t i = 0; i < fields && r_.ok(); ++i) {
      Field f;
      f.name = r_.GetString();
      f.type = r_.GetType();
      n.schema.push_back(std::move(f));
    }
    n.estimated_rows = r_.Get<double>();
    if (r_.ok()) n.payload = Payload(kind);
    size_t children = Count();
    for (size_t i = 0; i < children && r_.ok(); ++i) n.children.push_back(Node());
    Leave();
    return n;
  }

 private:
  ByteReader r_;
  int depth_ = 0;
};

}  // namespace

std::string SerializePlan(const PhysicalPlan& plan) {
  ByteWriter w;
  w.PutBytes(kMagic, sizeof kMagic);
  w.Put<uint16_t>(kVersion);
  w.Put<int32_t>(plan.param_count);
  PutCount(&w, plan.param_types.size());
  for (const DataType& t : plan.param_types) w.PutType(t);
  PutNode(&w, plan.root);
  return std::move(w.buffer());
}

Result<PhysicalPlan> DeserializePlan(std::string_view bytes) {
  Reader reader(bytes);
  ByteReader& r = reader.r();
  std::string_view magic = r.GetBytes(sizeof kMagic);
  if (!r.ok() || magic != std::string_view(kMagic, sizeof kMagic)) {
    return Status::Corruption("plan: bad magic (not a serialized plan)");
  }
  const auto version = r.Get<uint16_t>();
  if (r.ok() && version != kVersion) {
    return Status::Corruption("plan: format version " + std::to_string(version) +
                              ", this build reads " + std::to_string(kVersion));
  }
  PhysicalPlan plan;
  plan.param_count = r.Get<int32_t>();
  size_t n = reader.Count();
  for (size_t i = 0; i < n && r.ok(); ++i) plan.param_types.push_back(r.GetType());
  plan.root = reader.Node();
  if (r.ok() && r.remaining() != 0) r.Fail(std::to_string(r.remaining()) + " trailing bytes");
  if (!r.ok())
    return Status::Corruption("plan: " + r.error() + " (at byte " + std::to_string(r.position()) +
                              ")");
  return plan;
}

}  // namespace ibex::optimizer
