#include "exec/expr_compiler.h"

#include "exec/like.h"

namespace ibex::exec {

namespace opt = ibex::optimizer;
using storage::Value;

namespace {

Result<ArithOp> ToArith(opt::ScalarOp op) {
  switch (op) {
    case opt::ScalarOp::kAdd:
      return ArithOp::kAdd;
    case opt::ScalarOp::kSub:
      return ArithOp::kSub;
    case opt::ScalarOp::kMul:
      return ArithOp::kMul;
    case opt::ScalarOp::kDiv:
      return ArithOp::kDiv;
    case opt::ScalarOp::kMod:
      return ArithOp::kMod;
    default:
      return Status::Internal("not an arithmetic operator");
  }
}

Result<CompareOp> ToCompare(opt::ScalarOp op) {
  switch (op) {
    case opt::ScalarOp::kEq:
      return CompareOp::kEq;
    case opt::ScalarOp::kNe:
      return CompareOp::kNe;
    case opt::ScalarOp::kLt:
      return CompareOp::kLt;
    case opt::ScalarOp::kLe:
      return CompareOp::kLe;
    case opt::ScalarOp::kGt:
      return CompareOp::kGt;
    case opt::ScalarOp::kGe:
      return CompareOp::kGe;
    default:
      return Status::Internal("not a comparison operator");
  }
}

ExtractField ToField(opt::ExtractField f) {
  switch (f) {
    case opt::ExtractField::kYear:
      return ExtractField::kYear;
    case opt::ExtractField::kMonth:
      return ExtractField::kMonth;
    case opt::ExtractField::kDay:
      return ExtractField::kDay;
    case opt::ExtractField::kQuarter:
      return ExtractField::kQuarter;
    case opt::ExtractField::kWeek:
      return ExtractField::kWeek;
    case opt::ExtractField::kDow:
      return ExtractField::kDayOfWeek;
    case opt::ExtractField::kDoy:
      return ExtractField::kDayOfYear;
  }
  return ExtractField::kYear;
}

}  // namespace

Result<ExprPtr> CompileExpr(const opt::PlanExpr& e, const std::vector<Value>& params) {
  std::vector<ExprPtr> args;
  for (const opt::PlanExpr& a : e.args) {
    IBEX_ASSIGN_OR_RETURN(ExprPtr c, CompileExpr(a, params));
    args.push_back(std::move(c));
  }
  auto out = std::make_unique<Expr>();
  out->type = e.type;
  switch (e.kind) {
    case opt::ExprKind::kColumn:
      return ColumnRef(e.column, e.type);
    case opt::ExprKind::kLiteral:
      if (e.value.is_null()) return Literal(Value::Null(e.type));
      return Literal(e.value);
    case opt::ExprKind::kParam: {
      if (e.param < 1 || static_cast<size_t>(e.param) > params.size()) {
        return Status::InvalidArgument("no value for parameter $" + std::to_string(e.param));
      }
      const Value& v = params[static_cast<size_t>(e.param) - 1];
      if (v.is_null()) return Literal(Value::Null(e.type));
      if (v.type() == e.type) return Literal(v);
      return Cast(Literal(v), e.type);
    }
    case opt::ExprKind::kArith: {
      if (e.op == opt::ScalarOp::kNeg) {
        out->kind = ExprKind::kNegate;
      } else if (e.op == opt::ScalarOp::kConcat) {
        out->kind = ExprKind::kFunction;
        out->text = "concat";
      } else {
        out->kind = ExprKind::kArith;
        IBEX_ASSIGN_OR_RETURN(out->arith, ToArith(e.op));
      }
      break;
    }
    case opt::ExprKind::kCompare: {
      out->kind = ExprKind::kCompare;
      IBEX_ASSIGN_OR_RETURN(out->compare, ToCompare(e.op));
      break;
    }
    case opt::ExprKind::kAnd:
      out->kind = ExprKind::kAnd;
      break;
    case opt::ExprKind::kOr:
      out->kind = ExprKind::kOr;
      break;
    case opt::ExprKind::kNot:
      out->kind = ExprKind::kNot;
      break;
    case opt::ExprKind::kIsNull:
      out->kind = ExprKind::kIsNull;
      out->negated = e.negated;
      break;
    case opt::ExprKind::kLike:
      out->kind = ExprKind::kLike;
      out->negated = e.negated;
      if (args.size() == 2 && args[1]->kind == ExprKind::kConstant && !args[1]->constant.is_null()) {
        out->text = args[1]->constant.str();
        out->matcher = std::make_shared<LikeMatcher>(out->text);
        args.pop_back();
      }
      break;
    case opt::ExprKind::kCase:
      out->kind = ExprKind::kCase;
      out->has_else = e.has_else;
      break;
    case opt::ExprKind::kCast:
      out->kind = ExprKind::kCast;
      break;
    case opt::ExprKind::kExtract:
      out->kind = ExprKind::kExtract;
      out->field = ToField(e.field);
      break;
    case opt::ExprKind::kSubstring:
      out->kind = ExprKind::kSubstring;
      break;
    case opt::ExprKind::kInList:
      out->kind = ExprKind::kInList;
      out->negated = e.negated;
      break;
    case opt::ExprKind::kDateAdd:
      out->kind = ExprKind::kDateAdd;
      out->months = e.months;
      out->days = e.days;
      break;
    case opt::ExprKind::kFunction:
      if (e.name == "coalesce") {
        out->kind = ExprKind::kCoalesce;
      } else {
        out->kind = ExprKind::kFunction;
        out->text = e.name;
      }
      break;
  }
  out->args = std::move(args);
  return out;
}

}  // namespace ibex::exec
