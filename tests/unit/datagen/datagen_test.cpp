// The datagen driver: determinism, slices that concatenate to the whole, independence from the
// thread count, table selection, temporary files, option validation, and the official row
// counts of the fixed-size tables at SF 0.1.
#include "storage/datagen/datagen.h"

#include <algorithm>
#include <csignal>
#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>
#include <sys/resource.h>

#include "tests/unit/datagen/tbl_test_util.h"

namespace ibex::datagen {
namespace {

namespace fs = std::filesystem;
using testing::Options;
using testing::ReadFile;
using testing::ScratchDir;

std::vector<std::string> FilesIn(const std::string& dir) {
  std::vector<std::string> names;
  for (const auto& entry : fs::directory_iterator(dir)) names.push_back(entry.path().filename());
  std::sort(names.begin(), names.end());
  return names;
}

size_t LineCount(const std::string& path) {
  const std::string text = ReadFile(path);
  return static_cast<size_t>(std::count(text.begin(), text.end(), '\n'));
}

void GenerateOrFail(const GenerateOptions& options) {
  auto result = Generate(options);
  ASSERT_TRUE(result.ok()) << result.status().ToString();
}

class SliceTest : public ::testing::TestWithParam<Benchmark> {};

TEST_P(SliceTest, SlicesConcatenateToTheWholeAndThreadsChangeNothing) {
  const Benchmark benchmark = GetParam();
  const std::string whole = ScratchDir("whole"), sliced = ScratchDir("sliced"),
                    one = ScratchDir("one");
  auto options = Options(benchmark, 0.01, whole);
  options.threads = 2;
  GenerateOrFail(options);
  auto single = Options(benchmark, 0.01, one);
  single.threads = 1;
  GenerateOrFail(single);
  constexpr int kParts = 3;
  for (int part = 0; part < kParts; ++part) {
    auto slice = Options(benchmark, 0.01, sliced);
    slice.parts = kParts;
    slice.part = part;
    GenerateOrFail(slice);
  }
  for (const auto& table : TableNames(benchmark)) {
    const std::string expected = ReadFile(whole + "/" + table + ".tbl");
    ASSERT_FALSE(expected.empty()) << table;
    EXPECT_EQ(ReadFile(one + "/" + table + ".tbl"), expected) << table << ": 1 thread vs 2";
    std::string joined;
    for (int part = 0; part < kParts; ++part) {
      joined += ReadFile(sliced + "/" + OutputFileName(table, kParts, part));
    }
    EXPECT_EQ(joined, expected) << table << ": slices differ from the whole";
  }
  for (const auto& dir : {whole, sliced, one}) fs::remove_all(dir);
}

INSTANTIATE_TEST_SUITE_P(Benchmarks, SliceTest,
                         ::testing::Values(Benchmark::kTpch, Benchmark::kSsb),
                         [](const auto& info) {
                           return info.param == Benchmark::kSsb ? "ssb" : "tpch";
                         });

TEST(DatagenTest, SameScaleFactorSameBytesAndOtherScaleFactorOtherRows) {
  const std::string a = ScratchDir("det_a"), b = ScratchDir("det_b"), c = ScratchDir("det_c");
  GenerateOrFail(Options(Benchmark::kTpch, 0.01, a));
  GenerateOrFail(Options(Benchmark::kTpch, 0.01, b));
  GenerateOrFail(Options(Benchmark::kTpch, 0.02, c));
  for (const auto& table : TableNames(Benchmark::kTpch)) {
    EXPECT_EQ(ReadFile(a + "/" + table + ".tbl"), ReadFile(b + "/" + table + ".tbl")) << table;
  }
  EXPECT_EQ(LineCount(c + "/orders.tbl"), 30000u);
  for (const auto& dir : {a, b, c}) fs::remove_all(dir);
}

TEST(DatagenTest, WritesOnlyTheChosenTablesAndNoTemporaries) {
  const std::string dir = ScratchDir("subset");
  auto options = Options(Benchmark::kTpch, 0.01, dir + "/nested/out");
  options.tables = {"lineitem", "nation"};
  GenerateOrFail(options);
  EXPECT_EQ(FilesIn(dir + "/nested/out"), (std::vector<std::string>{"lineitem.tbl", "nation.tbl"}));
  fs::remove_all(dir);
}

TEST(DatagenTest, RemovesTemporariesOfAKilledRun) {
  const std::string dir = ScratchDir("stale");
  fs::create_directories(dir);
  { std::ofstream(dir + "/.nation.tbl.tmp.99999") << "half a row|"; }
  { std::ofstream(dir + "/.region.tbl.tmp.99999") << "not ours to remove"; }
  auto options = Options(Benchmark::kTpch, 0.01, dir);
  options.tables = {"nation"};
  GenerateOrFail(options);
  EXPECT_EQ(FilesIn(dir), (std::vector<std::string>{".region.tbl.tmp.99999", "nation.tbl"}));
  fs::remove_all(dir);
}

TEST(DatagenTest, FailureLeavesNoFileBehind) {
  const std::string dir = ScratchDir("fail");
  fs::create_directories(dir);
  // A folder where lineitem.tbl should be renamed to makes the commit fail.
  fs::create_directories(dir + "/lineitem.tbl/blocker");
  auto options = Options(Benchmark::kTpch, 0.01, dir);
  options.tables = {"lineitem"};
  auto result = Generate(options);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.status().code(), StatusCode::kIoError);
  EXPECT_NE(result.status().message().find("lineitem.tbl"), std::string::npos)
      << result.status().ToString();
  EXPECT_EQ(FilesIn(dir), (std::vector<std::string>{"lineitem.tbl"})) << "temporary removed";
  fs::remove_all(dir);
}

TEST(DatagenTest, WriteErrorMidwayStopsTheWorkersAndLeavesNoFile) {
  const std::string dir = ScratchDir("efbig");
  // Files may not grow past 1 MiB: lineitem (7 MB at SF 0.01) fails with EFBIG in the middle
  // of generation, while workers still have chunks in flight.
  ::signal(SIGXFSZ, SIG_IGN);
  rlimit saved{};
  ASSERT_EQ(::getrlimit(RLIMIT_FSIZE, &saved), 0);
  rlimit limited = saved;
  limited.rlim_cur = 1 << 20;
  ASSERT_EQ(::setrlimit(RLIMIT_FSIZE, &limited), 0);
  auto options = Options(Benchmark::kTpch, 0.01, dir);
  options.tables = {"lineitem"};
  auto result = Generate(options);
  ASSERT_EQ(::setrlimit(RLIMIT_FSIZE, &saved), 0);
  ASSERT_FALSE(result.ok());
  EXPECT_NE(result.status().message().find("write"), std::string::npos)
      << result.status().ToString();
  EXPECT_TRUE(FilesIn(dir).empty());
  fs::remove_all(dir);
}

TEST(DatagenTest, RejectsBadOptions) {
  auto options = Options(Benchmark::kTpch, 0.01, "/tmp/unused");
  EXPECT_TRUE(ValidateOptions(options).ok());
  auto bad = options;
  bad.scale_factor = 0;
  EXPECT_EQ(ValidateOptions(bad).code(), StatusCode::kInvalidArgument);
  bad = options;
  bad.parts = 2;
  bad.part = 2;
  EXPECT_EQ(ValidateOptions(bad).code(), StatusCode::kInvalidArgument);
  bad = options;
  bad.tables = {"lineorder"};  // an SSB table
  EXPECT_EQ(ValidateOptions(bad).code(), StatusCode::kInvalidArgument);
  bad = options;
  bad.output_dir.clear();
  EXPECT_EQ(ValidateOptions(bad).code(), StatusCode::kInvalidArgument);
  EXPECT_FALSE(ParseBenchmark("tpcds").ok());
  bad = options;
  bad.scale_factor = 0.012;  // 120 suppliers: part 121 would get supplier 2 three times
  EXPECT_EQ(ValidateOptions(bad).code(), StatusCode::kInvalidArgument);
  bad.benchmark = Benchmark::kSsb;  // SSB has no partsupp
  EXPECT_TRUE(ValidateOptions(bad).ok());
}

TEST(DatagenTest, SliceRowsCoverTheRangeOnce) {
  for (const int64_t rows : {0, 1, 5, 25, 1500000}) {
    for (const int parts : {1, 2, 3, 7, 64}) {
      int64_t next = 0;
      for (int part = 0; part < parts; ++part) {
        const RowRange range = SliceRows(rows, parts, part);
        EXPECT_EQ(range.first, next);
        EXPECT_LE(range.first, range.last);
        next = range.last;
      }
      EXPECT_EQ(next, rows);
    }
  }
}

TEST(DatagenTest, OfficialRowCountsOfFixedTablesAtSf01) {
  const std::string tpch = ScratchDir("tpch01"), ssb = ScratchDir("ssb01");
  auto options = Options(Benchmark::kTpch, 0.1, tpch);
  options.tables = {"region", "nation", "supplier", "customer", "part", "partsupp", "orders"};
  GenerateOrFail(options);
  EXPECT_EQ(LineCount(tpch + "/region.tbl"), 5u);
  EXPECT_EQ(LineCount(tpch + "/nation.tbl"), 25u);
  EXPECT_EQ(LineCount(tpch + "/supplier.tbl"), 1000u);
  EXPECT_EQ(LineCount(tpch + "/customer.tbl"), 15000u);
  EXPECT_EQ(LineCount(tpch + "/part.tbl"), 20000u);
  EXPECT_EQ(LineCount(tpch + "/partsupp.tbl"), 80000u);
  EXPECT_EQ(LineCount(tpch + "/orders.tbl"), 150000u);
  auto ssb_options = Options(Benchmark::kSsb, 0.1, ssb);
  ssb_options.tables = {"part", "supplier", "customer", "date"};
  GenerateOrFail(ssb_options);
  EXPECT_EQ(LineCount(ssb + "/part.tbl"), 20000u);
  EXPECT_EQ(LineCount(ssb + "/supplier.tbl"), 200u);
  EXPECT_EQ(LineCount(ssb + "/customer.tbl"), 3000u);
  EXPECT_EQ(LineCount(ssb + "/date.tbl"), 2557u);
  fs::remove_all(tpch);
  fs::remove_all(ssb);
}

}  // namespace
}  // namespace ibex::datagen
