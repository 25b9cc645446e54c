// TPC-H generator at SF 0.01: row counts, field formats, value domains and the spec's rules
// between columns and tables (prices, dates, flags, statuses, keys, referential integrity).
#include "storage/datagen/tpch_generator.h"

#include <algorithm>
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

int64_t Cents(const std::string& money) {  // "-12.34" -> -1234
  const bool negative = !money.empty() && money[0] == '-';
  const std::string digits = negative ? money.substr(1) : money;
  const size_t dot = digits.find('.');
  EXPECT_EQ(dot, digits.size() - 3) << money;
  const int64_t cents =
      std::stoll(digits.substr(0, dot)) * 100 + std::stoll(digits.substr(dot + 1));
  return negative ? -cents : cents;
}

using TpchGeneratorTest = testing::GeneratedTables<Benchmark::kTpch, 10>;

TEST_F(TpchGeneratorTest, RowCountsAreTheSpecs) {
  EXPECT_EQ(T("region").size(), 5u);
  EXPECT_EQ(T("nation").size(), 25u);
  EXPECT_EQ(T("supplier").size(), 100u);
  EXPECT_EQ(T("customer").size(), 1500u);
  EXPECT_EQ(T("part").size(), 2000u);
  EXPECT_EQ(T("partsupp").size(), 8000u);
  EXPECT_EQ(T("orders").size(), 15000u);
  // 1..7 lines per order: 4 on average.
  EXPECT_GT(T("lineitem").size(), 15000u * 39 / 10);
  EXPECT_LT(T("lineitem").size(), 15000u * 41 / 10);
}

TEST_F(TpchGeneratorTest, NationAndRegionAreTheOfficialTables) {
  const std::string nation = testing::ReadFile(dir() + "/nation.tbl");
  EXPECT_EQ(nation.substr(0, nation.find('\n') + 1),
            "0|ALGERIA|0| haggle. carefully final deposits detect slyly agai|\n");
  EXPECT_NE(nation.find("\n24|UNITED STATES|1|y final packages. slow foxes cajole quickly. quickly "
                        "silent platelets breach ironic accounts. unusual pinto be|\n"),
            std::string::npos);
  const std::string region = testing::ReadFile(dir() + "/region.tbl");
  EXPECT_EQ(region.substr(0, region.find('\n') + 1),
            "0|AFRICA|lar deposits. blithely final packages cajole. regular waters are final "
            "requests. regular accounts are according to |\n");
  std::map<std::string, int> per_region;
  for (const auto& row : T("nation")) ++per_region[row[2]];
  EXPECT_EQ(per_region,
            (std::map<std::string, int>{{"0", 5}, {"1", 5}, {"2", 5}, {"3", 5}, {"4", 5}}));
}

TEST_F(TpchGeneratorTest, FieldsHaveTheirFormats) {
  const std::string money = R"(-?\d+\.\d\d)";
  const std::string date = R"(199[2-8]-\d\d-\d\d)";
  const std::string phone = R"([1-3]\d-\d{3}-\d{3}-\d{4})";
  const std::string text = R"([a-zA-Z ,.;:?!\-]*)";
  const std::map<std::string, std::vector<std::string>> formats = {
      {"part",
       {R"(\d+)", "[a-z]+( [a-z]+){4}", "Manufacturer#[1-5]", "Brand#[1-5][1-5]",
        "[A-Z]+ [A-Z]+ [A-Z]+", R"(\d+)", "[A-Z]+ [A-Z]+", money, text}},
      {"supplier",
       {R"(\d+)", R"(Supplier#\d{9})", "[0-9a-zA-Z, ]{10,40}", R"(\d+)", phone, money, text}},
      {"partsupp", {R"(\d+)", R"(\d+)", R"(\d+)", money, text}},
      {"customer",
       {R"(\d+)", R"(Customer#\d{9})", "[0-9a-zA-Z, ]{10,40}", R"(\d+)", phone, money,
        "AUTOMOBILE|BUILDING|FURNITURE|HOUSEHOLD|MACHINERY", text}},
      {"orders",
       {R"(\d+)", R"(\d+)", "[FOP]", money, date, R"([1-5]-[A-Z ]+)", R"(Clerk#\d{9})", "0", text}},
      {"lineitem",
       {R"(\d+)", R"(\d+)", R"(\d+)", "[1-7]", R"(\d+)", money, R"(0\.(0\d|10))", R"(0\.0[0-8])",
        "[RAN]", "[OF]", date, date, date, "DELIVER IN PERSON|COLLECT COD|TAKE BACK RETURN|NONE",
        "REG AIR|AIR|RAIL|TRUCK|MAIL|FOB|SHIP", text}},
  };
  for (const auto& [table, columns] : formats) testing::ExpectFormats(table, T(table), columns);
}

