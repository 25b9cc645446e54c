#include "optimizer/join_order.h"

#include <algorithm>
#include <bit>
#include <cstdint>
#include <limits>
#include <map>

#include "optimizer/predicate_pushdown.h"

namespace ibex::optimizer {

namespace {

using Mask = uint64_t;

struct Edge {
  PlanExpr expr;  // canonical positions
  Mask mask = 0;
  double selectivity = 1;
};

struct Choice {
  double cost = std::numeric_limits<double>::infinity();
  Mask left = 0;
  Mask right = 0;
};

// Remaps column positions through `map` (old position -> new position).
PlanExpr Remap(const PlanExpr& e, const std::vector<int>& map) {
  PlanExpr out = e;
  if (out.kind == ExprKind::kColumn) out.column = map[out.column];
  for (size_t i = 0; i < out.args.size(); ++i) out.args[i] = Remap(e.args[i], map);
  return out;
}

class JoinPlanner {
 public:
  JoinPlanner(std::vector<JoinRelation> rels, int width) : rels_(std::move(rels)), width_(width) {
    rel_of_.assign(width, -1);
    local_of_.assign(width, -1);
    for (size_t r = 0; r < rels_.size(); ++r) {
      for (size_t i = 0; i < rels_[r].columns.size(); ++i) {
        rel_of_[rels_[r].columns[i]] = static_cast<int>(r);
        local_of_[rels_[r].columns[i]] = static_cast<int>(i);
      }
    }
  }

  Mask MaskOf(const PlanExpr& e) const {
    std::vector<int> cols;
    e.CollectColumns(&cols);
    Mask m = 0;
    for (int c : cols) m |= Mask{1} << rel_of_[c];
    return m;
  }

  std::vector<ColumnEstimate> CanonicalEstimates() const {
    std::vector<ColumnEstimate> out(width_);
    for (int p = 0; p < width_; ++p) {
      const JoinRelation& r = rels_[rel_of_[p]];
      if (static_cast<size_t>(local_of_[p]) < r.estimates.size())
        out[p] = r.estimates[local_of_[p]];
    }
    return out;
  }

  // Pushes single-relation conjuncts down; keeps the others as edges; constants on top.
  void AddConjuncts(std::vector<PlanExpr> input) {
    std::vector<PlanExpr> conjuncts;
    for (PlanExpr& c : input) {
      for (PlanExpr& f : FactorDisjunction(std::move(c))) conjuncts.push_back(std::move(f));
    }
    // A disjunction over several relations implies a weaker filter on each of them.
    size_t n = conjuncts.size();
    for (size_t i = 0; i < n; ++i) {
      Mask m = MaskOf(conjuncts[i]);
      if (std::popcount(m) < 2 || conjuncts[i].kind != ExprKind::kOr) continue;
      for (size_t r = 0; r < rels_.size(); ++r) {
        if (!(m & (Mask{1} << r))) continue;
        PlanExpr implied;
        auto only_r = [&](const PlanExpr& c) { return MaskOf(c) == (Mask{1} << r); };
        if (ImpliedDisjunction(conjuncts[i], only_r, &implied))
          conjuncts.push_back(std::move(implied));
      }
    }
    for (PlanExpr& c : conjuncts) {
      Mask m = MaskOf(c);
      if (m == 0) {
        constants_.push_back(std::move(c));
        continue;
      }
      if (std::popcount(m) == 1) {
        int r = std::countr_zero(m);
        JoinRelation& rel = rels_[r];
        std::vector<int> map(width_, -1);
        for (size_t i = 0; i < rel.columns.size(); ++i) map[rel.columns[i]] = static_cast<int>(i);
        PlanExpr local = Remap(c, map);
        double s = Selectivity(local, rel.estimates, rel.plan.estimated_rows);
        PushFilter(&rel.plan, std::move(local), s);
        continue;
      }
      edges_.push_back({std::move(c), m, 1});
    }
    std::vector<ColumnEstimate> est = CanonicalEstimates();
    for (Edge& e : edges_) {
      double rows = 1;
      for (size_t r = 0; r < rels_.size(); ++r) {
        if (e.mask & (Mask{1} << r)) rows = std::max(rows, rels_[r].plan.estimated_rows);
      }
      e.selectivity = Selectivity(e.expr, est, rows);
    }
  }

