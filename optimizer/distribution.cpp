#include "optimizer/distribution.h"

#include <algorithm>
#include <limits>

namespace ibex::optimizer {

namespace {

using storage::TypeId;

// A two-phase aggregate expected to end with at most this many groups is finished at one
// place (the partial states gathered) rather than shuffled and finished on every executor.
constexpr double kGatherFinalGroups = 10000;

Trait Singleton() { return {TraitKind::kSingleton, {}}; }
Trait Replicated() { return {TraitKind::kReplicated, {}}; }
Trait Random() { return {TraitKind::kRandom, {}}; }
Trait Partitioned(std::vector<int> keys) {
  if (keys.empty()) return Random();
  return {TraitKind::kPartitioned, std::move(keys)};
}

double RowBytes(const Schema& schema) {
  double bytes = 0;
  for (const Field& f : schema) bytes += f.type.is_string() ? 24 : std::max(1, f.type.byte_width());
  return std::max(bytes, 1.0);
}

double Bytes(const PlanNode& n) { return std::max(1.0, n.estimated_rows) * RowBytes(n.schema); }

void Wrap(PlanNode* node, NodePayload payload, Schema schema, double rows) {
  PlanNode parent;
  parent.schema = std::move(schema);
  parent.estimated_rows = rows;
  parent.payload = std::move(payload);
  parent.children.push_back(std::move(*node));
  *node = std::move(parent);
}

void AddExchange(PlanNode* node, ExchangeKind kind, std::vector<PlanExpr> keys = {},
                 std::vector<SortKey> merge = {}) {
  Schema schema = node->schema;
  double rows = node->estimated_rows;
  Wrap(node, ExchangeSpec{kind, std::move(keys), std::move(merge), -1, -1, 0, -1}, std::move(schema), rows);
}

std::vector<PlanExpr> Columns(const Schema& schema, int count) {
  std::vector<PlanExpr> out;
  out.reserve(count);
  for (int i = 0; i < count; ++i) out.push_back(PlanExpr::Column(i, schema[i].type));
  return out;
}

// Positions of `exprs` that are plain columns, or empty when one is not.
std::vector<int> PlainColumns(const std::vector<PlanExpr>& exprs) {
  std::vector<int> out;
  for (const PlanExpr& e : exprs) {
    if (e.kind != ExprKind::kColumn) return {};
    out.push_back(e.column);
  }
  return out;
}

// For each key of a PARTITIONED trait, the index i with exprs[i] = that column; empty when
// some trait key is not among the expressions.
std::vector<size_t> MatchKeys(const Trait& t, const std::vector<PlanExpr>& exprs) {
  if (t.kind != TraitKind::kPartitioned) return {};
  std::vector<size_t> out;
  for (int k : t.keys) {
    size_t i = 0;
    while (i < exprs.size() && !(exprs[i].kind == ExprKind::kColumn && exprs[i].column == k)) ++i;
    if (i == exprs.size()) return {};
    out.push_back(i);
  }
  return out;
}

// The partial states of one aggregate (physical_plan.h, AggPhase).
std::vector<DataType> StateTypes(const AggregateCall& c) {
  switch (c.func) {
    case AggFunc::kCountStar:
    case AggFunc::kCount:
      return {DataType::Bigint()};
    case AggFunc::kSum:
    case AggFunc::kMin:
    case AggFunc::kMax:
      return {c.type};
    case AggFunc::kAvg: {
      DataType sum = DataType::Double();
      if (c.arg && c.arg->type.is_decimal())
        sum = DataType::Decimal(storage::kMaxDecimalPrecision, c.arg->type.scale());
      if (c.arg && (c.arg->type.id() == TypeId::kInteger || c.arg->type.id() == TypeId::kBigint)) {
        sum = DataType::Bigint();
      }
      return {sum, DataType::Bigint()};
    }
    default:
      return {DataType::Bigint(), DataType::Double(), DataType::Double()};
  }
}

class Distributor {
 public:
  Distributor(const storage::Catalog& catalog, int executors, DistributeOptions options)
      : catalog_(catalog), n_(executors), options_(options) {}

