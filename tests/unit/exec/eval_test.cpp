// Expression kernels: exact decimals, overflow and division by zero as errors, three-valued
// logic, LIKE fast paths, CASE, IN, casts, dates, substrings; NULLs everywhere.
#include <gtest/gtest.h>

#include "exec/eval.h"
#include "exec/like.h"
#include "exec/row_key.h"

namespace ibex::exec {
namespace {

using storage::DataType;
using storage::Value;

Value Dec(int64_t unscaled, int p, int s) { return Value::Decimal(unscaled, DataType::Decimal(p, s)); }

// One column chunk from values (all of `type`).
Chunk Column(DataType type, const std::vector<Value>& values) {
  Chunk c;
  c.size = values.size();
  Vector v(type, values.size());
  for (size_t i = 0; i < values.size(); ++i) v.SetValue(i, values[i]);
  v.CompactNulls();
  c.columns.push_back(std::move(v));
  return c;
}

Chunk Two(DataType ta, const std::vector<Value>& a, DataType tb, const std::vector<Value>& b) {
  Chunk c = Column(ta, a);
  Chunk d = Column(tb, b);
  c.columns.push_back(std::move(d.columns[0]));
  return c;
}

std::vector<std::string> Strings(const Vector& v, size_t n) {
  std::vector<std::string> out;
  for (size_t i = 0; i < n; ++i) out.push_back(v.GetValue(i).ToString());
  return out;
}

TEST(EvalTest, DecimalAddAlignsScalesExactly) {
  // DECIMAL(15,2) + DECIMAL(15,3) -> DECIMAL(17,3): operands cast by the planner, but the
  // kernel aligns by itself too.
  Chunk c = Two(DataType::Decimal(15, 2), {Dec(105, 15, 2), Value::Null(DataType::Decimal(15, 2))},
                DataType::Decimal(15, 3), {Dec(1, 15, 3), Dec(5, 15, 3)});
  auto e = Arith(ArithOp::kAdd, ColumnRef(0, DataType::Decimal(15, 2)),
                 ColumnRef(1, DataType::Decimal(15, 3)), DataType::Decimal(17, 3));
  auto r = Evaluate(*e, c);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(Strings(*r, 2), (std::vector<std::string>{"1.051", "NULL"}));
}

TEST(EvalTest, DecimalMultiplyAddsScalesAndWidens) {
  // 0.06 - 0.01 style exactness and a product above 18 digits held in 128 bits.
  Chunk c = Two(DataType::Decimal(15, 2), {Dec(999999999999999, 15, 2)}, DataType::Decimal(15, 2),
                {Dec(999999999999999, 15, 2)});
  auto e = Arith(ArithOp::kMul, ColumnRef(0, DataType::Decimal(15, 2)),
                 ColumnRef(1, DataType::Decimal(15, 2)), DataType::Decimal(30, 4));
  auto r = Evaluate(*e, c);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->GetValue(0).ToString(), "99999999999999800000000000.0001");
}

TEST(EvalTest, DecimalOverflowIsAnError) {
  Chunk c = Two(DataType::Decimal(18, 0), {Dec(999999999999999999, 18, 0)}, DataType::Decimal(18, 0),
                {Dec(1, 18, 0)});
  auto e = Arith(ArithOp::kAdd, ColumnRef(0, DataType::Decimal(18, 0)),
                 ColumnRef(1, DataType::Decimal(18, 0)), DataType::Decimal(18, 0));
  auto r = Evaluate(*e, c);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("overflow"), std::string::npos) << r.status().ToString();
}

TEST(EvalTest, IntegerOverflowAndDivisionByZero) {
  Chunk c = Two(DataType::Integer(), {Value::Integer(2147483647)}, DataType::Integer(),
                {Value::Integer(1)});
  auto add = Arith(ArithOp::kAdd, ColumnRef(0, DataType::Integer()), ColumnRef(1, DataType::Integer()),
                   DataType::Integer());
  EXPECT_FALSE(Evaluate(*add, c).ok());
  Chunk z = Two(DataType::Integer(), {Value::Integer(7), Value::Integer(7)}, DataType::Integer(),
                {Value::Integer(0), Value::Null(DataType::Integer())});
  auto div = Arith(ArithOp::kDiv, ColumnRef(0, DataType::Integer()), ColumnRef(1, DataType::Integer()),
                   DataType::Integer());
  auto r = Evaluate(*div, z);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("division by zero"), std::string::npos);
  // A NULL divisor is NULL, not an error.
  Chunk zn = Two(DataType::Integer(), {Value::Integer(7)}, DataType::Integer(),
                 {Value::Null(DataType::Integer())});
  auto ok = Evaluate(*div, zn);
  ASSERT_TRUE(ok.ok()) << ok.status().ToString();
  EXPECT_TRUE(ok->IsNull(0));
  // Double division by zero is an error too.
  Chunk d = Two(DataType::Double(), {Value::Double(1)}, DataType::Double(), {Value::Double(0)});
  auto ddiv = Arith(ArithOp::kDiv, ColumnRef(0, DataType::Double()), ColumnRef(1, DataType::Double()),
                    DataType::Double());
  EXPECT_FALSE(Evaluate(*ddiv, d).ok());
}

