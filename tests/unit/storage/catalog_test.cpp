#include "storage/catalog.h"

#include <gtest/gtest.h>

namespace ibex::storage {
namespace {

TableDef Lineorder() {
  TableDef def;
  def.name = "LineOrder";
  def.columns = {{"lo_orderkey", DataType::Integer(), true},
                 {"lo_orderdate", DataType::Date(), true},
                 {"lo_revenue", DataType::Decimal(15, 2), false},
                 {"lo_shipmode", DataType::Varchar(10), false}};
  def.distribution = Distribution::Hash({0});
  def.sort_key = {1};
  return def;
}

TEST(CatalogTest, CreateFindDropWithCaseInsensitiveNames) {
  Catalog c(3);
  EXPECT_EQ(c.schema_version(), 0u);
  ASSERT_TRUE(c.CreateTable(Lineorder()).ok());
  EXPECT_EQ(c.schema_version(), 1u);
  const Table* t = c.FindTable("lineorder");
  ASSERT_NE(t, nullptr);
  EXPECT_EQ(t->def.name, "LineOrder");
  EXPECT_EQ(t->partitions.size(), 3u);
  EXPECT_EQ(t->def.FindColumn("LO_REVENUE"), 2);
  EXPECT_EQ(t->def.FindColumn("nope"), -1);
  EXPECT_EQ(t->def.DistributionString(), "PARTITION BY HASH(lo_orderkey)");
  EXPECT_EQ(c.CreateTable(Lineorder()).code(), StatusCode::kAlreadyExists);
  EXPECT_TRUE(c.CreateTable(Lineorder(), /*if_not_exists=*/true).ok());
  EXPECT_EQ(c.schema_version(), 1u);
  EXPECT_EQ(c.GetTable("missing").status().code(), StatusCode::kNotFound);
  ASSERT_TRUE(c.DropTable("LINEORDER").ok());
  EXPECT_EQ(c.FindTable("lineorder"), nullptr);
  EXPECT_EQ(c.schema_version(), 2u);
  EXPECT_EQ(c.DropTable("lineorder").code(), StatusCode::kNotFound);
  EXPECT_TRUE(c.DropTable("lineorder", /*if_exists=*/true).ok());
}

TEST(CatalogTest, RejectsBadDefinitions) {
  Catalog c;
  TableDef dup = Lineorder();
  dup.columns.push_back({"LO_ORDERKEY", DataType::Integer(), false});
  EXPECT_EQ(c.CreateTable(dup).code(), StatusCode::kInvalidArgument);
  TableDef bad_sort = Lineorder();
  bad_sort.sort_key = {7};
  EXPECT_EQ(c.CreateTable(bad_sort).code(), StatusCode::kInvalidArgument);
  TableDef no_hash_cols = Lineorder();
  no_hash_cols.distribution = Distribution::Hash({});
  EXPECT_EQ(c.CreateTable(no_hash_cols).code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(c.schema_version(), 0u);
}

TEST(CatalogTest, ViewsShareTheNamespace) {
  Catalog c;
  ASSERT_TRUE(c.CreateTable(Lineorder()).ok());
  EXPECT_EQ(c.CreateView({"lineorder", {}, "select 1"}).code(), StatusCode::kAlreadyExists);
  ASSERT_TRUE(c.CreateView({"V1", {"a"}, "select 1 as a"}).ok());
  EXPECT_EQ(c.CreateView({"v1", {}, "select 2"}).code(), StatusCode::kAlreadyExists);
  ASSERT_TRUE(c.CreateView({"v1", {}, "select 2"}, /*or_replace=*/true).ok());
  EXPECT_EQ(c.FindView("V1")->sql, "select 2");
  TableDef clash = Lineorder();
  clash.name = "v1";
  EXPECT_EQ(c.CreateTable(clash).code(), StatusCode::kAlreadyExists);
  EXPECT_EQ(c.schema_version(), 3u);
}

TEST(CatalogTest, SerializeRoundTripsEverything) {
  Catalog c(2);
  ASSERT_TRUE(c.CreateTable(Lineorder()).ok());
  Table* t = c.FindMutableTable("lineorder");
  BlockMeta b;
  b.block_id = 42;
  b.row_count = 1000;
  b.zones = {{Value::Integer(1), Value::Integer(99), 0},
             {Value::Date(10), Value::Date(20), 0},
             {Value::Decimal(-5, DataType::Decimal(15, 2)),
              Value::Decimal(int128_t{1} << 70, DataType::Decimal(15, 2)), 3},
             {Value::Null(DataType::Varchar(10)), Value::Null(DataType::Varchar(10)), 1000}};
  t->partitions[1].blocks.push_back(b);
  t->stats.row_count = 1000;
  t->stats.columns[0].distinct.AddHash(HashInt(7));
  t->stats.columns[3].null_count = 1000;
  c.set_epoch(9);
  ASSERT_TRUE(c.CreateView({"v", {"x", "y"}, "select 1, 2"}).ok());
  std::string image = c.Serialize();
  auto back = Catalog::Deserialize(image);
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(*back, c);
  EXPECT_EQ(back->FindTable("LINEORDER")->stats.null_fraction(3), 1.0);
  EXPECT_EQ(Catalog::Deserialize(image.substr(0, image.size() - 3)).status().code(),
            StatusCode::kCorruption);
}

TEST(HyperLogLogTest, EstimatesWithinAFewPercent) {
  for (uint64_t n : {10ull, 1000ull, 100000ull}) {
    HyperLogLog a;
    HyperLogLog b;
    for (uint64_t i = 0; i < n; ++i) {
      (i % 2 ? a : b).AddHash(HashInt(i));
      a.AddHash(HashBytes(std::to_string(i % 5)));  // a few repeated strings
    }
    a.Merge(b);
    const double est = static_cast<double>(a.Estimate());
    EXPECT_NEAR(est, static_cast<double>(n + 5), 0.05 * static_cast<double>(n + 5) + 1) << n;
  }
}

}  // namespace
}  // namespace ibex::storage
