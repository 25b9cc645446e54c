#include "optimizer/expr_translator.h"

#include "frontend/binder/binder.h"
#include "frontend/binder/type_rules.h"
#include "optimizer/constant_folding.h"
#include "storage/catalog.h"

namespace ibex::optimizer {

using EK = sql::ast::ExprKind;
using storage::TypeId;

DataType ExprTranslator::TypeOf(const sql::SqlType& t, DataType fallback) {
  return t.kind == sql::SqlType::Kind::kData ? t.data : fallback;
}

namespace {

PlanExpr Folded(PlanExpr e) {
  FoldNode(&e);
  return e;
}

ScalarOp CompareOp(const std::string& op) {
  if (op == "=") return ScalarOp::kEq;
  if (op == "<>" || op == "!=") return ScalarOp::kNe;
  if (op == "<") return ScalarOp::kLt;
  if (op == "<=") return ScalarOp::kLe;
  if (op == ">") return ScalarOp::kGt;
  if (op == ">=") return ScalarOp::kGe;
  return ScalarOp::kNone;
}

ScalarOp ArithOp(const std::string& op) {
  if (op == "+") return ScalarOp::kAdd;
  if (op == "-") return ScalarOp::kSub;
  if (op == "*") return ScalarOp::kMul;
  if (op == "/") return ScalarOp::kDiv;
  if (op == "%") return ScalarOp::kMod;
  if (op == "||") return ScalarOp::kConcat;
  return ScalarOp::kNone;
}

bool IsInterval(const ast::Expr& e) { return e.bound.type.interval(); }

// The signed months and days of an interval literal (or a sum/difference of them).
Status IntervalParts(const ast::Expr& e, int32_t* months, int32_t* days) {
  if (e.kind == EK::kLiteral && e.literal == ast::LiteralKind::kInterval) {
    int32_t n = std::stoi(e.text);
    if (e.interval_unit == "year") {
      *months += 12 * n;
    } else if (e.interval_unit == "month") {
      *months += n;
    } else {
      *days += n;
    }
    return Status::OK();
  }
  if (e.kind == EK::kUnary && e.name == "-") {
    int32_t m = 0, d = 0;
    IBEX_RETURN_IF_ERROR(IntervalParts(*e.args[0], &m, &d));
    *months -= m;
    *days -= d;
    return Status::OK();
  }
  if (e.kind == EK::kBinary && (e.name == "+" || e.name == "-") && IsInterval(*e.args[0]) &&
      IsInterval(*e.args[1])) {
    IBEX_RETURN_IF_ERROR(IntervalParts(*e.args[0], months, days));
    int32_t m = 0, d = 0;
    IBEX_RETURN_IF_ERROR(IntervalParts(*e.args[1], &m, &d));
    *months += e.name == "+" ? m : -m;
    *days += e.name == "+" ? d : -d;
    return Status::OK();
  }
  return Status::NotSupported("interval expressions other than literals");
}

}  // namespace

Result<PlanExpr> MakeComparison(ScalarOp op, PlanExpr a, PlanExpr b) {
  if (a.type.is_string() && b.type.is_string())
    return Folded(PlanExpr::Compare(op, std::move(a), std::move(b)));
  if (a.is_null_literal()) a = PlanExpr::Literal(Value::Null(b.type));
  if (b.is_null_literal()) b = PlanExpr::Literal(Value::Null(a.type));
  auto common = ComparisonType(a.type, b.type);
  if (!common) {
    return Status::InvalidArgument("cannot compare " + a.type.ToString() + " with " +
                                   b.type.ToString());
  }
  PlanExpr ca = Folded(PlanExpr::Cast(std::move(a), *common));
  PlanExpr cb = Folded(PlanExpr::Cast(std::move(b), *common));
  return Folded(PlanExpr::Compare(op, std::move(ca), std::move(cb)));
}

Result<PlanExpr> ExprTranslator::Compare(ScalarOp op, PlanExpr a, PlanExpr b) {
  return MakeComparison(op, std::move(a), std::move(b));
}

Result<PlanExpr> ExprTranslator::TranslatePair(const ast::Expr& a, const ast::Expr& b, PlanExpr* pa,
                                               PlanExpr* pb) {
  // A side of unknown type (NULL, $n) takes the other side's type.
  bool a_unknown = a.bound.type.unknown(), b_unknown = b.bound.type.unknown();
  if (a_unknown && !b_unknown) {
    IBEX_ASSIGN_OR_RETURN(*pb, Translate(b));
    IBEX_ASSIGN_OR_RETURN(*pa, Translate(a, pb->type));
  } else {
    IBEX_ASSIGN_OR_RETURN(*pa, Translate(a));
    IBEX_ASSIGN_OR_RETURN(*pb, Translate(b, pa->type));
  }
  return PlanExpr();
}

Result<PlanExpr> ExprTranslator::TranslateBinary(const ast::Expr& e) {
  const ast::Expr& l = *e.args[0];
  const ast::Expr& r = *e.args[1];
  const std::string& op = e.name;
  if (op == "and" || op == "or") {
    IBEX_ASSIGN_OR_RETURN(PlanExpr a, Translate(l, DataType::Boolean()));
    IBEX_ASSIGN_OR_RETURN(PlanExpr b, Translate(r, DataType::Boolean()));
    std::vector<PlanExpr> terms;
    terms.push_back(std::move(a));
    terms.push_back(std::move(b));
    return Folded(op == "and" ? PlanExpr::And(std::move(terms)) : PlanExpr::Or(std::move(terms)));
  }
  if (ScalarOp cmp = CompareOp(op); cmp != ScalarOp::kNone) {
    PlanExpr a, b;
    IBEX_RETURN_IF_ERROR(TranslatePair(l, r, &a, &b).status());
    return Compare(cmp, std::move(a), std::move(b));
  }
  // DATE +/- INTERVAL.
  if (IsInterval(r) || IsInterval(l)) {
    const ast::Expr& date = IsInterval(r) ? l : r;
    const ast::Expr& interval = IsInterval(r) ? r : l;
    int32_t months = 0, days = 0;
    IBEX_RETURN_IF_ERROR(IntervalParts(interval, &months, &days));
    if (op == "-") {
      months = -months;
      days = -days;
    }
    IBEX_ASSIGN_OR_RETURN(PlanExpr d, Translate(date, DataType::Date()));
    PlanExpr out;
    out.kind = ExprKind::kDateAdd;
    out.type = DataType::Date();
    out.months = months;
    out.days = days;
    out.args.push_back(std::move(d));
    return Folded(std::move(out));
  }
  ScalarOp aop = ArithOp(op);
  if (aop == ScalarOp::kNone) return Status::NotSupported("operator " + op);
  PlanExpr a, b;
  IBEX_RETURN_IF_ERROR(TranslatePair(l, r, &a, &b).status());
  if (aop == ScalarOp::kConcat) {
    return Folded(
        PlanExpr::Binary(ExprKind::kArith, aop, PlanExpr::Cast(std::move(a), DataType::Varchar()),
                         PlanExpr::Cast(std::move(b), DataType::Varchar()), DataType::Varchar()));
  }
  auto result = ArithmeticResultType(aop, a.type, b.type);
  if (!result) {
    return Status::InvalidArgument("operator " + op + " cannot be applied to " + a.type.ToString() +
                                   " and " + b.type.ToString());
  }
  DataType ta = ArithmeticOperandType(aop, *result, a.type);
  DataType tb = ArithmeticOperandType(aop, *result, b.type);
  PlanExpr ca = Folded(PlanExpr::Cast(std::move(a), ta));
  PlanExpr cb = Folded(PlanExpr::Cast(std::move(b), tb));
  return Folded(PlanExpr::Binary(ExprKind::kArith, aop, std::move(ca), std::move(cb), *result));
}

Result<PlanExpr> ExprTranslator::TranslateCase(const ast::Expr& e) {
  DataType result = TypeOf(e.bound.type);
  PlanExpr out;
  out.kind = ExprKind::kCase;
  out.type = result;
  out.has_else = e.has_else;
  size_t i = 0;
  std::optional<PlanExpr> operand;
  if (e.has_operand) {
    IBEX_ASSIGN_OR_RETURN(PlanExpr op, Translate(*e.args[0]));
    operand = std::move(op);
    i = 1;
  }
  size_t end = e.args.size() - (e.has_else ? 1 : 0);
  for (; i + 1 < end; i += 2) {
    PlanExpr when;
    if (operand) {
      IBEX_ASSIGN_OR_RETURN(PlanExpr w, Translate(*e.args[i], operand->type));
      IBEX_ASSIGN_OR_RETURN(when, Compare(ScalarOp::kEq, *operand, std::move(w)));
    } else {
      IBEX_ASSIGN_OR_RETURN(when, Translate(*e.args[i], DataType::Boolean()));
    }
    IBEX_ASSIGN_OR_RETURN(PlanExpr then, Translate(*e.args[i + 1], result));
    out.args.push_back(std::move(when));
    out.args.push_back(Folded(PlanExpr::Cast(std::move(then), result)));
  }
  if (e.has_else) {
    IBEX_ASSIGN_OR_RETURN(PlanExpr other, Translate(*e.args.back(), result));
    out.args.push_back(Folded(PlanExpr::Cast(std::move(other), result)));
  }
  return out;
}

Result<PlanExpr> ExprTranslator::TranslateFunction(const ast::Expr& e) {
  std::string name = storage::ToLowerAscii(e.name);
  if (e.bound.is_aggregate || e.bound.is_window) {
    return Status::Internal("aggregate or window call " + name + " outside its operator");
  }
  DataType result = TypeOf(e.bound.type);
  PlanExpr out;
  out.kind = ExprKind::kFunction;
  out.name = name;
  out.type = result;
  for (size_t i = 0; i < e.args.size(); ++i) {
    std::optional<DataType> expected;
    if (name == "coalesce" || name == "nullif") expected = result;
    if (name == "round" && i == 1) expected = DataType::Integer();
    IBEX_ASSIGN_OR_RETURN(PlanExpr a, Translate(*e.args[i], expected));
    if (name == "coalesce") a = Folded(PlanExpr::Cast(std::move(a), result));
    if (name == "round" && i == 1) a = Folded(PlanExpr::Cast(std::move(a), DataType::Integer()));
    out.args.push_back(std::move(a));
  }
  if (name == "nullif" && out.args.size() == 2) {
    auto common = ComparisonType(out.args[0].type, out.args[1].type);
    if (common && !out.args[0].type.is_string()) {
      // nullif(a, b) = CASE WHEN a = b THEN NULL ELSE a END, with a comparison of one type.
      IBEX_ASSIGN_OR_RETURN(PlanExpr eq, Compare(ScalarOp::kEq, out.args[0], out.args[1]));
      PlanExpr c;
      c.kind = ExprKind::kCase;
      c.type = result;
      c.has_else = true;
      c.args = {std::move(eq), PlanExpr::Literal(Value::Null(result)),
                Folded(PlanExpr::Cast(out.args[0], result))};
      return c;
    }
  }
  return out;
}

Result<PlanExpr> ExprTranslator::Translate(const ast::Expr& e, std::optional<DataType> expected) {
  for (const auto& [pattern, replacement] : subs_) {
    if (sql::SameExpr(*pattern, e)) return replacement;
  }
  switch (e.kind) {
    case EK::kColumnRef: {
      int depth = e.bound.scope_depth;
      if (depth < 0 || static_cast<size_t>(depth) >= scopes_.size() ||
          scopes_[depth].offsets == nullptr) {
        return Status::NotSupported("column " + e.name +
                                    " referenced where its scope is not available" +
                                    (depth > 0 ? " (correlation of this shape)" : ""));
      }
      const ScopeColumns& s = scopes_[depth];
      int pos = (*s.offsets)[e.bound.from_index] + e.bound.column_index + s.shift;
      return PlanExpr::Column(pos, TypeOf(e.bound.type));
    }
    case EK::kStar:
      return Status::Internal("* outside count(*)");
    case EK::kLiteral: {
      using L = ast::LiteralKind;
      switch (e.literal) {
        case L::kNull:
          return PlanExpr::Literal(Value::Null(expected.value_or(DataType::Integer())));
        case L::kBool:
          return PlanExpr::Literal(Value::Boolean(storage::ToLowerAscii(e.text) == "true"));
        case L::kString: {
          if (expected && expected->id() == TypeId::kDate) {
            auto v = Value::Parse(DataType::Date(), e.text);
            if (v.ok()) return PlanExpr::Literal(v.value());
          }
          return PlanExpr::Literal(Value::String(e.text));
        }
        case L::kDate: {
          IBEX_ASSIGN_OR_RETURN(Value v, Value::Parse(DataType::Date(), e.text));
          return PlanExpr::Literal(v);
        }
        case L::kInteger:
        case L::kDecimal: {
          DataType t = TypeOf(e.bound.type);
          // An integer literal that fits 64 bits is a BIGINT (as DuckDB and PostgreSQL type it),
          // so that 9223372036854775807 + 1 overflows instead of widening to a decimal.
          int64_t v64 = 0;
          if (e.literal == L::kInteger && t.is_decimal() &&
              storage::ParseInt64(e.text, &v64).ok()) {
            t = DataType::Bigint();
          }
          IBEX_ASSIGN_OR_RETURN(Value v, Value::Parse(t, e.text));
          return PlanExpr::Literal(v);
        }
        case L::kInterval:
          return Status::NotSupported("an INTERVAL outside DATE arithmetic");
      }
      return Status::Internal("literal kind");
    }
    case EK::kParam: {
      int n = std::stoi(e.text);
      DataType t = expected.value_or(TypeOf(e.bound.type, DataType::Varchar()));
      if (param_types_ != nullptr) {
        if (param_types_->size() < static_cast<size_t>(n))
          param_types_->resize(n, DataType::Varchar());
        (*param_types_)[n - 1] = t;
      }
      return PlanExpr::Param(n, t);
    }
    case EK::kUnary: {
      if (e.name == "not") {
        IBEX_ASSIGN_OR_RETURN(PlanExpr a, Translate(*e.args[0], DataType::Boolean()));
        return Folded(PlanExpr::Not(std::move(a)));
      }
      IBEX_ASSIGN_OR_RETURN(PlanExpr a, Translate(*e.args[0], expected));
      if (e.name == "+") return a;
      PlanExpr neg;
      neg.kind = ExprKind::kArith;
      neg.op = ScalarOp::kNeg;
      neg.type = a.type;
      neg.args.push_back(std::move(a));
      return Folded(std::move(neg));
    }
    case EK::kBinary:
      return TranslateBinary(e);
    case EK::kBetween: {
      IBEX_ASSIGN_OR_RETURN(PlanExpr v, Translate(*e.args[0]));
      IBEX_ASSIGN_OR_RETURN(PlanExpr lo, Translate(*e.args[1], v.type));
      IBEX_ASSIGN_OR_RETURN(PlanExpr hi, Translate(*e.args[2], v.type));
      IBEX_ASSIGN_OR_RETURN(PlanExpr ge, Compare(ScalarOp::kGe, v, std::move(lo)));
      IBEX_ASSIGN_OR_RETURN(PlanExpr le, Compare(ScalarOp::kLe, std::move(v), std::move(hi)));
      std::vector<PlanExpr> terms;
      terms.push_back(std::move(ge));
      terms.push_back(std::move(le));
      PlanExpr both = Folded(PlanExpr::And(std::move(terms)));
      return e.negated ? Folded(PlanExpr::Not(std::move(both))) : both;
    }
    case EK::kInList: {
      IBEX_ASSIGN_OR_RETURN(PlanExpr v, Translate(*e.args[0]));
      std::vector<PlanExpr> items;
      DataType common = v.type;
      bool strings = v.type.is_string();
      for (size_t i = 1; i < e.args.size(); ++i) {
        IBEX_ASSIGN_OR_RETURN(PlanExpr item, Translate(*e.args[i], v.type));
        if (!strings) {
          auto c = ComparisonType(common, item.type);
          if (!c) return Status::InvalidArgument("IN list types do not match");
          common = *c;
        }
        items.push_back(std::move(item));
      }
      PlanExpr out;
      out.kind = ExprKind::kInList;
      out.type = DataType::Boolean();
      out.negated = e.negated;
      out.args.push_back(strings ? std::move(v) : Folded(PlanExpr::Cast(std::move(v), common)));
      for (PlanExpr& item : items)
        out.args.push_back(strings ? std::move(item)
                                   : Folded(PlanExpr::Cast(std::move(item), common)));
      return out;
    }
    case EK::kInSubquery:
    case EK::kExists:
    case EK::kSubquery:
      if (!hook_) return Status::NotSupported("a subquery here");
      return hook_(e);
    case EK::kLike: {
      IBEX_ASSIGN_OR_RETURN(PlanExpr v, Translate(*e.args[0], DataType::Varchar()));
      IBEX_ASSIGN_OR_RETURN(PlanExpr p, Translate(*e.args[1], DataType::Varchar()));
      PlanExpr out = PlanExpr::Binary(ExprKind::kLike, ScalarOp::kNone, std::move(v), std::move(p),
                                      DataType::Boolean());
      out.negated = e.negated;
      return out;
    }
    case EK::kIsNull: {
      IBEX_ASSIGN_OR_RETURN(PlanExpr v, Translate(*e.args[0]));
      return Folded(PlanExpr::IsNull(std::move(v), e.negated));
    }
    case EK::kCase:
      return TranslateCase(e);
    case EK::kCast: {
      DataType to = TypeOf(e.bound.type);
      IBEX_ASSIGN_OR_RETURN(PlanExpr v, Translate(*e.args[0], to));
      return Folded(PlanExpr::Cast(std::move(v), to));
    }
    case EK::kExtract: {
      std::string field = storage::ToLowerAscii(e.name);
      PlanExpr out;
      out.kind = ExprKind::kExtract;
      out.type = DataType::Integer();
      for (int i = 0; i < kExtractFieldCount; ++i) {
        if (field == ExtractFieldName(static_cast<ExtractField>(i)))
          out.field = static_cast<ExtractField>(i);
      }
      IBEX_ASSIGN_OR_RETURN(PlanExpr v, Translate(*e.args[0], DataType::Date()));
      out.args.push_back(std::move(v));
      return out;
    }
    case EK::kSubstring: {
      PlanExpr out;
      out.kind = ExprKind::kSubstring;
      out.type = TypeOf(e.bound.type, DataType::Varchar());
      for (size_t i = 0; i < e.args.size(); ++i) {
        IBEX_ASSIGN_OR_RETURN(
            PlanExpr a, Translate(*e.args[i], i == 0 ? DataType::Varchar() : DataType::Integer()));
        out.args.push_back(i == 0 ? std::move(a)
                                  : Folded(PlanExpr::Cast(std::move(a), DataType::Integer())));
      }
      return out;
    }
    case EK::kFunction:
      return TranslateFunction(e);
  }
  return Status::Internal("expression kind");
}

}  // namespace ibex::optimizer