TEST(EvalTest, BetweenOnDecimalsIsExact) {
  // l_discount between 0.06 - 0.01 and 0.06 + 0.01
  Chunk c = Column(DataType::Decimal(15, 2), {Dec(4, 15, 2), Dec(5, 15, 2), Dec(7, 15, 2), Dec(8, 15, 2)});
  auto lo = Arith(ArithOp::kSub, Literal(Dec(6, 3, 2)), Literal(Dec(1, 3, 2)), DataType::Decimal(4, 2));
  auto hi = Arith(ArithOp::kAdd, Literal(Dec(6, 3, 2)), Literal(Dec(1, 3, 2)), DataType::Decimal(4, 2));
  std::vector<ExprPtr> both;
  both.push_back(Compare(CompareOp::kGe, ColumnRef(0, DataType::Decimal(15, 2)), std::move(lo)));
  both.push_back(Compare(CompareOp::kLe, ColumnRef(0, DataType::Decimal(15, 2)), std::move(hi)));
  auto e = And(std::move(both));
  std::vector<uint32_t> sel;
  auto m = EvaluateFilter(*e, c, &sel);
  ASSERT_TRUE(m.ok());
  ASSERT_EQ(*m, 2u);
  EXPECT_EQ(sel[0], 1u);
  EXPECT_EQ(sel[1], 2u);
}

TEST(EvalTest, ConjunctionNarrowsRowsTermByTerm) {
  // (b <> 0) AND (10 / b > 2): the guard is cheaper, runs first, and the division only sees
  // the rows it kept; NULL rows drop.
  Chunk c = Two(DataType::Integer(), {Value::Integer(1), Value::Integer(2), Value::Integer(3), Value::Integer(4)},
                DataType::Integer(), {Value::Integer(0), Value::Integer(2), Value::Null(DataType::Integer()),
                                      Value::Integer(5)});
  std::vector<ExprPtr> terms;
  terms.push_back(Compare(CompareOp::kGt,
                          Arith(ArithOp::kDiv, Literal(Value::Integer(10)), ColumnRef(1, DataType::Integer()),
                                DataType::Integer()),
                          Literal(Value::Integer(2))));
  terms.push_back(Compare(CompareOp::kNe, ColumnRef(1, DataType::Integer()), Literal(Value::Integer(0))));
  std::vector<uint32_t> sel;
  auto m = EvaluateFilter(*And(std::move(terms)), c, &sel);
  ASSERT_TRUE(m.ok()) << m.status().ToString();
  ASSERT_EQ(*m, 1u);
  EXPECT_EQ(sel[0], 1u);  // 10 / 2 = 5 > 2; 10 / 5 = 2 is not
}

TEST(EvalTest, ThreeValuedLogic) {
  const Value t = Value::Boolean(true);
  const Value f = Value::Boolean(false);
  const Value n = Value::Null(DataType::Boolean());
  Chunk c = Two(DataType::Boolean(), {t, t, t, f, f, f, n, n, n}, DataType::Boolean(),
                {t, f, n, t, f, n, t, f, n});
  auto args = [] {
    std::vector<ExprPtr> v;
    v.push_back(ColumnRef(0, DataType::Boolean()));
    v.push_back(ColumnRef(1, DataType::Boolean()));
    return v;
  };
  auto a = Evaluate(*And(args()), c);
  auto o = Evaluate(*Or(args()), c);
  auto nt = Evaluate(*Not(ColumnRef(0, DataType::Boolean())), c);
  ASSERT_TRUE(a.ok() && o.ok() && nt.ok());
  EXPECT_EQ(Strings(*a, 9), (std::vector<std::string>{"true", "false", "NULL", "false", "false",
                                                      "false", "NULL", "false", "NULL"}));
  EXPECT_EQ(Strings(*o, 9), (std::vector<std::string>{"true", "true", "true", "true", "false",
                                                      "NULL", "true", "NULL", "NULL"}));
  EXPECT_EQ(Strings(*nt, 9), (std::vector<std::string>{"false", "false", "false", "true", "true",
                                                       "true", "NULL", "NULL", "NULL"}));
  auto isnull = Evaluate(*IsNull(ColumnRef(0, DataType::Boolean())), c);
  ASSERT_TRUE(isnull.ok());
  EXPECT_EQ(isnull->GetValue(6).ToString(), "true");
  EXPECT_EQ(isnull->GetValue(0).ToString(), "false");
}