TEST_F(TpchGeneratorTest, PartsFollowTheSpec) {
  const auto colors = Colors();
  const auto types = PartTypes();
  const auto containers = Containers();
  int64_t key = 0;
  for (const auto& p : T("part")) {
    ASSERT_EQ(std::stoll(p[0]), ++key);
    std::set<std::string> words;
    std::istringstream name(p[1]);
    for (std::string w; name >> w;) {
      EXPECT_NE(std::find(colors.begin(), colors.end(), w), colors.end()) << w;
      words.insert(w);
    }
    EXPECT_EQ(words.size(), 5u) << "p_name has 5 distinct colours: " << p[1];
    EXPECT_EQ(p[3].substr(6, 1), p[2].substr(13, 1)) << "brand's first digit is the mfgr";
    EXPECT_NE(std::find(types.begin(), types.end(), p[4]), types.end());
    EXPECT_GE(std::stoi(p[5]), 1);
    EXPECT_LE(std::stoi(p[5]), 50);
    EXPECT_NE(std::find(containers.begin(), containers.end(), p[6]), containers.end());
    EXPECT_EQ(Cents(p[7]), 90000 + (key / 10) % 20001 + 100 * (key % 1000));
    EXPECT_GE(p[8].size(), 5u);
    EXPECT_LE(p[8].size(), 22u);
  }
}

TEST_F(TpchGeneratorTest, PartsuppHasFourSuppliersPerPartBySpecFormula) {
  const int64_t suppliers = 100;
  const auto& ps = T("partsupp");
  for (size_t i = 0; i < ps.size(); ++i) {
    const int64_t part = static_cast<int64_t>(i / 4) + 1;
    const int64_t j = static_cast<int64_t>(i % 4);
    ASSERT_EQ(std::stoll(ps[i][0]), part);
    EXPECT_EQ(std::stoll(ps[i][1]),
              (part + j * (suppliers / 4 + (part - 1) / suppliers)) % suppliers + 1);
    const int64_t qty = std::stoll(ps[i][2]);
    EXPECT_TRUE(qty >= 1 && qty <= 9999) << qty;
    const int64_t cost = Cents(ps[i][3]);
    EXPECT_TRUE(cost >= 100 && cost <= 100000) << cost;
    EXPECT_GE(ps[i][4].size(), 49u);
    EXPECT_LE(ps[i][4].size(), 198u);
  }
}

TEST(PartsuppKeysTest, UniqueExactlyWhenTheFormulaGivesFourDistinctSuppliers) {
  for (const double sf : {0.001, 0.005, 0.01, 0.012, 0.02, 0.025, 0.1, 0.3, 1.0, 3.0}) {
    const int64_t suppliers = std::llround(10000 * sf), parts = std::llround(200000 * sf);
    bool unique = true;
    for (int64_t p = 1; p <= parts && unique; ++p) {
      std::set<int64_t> s;
      for (int64_t i = 0; i < 4; ++i)
        s.insert((p + i * (suppliers / 4 + (p - 1) / suppliers)) % suppliers + 1);
      unique = s.size() == 4;
    }
    EXPECT_EQ(PartsuppKeysAreUnique(sf), unique) << "SF " << sf;
  }
  EXPECT_TRUE(PartsuppKeysAreUnique(0.01));
  EXPECT_FALSE(PartsuppKeysAreUnique(0.012));
}

TEST_F(TpchGeneratorTest, SuppliersAndCustomersFollowTheSpec) {
  for (const std::string table : {"supplier", "customer"}) {
    const auto& rows = T(table);
    for (size_t i = 0; i < rows.size(); ++i) {
      const auto& r = rows[i];
      EXPECT_EQ(std::stoll(r[0]), static_cast<int64_t>(i) + 1);
      const int nation = std::stoi(r[3]);
      ASSERT_TRUE(nation >= 0 && nation < 25);
      EXPECT_EQ(std::stoi(r[4].substr(0, 2)), nation + 10) << "phone country code";
      const int64_t acctbal = Cents(r[5]);
      EXPECT_TRUE(acctbal >= -99999 && acctbal <= 999999) << acctbal;
      const std::string& comment = r.back();
      if (table == "supplier") {
        EXPECT_TRUE(comment.size() >= 25 && comment.size() <= 100) << comment;
      } else {
        EXPECT_TRUE(comment.size() >= 29 && comment.size() <= 116) << comment;
      }
    }
  }
}