  // The aggregate whose groups are the result rows, if any: below the root through
  // projections, filters, sorts and limits only. Only its final phase may run where the
  // result is gathered: an aggregate joined with anything afterwards (TPC-H Q15's revenue
  // view) must stay on the executors, where the tables are.
  void FindResultAggregate(PlanNode* root) {
    PlanNode* n = root;
    while (n->kind() == NodeKind::kProject || n->kind() == NodeKind::kFilter ||
           n->kind() == NodeKind::kSort || n->kind() == NodeKind::kTopN ||
           n->kind() == NodeKind::kLimit) {
      n = &n->children[0];
    }
    if (n->kind() == NodeKind::kHashAggregate) result_aggregate_ = n;
  }

  Trait Place(PlanNode* node) {
    switch (node->kind()) {
      case NodeKind::kScan:
        return Scan(*node);
      case NodeKind::kFilter:
      case NodeKind::kExchange:
        return Place(&node->children[0]);
      case NodeKind::kProject: {
        Trait t = Place(&node->children[0]);
        if (t.kind != TraitKind::kPartitioned) return t;
        const auto& exprs = node->As<ProjectSpec>().exprs;
        std::vector<int> keys;
        for (int k : t.keys) {
          auto it = std::find_if(exprs.begin(), exprs.end(), [&](const PlanExpr& e) {
            return e.kind == ExprKind::kColumn && e.column == k;
          });
          if (it == exprs.end()) return Random();
          keys.push_back(static_cast<int>(it - exprs.begin()));
        }
        return Partitioned(std::move(keys));
      }
      case NodeKind::kHashJoin:
        return Join(node);
      case NodeKind::kHashAggregate:
        return Aggregate(node);
      case NodeKind::kSort: {
        Trait t = Place(&node->children[0]);
        if (t.kind == TraitKind::kSingleton) return t;
        std::vector<SortKey> keys = node->As<SortSpec>().keys;
        AddExchange(node, ExchangeKind::kGather, {}, std::move(keys));
        return Singleton();
      }
      case NodeKind::kTopN: {
        Trait t = Place(&node->children[0]);
        if (t.kind == TraitKind::kSingleton) return t;
        TopNSpec final_spec = node->As<TopNSpec>();
        TopNSpec& local = node->As<TopNSpec>();
        local.limit += local.offset;
        local.offset = 0;
        AddExchange(node, ExchangeKind::kGather, {}, final_spec.keys);
        Schema schema = node->schema;
        double rows = std::min(node->estimated_rows, static_cast<double>(final_spec.limit));
        Wrap(node, std::move(final_spec), std::move(schema), rows);
        return Singleton();
      }
      case NodeKind::kLimit: {
        Trait t = Place(&node->children[0]);
        if (t.kind == TraitKind::kSingleton) return t;
        LimitSpec final_spec = node->As<LimitSpec>();
        LimitSpec& local = node->As<LimitSpec>();
        if (local.limit >= 0) local.limit += local.offset;
        local.offset = 0;
        AddExchange(node, ExchangeKind::kGather);
        Schema schema = node->schema;
        double rows = node->estimated_rows;
        Wrap(node, final_spec, std::move(schema), rows);
        return Singleton();
      }
      case NodeKind::kSetOperation:
        return SetOperation(node);
      case NodeKind::kWindow: {
        Trait t = Place(&node->children[0]);
        const auto& partition = node->As<WindowSpec>().partition_keys;
        if (t.kind == TraitKind::kSingleton || t.kind == TraitKind::kReplicated) return t;
        if (partition.empty()) {
          AddExchange(&node->children[0], ExchangeKind::kGather);
          return Singleton();
        }
        if (!MatchKeys(t, partition).empty()) return t;
        if (PlainColumns(partition).empty()) {  // PARTITION BY an expression: shuffles need columns
          AddExchange(&node->children[0], ExchangeKind::kGather);
          return Singleton();
        }
        AddExchange(&node->children[0], ExchangeKind::kShuffle, partition);
        return Partitioned(PlainColumns(partition));
      }
      case NodeKind::kValues:
        return Singleton();
      case NodeKind::kSink:
        return Sink(node);
    }
    return Random();
  }