TEST(EvalTest, LikeFastPathsAndGeneral) {
  const std::vector<std::pair<std::string, std::string>> yes = {
      {"PROMO%", "PROMO BRUSHED"},      {"%BRASS", "LARGE BRASS"},
      {"%green%", "dark green x"},       {"%special%requests%", "a special b requests c"},
      {"a_c", "abc"},                   {"%", ""},
      {"abc", "abc"},                   {"a%c", "abbbc"},
      {"%a%b%c%", "xaybzc"},
  };
  for (const auto& [p, s] : yes) EXPECT_TRUE(LikeMatcher(p).Match(s)) << p << " " << s;
  const std::vector<std::pair<std::string, std::string>> no = {
      {"PROMO%", "XPROMO"},    {"%BRASS", "BRASS X"}, {"%special%requests%", "requests special"},
      {"a_c", "abbc"},         {"abc", "abcd"},       {"a%c", "ab"},
      {"%a%a", "a"},
  };
  for (const auto& [p, s] : no) EXPECT_FALSE(LikeMatcher(p).Match(s)) << p << " " << s;
  Chunk c = Column(DataType::Varchar(), {Value::String("xx green"), Value::Null(DataType::Varchar())});
  auto r = Evaluate(*Like(ColumnRef(0, DataType::Varchar()), "%green", true), c);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(Strings(*r, 2), (std::vector<std::string>{"false", "NULL"}));
}

TEST(EvalTest, CaseEvaluatesBranchesOnlyForTheirRows) {
  // CASE WHEN b <> 0 THEN a / b ELSE -1 END: the division never sees b = 0.
  Chunk c = Two(DataType::Integer(), {Value::Integer(10), Value::Integer(10), Value::Null(DataType::Integer())},
                DataType::Integer(), {Value::Integer(2), Value::Integer(0), Value::Integer(5)});
  std::vector<ExprPtr> args;
  args.push_back(Compare(CompareOp::kNe, ColumnRef(1, DataType::Integer()), Literal(Value::Integer(0))));
  args.push_back(Arith(ArithOp::kDiv, ColumnRef(0, DataType::Integer()), ColumnRef(1, DataType::Integer()),
                       DataType::Integer()));
  args.push_back(Literal(Value::Integer(-1)));
  auto r = Evaluate(*Case(std::move(args), true, DataType::Integer()), c);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(Strings(*r, 3), (std::vector<std::string>{"5", "-1", "NULL"}));
}

TEST(EvalTest, InListWithNullSemantics) {
  Chunk c = Column(DataType::Integer(), {Value::Integer(1), Value::Integer(3), Value::Null(DataType::Integer())});
  std::vector<ExprPtr> list;
  list.push_back(Literal(Value::Integer(1)));
  list.push_back(Literal(Value::Integer(2)));
  auto r = Evaluate(*InList(ColumnRef(0, DataType::Integer()), std::move(list)), c);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(Strings(*r, 3), (std::vector<std::string>{"true", "false", "NULL"}));
  std::vector<ExprPtr> with_null;
  with_null.push_back(Literal(Value::Integer(1)));
  with_null.push_back(Literal(Value::Null(DataType::Integer())));
  auto n = Evaluate(*InList(ColumnRef(0, DataType::Integer()), std::move(with_null), true), c);
  ASSERT_TRUE(n.ok());
  EXPECT_EQ(Strings(*n, 3), (std::vector<std::string>{"false", "NULL", "NULL"}));
}

