// The fast suite's fuzz run: the libFuzzer body (tests/fuzz/frontend_fuzz_body.h) over
// deterministic mutations of the seed corpus — byte flips, deletions, duplications, splices
// and SQL-token insertions — for a fixed number of inputs. No input may crash the front end,
// and none may take long (a hang shows as a slow input).
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <random>
#include <sstream>

#include "tests/fuzz/frontend_fuzz_body.h"
#include "tests/unit/frontend/frontend_test_util.h"

namespace ibex::sql {
namespace {

// The sequence of inputs is fixed (seeded); the run stops after kInputs or kBudgetSeconds.
constexpr int kInputs = 600'000;
constexpr double kBudgetSeconds = 15.0;
constexpr double kSlowInputSeconds = 2.0;

const char* const kDictionary[] = {
    "select ", " from ", " where ", " group by ", " having ", " order by ", " limit ", "(", ")", ",",
    ";", "'", "\"", "--", "/*", "*/", " and ", " or ", " not ", " in ", " exists ", " between ",
    " like ", " case ", " when ", " then ", " else ", " end ", " cast(", " as ", " date '1998-01-01'",
    " interval '3' month", " union all ", " intersect ", " except ", " join ", " left outer join ",
    " on ", " using (", " with ", " over (partition by ", " count(*)", " sum(", " 0.06 ", " $1 ",
    " null ", " is not null", " create table ", " drop view ", " insert into ", " values ",
    " copy ", " explain ", "99999999999999999999999999999999999999999", " l_orderkey ", " lineitem ",
    " orders o ", " o.o_orderkey ", " * ", " / ", " || ", " - ", "E'\\n'", " extract(year from ",
    " substring(", " for ", " distinct ", " nulls first", " partition by hash(", " replicated",
};

// The benchmark queries and the SQL of every corpus record.
std::vector<std::string> Seeds() {
  std::vector<std::string> seeds;
  for (const char* dir : {"queries/tpch", "queries/ssb"}) {
    for (const auto& entry : std::filesystem::directory_iterator(test::BenchmarksDir() + "/" + dir)) {
      seeds.push_back(test::ReadFile(entry.path()));
    }
  }
  for (const auto& entry : std::filesystem::directory_iterator(test::CorpusDir())) {
    std::istringstream in(test::ReadFile(entry.path()));
    std::string line, sql;
    bool in_sql = false;
    while (std::getline(in, line)) {
      if (line.rfind("statement ", 0) == 0) {
        in_sql = true;
      } else if (line.empty() || line == "----") {
        if (!sql.empty()) seeds.push_back(sql);
        sql.clear();
        in_sql = false;
      } else if (in_sql) {
        sql += line + "\n";
      }
    }
    if (!sql.empty()) seeds.push_back(sql);
  }
  return seeds;
}

std::string Mutate(std::string s, const std::vector<std::string>& seeds, std::mt19937_64& rng) {
  int rounds = 1 + static_cast<int>(rng() % 4);
  for (int r = 0; r < rounds; ++r) {
    size_t pos = s.empty() ? 0 : rng() % s.size();
    switch (rng() % 6) {
      case 0:  // flip a byte
        if (!s.empty()) s[pos] = static_cast<char>(rng() % 256);
        break;
      case 1:  // delete a range
        s.erase(pos, rng() % 32);
        break;
      case 2:  // duplicate a range
        if (!s.empty()) s.insert(pos, s.substr(pos, rng() % 64));
        break;
      case 3: {  // splice from another seed
        const std::string& other = seeds[rng() % seeds.size()];
        if (!other.empty()) {
          size_t from = rng() % other.size();
          s.insert(pos, other.substr(from, rng() % 200));
        }
        break;
      }
      default:  // insert a SQL token
        s.insert(pos, kDictionary[rng() % std::size(kDictionary)]);
        break;
    }
  }
  return s;
}

TEST(FrontendFuzzTest, MutatedCorpusNeverCrashesOrHangs) {
  std::vector<std::string> seeds = Seeds();
  ASSERT_GE(seeds.size(), 100u);
  std::mt19937_64 rng(20261121);
  int bound = 0;
  double slowest = 0;
  auto start = std::chrono::steady_clock::now();
  std::string current = seeds[0];
  int inputs = 0;
  for (; inputs < kInputs; ++inputs) {
    if (std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count() > kBudgetSeconds) break;
    // Mostly mutate a fresh seed; sometimes keep mutating the last input (deeper damage).
    if (rng() % 4 != 0) current = seeds[rng() % seeds.size()];
    current = Mutate(std::move(current), seeds, rng);
    if (current.size() > 8192) current.resize(8192);
    auto t0 = std::chrono::steady_clock::now();
    bound += test::FuzzFrontendOnce(current);
    double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    slowest = std::max(slowest, secs);
    ASSERT_LT(secs, kSlowInputSeconds) << "slow input:\n" << current;
  }
  double total = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::printf("%d inputs in %.1f s, %d statements bound, slowest input %.3f s\n", inputs, total, bound, slowest);
  EXPECT_GT(bound, 0);  // the mutations do not only produce garbage
}

TEST(FrontendFuzzTest, PathologicalInputsArePositionedErrors) {
  for (const std::string& text :
       {std::string(100000, '('), "select " + std::string(100000, '-') + "1", "select " + std::string(50000, '\''),
        std::string(100000, ';'), "select 1" + std::string(30000, '+') + "1",
        [] {
          std::string s = "select * from ";
          for (int i = 0; i < 300; ++i) s += "(select * from ";
          return s + "region" + std::string(300, ')');
        }(),
        "select case " + std::string(3000, ' ') + [] {
          std::string s;
          for (int i = 0; i < 3000; ++i) s += "case when 1 then ";
          return s;
        }()}) {
    auto t0 = std::chrono::steady_clock::now();
    test::FuzzFrontendOnce(text);
    double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    EXPECT_LT(secs, kSlowInputSeconds) << text.substr(0, 40);
  }
}

// Found by libFuzzer: runs of unclosed parentheses, each ending in a subquery that holds the
// next run, made the backtracking grammar exponential (37 s for 600 bytes). The parser now
// memoizes expressions and queries per token (packrat).
TEST(FrontendFuzzTest, UnclosedParenthesesBeforeSubqueriesParseInLinearTime) {
  std::string text = "select a from t where b = 1";
  for (int group = 0; group < 6; ++group) text += " and f(" + std::string(30, '(') + " select c, d, sum(e) from t where g = h";
  auto t0 = std::chrono::steady_clock::now();
  test::FuzzFrontendOnce(text);
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  EXPECT_LT(secs, 0.5);
}

}  // namespace
}  // namespace ibex::sql