 private:
  Trait Scan(const PlanNode& node) {
    const ScanSpec& scan = node.As<ScanSpec>();
    const storage::Table* table = catalog_.FindTable(scan.table);
    if (table == nullptr) return Random();
    const storage::Distribution& d = table->def.distribution;
    if (d.kind == storage::DistributionKind::kReplicated) return Replicated();
    if (d.kind != storage::DistributionKind::kHash) return Random();
    std::vector<int> keys;
    for (int h : d.hash_columns) {
      auto it = std::find(scan.columns.begin(), scan.columns.end(), h);
      if (it == scan.columns.end()) return Random();
      keys.push_back(static_cast<int>(it - scan.columns.begin()));
    }
    return Partitioned(std::move(keys));
  }

  Trait Join(PlanNode* node) {
    Trait l = Place(&node->children[0]);
    Trait r = Place(&node->children[1]);
    JoinSpec& j = node->As<JoinSpec>();
    int lw = static_cast<int>(node->children[0].schema.size());
    bool emits_unmatched_right = j.type == JoinType::kRight || j.type == JoinType::kFull;
    bool left_once =
        j.type == JoinType::kInner || j.type == JoinType::kRight;  // left may be replicated
    auto shifted = [&](const Trait& t) {
      Trait out = t;
      for (int& k : out.keys) k += lw;
      return out;
    };
    if (l.kind == TraitKind::kReplicated && r.kind == TraitKind::kReplicated) return Replicated();
    if (l.kind == TraitKind::kSingleton && r.kind == TraitKind::kSingleton) return Singleton();
    // One row set at the coordinator (a gathered aggregate) and a replicated table: the join
    // runs at the coordinator with one executor's copy of the table gathered to it (the
    // coordinator holds no blocks; keeping the table's scan there failed with "fragment 0
    // runs at the coordinator but scans nation").
    if (l.kind == TraitKind::kSingleton && r.kind == TraitKind::kReplicated) {
      AddExchange(&node->children[1], ExchangeKind::kGather);
      return Singleton();
    }
    if (l.kind == TraitKind::kReplicated && r.kind == TraitKind::kSingleton) {
      AddExchange(&node->children[0], ExchangeKind::kGather);
      return Singleton();
    }
    // Co-located: both partitioned on corresponding keys.
    std::vector<size_t> lm = MatchKeys(l, j.left_keys);
    std::vector<size_t> rm = MatchKeys(r, j.right_keys);
    if (!j.null_aware && !lm.empty() && lm == rm) return l;
    if (r.kind == TraitKind::kReplicated && !emits_unmatched_right) return l;
    if (l.kind == TraitKind::kReplicated && left_once && !j.null_aware) return shifted(r);
    double left_bytes = Bytes(node->children[0]), right_bytes = Bytes(node->children[1]);
    double best = std::numeric_limits<double>::infinity();
    enum {
      kNone,
      kBroadcastRight,
      kBroadcastLeft,
      kShuffleRight,
      kShuffleLeft,
      kShuffleBoth
    } choice = kNone;
    // Bytes that cross between executors: a broadcast sends its side to the n - 1 others, a
    // shuffle keeps the 1/n of its side that hashes to the sending executor. (Costing a
    // shuffle at its full size tied it with a broadcast on two executors, and the tie went to
    // the broadcast: TPC-H Q13 then sent all of orders to both executors, and both probed it.)
    const double kept = 1.0 / static_cast<double>(n_);
    auto consider = [&](double cost, decltype(choice) c) {
      if (cost < best) {
        best = cost;
        choice = c;
      }
    };
    const bool broadcast = options_.joins == JoinDistribution::kAutomatic || j.left_keys.empty() ||
                           j.null_aware;
    if (broadcast && !emits_unmatched_right) consider(right_bytes * (n_ - 1), kBroadcastRight);
    if (broadcast && left_once && !j.null_aware) consider(left_bytes * (n_ - 1), kBroadcastLeft);
    // The exchange layer shuffles on columns only (the sender hashes column values): a side
    // whose join keys are expressions (ON a.x = b.y + 5000) is broadcast or gathered instead.
    auto subset = [](const std::vector<PlanExpr>& keys, const std::vector<size_t>& which) {
      std::vector<PlanExpr> out;
      for (size_t i : which) out.push_back(keys[i]);
      return out;
    };
    const bool left_columns = !PlainColumns(j.left_keys).empty();
    const bool right_columns = !PlainColumns(j.right_keys).empty();
    if (!j.left_keys.empty() && !j.null_aware) {
      if (!lm.empty() && !PlainColumns(subset(j.right_keys, lm)).empty()) {
        consider(right_bytes * (1 - kept), kShuffleRight);
      }
      if (!rm.empty() && !PlainColumns(subset(j.left_keys, rm)).empty()) {
        consider(left_bytes * (1 - kept), kShuffleLeft);
      }
      if (left_columns && right_columns) consider((left_bytes + right_bytes) * (1 - kept), kShuffleBoth);
    }
    switch (choice) {
      case kBroadcastRight:
        AddExchange(&node->children[1], ExchangeKind::kBroadcast);
        return l;
      case kBroadcastLeft:
        AddExchange(&node->children[0], ExchangeKind::kBroadcast);
        return shifted(r);
      case kShuffleRight:
        AddExchange(&node->children[1], ExchangeKind::kShuffle, subset(j.right_keys, lm));
        return l;
      case kShuffleLeft:
        AddExchange(&node->children[0], ExchangeKind::kShuffle, subset(j.left_keys, rm));
        return shifted(r);
      case kShuffleBoth:
      case kNone: {
        // Keyless right/full joins (unreachable in practice), and joins on expressions that can
        // be neither broadcast nor shuffled (a full join, a null-aware one): at one place.
        if (j.left_keys.empty() || !left_columns || !right_columns) {
          AddExchange(&node->children[0], ExchangeKind::kGather);
          AddExchange(&node->children[1], ExchangeKind::kGather);
          return Singleton();
        }
        AddExchange(&node->children[0], ExchangeKind::kShuffle, j.left_keys);
        AddExchange(&node->children[1], ExchangeKind::kShuffle, j.right_keys);
        return Partitioned(PlainColumns(j.left_keys));
      }
    }
    return Random();
  }

