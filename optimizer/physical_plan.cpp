#include "optimizer/physical_plan.h"

#include <cmath>
#include <cstdio>

namespace ibex::optimizer {

namespace {

bool SameBound(const std::optional<Value>& a, const std::optional<Value>& b) {
  return a.has_value() == b.has_value() && (!a || *a == *b);
}

}  // namespace

bool ColumnRange::operator==(const ColumnRange& o) const {
  return column == o.column && SameBound(range.lower, o.range.lower) &&
         SameBound(range.upper, o.range.upper) &&
         range.lower_inclusive == o.range.lower_inclusive &&
         range.upper_inclusive == o.range.upper_inclusive;
}

std::vector<std::string> PlanNode::ColumnNames() const {
  std::vector<std::string> names;
  names.reserve(schema.size());
  for (const Field& f : schema) names.push_back(f.name);
  return names;
}

namespace {

void Number(PlanNode* node, int* next) {
  node->id = (*next)++;
  for (PlanNode& c : node->children) Number(&c, next);
}

}  // namespace

void AssignNodeIds(PlanNode* root) {
  int next = 0;
  Number(root, &next);
}

void ForEachNode(const PlanNode& root, const std::function<void(const PlanNode&)>& fn) {
  fn(root);
  for (const PlanNode& c : root.children) ForEachNode(c, fn);
}

const char* NodeKindName(NodeKind kind) {
  static constexpr const char* kNames[] = {
      "Scan",  "Filter",       "Project", "HashJoin", "HashAggregate", "Sort", "TopN",
      "Limit", "SetOperation", "Window",  "Values",   "Exchange",      "Sink"};
  return kNames[static_cast<int>(kind)];
}

const char* JoinTypeName(JoinType type) {
  static constexpr const char* kNames[] = {"inner", "left", "right", "full",
                                           "semi",  "anti", "mark"};
  return kNames[static_cast<int>(type)];
}

const char* AggFuncName(AggFunc func) {
  static constexpr const char* kNames[] = {"count_star", "count",  "sum",         "avg",
                                           "min",        "max",    "stddev_samp", "stddev_pop",
                                           "var_samp",   "var_pop"};
  return kNames[static_cast<int>(func)];
}

const char* WindowFuncName(WindowFunc func) {
  static constexpr const char* kNames[] = {
      "row_number", "rank", "dense_rank", "count_star", "count", "sum", "avg", "min", "max"};
  return kNames[static_cast<int>(func)];
}

namespace {

using Names = std::vector<std::string>;

std::string ExprList(const std::vector<PlanExpr>& exprs, const Names& names) {
  std::string out;
  for (size_t i = 0; i < exprs.size(); ++i) {
    if (i > 0) out += ", ";
    out += ExprToString(exprs[i], names);
  }
  return out;
}

std::string SortKeys(const std::vector<SortKey>& keys, const Names& names) {
  std::string out;
  for (size_t i = 0; i < keys.size(); ++i) {
    if (i > 0) out += ", ";
    out += ExprToString(keys[i].expr, names);
    out += keys[i].descending ? " DESC" : " ASC";
    out += keys[i].nulls_first ? " NULLS FIRST" : " NULLS LAST";
  }
  return out;
}

std::string Rows(double rows) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.0f", std::max(0.0, std::round(rows)));
  return buf;
}

std::string RangeText(const ColumnRange& r, const Names& names) {
  std::string col = "#";
  if (r.column >= 0 && static_cast<size_t>(r.column) < names.size()) {
    col = names[r.column];
  } else {
    col += std::to_string(r.column);
  }
  std::string out;
  if (r.range.lower) out += r.range.lower->ToString() + (r.range.lower_inclusive ? " <= " : " < ");
  out += col;
  if (r.range.upper) out += (r.range.upper_inclusive ? " <= " : " < ") + r.range.upper->ToString();
  return out;
}

void Describe(const PlanNode& n, std::string* out) {
  // An exchange's receiving end in a fragment has no child: its keys name its own columns.
  Names in = !n.children.empty()              ? n.children[0].ColumnNames()
             : n.kind() == NodeKind::kExchange ? n.ColumnNames()
                                               : Names{};
  std::string& s = *out;
  s += NodeKindName(n.kind());
  switch (n.kind()) {
    case NodeKind::kScan: {
      const ScanSpec& scan = n.As<ScanSpec>();
      Names own = n.ColumnNames();
      s += " " + scan.table + " [";
      for (size_t i = 0; i < own.size(); ++i) s += (i ? ", " : "") + own[i];
      s += "]";
      if (scan.filter) s += " filter=" + ExprToString(*scan.filter, own);
      if (!scan.prune.empty()) {
        s += " prune=(";
        for (size_t i = 0; i < scan.prune.size(); ++i)
          s += (i ? ", " : "") + RangeText(scan.prune[i], own);
        s += ")";
      }
      break;
    }
    case NodeKind::kFilter:
      s += " " + ExprToString(n.As<FilterSpec>().predicate, in);
      break;
    case NodeKind::kProject:
      s += " [" + ExprList(n.As<ProjectSpec>().exprs, in) + "]";
      break;
    case NodeKind::kHashJoin: {
      const JoinSpec& j = n.As<JoinSpec>();
      Names right = n.children.size() > 1 ? n.children[1].ColumnNames() : Names{};
      Names both = in;
      both.insert(both.end(), right.begin(), right.end());
      s += std::string("[") + JoinTypeName(j.type) + (j.null_aware ? ",null_aware" : "") +
           (j.at_most_one_match ? ",single" : "") + "]";
      s += j.build == BuildSide::kRight ? " build=right" : " build=left";
      if (!j.left_keys.empty()) {
        s += " keys=(";
        for (size_t i = 0; i < j.left_keys.size(); ++i) {
          s += (i ? ", " : "") + ExprToString(j.left_keys[i], in) + " = " +
               ExprToString(j.right_keys[i], right);
        }
        s += ")";
      }
      if (j.residual) s += " residual=" + ExprToString(*j.residual, both);
      break;
    }
    case NodeKind::kHashAggregate: {
      const AggregateSpec& a = n.As<AggregateSpec>();
      if (a.phase == AggPhase::kPartial) s += "[partial]";
      if (a.phase == AggPhase::kFinal) s += "[final]";
      s += " keys=[" + ExprList(a.group_keys, in) + "] aggs=[";
      for (size_t i = 0; i < a.aggregates.size(); ++i) {
        const AggregateCall& c = a.aggregates[i];
        s += (i ? ", " : "") + std::string(AggFuncName(c.func)) + "(" +
             (c.distinct ? "DISTINCT " : "") + (c.arg ? ExprToString(*c.arg, in) : "") + ")";
      }
      s += "]";
      break;
    }
    case NodeKind::kSort:
      s += " [" + SortKeys(n.As<SortSpec>().keys, in) + "]";
      break;
    case NodeKind::kTopN: {
      const TopNSpec& t = n.As<TopNSpec>();
      s += " [" + SortKeys(t.keys, in) + "] limit=" + std::to_string(t.limit);
      if (t.offset) s += " offset=" + std::to_string(t.offset);
      break;
    }
    case NodeKind::kLimit: {
      const LimitSpec& l = n.As<LimitSpec>();
      if (l.limit >= 0) s += " limit=" + std::to_string(l.limit);
      if (l.offset) s += " offset=" + std::to_string(l.offset);
      break;
    }
    case NodeKind::kSetOperation: {
      const SetOpSpec& so = n.As<SetOpSpec>();
      static constexpr const char* kNames[] = {"union", "intersect", "except"};
      s += std::string("[") + kNames[static_cast<int>(so.kind)] + (so.all ? " all" : "") + "]";
      break;
    }
    case NodeKind::kWindow: {
      const WindowSpec& w = n.As<WindowSpec>();
      s += " partition=[" + ExprList(w.partition_keys, in) + "] order=[" +
           SortKeys(w.order_keys, in) + "] fns=[";
      for (size_t i = 0; i < w.functions.size(); ++i) {
        const WindowCall& c = w.functions[i];
        s += (i ? ", " : "") + std::string(WindowFuncName(c.func)) + "(" +
             (c.arg ? ExprToString(*c.arg, in) : "") + ")";
      }
      s += "]";
      break;
    }
    case NodeKind::kValues:
      s += " rows=" + std::to_string(n.As<ValuesSpec>().rows.size());
      break;
    case NodeKind::kExchange: {
      const ExchangeSpec& x = n.As<ExchangeSpec>();
      static constexpr const char* kNames[] = {"shuffle", "broadcast", "gather"};
      s += std::string("[") + kNames[static_cast<int>(x.kind)] + "]";
      if (!x.keys.empty()) s += " keys=[" + ExprList(x.keys, in) + "]";
      if (!x.merge_keys.empty()) s += " merge=[" + SortKeys(x.merge_keys, in) + "]";
      if (x.fragment >= 0) s += " from=F" + std::to_string(x.fragment);
      if (x.bloom_to >= 0) s += " bloom->F" + std::to_string(x.bloom_to);
      if (x.bloom_from >= 0) s += " bloom<-F" + std::to_string(x.bloom_from);
      break;
    }
    case NodeKind::kSink: {
      const SinkSpec& k = n.As<SinkSpec>();
      s += (k.create_table ? " create " : " insert ") + k.table;
      break;
    }
  }
  s += " rows=" + Rows(n.estimated_rows);
}

void Explain(const PlanNode& n, int depth, std::string* out) {
  out->append(static_cast<size_t>(depth) * 2, ' ');
  Describe(n, out);
  *out += "\n";
  for (const PlanNode& c : n.children) Explain(c, depth + 1, out);
}

}  // namespace

std::string ExplainText(const PlanNode& node) {
  std::string out;
  Explain(node, 0, &out);
  return out;
}

std::string ExplainText(const PhysicalPlan& plan) { return ExplainText(plan.root); }

}  // namespace ibex::optimizer