  double Rows(Mask s) {
    auto it = rows_.find(s);
    if (it != rows_.end()) return it->second;
    double rows = 1;
    for (size_t r = 0; r < rels_.size(); ++r) {
      if (s & (Mask{1} << r)) rows *= std::max(1.0, rels_[r].plan.estimated_rows);
    }
    // Edges between the same relations multiply — but several equalities between two
    // relations are one multi-column key: its number of distinct values cannot exceed either
    // side's rows, so together they select at least 1/max(rows) (TPC-H Q9's
    // (partkey, suppkey): independent edges made 6 M x 800 k rows into 2.3 k).
    std::map<Mask, double> by_mask;
    for (const Edge& e : edges_) {
      if ((e.mask & s) != e.mask) continue;
      auto [it, fresh] = by_mask.emplace(e.mask, e.selectivity);
      if (!fresh) it->second *= e.selectivity;
    }
    for (const auto& [mask, selectivity] : by_mask) {
      double floor = 0;
      if (std::popcount(mask) == 2) {
        double widest = 1;
        for (size_t r = 0; r < rels_.size(); ++r) {
          if (mask & (Mask{1} << r)) widest = std::max(widest, rels_[r].plan.estimated_rows);
        }
        floor = 1.0 / widest;
      }
      rows *= std::max(selectivity, floor);
    }
    rows = std::max(rows, 1.0);
    rows_[s] = rows;
    return rows;
  }

  bool Connected(Mask l, Mask r) const {
    return std::any_of(edges_.begin(), edges_.end(), [&](const Edge& e) {
      return (e.mask & (l | r)) == e.mask && (e.mask & l) && (e.mask & r);
    });
  }

  double JoinCost(Mask l, Mask r) {
    double cost = choice_[l].cost + choice_[r].cost + Rows(l | r) + std::min(Rows(l), Rows(r));
    if (!Connected(l, r)) cost += 1e6 * Rows(l | r);  // a cross product only as a last resort
    return cost;
  }

  void Dp() {
    int n = static_cast<int>(rels_.size());
    Mask full = (Mask{1} << n) - 1;
    for (int r = 0; r < n; ++r) choice_[Mask{1} << r] = {0, 0, 0};
    for (Mask s = 1; s <= full; ++s) {
      if (std::popcount(s) < 2) continue;
      Choice best;
      for (Mask l = (s - 1) & s; l > 0; l = (l - 1) & s) {
        Mask r = s & ~l;
        if (l < r) continue;  // each split once; sides are ordered later by size
        double cost = JoinCost(l, r);
        if (cost < best.cost) best = {cost, l, r};
      }
      choice_[s] = best;
    }
  }

  void Greedy() {
    std::vector<Mask> parts;
    for (size_t r = 0; r < rels_.size(); ++r) {
      parts.push_back(Mask{1} << r);
      choice_[parts.back()] = {0, 0, 0};
    }
    while (parts.size() > 1) {
      double best = std::numeric_limits<double>::infinity();
      size_t bi = 0, bj = 1;
      for (size_t i = 0; i < parts.size(); ++i) {
        for (size_t j = i + 1; j < parts.size(); ++j) {
          double cost = JoinCost(parts[i], parts[j]);
          if (cost < best) {
            best = cost;
            bi = i;
            bj = j;
          }
        }
      }
      Mask s = parts[bi] | parts[bj];
      choice_[s] = {best, parts[bi], parts[bj]};
      parts.erase(parts.begin() + static_cast<long>(bj));
      parts[bi] = s;
    }
  }

  // Builds the plan of subset s; *layout gets the canonical position of each output column.
  PlanNode Build(Mask s, std::vector<int>* layout) {
    if (std::popcount(s) == 1) {
      JoinRelation& rel = rels_[std::countr_zero(s)];
      *layout = rel.columns;
      return std::move(rel.plan);
    }
    Choice c = choice_[s];
    Mask l = c.left, r = c.right;
    if (Rows(l) < Rows(r)) std::swap(l, r);  // the smaller side is built (right)
    std::vector<int> left_layout, right_layout;
    PlanNode left = Build(l, &left_layout);
    PlanNode right = Build(r, &right_layout);
    std::vector<int> map(width_, -1);
    int lw = static_cast<int>(left_layout.size());
    for (int i = 0; i < lw; ++i) map[left_layout[i]] = i;
    for (size_t i = 0; i < right_layout.size(); ++i)
      map[right_layout[i]] = lw + static_cast<int>(i);
    std::vector<PlanExpr> conds;
    for (const Edge& e : edges_) {
      if ((e.mask & s) == e.mask && (e.mask & l) && (e.mask & r))
        conds.push_back(Remap(e.expr, map));
    }
    JoinSpec join;
    join.type = JoinType::kInner;
    ExtractJoinKeys(std::move(conds), lw, &join);
    PlanNode node;
    node.schema = left.schema;
    node.schema.insert(node.schema.end(), right.schema.begin(), right.schema.end());
    node.estimated_rows = Rows(s);
    node.payload = std::move(join);
    node.children.push_back(std::move(left));
    node.children.push_back(std::move(right));
    *layout = left_layout;
    layout->insert(layout->end(), right_layout.begin(), right_layout.end());
    return node;
  }

