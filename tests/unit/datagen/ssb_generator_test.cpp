// SSB generator at SF 0.01: row counts (date always 2,557), field formats, the date dimension,
// the part hierarchy, cities, and lineorder's formulas and referential integrity.
#include "storage/datagen/ssb_generator.h"

#include <filesystem>
#include <map>
#include <regex>
#include <set>

#include <gtest/gtest.h>

#include "storage/datagen/word_lists.h"
#include "tests/unit/datagen/tbl_test_util.h"

namespace ibex::datagen {
namespace {

using testing::ReadTbl;
using testing::Row;

using SsbGeneratorTest = testing::GeneratedTables<Benchmark::kSsb, 10>;

TEST(SsbPartCountTest, FollowsTheLogScale) {
  EXPECT_EQ(SsbPartCount(0.1), 20000);
  EXPECT_EQ(SsbPartCount(1), 200000);
  EXPECT_EQ(SsbPartCount(2), 400000);
  EXPECT_EQ(SsbPartCount(10), 800000);
  EXPECT_EQ(SsbPartCount(100), 1400000);
}

TEST_F(SsbGeneratorTest, RowCounts) {
  EXPECT_EQ(T("customer").size(), 300u);
  EXPECT_EQ(T("supplier").size(), 20u);
  EXPECT_EQ(T("part").size(), 2000u);
  EXPECT_EQ(T("date").size(), 2557u);
  EXPECT_GT(T("lineorder").size(), 15000u * 39 / 10);
  EXPECT_LT(T("lineorder").size(), 15000u * 41 / 10);
}

TEST_F(SsbGeneratorTest, FieldsHaveTheirFormats) {
  const std::string n = R"(\d+)";
  const std::string city = "[A-Z ]{9}[0-9]";
  const std::string phone = R"([1-3]\d-\d{3}-\d{3}-\d{4})";
  const std::map<std::string, std::vector<std::string>> formats = {
      {"part",
       {n, "[a-z]+ [a-z]+", "MFGR#[1-5]", "MFGR#[1-5][1-5]", "MFGR#[1-5][1-5]([1-9]|[1-3][0-9]|40)",
        "[a-z]+", "[A-Z]+ [A-Z]+ [A-Z]+", n, "[A-Z]+ [A-Z]+"}},
      {"supplier",
       {n, R"(Supplier#\d{9})", "[0-9a-zA-Z, ]{10,25}", city, "[A-Z ]+", "[A-Z ]+", phone}},
      {"customer",
       {n, R"(Customer#\d{9})", "[0-9a-zA-Z, ]{10,25}", city, "[A-Z ]+", "[A-Z ]+", phone,
        "AUTOMOBILE|BUILDING|FURNITURE|HOUSEHOLD|MACHINERY"}},
      {"date",
       {"199[2-8][01][0-9][0-3][0-9]", "[A-Z][a-z]+ [0-9]{1,2}, 199[2-8]", "[A-Z][a-z]+day",
        "[A-Z][a-z]+", "199[2-8]", "199[2-8][01][0-9]", "[A-Z][a-z]{2}199[2-8]", "[1-7]", n, n, n,
        n, "Christmas|Summer|Winter|Spring|Fall", "[01]", "[01]", "[01]", "[01]"}},
      {"lineorder",
       {n, "[1-7]", n, n, n, "199[2-8][01][0-9][0-3][0-9]", R"([1-5]-[A-Z ]+)", "0", n, n, n, n, n,
        n, "[0-8]", "199[2-8][01][0-9][0-3][0-9]", "REG AIR|AIR|RAIL|TRUCK|MAIL|FOB|SHIP"}},
  };
  for (const auto& [table, columns] : formats) testing::ExpectFormats(table, T(table), columns);
}

TEST_F(SsbGeneratorTest, DateDimensionMatchesTheOfficialFile) {
  const std::string text = testing::ReadFile(dir() + "/date.tbl");
  EXPECT_EQ(
      text.substr(0, text.find('\n') + 1),
      "19920101|January 1, 1992|Thursday|January|1992|199201|Jan1992|5|1|1|1|1|Winter|0|0|1|1|\n");
  const auto& dates = T("date");
  EXPECT_EQ(dates.back()[0], "19981231");
  std::set<std::string> keys;
  for (const auto& d : dates) keys.insert(d[0]);
  EXPECT_EQ(keys.size(), 2557u);
  // 1996 is a leap year: Feb 29 exists, is the last day of its month, day 60 of the year.
  bool leap_day = false;
  for (const auto& d : dates) {
    if (d[0] == "19960229") {
      leap_day = true;
      EXPECT_EQ(d[9], "60");
      EXPECT_EQ(d[14], "1");
    }
  }
  EXPECT_TRUE(leap_day);
}

TEST_F(SsbGeneratorTest, PartHierarchyAndCities) {
  for (const auto& p : T("part")) {
    EXPECT_EQ(p[3].substr(0, 6), p[2]) << "category extends mfgr";
    EXPECT_EQ(p[4].substr(0, 7), p[3]) << "brand extends category";
    EXPECT_NE(p[5], p[1].substr(0, p[1].find(' ')));
  }
  std::map<std::string, std::string> region_of;
  for (const auto& nation : Nations()) {
    region_of[std::string(nation.name)] =
        std::string(RegionNames()[static_cast<size_t>(nation.region)]);
  }
  for (const std::string table : {"supplier", "customer"}) {
    for (const auto& r : T(table)) {
      std::string prefix = r[4].substr(0, 9);
      prefix.resize(9, ' ');
      EXPECT_EQ(r[3].substr(0, 9), prefix) << "city = nation padded to 9 + digit";
      EXPECT_EQ(region_of.at(r[4]), r[5]);
    }
  }
}

TEST_F(SsbGeneratorTest, LineorderFormulasAndReferences) {
  std::set<std::string> dates, parts, suppliers, customers;
  for (const auto& d : T("date")) dates.insert(d[0]);
  for (const auto& p : T("part")) parts.insert(p[0]);
  for (const auto& s : T("supplier")) suppliers.insert(s[0]);
  for (const auto& c : T("customer")) customers.insert(c[0]);
  std::map<std::string, int64_t> order_total;
  std::map<std::string, int64_t> order_sum;
  for (const auto& l : T("lineorder")) {
    EXPECT_TRUE(dates.count(l[5])) << "lo_orderdate " << l[5];
    EXPECT_TRUE(dates.count(l[15])) << "lo_commitdate " << l[15];
    EXPECT_TRUE(parts.count(l[3])) << "lo_partkey " << l[3];
    EXPECT_TRUE(suppliers.count(l[4])) << "lo_suppkey " << l[4];
    EXPECT_TRUE(customers.count(l[2])) << "lo_custkey " << l[2];
    EXPECT_NE(std::stoll(l[2]) % 3, 0);
    const int64_t partkey = std::stoll(l[3]);
    const int64_t retail = 90000 + (partkey / 10) % 20001 + 100 * (partkey % 1000);
    const int64_t quantity = std::stoll(l[8]), eprice = std::stoll(l[9]);
    const int64_t discount = std::stoll(l[11]), tax = std::stoll(l[14]);
    EXPECT_EQ(eprice, quantity * retail);
    EXPECT_TRUE(discount >= 0 && discount <= 10);
    EXPECT_EQ(std::stoll(l[12]), eprice * (100 - discount) / 100) << "lo_revenue";
    EXPECT_EQ(std::stoll(l[13]), 6 * retail / 10) << "lo_supplycost";
    EXPECT_GT(l[15], l[5]);
    order_total[l[0]] = std::stoll(l[10]);
    order_sum[l[0]] += (eprice * (100 - discount) / 100) * (100 + tax) / 100;
  }
  EXPECT_EQ(order_total, order_sum) << "lo_ordtotalprice is the order's total";
  EXPECT_EQ(order_total.size(), 15000u);
}

}  // namespace
}  // namespace ibex::datagen
