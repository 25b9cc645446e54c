#include "net/rdma/transport_report.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

namespace ibex::net {
namespace {

std::string Sample(const std::string& name) {
  std::ifstream in(std::string(IBEX_NET_TESTDATA) + "/" + name);
  EXPECT_TRUE(in) << name;
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

TEST(TransportReportTest, SharedMemoryDefaultIsNativeOverCma) {
  auto info = ParseEndpointInfo(Sample("ep_info_shm_default.txt"));
  ASSERT_TRUE(info.ok()) << info.status().ToString();
  ASSERT_EQ(info->lanes.size(), 3u);
  EXPECT_EQ(info->lanes[0].transport, "sysv");
  EXPECT_EQ(info->lanes[0].device, "memory");
  EXPECT_TRUE(info->lanes[0].Carries("am"));
  EXPECT_TRUE(info->lanes[0].Carries("am_bw"));
  EXPECT_FALSE(info->lanes[0].Carries("rma_bw"));
  EXPECT_TRUE(info->lanes[1].uses.empty());  // posix lane only for rkeys
  EXPECT_EQ(JoinNames(info->DataTransports()), "sysv,cma");
  EXPECT_EQ(JoinNames(info->RmaTransports()), "cma");
  EXPECT_TRUE(info->PutNative());
}

TEST(TransportReportTest, PosixCma) {
  auto info = ParseEndpointInfo(Sample("ep_info_posix_cma.txt"));
  ASSERT_TRUE(info.ok());
  EXPECT_EQ(JoinNames(info->DataTransports()), "posix,cma");
  EXPECT_TRUE(info->PutNative());
}

TEST(TransportReportTest, TcpPutIsEmulated) {
  auto info = ParseEndpointInfo(Sample("ep_info_tcp.txt"));
  ASSERT_TRUE(info.ok());
  ASSERT_EQ(info->lanes.size(), 1u);
  EXPECT_EQ(info->lanes[0].device, "lo");
  EXPECT_EQ(JoinNames(info->DataTransports()), "tcp");
  EXPECT_EQ(JoinNames(info->RmaTransports()), "tcp");
  EXPECT_FALSE(info->PutNative());
}

// What ibex's own data endpoints look like over TCP: Fabric::Create turns UCX's TCP put off.
TEST(TransportReportTest, TcpWithoutPutHasNoRmaLane) {
  auto info = ParseEndpointInfo(Sample("ep_info_tcp_no_put.txt"));
  ASSERT_TRUE(info.ok());
  EXPECT_EQ(JoinNames(info->DataTransports()), "tcp");
  EXPECT_TRUE(info->RmaTransports().empty());
  EXPECT_FALSE(info->PutNative());
}

TEST(TransportReportTest, ControlEndpointCarriesKeepalive) {
  auto info = ParseEndpointInfo(Sample("ep_info_ctrl_tcp.txt"));
  ASSERT_TRUE(info.ok());
  EXPECT_TRUE(info->lanes[0].Carries("keepalive"));
  EXPECT_FALSE(info->PutNative());  // no rma_bw lane at all
}

TEST(TransportReportTest, InfinibandRcIsNative) {
  auto info = ParseEndpointInfo(Sample("ep_info_rc_mlx5.txt"));
  ASSERT_TRUE(info.ok());
  ASSERT_EQ(info->lanes.size(), 3u);
  EXPECT_EQ(info->lanes[0].transport, "rc_mlx5");
  EXPECT_EQ(info->lanes[0].device, "mlx5_0:1");
  EXPECT_EQ(info->lanes[1].device, "mlx5_1:1");
  EXPECT_EQ(JoinNames(info->DataTransports()), "rc_mlx5");
  EXPECT_EQ(JoinNames(info->RmaTransports()), "rc_mlx5");
  EXPECT_TRUE(info->PutNative());
}

TEST(TransportReportTest, RejectsTextWithoutLanes) {
  EXPECT_FALSE(ParseEndpointInfo("#\n# UCP endpoint\n#\n").ok());
  EXPECT_FALSE(ParseEndpointInfo("lane[x]: 1:tcp/lo.0 md[1] -> md[1]/tcp am").ok());
  EXPECT_FALSE(ParseEndpointInfo("lane[0]: garbage").ok());
}

}  // namespace
}  // namespace ibex::net
