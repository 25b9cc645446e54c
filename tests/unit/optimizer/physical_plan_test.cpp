// The physical plan as data: binary round trip of every node kind and expression kind,
// damaged bytes rejected (never a crash), the EXPLAIN text, and the result-type rules.
#include "optimizer/physical_plan.h"

#include <gtest/gtest.h>

#include "optimizer/plan_validator.h"

namespace ibex::optimizer {
namespace {

using storage::DataType;
using storage::Value;

PlanExpr Col(int i, DataType t = DataType::Integer()) { return PlanExpr::Column(i, t); }

Schema Ints(std::initializer_list<const char*> names) {
  Schema s;
  for (const char* n : names) s.push_back({n, DataType::Integer()});
  return s;
}

PlanNode Node(NodePayload payload, Schema schema, std::vector<PlanNode> children = {}) {
  PlanNode n;
  n.payload = std::move(payload);
  n.schema = std::move(schema);
  n.children = std::move(children);
  n.estimated_rows = 42;
  return n;
}

// A plan that uses every node kind and every expression kind at least once.
PhysicalPlan EveryKindPlan() {
  ScanSpec scan;
  scan.table = "lineitem";
  scan.table_id = 7;
  scan.columns = {0, 4};
  scan.filter = PlanExpr::Compare(ScalarOp::kLe, Col(1), PlanExpr::Literal(Value::Integer(24)));
  scan.prune.push_back({1, storage::ValueRange{std::nullopt, true, Value::Integer(24), true}});
  PlanNode s = Node(scan, Ints({"a", "b"}));

  PlanExpr dec = PlanExpr::Literal(Value::Decimal(6, DataType::Decimal(3, 2)));
  PlanExpr kase;
  kase.kind = ExprKind::kCase;
  kase.type = DataType::Decimal(3, 2);
  kase.has_else = true;
  kase.args = {PlanExpr::IsNull(Col(0), true), dec,
               PlanExpr::Literal(Value::Null(DataType::Decimal(3, 2)))};
  PlanExpr like =
      PlanExpr::Binary(ExprKind::kLike, ScalarOp::kNone, PlanExpr::Literal(Value::String("x")),
                       PlanExpr::Literal(Value::String("%x%")), DataType::Boolean());
  like.negated = true;
  PlanExpr extract;
  extract.kind = ExprKind::kExtract;
  extract.type = DataType::Integer();
  extract.field = ExtractField::kQuarter;
  extract.args = {PlanExpr::Literal(Value::Date(9000))};
  PlanExpr date_add;
  date_add.kind = ExprKind::kDateAdd;
  date_add.type = DataType::Date();
  date_add.months = -3;
  date_add.days = 5;
  date_add.args = {PlanExpr::Literal(Value::Date(9000))};
  PlanExpr substring;
  substring.kind = ExprKind::kSubstring;
  substring.type = DataType::Varchar();
  substring.args = {PlanExpr::Literal(Value::String("abc")), PlanExpr::Literal(Value::Integer(1)),
                    PlanExpr::Literal(Value::Integer(2))};
  PlanExpr in_list;
  in_list.kind = ExprKind::kInList;
  in_list.type = DataType::Boolean();
  in_list.args = {Col(0), PlanExpr::Literal(Value::Integer(1)),
                  PlanExpr::Param(1, DataType::Integer())};
  PlanExpr fn;
  fn.kind = ExprKind::kFunction;
  fn.name = "coalesce";
  fn.type = DataType::Integer();
  fn.args = {Col(0), PlanExpr::Literal(Value::Integer(0))};
  PlanExpr neg;
  neg.kind = ExprKind::kArith;
  neg.op = ScalarOp::kNeg;
  neg.type = DataType::Integer();
  neg.args = {Col(1)};
  ProjectSpec project;
  project.exprs = {
      kase,
      PlanExpr::Cast(Col(0), DataType::Bigint()),
      PlanExpr::And(
          {like, PlanExpr::Or({in_list, PlanExpr::Not(PlanExpr::Literal(Value::Boolean(false)))})}),
      extract,
      date_add,
      substring,
      fn,
      neg};
  PlanNode p =
      Node(project, Ints({"c", "d", "e", "f", "g", "h", "i", "j"}),
           {Node(FilterSpec{PlanExpr::Literal(Value::Boolean(true))}, Ints({"a", "b"}), {s})});

  JoinSpec join;
  join.type = JoinType::kMark;
  join.left_keys = {Col(0)};
  join.right_keys = {Col(0)};
  join.residual = PlanExpr::Compare(ScalarOp::kNe, Col(1), Col(9));
  join.null_aware = true;
  join.at_most_one_match = true;
  ValuesSpec values;
  values.rows = {{PlanExpr::Literal(Value::Integer(1)), PlanExpr::Literal(Value::Integer(2))}};
  PlanNode j = Node(join, Ints({"c", "d", "e", "f", "g", "h", "i", "j", "mark"}),
                    {p, Node(values, Ints({"x", "y"}))});

  AggregateSpec agg;
  agg.group_keys = {Col(0)};
  agg.aggregates.push_back({AggFunc::kSum, Col(1), false, DataType::Decimal(38, 2)});
  agg.aggregates.push_back({AggFunc::kCountStar, std::nullopt, false, DataType::Bigint()});
  agg.aggregates.push_back({AggFunc::kCount, Col(2), true, DataType::Bigint()});
  agg.phase = AggPhase::kPartial;
  PlanNode a = Node(agg, Ints({"c", "s", "n", "nd"}), {j});

  WindowSpec window;
  window.partition_keys = {Col(0)};
  window.order_keys = {{Col(1), true, true}};
  window.functions = {{WindowFunc::kRank, std::nullopt, DataType::Bigint()},
                      {WindowFunc::kSum, Col(1), DataType::Decimal(38, 2)}};
  PlanNode w = Node(window, Ints({"c", "s", "n", "nd", "r", "rs"}), {a});

  ExchangeSpec exchange;
  exchange.kind = ExchangeKind::kShuffle;
  exchange.keys = {Col(0)};
  PlanNode x = Node(exchange, w.schema, {w});
  PlanNode srt = Node(SortSpec{{{Col(0), false, false}}}, w.schema, {x});
  PlanNode top = Node(TopNSpec{{{Col(1), true, false}}, 10, 2}, w.schema, {srt});
  PlanNode lim = Node(LimitSpec{5, 1}, w.schema, {top});
  PlanNode set = Node(SetOpSpec{SetOpKind::kExcept, true}, w.schema, {lim, lim});

  SinkSpec sink;
  sink.table = "t2";
  sink.columns = {0, -1, 2};
  storage::TableDef def;
  def.name = "t2";
  def.columns = {{"a", DataType::Integer(), true}, {"b", DataType::Varchar(3), false}};
  def.distribution = storage::Distribution::Hash({0});
  def.sort_key = {1};
  sink.create_table = def;
  PhysicalPlan plan;
  plan.root = Node(sink, {{"count", DataType::Bigint()}}, {set});
  plan.param_count = 1;
  plan.param_types = {DataType::Integer()};
  AssignNodeIds(&plan.root);
  return plan;
}

TEST(PhysicalPlanTest, RoundTripsEveryKind) {
  PhysicalPlan plan = EveryKindPlan();
  std::string bytes = SerializePlan(plan);
  auto back = DeserializePlan(bytes);
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_TRUE(back.value() == plan);
  EXPECT_EQ(ExplainText(back.value()), ExplainText(plan));
  EXPECT_EQ(SerializePlan(back.value()), bytes);
}

TEST(PhysicalPlanTest, EveryTruncationIsCorruptionNotACrash) {
  std::string bytes = SerializePlan(EveryKindPlan());
  for (size_t n = 0; n < bytes.size(); ++n) {
    auto r = DeserializePlan(std::string_view(bytes).substr(0, n));
    ASSERT_FALSE(r.ok()) << "prefix of " << n << " bytes accepted";
    EXPECT_EQ(r.status().code(), StatusCode::kCorruption);
  }
}

TEST(PhysicalPlanTest, FlippedBytesNeverCrash) {
  std::string bytes = SerializePlan(EveryKindPlan());
  int rejected = 0;
  for (size_t i = 0; i < bytes.size(); ++i) {
    std::string damaged = bytes;
    damaged[i] = static_cast<char>(damaged[i] ^ 0xff);
    if (!DeserializePlan(damaged).ok()) ++rejected;
  }
  EXPECT_GT(rejected, 0);
  std::string wrong_version = bytes;
  wrong_version[4] = 9;
  auto r = DeserializePlan(wrong_version);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("version"), std::string::npos);
}

TEST(PhysicalPlanTest, ExplainTextIsStable) {
  ScanSpec scan;
  scan.table = "orders";
  scan.columns = {0, 4};
  Schema schema = {{"o_orderkey", DataType::Integer()}, {"o_orderdate", DataType::Date()}};
  scan.filter = PlanExpr::Compare(ScalarOp::kGe, Col(1, DataType::Date()),
                                  PlanExpr::Literal(Value::Date(8582)));
  scan.prune.push_back({1, storage::ValueRange{Value::Date(8582), true, std::nullopt, true}});
  PlanNode left = Node(scan, schema);
  left.estimated_rows = 1500.4;
  ScanSpec scan2;
  scan2.table = "lineitem";
  scan2.columns = {0};
  PlanNode right = Node(scan2, {{"l_orderkey", DataType::Integer()}});
  right.estimated_rows = 6000;
  JoinSpec join;
  join.type = JoinType::kSemi;
  join.left_keys = {Col(0)};
  join.right_keys = {Col(0)};
  PlanNode root = Node(join, schema, {left, right});
  root.estimated_rows = 1000;
  EXPECT_EQ(ExplainText(root),
            "HashJoin[semi] build=right keys=(o_orderkey = l_orderkey) rows=1000\n"
            "  Scan orders [o_orderkey, o_orderdate] filter=(o_orderdate >= DATE '1993-07-01') "
            "prune=(1993-07-01 <= o_orderdate) rows=1500\n"
            "  Scan lineitem [l_orderkey] rows=6000\n");
}

TEST(PhysicalPlanTest, DecimalResultTypes) {
  auto d = [](int p, int s) { return DataType::Decimal(p, s); };
  // + - align scales, one more integer digit.
  EXPECT_EQ(*ArithmeticResultType(ScalarOp::kAdd, d(15, 2), d(3, 2)), d(16, 2));
  EXPECT_EQ(*ArithmeticResultType(ScalarOp::kSub, d(15, 2), d(4, 3)), d(17, 3));
  EXPECT_EQ(ArithmeticOperandType(ScalarOp::kSub, d(17, 3), d(15, 2)), d(16, 3));
  // * adds scales and precisions; above 18 digits it is a wide (128-bit) decimal.
  DataType prod = *ArithmeticResultType(ScalarOp::kMul, d(15, 2), d(16, 2));
  EXPECT_EQ(prod, d(31, 4));
  EXPECT_TRUE(prod.is_wide_decimal());
  EXPECT_EQ(ArithmeticOperandType(ScalarOp::kMul, prod, d(15, 2)), d(15, 2));
  // integers count as DECIMAL(10,0) / DECIMAL(19,0).
  EXPECT_EQ(*ArithmeticResultType(ScalarOp::kSub, DataType::Integer(), d(15, 2)), d(16, 2));
  EXPECT_EQ(*ArithmeticResultType(ScalarOp::kMul, DataType::Bigint(), d(15, 2)), d(34, 2));
  // decimal / decimal and anything with DOUBLE is DOUBLE.
  EXPECT_EQ(*ArithmeticResultType(ScalarOp::kDiv, d(15, 2), d(15, 2)), DataType::Double());
  EXPECT_EQ(*ArithmeticResultType(ScalarOp::kAdd, DataType::Double(), d(15, 2)),
            DataType::Double());
  EXPECT_EQ(*ArithmeticResultType(ScalarOp::kMul, DataType::Integer(), DataType::Integer()),
            DataType::Bigint());
  EXPECT_EQ(*ArithmeticResultType(ScalarOp::kSub, DataType::Date(), DataType::Date()),
            DataType::Integer());
  EXPECT_FALSE(ArithmeticResultType(ScalarOp::kAdd, DataType::Varchar(), d(1, 0)).has_value());
  // comparisons meet at the common scale.
  EXPECT_EQ(*ComparisonType(d(15, 2), d(3, 2)), d(15, 2));
  EXPECT_EQ(*ComparisonType(DataType::Integer(), d(3, 2)), d(12, 2));
  EXPECT_FALSE(ComparisonType(DataType::Date(), DataType::Integer()).has_value());
}

TEST(PhysicalPlanTest, ValidatorCatchesContractBreaks) {
  ScanSpec scan;
  scan.table = "t";
  scan.columns = {0, 1};
  Schema schema = {{"a", DataType::Integer()}, {"d", DataType::Decimal(15, 2)}};
  PhysicalPlan plan;
  plan.root = Node(scan, schema);
  ASSERT_TRUE(ValidatePlan(plan).ok());
  auto with_filter = [&](PlanExpr pred) {
    PhysicalPlan p = plan;
    p.root = Node(FilterSpec{std::move(pred)}, schema, {plan.root});
    AssignNodeIds(&p.root);
    return ValidatePlan(p);
  };
  PlanExpr a = Col(0), d = Col(1, DataType::Decimal(15, 2));
  // INTEGER compared with DECIMAL without a cast.
  EXPECT_FALSE(with_filter(PlanExpr::Compare(ScalarOp::kLt, a, d)).ok());
  EXPECT_TRUE(
      with_filter(PlanExpr::Compare(ScalarOp::kLt, PlanExpr::Cast(a, DataType::Decimal(12, 2)), d))
          .ok());
  // A column out of range, or typed unlike its input.
  EXPECT_FALSE(with_filter(PlanExpr::IsNull(Col(2), false)).ok());
  EXPECT_FALSE(with_filter(PlanExpr::IsNull(Col(1), false)).ok());
  // Decimal + without aligned scales.
  PlanExpr sum = PlanExpr::Binary(ExprKind::kArith, ScalarOp::kAdd, d,
                                  PlanExpr::Literal(Value::Decimal(1, DataType::Decimal(3, 3))),
                                  DataType::Decimal(17, 3));
  EXPECT_FALSE(with_filter(PlanExpr::IsNull(sum, false)).ok());
  // A predicate that is not BOOLEAN.
  Status s = with_filter(a);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("plan node 0"), std::string::npos) << s.ToString();
}

}  // namespace
}  // namespace ibex::optimizer