  Trait Aggregate(PlanNode* node) {
    Trait t = Place(&node->children[0]);
    AggregateSpec& spec = node->As<AggregateSpec>();
    int k = static_cast<int>(spec.group_keys.size());
    std::vector<int> key_positions;
    key_positions.reserve(k);
    for (int i = 0; i < k; ++i) key_positions.push_back(i);
    if (t.kind == TraitKind::kSingleton || t.kind == TraitKind::kReplicated) return t;
    std::vector<size_t> match = MatchKeys(t, spec.group_keys);
    if (!match.empty()) {
      std::vector<int> keys;
      keys.reserve(match.size());
      for (size_t i : match) keys.push_back(static_cast<int>(i));
      return Partitioned(std::move(keys));
    }
    bool distinct = std::any_of(spec.aggregates.begin(), spec.aggregates.end(),
                                [](const AggregateCall& c) { return c.distinct; });
    if (distinct || spec.phase != AggPhase::kSingle) {
      if (k == 0) {
        AddExchange(&node->children[0], ExchangeKind::kGather);
        return Singleton();
      }
      AddExchange(&node->children[0], ExchangeKind::kShuffle, spec.group_keys);
      return Partitioned(key_positions);
    }
    // Two phases: partial states, exchange, final.
    AggregateSpec final_spec;
    Schema partial_schema(node->schema.begin(), node->schema.begin() + k);
    final_spec.group_keys = Columns(node->schema, k);
    for (const AggregateCall& c : spec.aggregates) {
      for (const DataType& s : StateTypes(c))
        partial_schema.push_back({std::string(AggFuncName(c.func)) + "_state", s});
      AggregateCall f = c;
      f.arg.reset();
      final_spec.aggregates.push_back(std::move(f));
    }
    final_spec.phase = AggPhase::kFinal;
    spec.phase = AggPhase::kPartial;
    Schema final_schema = node->schema;
    double rows = node->estimated_rows;
    node->schema = partial_schema;
    node->estimated_rows = std::min(node->children[0].estimated_rows, rows * n_);
    // Few groups of the aggregate that makes the result (nothing but projections, filters,
    // sorts and limits above it): the partial states go straight to one place and are
    // finished there, one exchange instead of a shuffle, a distributed final phase and then a
    // gather of its result (SSB's grouped queries: 5-7000 groups; each exchange hop adds its
    // end-of-stream round trips to a query of 10-40 ms). Many groups: shuffled, finished where
    // they land.
    const bool gather = k == 0 || (node == result_aggregate_ && rows <= kGatherFinalGroups);
    if (gather) {
      AddExchange(node, ExchangeKind::kGather);
    } else {
      AddExchange(node, ExchangeKind::kShuffle, Columns(partial_schema, k));
    }
    Wrap(node, std::move(final_spec), std::move(final_schema), rows);
    return gather ? Singleton() : Partitioned(key_positions);
  }