TEST(EvalTest, StringEqualityWithAConstantAtEveryLength) {
  // The constant-side fast path compares 2-16 byte strings as two overlapping words: every
  // length from 0 to 20, a difference in the first, a middle and the last byte, a longer and a
  // shorter string, NULL rows, = and <>, the constant on either side, and a VARCHAR(n) column
  // (relabelled, not copied) as well as an unbounded one.
  for (size_t len = 0; len <= 20; ++len) {
    std::string k;
    for (size_t i = 0; i < len; ++i) k.push_back(static_cast<char>('a' + (i * 7) % 26));
    std::vector<std::string> rows = {k, k + "x", k.empty() ? "y" : k.substr(0, len - 1)};
    for (size_t at : {size_t{0}, len / 2, len == 0 ? size_t{0} : len - 1}) {
      if (len == 0) break;
      std::string d = k;
      d[at] = static_cast<char>(d[at] ^ 0x20);
      rows.push_back(d);
    }
    std::vector<Value> values;
    for (const std::string& s : rows) values.push_back(Value::String(s));
    values.push_back(Value::Null(DataType::Varchar()));
    for (const DataType& type : {DataType::Varchar(), DataType::Varchar(static_cast<uint32_t>(len + 1))}) {
      Chunk c = Column(type, values);
      for (CompareOp op : {CompareOp::kEq, CompareOp::kNe}) {
        for (bool constant_left : {false, true}) {
          ExprPtr col = ColumnRef(0, type);
          ExprPtr lit = Literal(Value::String(k));
          auto r = Evaluate(constant_left ? *Compare(op, std::move(lit), std::move(col))
                                          : *Compare(op, std::move(col), std::move(lit)),
                            c);
          ASSERT_TRUE(r.ok()) << r.status().ToString();
          std::vector<std::string> want;
          for (const std::string& s : rows) want.push_back((s == k) == (op == CompareOp::kEq) ? "true" : "false");
          want.push_back("NULL");
          EXPECT_EQ(Strings(*r, values.size()), want) << "length " << len << " " << type.ToString();
        }
      }
    }
  }
}

TEST(EvalTest, DatesExtractIntervalSubstringCast) {
  int32_t d;
  ASSERT_TRUE(storage::ParseDate("1995-01-31", &d).ok());
  Chunk c = Column(DataType::Date(), {Value::Date(d), Value::Null(DataType::Date())});
  auto plus = Evaluate(*DateAdd(ColumnRef(0, DataType::Date()), 1, 0), c);
  ASSERT_TRUE(plus.ok());
  EXPECT_EQ(plus->GetValue(0).ToString(), "1995-02-28");  // clamped to the month's end
  EXPECT_TRUE(plus->IsNull(1));
  auto minus = Evaluate(*DateAdd(ColumnRef(0, DataType::Date()), 0, -90), c);
  ASSERT_TRUE(minus.ok());
  EXPECT_EQ(minus->GetValue(0).ToString(), "1994-11-02");
  auto year = Evaluate(*Extract(ExtractField::kYear, ColumnRef(0, DataType::Date())), c);
  ASSERT_TRUE(year.ok());
  EXPECT_EQ(year->GetValue(0).ToString(), "1995");
  Chunk s = Column(DataType::Varchar(), {Value::String("13-555-1234"), Value::String("x")});
  auto sub = Evaluate(*Substring(ColumnRef(0, DataType::Varchar()), Literal(Value::Bigint(1)),
                                 Literal(Value::Bigint(2))),
                      s);
  ASSERT_TRUE(sub.ok());
  EXPECT_EQ(Strings(*sub, 2), (std::vector<std::string>{"13", "x"}));
  auto cast = Evaluate(*Cast(Literal(Value::String("1998-12-01")), DataType::Date()), s);
  ASSERT_TRUE(cast.ok());
  EXPECT_EQ(cast->GetValue(0).ToString(), "1998-12-01");
  auto bad = Evaluate(*Cast(Literal(Value::Decimal(storage::int128_t{123456}, DataType::Decimal(10, 2))),
                            DataType::Decimal(4, 2)),
                      s);
  EXPECT_FALSE(bad.ok());  // 1234.56 does not fit DECIMAL(4,2)
  auto round = Evaluate(*Cast(Literal(Dec(12345, 10, 3)), DataType::Decimal(10, 2)), s);
  ASSERT_TRUE(round.ok());
  EXPECT_EQ(round->GetValue(0).ToString(), "12.35");  // half away from zero
}

TEST(EvalTest, OrderedKeysSortLikeSql) {
  Chunk c = Column(DataType::Integer(), {Value::Integer(-5), Value::Integer(3), Value::Null(DataType::Integer()),
                                         Value::Integer(0)});
  std::vector<const Vector*> cols{&c.columns[0]};
  std::vector<SortSpec> asc{SortSpec{false, false}};
  KeyBuffer kb;
  kb.Encode(cols, &asc, 4);
  EXPECT_LT(kb.Key(0), kb.Key(3));
  EXPECT_LT(kb.Key(3), kb.Key(1));
  EXPECT_LT(kb.Key(1), kb.Key(2));  // NULLS LAST
  std::vector<SortSpec> desc{SortSpec{true, false}};
  kb.Encode(cols, &desc, 4);
  EXPECT_LT(kb.Key(1), kb.Key(3));
  EXPECT_LT(kb.Key(3), kb.Key(0));
  EXPECT_LT(kb.Key(0), kb.Key(2));  // NULLS LAST under DESC too
}

}  // namespace
}  // namespace ibex::exec
