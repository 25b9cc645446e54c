#include "optimizer/plan_validator.h"

#include <string>

namespace ibex::optimizer {

namespace {

using storage::TypeId;

// Same kind of value: equal TypeIds (all strings alike), decimals of one scale.
bool SameValueType(const DataType& a, const DataType& b) {
  if (a.is_string() && b.is_string()) return true;
  if (a.id() != b.id()) return false;
  return !a.is_decimal() || a.scale() == b.scale();
}

class Validator {
 public:
  Status Node(const PlanNode& n) {
    for (const PlanNode& c : n.children) IBEX_RETURN_IF_ERROR(Node(c));
    node_ = n.id;
    Schema in = n.children.empty() ? Schema{} : n.children[0].schema;
    auto width = [&](size_t expected) -> Status {
      if (n.schema.size() == expected) return Status::OK();
      return Fail("schema has " + std::to_string(n.schema.size()) + " columns, expected " +
                  std::to_string(expected));
    };
    auto children = [&](size_t expected) -> Status {
      if (n.children.size() == expected) return Status::OK();
      return Fail(std::to_string(n.children.size()) + " children, expected " +
                  std::to_string(expected));
    };
    switch (n.kind()) {
      case NodeKind::kScan: {
        const ScanSpec& s = n.As<ScanSpec>();
        IBEX_RETURN_IF_ERROR(children(0));
        IBEX_RETURN_IF_ERROR(width(s.columns.size()));
        if (s.filter) IBEX_RETURN_IF_ERROR(Predicate(*s.filter, n.schema));
        for (const ColumnRange& r : s.prune) {
          if (r.column < 0 || static_cast<size_t>(r.column) >= n.schema.size()) {
            return Fail("zone-map range on column " + std::to_string(r.column));
          }
        }
        return Status::OK();
      }
      case NodeKind::kFilter:
        IBEX_RETURN_IF_ERROR(children(1));
        IBEX_RETURN_IF_ERROR(width(in.size()));
        return Predicate(n.As<FilterSpec>().predicate, in);
      case NodeKind::kProject: {
        IBEX_RETURN_IF_ERROR(children(1));
        const auto& exprs = n.As<ProjectSpec>().exprs;
        IBEX_RETURN_IF_ERROR(width(exprs.size()));
        for (size_t i = 0; i < exprs.size(); ++i) {
          IBEX_RETURN_IF_ERROR(Expr(exprs[i], in));
          if (!SameValueType(exprs[i].type, n.schema[i].type))
            return Fail("column " + std::to_string(i) + " type");
        }
        return Status::OK();
      }
      case NodeKind::kHashJoin: {
        IBEX_RETURN_IF_ERROR(children(2));
        const JoinSpec& j = n.As<JoinSpec>();
        const Schema& right = n.children[1].schema;
        Schema both = in;
        both.insert(both.end(), right.begin(), right.end());
        size_t expected = j.type == JoinType::kSemi || j.type == JoinType::kAnti ? in.size()
                          : j.type == JoinType::kMark                            ? in.size() + 1
                                                                                 : both.size();
        IBEX_RETURN_IF_ERROR(width(expected));
        if (j.left_keys.size() != j.right_keys.size()) return Fail("join key counts differ");
        for (size_t k = 0; k < j.left_keys.size(); ++k) {
          IBEX_RETURN_IF_ERROR(Expr(j.left_keys[k], in));
          IBEX_RETURN_IF_ERROR(Expr(j.right_keys[k], right));
          if (!SameValueType(j.left_keys[k].type, j.right_keys[k].type)) {
            return Fail("join key " + std::to_string(k) + " compares " +
                        j.left_keys[k].type.ToString() + " with " +
                        j.right_keys[k].type.ToString());
          }
        }
        if (j.residual) IBEX_RETURN_IF_ERROR(Predicate(*j.residual, both));
        return Status::OK();
      }
      case NodeKind::kHashAggregate: {
        IBEX_RETURN_IF_ERROR(children(1));
        const AggregateSpec& a = n.As<AggregateSpec>();
        if (a.phase == AggPhase::kSingle)
          IBEX_RETURN_IF_ERROR(width(a.group_keys.size() + a.aggregates.size()));
        for (const PlanExpr& k : a.group_keys) IBEX_RETURN_IF_ERROR(Expr(k, in));
        for (const AggregateCall& c : a.aggregates) {
          if (a.phase == AggPhase::kSingle &&
              (c.func == AggFunc::kCountStar) == c.arg.has_value()) {
            return Fail("aggregate argument");
          }
          if (c.arg) IBEX_RETURN_IF_ERROR(Expr(*c.arg, in));
        }
        return Status::OK();
      }
      case NodeKind::kSort:
        IBEX_RETURN_IF_ERROR(children(1));
        IBEX_RETURN_IF_ERROR(width(in.size()));
        return Keys(n.As<SortSpec>().keys, in);
      case NodeKind::kTopN:
        IBEX_RETURN_IF_ERROR(children(1));
        IBEX_RETURN_IF_ERROR(width(in.size()));
        if (n.As<TopNSpec>().limit < 0 || n.As<TopNSpec>().offset < 0)
          return Fail("negative limit or offset");
        return Keys(n.As<TopNSpec>().keys, in);
      case NodeKind::kLimit:
        IBEX_RETURN_IF_ERROR(children(1));
        return width(in.size());
      case NodeKind::kSetOperation: {
        if (n.children.size() < 2) return Fail("set operation of fewer than two inputs");
        IBEX_RETURN_IF_ERROR(width(in.size()));
        for (const PlanNode& c : n.children) {
          if (c.schema.size() != in.size()) return Fail("set operation inputs differ in width");
          for (size_t i = 0; i < in.size(); ++i) {
            if (!SameValueType(c.schema[i].type, in[i].type))
              return Fail("set operation column " + std::to_string(i));
          }
        }
        return Status::OK();
      }
      case NodeKind::kWindow: {
        IBEX_RETURN_IF_ERROR(children(1));
        const WindowSpec& w = n.As<WindowSpec>();
        IBEX_RETURN_IF_ERROR(width(in.size() + w.functions.size()));
        for (const PlanExpr& k : w.partition_keys) IBEX_RETURN_IF_ERROR(Expr(k, in));
        IBEX_RETURN_IF_ERROR(Keys(w.order_keys, in));
        for (const WindowCall& c : w.functions) {
          if (c.arg) IBEX_RETURN_IF_ERROR(Expr(*c.arg, in));
        }
        return Status::OK();
      }
      case NodeKind::kValues:
        IBEX_RETURN_IF_ERROR(children(0));
        for (const auto& row : n.As<ValuesSpec>().rows) {
          IBEX_RETURN_IF_ERROR(width(row.size()));
          for (size_t i = 0; i < row.size(); ++i) {
            IBEX_RETURN_IF_ERROR(Expr(row[i], {}));
            if (!SameValueType(row[i].type, n.schema[i].type))
              return Fail("VALUES column " + std::to_string(i));
          }
        }
        return Status::OK();
      case NodeKind::kExchange:
        IBEX_RETURN_IF_ERROR(children(1));
        IBEX_RETURN_IF_ERROR(width(in.size()));
        for (const PlanExpr& k : n.As<ExchangeSpec>().keys) IBEX_RETURN_IF_ERROR(Expr(k, in));
        return Keys(n.As<ExchangeSpec>().merge_keys, in);
      case NodeKind::kSink:
        IBEX_RETURN_IF_ERROR(children(1));
        for (int c : n.As<SinkSpec>().columns) {
          if (c >= static_cast<int>(in.size())) return Fail("sink column " + std::to_string(c));
        }
        return width(1);
    }
    return Status::OK();
  }

