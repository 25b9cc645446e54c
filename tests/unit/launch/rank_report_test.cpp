#include "mpi_launch/rank_report.h"

#include <gtest/gtest.h>

namespace ibex::launch {
namespace {

TEST(RankReportTest, EncodeDecodeRoundTripsAndCleansSeparators) {
  AppliedPlacement p;
  p.role = Role::kExecutor;
  p.cpus = {4, 5, 6, 7};
  p.numa_domains = {1};
  p.memory_bound = true;
  p.worker_threads = 4;
  RankReport r = DescribeRank(3, p, "data: posix\tcma\nctrl: tcp");
  Result<RankReport> back = DecodeRankReport(EncodeRankReport(r));
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(back->rank, 3);
  EXPECT_EQ(back->role, "executor");
  EXPECT_EQ(back->cpus, "4-7");
  EXPECT_EQ(back->numa, "1");
  EXPECT_EQ(back->memory, "bound");
  EXPECT_EQ(back->workers, 4);
  EXPECT_EQ(back->network, "data: posix cma ctrl: tcp");
}

TEST(RankReportTest, DecodeRejectsMalformedLines) {
  EXPECT_EQ(DecodeRankReport("1\tx").status().code(), StatusCode::kCorruption);
  EXPECT_EQ(DecodeRankReport("x\ta\tb\tc\td\te\tf\tg").status().code(), StatusCode::kCorruption);
}

TEST(RankReportTest, TableHasHeaderAndOneAlignedLinePerRank) {
  RankReport a{0, "coordinator", "n1", "0-1 (floating)", "0", "local", 0, "tcp"};
  RankReport b{1, "executor", "n1", "0", "0", "bound", 1, "posix,cma"};
  std::string table = FormatRankReports({a, b});
  EXPECT_EQ(table,
            "rank  role         host  cpus            numa  memory  workers  network\n"
            "   0  coordinator  n1    0-1 (floating)  0     local         0  tcp\n"
            "   1  executor     n1    0               0     bound         1  posix,cma\n");
}

}  // namespace
}  // namespace ibex::launch
