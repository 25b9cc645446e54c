#include "optimizer/column_pruning.h"

#include <algorithm>

#include "common/check.h"

namespace ibex::optimizer {

namespace {

using Need = std::vector<bool>;
using Map = std::vector<int>;  // old output position -> new position, -1: dropped

void Mark(const PlanExpr& e, Need* need, int shift = 0) {
  std::vector<int> cols;
  e.CollectColumns(&cols);
  for (int c : cols) {
    int p = c - shift;
    if (p >= 0 && static_cast<size_t>(p) < need->size()) (*need)[p] = true;
  }
}

void Remap(PlanExpr* e, const Map& map) {
  if (e->kind == ExprKind::kColumn) {
    IBEX_CHECK(e->column >= 0 && static_cast<size_t>(e->column) < map.size() && map[e->column] >= 0)
        << "pruned column " << e->column << " is still used";
    e->column = map[e->column];
  }
  for (PlanExpr& a : e->args) Remap(&a, map);
}

void RemapKeys(std::vector<SortKey>* keys, const Map& map) {
  for (SortKey& k : *keys) Remap(&k.expr, map);
}

Map Identity(size_t n) {
  Map m(n);
  for (size_t i = 0; i < n; ++i) m[i] = static_cast<int>(i);
  return m;
}

Map Prune(PlanNode* node, Need need);

// Prunes a child that must keep all its columns.
void PruneAll(PlanNode* child) { Prune(child, Need(child->schema.size(), true)); }

// Wraps `node` in a projection of its columns j with keep[j] (in order); returns the node's
// column positions -> their positions in the projection (-1: dropped).
Map ProjectColumns(PlanNode* node, const Need& keep) {
  PlanNode project;
  ProjectSpec spec;
  Map position(node->schema.size(), -1);
  for (size_t j = 0; j < node->schema.size(); ++j) {
    if (!keep[j]) continue;
    position[j] = static_cast<int>(spec.exprs.size());
    spec.exprs.push_back(PlanExpr::Column(static_cast<int>(j), node->schema[j].type));
    project.schema.push_back(node->schema[j]);
  }
  project.payload = std::move(spec);
  project.estimated_rows = node->estimated_rows;
  project.children.push_back(std::move(*node));
  *node = std::move(project);
  return position;
}

// A scan reads the columns its filter uses; those the filter alone uses are then dropped by a
// projection right above it, so that what is above never carries them — an exchange placed
// above the scan later would ship them to other executors (TPC-H Q13 sent `o_comment` of 1.5 M
// orders, 85 MiB, to test `NOT LIKE` on the sending side only), a hash join would copy them
// into its table.
Map PruneScan(PlanNode* node, Need need) {
  ScanSpec& scan = node->As<ScanSpec>();
  const Need used_above = need;
  if (scan.filter) Mark(*scan.filter, &need);
  if (std::none_of(need.begin(), need.end(), [](bool b) { return b; }) && !need.empty())
    need[0] = true;
  Map map(need.size(), -1);
  std::vector<int> columns;
  Schema schema;
  for (size_t i = 0; i < need.size(); ++i) {
    if (!need[i]) continue;
    map[i] = static_cast<int>(columns.size());
    columns.push_back(scan.columns[i]);
    schema.push_back(node->schema[i]);
  }
  if (scan.filter) Remap(&*scan.filter, map);
  for (ColumnRange& r : scan.prune) r.column = map[r.column];
  scan.columns = std::move(columns);
  node->schema = std::move(schema);
  bool filter_only = false;
  for (size_t i = 0; i < need.size(); ++i) filter_only |= need[i] && !used_above[i];
  if (!filter_only || std::none_of(used_above.begin(), used_above.end(), [](bool b) { return b; })) {
    return map;
  }
  Need keep(node->schema.size(), false);
  for (size_t i = 0; i < need.size(); ++i) {
    if (used_above[i]) keep[static_cast<size_t>(map[i])] = true;
  }
  const Map position = ProjectColumns(node, keep);
  Map out(need.size(), -1);
  for (size_t i = 0; i < need.size(); ++i) {
    if (used_above[i]) out[i] = position[static_cast<size_t>(map[i])];
  }
  return out;
}

// A join outputs its key columns (and the columns its residual reads) whether or not anything
// above reads them; a projection right above it keeps only what is read, so that the join
// gathers only those (exec/plan_builder.cpp fuses the two: the join gathers the columns the
// projection reads) and a chain of joins does not carry every earlier join's keys along.
// `out`: the join's old output positions -> its new ones.
Map DropUnusedJoinOutputs(PlanNode* node, const Need& need, const Map& out) {
  Need read(node->schema.size(), false);
  for (size_t i = 0; i < out.size() && i < need.size(); ++i) {
    if (need[i] && out[i] >= 0) read[static_cast<size_t>(out[i])] = true;
  }
  const size_t kept = static_cast<size_t>(std::count(read.begin(), read.end(), true));
  if (kept == 0 || kept == read.size()) return out;
  const Map position = ProjectColumns(node, read);
  Map result(out.size(), -1);
  for (size_t i = 0; i < out.size(); ++i) {
    if (out[i] >= 0 && i < need.size() && need[i]) result[i] = position[static_cast<size_t>(out[i])];
  }
  return result;
}

// A projection over a projection of plain columns (the one DropUnusedJoinOutputs put above a
// join): the outer one reads the join's columns directly, so one projection stays.
void MergeIntoColumnProject(PlanNode* node) {
  PlanNode& child = node->children[0];
  if (child.kind() != NodeKind::kProject) return;
  const auto& inner = child.As<ProjectSpec>().exprs;
  Map through(inner.size(), -1);
  for (size_t i = 0; i < inner.size(); ++i) {
    if (inner[i].kind != ExprKind::kColumn) return;
    through[i] = inner[i].column;
  }
  for (PlanExpr& e : node->As<ProjectSpec>().exprs) Remap(&e, through);
  PlanNode grandchild = std::move(child.children[0]);
  node->children[0] = std::move(grandchild);
}

Map PruneJoin(PlanNode* node, const Need& need) {
  JoinSpec& join = node->As<JoinSpec>();
  size_t lw = node->children[0].schema.size();
  size_t rw = node->children[1].schema.size();
  Need left(lw, false), right(rw, false);
  bool both_out =
      join.type != JoinType::kSemi && join.type != JoinType::kAnti && join.type != JoinType::kMark;
  for (size_t i = 0; i < lw && i < need.size(); ++i) left[i] = need[i];
  if (both_out) {
    for (size_t i = 0; i < rw && lw + i < need.size(); ++i) right[i] = need[lw + i];
  }
  for (const PlanExpr& k : join.left_keys) Mark(k, &left);
  for (const PlanExpr& k : join.right_keys) Mark(k, &right);
  if (join.residual) {
    Mark(*join.residual, &left);
    Mark(*join.residual, &right, static_cast<int>(lw));
  }
  Map lmap = Prune(&node->children[0], left);
  Map rmap = Prune(&node->children[1], right);
  int new_lw = static_cast<int>(node->children[0].schema.size());
  for (PlanExpr& k : join.left_keys) Remap(&k, lmap);
  for (PlanExpr& k : join.right_keys) Remap(&k, rmap);
  Map both = lmap;
  for (int r : rmap) both.push_back(r < 0 ? -1 : new_lw + r);
  if (join.residual) Remap(&*join.residual, both);
  Schema schema = node->children[0].schema;
  Map out = lmap;
  if (both_out) {
    schema.insert(schema.end(), node->children[1].schema.begin(), node->children[1].schema.end());
    for (int r : rmap) out.push_back(r < 0 ? -1 : new_lw + r);
  } else if (join.type == JoinType::kMark) {
    schema.push_back(node->schema.back());
    out.push_back(new_lw);
  }
  node->schema = std::move(schema);
  return DropUnusedJoinOutputs(node, need, out);
}

Map PruneAggregate(PlanNode* node, const Need& need) {
  AggregateSpec& agg = node->As<AggregateSpec>();
  size_t nkeys = agg.group_keys.size();
  size_t in_width = node->children[0].schema.size();
  std::vector<bool> keep(agg.aggregates.size(), true);
  if (agg.phase == AggPhase::kSingle) {
    for (size_t j = 0; j < keep.size(); ++j) keep[j] = nkeys + j < need.size() && need[nkeys + j];
    if (nkeys == 0 && std::none_of(keep.begin(), keep.end(), [](bool b) { return b; }) &&
        !keep.empty())
      keep[0] = true;
  }
  Need child(in_width, false);
  for (const PlanExpr& k : agg.group_keys) Mark(k, &child);
  for (size_t j = 0; j < keep.size(); ++j) {
    if (keep[j] && agg.aggregates[j].arg) Mark(*agg.aggregates[j].arg, &child);
  }
  Map cmap = Prune(&node->children[0], child);
  for (PlanExpr& k : agg.group_keys) Remap(&k, cmap);
  Map out = Identity(nkeys);
  Schema schema(node->schema.begin(), node->schema.begin() + static_cast<long>(nkeys));
  std::vector<AggregateCall> calls;
  for (size_t j = 0; j < keep.size(); ++j) {
    if (!keep[j]) {
      out.push_back(-1);
      continue;
    }
    AggregateCall c = std::move(agg.aggregates[j]);
    if (c.arg) Remap(&*c.arg, cmap);
    out.push_back(static_cast<int>(schema.size()));
    schema.push_back(node->schema[nkeys + j]);
    calls.push_back(std::move(c));
  }
  agg.aggregates = std::move(calls);
  node->schema = std::move(schema);
  return out;
}

Map Prune(PlanNode* node, Need need) {
  need.resize(node->schema.size(), false);
  switch (node->kind()) {
    case NodeKind::kScan:
      return PruneScan(node, std::move(need));
    case NodeKind::kFilter: {
      Mark(node->As<FilterSpec>().predicate, &need);
      Map m = Prune(&node->children[0], need);
      Remap(&node->As<FilterSpec>().predicate, m);
      node->schema = node->children[0].schema;
      return m;
    }
    case NodeKind::kProject: {
      auto& exprs = node->As<ProjectSpec>().exprs;
      if (std::none_of(need.begin(), need.end(), [](bool b) { return b; }) && !need.empty())
        need[0] = true;
      Need child(node->children[0].schema.size(), false);
      for (size_t i = 0; i < exprs.size(); ++i) {
        if (need[i]) Mark(exprs[i], &child);
      }
      Map cmap = Prune(&node->children[0], child);
      Map out(exprs.size(), -1);
      std::vector<PlanExpr> kept;
      Schema schema;
      for (size_t i = 0; i < exprs.size(); ++i) {
        if (!need[i]) continue;
        Remap(&exprs[i], cmap);
        out[i] = static_cast<int>(kept.size());
        kept.push_back(std::move(exprs[i]));
        schema.push_back(node->schema[i]);
      }
      exprs = std::move(kept);
      node->schema = std::move(schema);
      MergeIntoColumnProject(node);
      return out;
    }
    case NodeKind::kHashJoin:
      return PruneJoin(node, need);
    case NodeKind::kHashAggregate:
      return PruneAggregate(node, need);
    case NodeKind::kSort:
    case NodeKind::kTopN:
    case NodeKind::kLimit:
    case NodeKind::kExchange: {
      std::vector<SortKey>* keys = nullptr;
      std::vector<PlanExpr>* exprs = nullptr;
      if (node->kind() == NodeKind::kSort) keys = &node->As<SortSpec>().keys;
      if (node->kind() == NodeKind::kTopN) keys = &node->As<TopNSpec>().keys;
      if (node->kind() == NodeKind::kExchange) {
        keys = &node->As<ExchangeSpec>().merge_keys;
        exprs = &node->As<ExchangeSpec>().keys;
      }
      if (keys) {
        for (const SortKey& k : *keys) Mark(k.expr, &need);
      }
      if (exprs) {
        for (const PlanExpr& k : *exprs) Mark(k, &need);
      }
      Map m = Prune(&node->children[0], need);
      if (keys) RemapKeys(keys, m);
      if (exprs) {
        for (PlanExpr& k : *exprs) Remap(&k, m);
      }
      node->schema = node->children[0].schema;
      return m;
    }
    case NodeKind::kSetOperation:
    case NodeKind::kWindow:
    case NodeKind::kSink:
    case NodeKind::kValues:
      for (PlanNode& c : node->children) PruneAll(&c);
      return Identity(node->schema.size());
  }
  return Identity(node->schema.size());
}

bool IsIdentityProject(const PlanNode& node) {
  if (node.kind() != NodeKind::kProject) return false;
  const auto& exprs = node.As<ProjectSpec>().exprs;
  if (exprs.size() != node.children[0].schema.size()) return false;
  for (size_t i = 0; i < exprs.size(); ++i) {
    if (exprs[i].kind != ExprKind::kColumn || exprs[i].column != static_cast<int>(i)) return false;
  }
  return true;
}

void RemoveIdentityProjects(PlanNode* node, bool is_root) {
  for (PlanNode& c : node->children) RemoveIdentityProjects(&c, false);
  if (IsIdentityProject(*node) && (!is_root || node->schema == node->children[0].schema)) {
    Schema names = node->schema;
    PlanNode child = std::move(node->children[0]);
    *node = std::move(child);
    if (!is_root) node->schema = std::move(names);
  }
}

}  // namespace

void PruneColumns(PlanNode* root) {
  Prune(root, Need(root->schema.size(), true));
  RemoveIdentityProjects(root, true);
}

}  // namespace ibex::optimizer