 private:
  Status Fail(const std::string& what) const {
    return Status::InvalidArgument("plan node " + std::to_string(node_) + ": " + what);
  }

  Status Keys(const std::vector<SortKey>& keys, const Schema& in) {
    for (const SortKey& k : keys) IBEX_RETURN_IF_ERROR(Expr(k.expr, in));
    return Status::OK();
  }

  Status Predicate(const PlanExpr& e, const Schema& in) {
    IBEX_RETURN_IF_ERROR(Expr(e, in));
    if (e.type.id() != TypeId::kBoolean) return Fail("predicate of type " + e.type.ToString());
    return Status::OK();
  }

  Status Expr(const PlanExpr& e, const Schema& in) {
    for (const PlanExpr& a : e.args) IBEX_RETURN_IF_ERROR(Expr(a, in));
    auto args = [&](size_t lo, size_t hi) -> Status {
      if (e.args.size() >= lo && e.args.size() <= hi) return Status::OK();
      return Fail(ExprToString(e, {}) + ": " + std::to_string(e.args.size()) + " arguments");
    };
    switch (e.kind) {
      case ExprKind::kColumn:
        if (e.column < 0 || static_cast<size_t>(e.column) >= in.size()) {
          return Fail("column #" + std::to_string(e.column) + " of " + std::to_string(in.size()));
        }
        if (!SameValueType(e.type, in[e.column].type)) {
          return Fail("column #" + std::to_string(e.column) + " typed " + e.type.ToString() +
                      ", input has " + in[e.column].type.ToString());
        }
        return Status::OK();
      case ExprKind::kLiteral:
        if (!e.value.is_null() && !SameValueType(e.value.type(), e.type))
          return Fail("literal type");
        return Status::OK();
      case ExprKind::kParam:
        return e.param >= 1 ? Status::OK() : Fail("parameter $0");
      case ExprKind::kCompare:
        IBEX_RETURN_IF_ERROR(args(2, 2));
        if (!SameValueType(e.args[0].type, e.args[1].type)) {
          return Fail(ExprToString(e, {}) + " compares " + e.args[0].type.ToString() + " with " +
                      e.args[1].type.ToString());
        }
        return Status::OK();
      case ExprKind::kArith: {
        if (e.op == ScalarOp::kNeg) return args(1, 1);
        IBEX_RETURN_IF_ERROR(args(2, 2));
        if (e.op == ScalarOp::kConcat) return Status::OK();
        auto r = ArithmeticResultType(e.op, e.args[0].type, e.args[1].type);
        if (!r || !SameValueType(*r, e.type))
          return Fail(ExprToString(e, {}) + " typed " + e.type.ToString());
        for (const PlanExpr& a : e.args) {
          if (!SameValueType(ArithmeticOperandType(e.op, e.type, a.type), a.type)) {
            return Fail(ExprToString(e, {}) + ": operand of type " + a.type.ToString() +
                        " not cast");
          }
        }
        return Status::OK();
      }
      case ExprKind::kInList:
        IBEX_RETURN_IF_ERROR(args(2, SIZE_MAX));
        for (size_t i = 1; i < e.args.size(); ++i) {
          if (!SameValueType(e.args[0].type, e.args[i].type))
            return Fail(ExprToString(e, {}) + ": item types");
        }
        return Status::OK();
      case ExprKind::kAnd:
      case ExprKind::kOr:
        return args(2, SIZE_MAX);
      case ExprKind::kNot:
      case ExprKind::kIsNull:
      case ExprKind::kCast:
      case ExprKind::kExtract:
      case ExprKind::kDateAdd:
        return args(1, 1);
      case ExprKind::kLike:
        return args(2, 2);
      case ExprKind::kSubstring:
        return args(2, 3);
      case ExprKind::kCase:
        return args(2, SIZE_MAX);
      case ExprKind::kFunction:
        return e.name.empty() ? Fail("function without a name") : Status::OK();
    }
    return Status::OK();
  }

  int node_ = -1;
};

}  // namespace

Status ValidatePlan(const PhysicalPlan& plan) { return Validator().Node(plan.root); }

}  // namespace ibex::optimizer