TEST_F(TpchGeneratorTest, OrdersAndLineitemsFollowTheSpec) {
  std::map<int64_t, int64_t> retail;  // partkey -> cents
  for (const auto& p : T("part")) retail[std::stoll(p[0])] = Cents(p[7]);
  std::set<std::pair<int64_t, int64_t>> partsupp;
  for (const auto& ps : T("partsupp")) partsupp.insert({std::stoll(ps[0]), std::stoll(ps[1])});
  std::map<int64_t, std::vector<const Row*>> lines_of;
  for (const auto& l : T("lineitem")) lines_of[std::stoll(l[0])].push_back(&l);

  size_t lines_seen = 0;
  int64_t index = 0;
  for (const auto& o : T("orders")) {
    ++index;
    const int64_t key = std::stoll(o[0]);
    EXPECT_EQ(key, ((index >> 3) << 5) | (index & 7)) << "sparse order keys";
    const int64_t custkey = std::stoll(o[1]);
    EXPECT_TRUE(custkey >= 1 && custkey <= 1500);
    EXPECT_NE(custkey % 3, 0) << "customers with key % 3 == 0 have no orders";
    EXPECT_GE(o[4], "1992-01-01");
    EXPECT_LE(o[4], "1998-08-02");
    const auto& lines = lines_of[key];
    ASSERT_TRUE(lines.size() >= 1 && lines.size() <= 7) << key;
    lines_seen += lines.size();
    int64_t total = 0;
    size_t finished = 0;
    for (size_t i = 0; i < lines.size(); ++i) {
      const Row& l = *lines[i];
      EXPECT_EQ(std::stoll(l[3]), static_cast<int64_t>(i) + 1);
      const int64_t part = std::stoll(l[1]);
      EXPECT_TRUE(partsupp.count({part, std::stoll(l[2])}))
          << "lineitem supplier supplies the part";
      const int64_t quantity = std::stoll(l[4]);
      EXPECT_TRUE(quantity >= 1 && quantity <= 50);
      const int64_t eprice = Cents(l[5]);
      EXPECT_EQ(eprice, quantity * retail.at(part));
      const int64_t discount = Cents(l[6]);
      const int64_t tax = Cents(l[7]);
      total += (eprice * (100 - discount) / 100) * (100 + tax) / 100;
      const std::string &ship = l[10], &commit = l[11], &receipt = l[12];
      EXPECT_GT(ship, o[4]);
      EXPECT_GT(commit, o[4]);
      EXPECT_GT(receipt, ship);
      EXPECT_EQ(l[8] == "N", receipt > "1995-06-17")
          << "returnflag N iff received after 1995-06-17";
      EXPECT_EQ(l[9], ship > "1995-06-17" ? "O" : "F");
      finished += l[9] == "F" ? 1 : 0;
      EXPECT_TRUE(l[15].size() >= 10 && l[15].size() <= 43);
    }
    EXPECT_EQ(Cents(o[3]), total) << "o_totalprice";
    EXPECT_EQ(o[2], finished == lines.size() ? "F" : finished == 0 ? "O" : "P");
  }
  EXPECT_EQ(lines_seen, T("lineitem").size()) << "every lineitem belongs to an order";
}

TEST_F(TpchGeneratorTest, DistributionsAreUniformWhereTheSpecSaysSo) {
  // With 60k lineitems each ship mode (1/7) and each discount (1/11) is within 5% of its share.
  std::map<std::string, int> modes, discounts;
  for (const auto& l : T("lineitem")) {
    ++modes[l[14]];
    ++discounts[l[6]];
  }
  const double n = static_cast<double>(T("lineitem").size());
  ASSERT_EQ(modes.size(), 7u);
  for (const auto& [mode, count] : modes) EXPECT_NEAR(count / n, 1.0 / 7, 0.05 / 7) << mode;
  ASSERT_EQ(discounts.size(), 11u);
  for (const auto& [d, count] : discounts) EXPECT_NEAR(count / n, 1.0 / 11, 0.05 / 11) << d;
}

}  // namespace
}  // namespace ibex::datagen

namespace ibex::datagen {
namespace {

TEST(TpchSupplierCommentTest, SomeSuppliersCarryCustomerComplaintsAtSf1) {
  const std::string dir = testing::ScratchDir("tpch_bbb");
  auto options = testing::Options(Benchmark::kTpch, 1.0, dir);
  options.tables = {"supplier"};
  auto result = Generate(options);
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  const auto rows = testing::ReadTbl(dir + "/supplier.tbl");
  ASSERT_EQ(rows.size(), 10000u);
  const std::regex complaints(".*Customer .*Complaints.*"), recommends(".*Customer .*Recommends.*");
  int complaint_rows = 0, recommend_rows = 0;
  for (const auto& r : rows) {
    complaint_rows += std::regex_match(r[6], complaints) ? 1 : 0;
    recommend_rows += std::regex_match(r[6], recommends) ? 1 : 0;
    EXPECT_TRUE(r[6].size() >= 25 && r[6].size() <= 100);
  }
  // 10 per 10,000 suppliers, half of each kind (Poisson: 5 expected).
  EXPECT_GE(complaint_rows, 1);
  EXPECT_LE(complaint_rows, 14);
  EXPECT_GE(recommend_rows, 1);
  EXPECT_LE(recommend_rows, 14);
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace ibex::datagen