  Trait SetOperation(PlanNode* node) {
    std::vector<Trait> traits;
    for (PlanNode& c : node->children) traits.push_back(Place(&c));
    auto all = [&](TraitKind kind) {
      return std::all_of(traits.begin(), traits.end(),
                         [&](const Trait& t) { return t.kind == kind; });
    };
    if (all(TraitKind::kReplicated)) return Replicated();
    if (all(TraitKind::kSingleton)) return Singleton();
    const SetOpSpec& spec = node->As<SetOpSpec>();
    if (spec.kind == SetOpKind::kUnion && spec.all) {
      for (size_t i = 0; i < traits.size(); ++i) {
        if (traits[i].kind == TraitKind::kReplicated)
          AddExchange(&node->children[i], ExchangeKind::kGather);
      }
      return Random();
    }
    int width = static_cast<int>(node->schema.size());
    for (PlanNode& c : node->children)
      AddExchange(&c, ExchangeKind::kShuffle, Columns(c.schema, width));
    std::vector<int> keys;
    keys.reserve(width);
    for (int i = 0; i < width; ++i) keys.push_back(i);
    return Partitioned(std::move(keys));
  }

  Trait Sink(PlanNode* node) {
    Trait t = Place(&node->children[0]);
    const SinkSpec& sink = node->As<SinkSpec>();
    const storage::TableDef* def = sink.create_table ? &*sink.create_table : nullptr;
    if (def == nullptr) {
      const storage::Table* table = catalog_.FindTable(sink.table);
      if (table != nullptr) def = &table->def;
    }
    bool replicated_target =
        def != nullptr && def->distribution.kind == storage::DistributionKind::kReplicated;
    if (def != nullptr && def->distribution.kind == storage::DistributionKind::kHash) {
      std::vector<PlanExpr> keys;
      for (int h : def->distribution.hash_columns) {
        int pos = sink.columns[h];
        keys.push_back(PlanExpr::Column(pos, node->children[0].schema[pos].type));
      }
      std::vector<size_t> match = MatchKeys(t, keys);
      bool aligned = match.size() == keys.size();
      for (size_t i = 0; aligned && i < match.size(); ++i) aligned = match[i] == i;
      if (!aligned) {
        AddExchange(&node->children[0], ExchangeKind::kShuffle, std::move(keys));
      }
    } else if (replicated_target) {
      if (t.kind != TraitKind::kReplicated)
        AddExchange(&node->children[0], ExchangeKind::kBroadcast);
    } else if (t.kind == TraitKind::kReplicated) {
      AddExchange(&node->children[0], ExchangeKind::kGather);
    }
    // Every executor reports the rows it wrote: the total is their sum (one copy: the max).
    AddExchange(node, ExchangeKind::kGather);
    AggregateSpec total;
    AggregateCall c;
    c.func = replicated_target ? AggFunc::kMax : AggFunc::kSum;
    c.arg = PlanExpr::Column(0, DataType::Bigint());
    c.type = DataType::Bigint();
    total.aggregates.push_back(std::move(c));
    Schema schema = node->schema;
    Wrap(node, std::move(total), std::move(schema), 1);
    return Singleton();
  }

  const storage::Catalog& catalog_;
  int n_;
  DistributeOptions options_;
  const PlanNode* result_aggregate_ = nullptr;
};

}  // namespace

Status Distribute(PhysicalPlan* plan, const storage::Catalog& catalog, int executors,
                  const DistributeOptions& options) {
  if (executors < 1) return Status::InvalidArgument("Distribute: no executors");
  if (executors == 1) return Status::OK();
  Distributor d(catalog, executors, options);
  d.FindResultAggregate(&plan->root);
  Trait t = d.Place(&plan->root);
  if (t.kind != TraitKind::kSingleton) AddExchange(&plan->root, ExchangeKind::kGather);
  AssignNodeIds(&plan->root);
  return Status::OK();
}

}  // namespace ibex::optimizer