  Result<PlanNode> Run(const Schema& canonical_schema) {
    int n = static_cast<int>(rels_.size());
    if (n == 0) return Status::Internal("join of no relations");
    if (n > 63) return Status::NotSupported("more than 63 relations in one FROM clause");
    if (n <= kMaxDpRelations) {
      Dp();
    } else {
      Greedy();
    }
    Mask full = n == 64 ? ~Mask{0} : (Mask{1} << n) - 1;
    std::vector<int> layout;
    PlanNode plan = Build(full, &layout);
    bool identity = true;
    for (size_t i = 0; i < layout.size(); ++i)
      identity = identity && layout[i] == static_cast<int>(i);
    if (!identity) {
      std::vector<int> pos(width_, -1);
      for (size_t i = 0; i < layout.size(); ++i) pos[layout[i]] = static_cast<int>(i);
      ProjectSpec project;
      for (int p = 0; p < width_; ++p)
        project.exprs.push_back(PlanExpr::Column(pos[p], canonical_schema[p].type));
      PlanNode node;
      node.schema = canonical_schema;
      node.estimated_rows = plan.estimated_rows;
      node.payload = std::move(project);
      node.children.push_back(std::move(plan));
      plan = std::move(node);
    }
    for (PlanExpr& c : constants_) PushFilter(&plan, std::move(c), 1.0);
    return plan;
  }

 private:
  std::vector<JoinRelation> rels_;
  int width_;
  std::vector<int> rel_of_;
  std::vector<int> local_of_;
  std::vector<Edge> edges_;
  std::vector<PlanExpr> constants_;
  std::map<Mask, Choice> choice_;
  std::map<Mask, double> rows_;
};

}  // namespace

void ExtractJoinKeys(std::vector<PlanExpr> conjuncts, int left_width, JoinSpec* join) {
  std::vector<PlanExpr> residual;
  constexpr int kAll = std::numeric_limits<int>::max();
  for (PlanExpr& c : conjuncts) {
    if (c.kind == ExprKind::kCompare && c.op == ScalarOp::kEq) {
      PlanExpr& a = c.args[0];
      PlanExpr& b = c.args[1];
      bool a_left = !a.ReferencesRange(left_width, kAll) && a.ReferencesRange(0, left_width);
      bool a_right = !a.ReferencesRange(0, left_width) && a.ReferencesRange(left_width, kAll);
      bool b_left = !b.ReferencesRange(left_width, kAll) && b.ReferencesRange(0, left_width);
      bool b_right = !b.ReferencesRange(0, left_width) && b.ReferencesRange(left_width, kAll);
      if ((a_left && b_right) || (a_right && b_left)) {
        PlanExpr& left_side = a_left ? a : b;
        PlanExpr& right_side = a_left ? b : a;
        PlanExpr l = std::move(left_side);
        PlanExpr r = std::move(right_side);
        r.ShiftColumns(-left_width);
        join->left_keys.push_back(std::move(l));
        join->right_keys.push_back(std::move(r));
        continue;
      }
    }
    residual.push_back(std::move(c));
  }
  if (!residual.empty()) join->residual = PlanExpr::And(std::move(residual));
}

Result<PlanNode> OrderJoins(std::vector<JoinRelation> relations, std::vector<PlanExpr> conjuncts,
                            int width, const Schema& canonical_schema) {
  JoinPlanner planner(std::move(relations), width);
  planner.AddConjuncts(std::move(conjuncts));
  return planner.Run(canonical_schema);
}

}  // namespace ibex::optimizer
