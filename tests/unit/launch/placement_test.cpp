// The placement planner on synthetic machines (hwloc's synthetic topologies), including the
// issue's 2 packages x 2 NUMA nodes x 4 cores with 1, 2, 4 and 6 executors per node.
#include "mpi_launch/placement.h"

#include <gtest/gtest.h>

#include <numeric>

#include "mpi_launch/topology.h"

namespace ibex::launch {
namespace {

Topology Synthetic(const char* description) {
  Result<Topology> t = LoadSyntheticTopology(description);
  EXPECT_TRUE(t.ok()) << t.status().ToString();
  return *t;
}

CpuList Range(int first, int last) {
  CpuList out(static_cast<size_t>(last - first + 1));
  std::iota(out.begin(), out.end(), first);
  return out;
}

std::vector<int> Ranks(int first, int last) { return Range(first, last); }

const RankPlacement& Of(const std::vector<RankPlacement>& plan, int rank) {
  for (const RankPlacement& p : plan) {
    if (p.world_rank == rank) return p;
  }
  ADD_FAILURE() << "rank " << rank << " missing from plan";
  return plan.front();
}

constexpr const char* kFourDomains = "package:2 numa:2 core:4 pu:1";

TEST(TopologyTest, SyntheticMachineHasItsDomainsAndCores) {
  Topology t = Synthetic(kFourDomains);
  ASSERT_EQ(t.domains.size(), 4u);
  EXPECT_EQ(t.CoreCount(), 16);
  EXPECT_EQ(t.domains[2].os_index, 2);
  EXPECT_EQ(t.domains[2].cores.front().pus, CpuList{8});
  EXPECT_EQ(t.DomainsOf({3, 4, 15}), (std::vector<int>{0, 1, 3}));
}

TEST(TopologyTest, BadSyntheticDescriptionIsAnError) {
  Result<Topology> t = LoadSyntheticTopology("banana:3");
  ASSERT_FALSE(t.ok());
  EXPECT_EQ(t.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(t.status().message().find("banana:3"), std::string::npos);
}

TEST(TopologyTest, FormatCpuListCompressesRuns) {
  EXPECT_EQ(FormatCpuList({}), "");
  EXPECT_EQ(FormatCpuList({0}), "0");
  EXPECT_EQ(FormatCpuList({0, 1, 2, 3, 8, 10, 11}), "0-3,8,10-11");
}

TEST(PlacementTest, OneExecutorPerNodeTakesADomainAndCoordinatorGetsTheRest) {
  auto plan = PlanNodePlacement(Synthetic(kFourDomains), Ranks(0, 1), 2);
  ASSERT_EQ(plan.size(), 2u);
  const RankPlacement& ex = Of(plan, 1);
  EXPECT_EQ(ex.role, Role::kExecutor);
  EXPECT_EQ(ex.cpus, Range(0, 3));
  EXPECT_EQ(ex.numa_domains, std::vector<int>{0});
  EXPECT_TRUE(ex.bind_memory);
  EXPECT_EQ(ex.worker_threads, 4);
  const RankPlacement& co = Of(plan, 0);
  EXPECT_EQ(co.role, Role::kCoordinator);
  EXPECT_EQ(co.cpus, Range(4, 15));  // cores no executor uses
  EXPECT_FALSE(co.floating);
  EXPECT_FALSE(co.bind_memory);
  EXPECT_EQ(co.worker_threads, 0);
}

TEST(PlacementTest, TwoExecutorsGoToDifferentDomains) {
  auto plan = PlanNodePlacement(Synthetic(kFourDomains), Ranks(0, 2), 3);
  EXPECT_EQ(Of(plan, 1).cpus, Range(0, 3));
  EXPECT_EQ(Of(plan, 2).cpus, Range(4, 7));
  EXPECT_EQ(Of(plan, 2).numa_domains, std::vector<int>{1});
  EXPECT_EQ(Of(plan, 0).cpus, Range(8, 15));
  EXPECT_FALSE(Of(plan, 0).floating);
}

TEST(PlacementTest, FourExecutorsFillEveryDomainAndCoordinatorFloats) {
  auto plan = PlanNodePlacement(Synthetic(kFourDomains), Ranks(0, 4), 5);
  for (int r = 1; r <= 4; ++r) {
    EXPECT_EQ(Of(plan, r).cpus, Range(4 * (r - 1), 4 * r - 1)) << "rank " << r;
    EXPECT_EQ(Of(plan, r).worker_threads, 4);
  }
  EXPECT_TRUE(Of(plan, 0).floating);
  EXPECT_EQ(Of(plan, 0).cpus, Range(0, 15));
}

TEST(PlacementTest, SixExecutorsSplitTheFirstTwoDomains) {
  // Round-robin: executors 1..6 go to domains 0,1,2,3,0,1; domains 0 and 1 are split in half.
  auto plan = PlanNodePlacement(Synthetic(kFourDomains), Ranks(0, 6), 7);
  EXPECT_EQ(Of(plan, 1).cpus, Range(0, 1));
  EXPECT_EQ(Of(plan, 5).cpus, Range(2, 3));
  EXPECT_EQ(Of(plan, 2).cpus, Range(4, 5));
  EXPECT_EQ(Of(plan, 6).cpus, Range(6, 7));
  EXPECT_EQ(Of(plan, 3).cpus, Range(8, 11));
  EXPECT_EQ(Of(plan, 4).cpus, Range(12, 15));
  EXPECT_EQ(Of(plan, 1).worker_threads, 2);
  EXPECT_EQ(Of(plan, 3).worker_threads, 4);
  EXPECT_EQ(Of(plan, 5).numa_domains, std::vector<int>{0});
  EXPECT_TRUE(Of(plan, 0).floating);
}

TEST(PlacementTest, NodeWithoutTheCoordinatorPlacesOnlyExecutors) {
  // World of 8 ranks, this node holds ranks 4..7 (passed unsorted on purpose).
  auto plan = PlanNodePlacement(Synthetic(kFourDomains), {7, 5, 4, 6}, 8);
  ASSERT_EQ(plan.size(), 4u);
  for (int r = 4; r <= 7; ++r) {
    EXPECT_EQ(Of(plan, r).role, Role::kExecutor);
    EXPECT_EQ(Of(plan, r).cpus, Range(4 * (r - 4), 4 * (r - 4) + 3));
  }
}

TEST(PlacementTest, SingleRankJobIsBothAndSpansTheNode) {
  auto plan = PlanNodePlacement(Synthetic(kFourDomains), {0}, 1);
  ASSERT_EQ(plan.size(), 1u);
  EXPECT_EQ(plan[0].role, Role::kSingle);
  EXPECT_EQ(plan[0].cpus, Range(0, 15));
  EXPECT_EQ(plan[0].worker_threads, 16);
  EXPECT_FALSE(plan[0].bind_memory);  // four domains: binding to one would starve it
  auto small = PlanNodePlacement(Synthetic("numa:1 core:2 pu:1"), {0}, 1);
  EXPECT_TRUE(small[0].bind_memory);
}

TEST(PlacementTest, MoreExecutorsThanCoresShareCoresRoundRobin) {
  // The CI machine: one domain, two cores; 5 executors.
  auto plan = PlanNodePlacement(Synthetic("numa:1 core:2 pu:1"), Ranks(0, 5), 6);
  EXPECT_EQ(Of(plan, 1).cpus, CpuList{0});
  EXPECT_EQ(Of(plan, 2).cpus, CpuList{1});
  EXPECT_EQ(Of(plan, 3).cpus, CpuList{0});
  EXPECT_EQ(Of(plan, 5).cpus, CpuList{0});
  for (int r = 1; r <= 5; ++r) EXPECT_EQ(Of(plan, r).worker_threads, 1);
  EXPECT_TRUE(Of(plan, 0).floating);
  EXPECT_EQ(Of(plan, 0).cpus, Range(0, 1));
}

TEST(PlacementTest, HardwareThreadsStayWithTheirCore) {
  auto plan = PlanNodePlacement(Synthetic("numa:1 core:2 pu:2"), Ranks(0, 2), 3);
  EXPECT_EQ(Of(plan, 1).cpus, Range(0, 1));
  EXPECT_EQ(Of(plan, 2).cpus, Range(2, 3));
  EXPECT_EQ(Of(plan, 1).worker_threads, 1);  // one core, two hardware threads
}

TEST(PlacementTest, WorkersOverrideAppliesToExecutorsOnly) {
  auto plan = PlanNodePlacement(Synthetic(kFourDomains), Ranks(0, 2), 3, 7);
  EXPECT_EQ(Of(plan, 1).worker_threads, 7);
  EXPECT_EQ(Of(plan, 2).worker_threads, 7);
  EXPECT_EQ(Of(plan, 0).worker_threads, 0);
}

TEST(PlacementTest, EveryExecutorCoreIsUsedOnceWhenThereAreEnoughCores) {
  for (int executors : {1, 2, 3, 4, 5, 6, 7, 8, 16}) {
    auto plan = PlanNodePlacement(Synthetic(kFourDomains), Ranks(0, executors), executors + 1);
    std::vector<int> seen(16, 0);
    for (const RankPlacement& p : plan) {
      if (p.role != Role::kExecutor) continue;
      EXPECT_GE(p.worker_threads, 1);
      EXPECT_EQ(p.numa_domains.size(), 1u) << "executor spans domains with " << executors;
      for (int cpu : p.cpus) ++seen[static_cast<size_t>(cpu)];
    }
    for (int cpu = 0; cpu < 16; ++cpu) {
      EXPECT_LE(seen[static_cast<size_t>(cpu)], 1) << "cpu " << cpu << " shared, " << executors;
    }
  }
}

TEST(PinModeTest, ParsesTheThreeModesAndRejectsOthers) {
  EXPECT_EQ(*ParsePinMode("auto"), PinMode::kAuto);
  EXPECT_EQ(*ParsePinMode("launcher"), PinMode::kLauncher);
  EXPECT_EQ(*ParsePinMode("none"), PinMode::kNone);
  Result<PinMode> bad = ParsePinMode("cores");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("'cores'"), std::string::npos);
}

}  // namespace
}  // namespace ibex::launch
