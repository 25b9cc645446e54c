#include "net/rdma/rdma_devices.h"

#include <gtest/gtest.h>

namespace ibex::net {
namespace {

RdmaDevice Dev(std::string name, std::vector<int> numa, bool active, double gbps,
               std::string link = "InfiniBand") {
  RdmaDevice d;
  d.name = std::move(name);
  d.numa_nodes = std::move(numa);
  d.ports.push_back(RdmaPort{1, active, std::move(link), gbps});
  return d;
}

TEST(RdmaDevicesTest, NoDeviceSaysSo) {
  RdmaChoice c = ChooseRdmaDevice({}, {0}, std::nullopt);
  EXPECT_EQ(c.kind, RdmaChoice::Kind::kNone);
  EXPECT_EQ(c.Summary(), "none (no verbs device)");
}

TEST(RdmaDevicesTest, PicksTheDeviceOnTheExecutorsNumaNode) {
  // Two sockets, one HCA each: the executor on NUMA 1 takes mlx5_1.
  std::vector<RdmaDevice> devs = {Dev("mlx5_0", {0}, true, 200), Dev("mlx5_1", {1}, true, 200)};
  RdmaChoice c = ChooseRdmaDevice(devs, {1}, std::nullopt);
  EXPECT_EQ(c.kind, RdmaChoice::Kind::kChosen);
  EXPECT_EQ(c.device, "mlx5_1:1");
  EXPECT_NE(c.reason.find("NUMA 1 local"), std::string::npos) << c.reason;
  EXPECT_EQ(ChooseRdmaDevice(devs, {0}, std::nullopt).device, "mlx5_0:1");
}

TEST(RdmaDevicesTest, ActivePortBeatsLocality) {
  std::vector<RdmaDevice> devs = {Dev("mlx5_0", {0}, false, 200), Dev("mlx5_1", {1}, true, 100)};
  EXPECT_EQ(ChooseRdmaDevice(devs, {0}, std::nullopt).device, "mlx5_1:1");
}

TEST(RdmaDevicesTest, FasterWinsAmongLocal) {
  std::vector<RdmaDevice> devs = {Dev("mlx5_0", {0}, true, 100), Dev("mlx5_2", {0}, true, 400),
                                  Dev("mlx5_1", {1}, true, 800)};
  EXPECT_EQ(ChooseRdmaDevice(devs, {0}, std::nullopt).device, "mlx5_2:1");
}

TEST(RdmaDevicesTest, NoActivePortIsNone) {
  RdmaChoice c = ChooseRdmaDevice({Dev("mlx5_0", {0}, false, 0)}, {0}, std::nullopt);
  EXPECT_EQ(c.kind, RdmaChoice::Kind::kNone);
  EXPECT_NE(c.Summary().find("no active port"), std::string::npos);
}

TEST(RdmaDevicesTest, UserDeviceListWins) {
  std::vector<RdmaDevice> devs = {Dev("mlx5_0", {0}, true, 200)};
  RdmaChoice c = ChooseRdmaDevice(devs, {0}, std::string("mlx5_3:1"));
  EXPECT_EQ(c.kind, RdmaChoice::Kind::kUser);
  EXPECT_EQ(c.Summary(), "user (UCX_NET_DEVICES=mlx5_3:1)");
  EXPECT_FALSE(c.verbs) << "mlx5_3 is not a device of this host";
  EXPECT_TRUE(ChooseRdmaDevice(devs, {0}, std::string("mlx5_0:1")).verbs);
  EXPECT_FALSE(ChooseRdmaDevice(devs, {0}, std::string("lo")).verbs);
}

TEST(RdmaDevicesTest, UnknownLocalityStillChooses) {
  RdmaChoice c = ChooseRdmaDevice({Dev("rxe0", {}, true, 10, "Ethernet")}, {}, std::nullopt);
  EXPECT_EQ(c.device, "rxe0:1");
  EXPECT_NE(c.reason.find("Ethernet"), std::string::npos);
}

TEST(RdmaDevicesTest, LocalityFromASyntheticTwoSocketTopology) {
  // Two packages with one NUMA node and 4 cores each: PUs 0-3 on node 0, 4-7 on node 1.
  const std::string topo = "package:2 numa:1 core:4 pu:1";
  auto n = NumaNodesOfCpus({5, 6}, topo);
  ASSERT_TRUE(n.ok()) << n.status().ToString();
  EXPECT_EQ(*n, std::vector<int>{1});
  n = NumaNodesOfCpus({0, 7}, topo);
  ASSERT_TRUE(n.ok());
  EXPECT_EQ(*n, (std::vector<int>{0, 1}));
  // An executor pinned to node 1 then takes node 1's HCA.
  std::vector<RdmaDevice> devs = {Dev("mlx5_0", {0}, true, 200), Dev("mlx5_1", {1}, true, 200)};
  EXPECT_EQ(ChooseRdmaDevice(devs, *NumaNodesOfCpus({4, 5, 6, 7}, topo), std::nullopt).device,
            "mlx5_1:1");
  EXPECT_FALSE(NumaNodesOfCpus({0}, "not a topology").ok());
}

TEST(RdmaDevicesTest, MemlockLimitMattersOnlyForVerbs) {
  EXPECT_TRUE(CheckMemlockLimit(1ull << 30, 8 << 20, /*uses_verbs=*/false).ok());
  EXPECT_TRUE(CheckMemlockLimit(1ull << 30, UINT64_MAX, true).ok());
  Status st = CheckMemlockLimit(1ull << 30, 8 << 20, true);
  EXPECT_FALSE(st.ok());
  EXPECT_NE(st.message().find("ulimit -l unlimited"), std::string::npos) << st.ToString();
  EXPECT_NE(st.message().find("1024 MiB"), std::string::npos) << st.ToString();
  EXPECT_GT(MemlockLimit(), 0u);
}

TEST(RdmaDevicesTest, ThisMachineHasNoVerbsDeviceAndSomeNumaNode) {
  // The build machines have no RDMA hardware (docs/net.md); discovery must not fail.
  EXPECT_TRUE(DiscoverRdmaDevices().empty());
  auto numa = LocalNumaNodes();
  ASSERT_TRUE(numa.ok()) << numa.status().ToString();
  EXPECT_FALSE(numa->empty());
}

}  // namespace
}  // namespace ibex::net
