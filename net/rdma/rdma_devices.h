// RDMA device discovery and choice. Discovery asks libibverbs for devices and their ports
// (state, link layer, speed) and hwloc for the NUMA node(s) each device hangs off; the choice
// picks, for one executor, the device nearest its NUMA domain — unless the user set
// UCX_NET_DEVICES, which always wins. The choice is a pure function over plain descriptions so
// it is unit-tested on synthetic devices and topologies (this machine has no RDMA device).
//
// Called once per rank by Fabric::Create before the UCX context exists. Thread safety: pure
// functions, plus Discover* which only read system state.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/status.h"

namespace ibex::net {

struct RdmaPort {
  int number = 1;
  bool active = false;
  std::string link_layer;  // "InfiniBand", "Ethernet"
  double gbps = 0;         // width x lane speed
};

struct RdmaDevice {
  std::string name;          // "mlx5_0"
  std::vector<int> numa_nodes;  // empty: locality unknown
  std::vector<RdmaPort> ports;
};

struct RdmaChoice {
  enum class Kind { kNone, kUser, kChosen };
  Kind kind = Kind::kNone;
  std::string device;   // "mlx5_0:1" when kChosen
  std::string reason;   // one line for the report
  bool verbs = false;   // UCX will register memory with a verbs device (chosen or named by the user)

  // "none (no verbs device)", "mlx5_0:1 (NUMA 1, 200 Gb/s InfiniBand)", "user: UCX_NET_DEVICES=..."
  std::string Summary() const;
};

// Picks a device for an executor whose cores lie in `local_numa` (empty = unknown). Order:
// an active port first, then a device on a local NUMA node, then higher speed, then name.
// `user_net_devices` is the value of UCX_NET_DEVICES if the user set it.
RdmaChoice ChooseRdmaDevice(const std::vector<RdmaDevice>& devices,
                            const std::vector<int>& local_numa,
                            const std::optional<std::string>& user_net_devices);

// All verbs devices of this host with their ports and hwloc locality. An empty list (not an
// error) when there are none or the verbs library finds no provider, as here.
std::vector<RdmaDevice> DiscoverRdmaDevices();

// Registering `bytes` with a verbs device needs that much locked memory (`ulimit -l`). OK when
// no verbs device is used (shared memory, TCP), the limit is unlimited (`limit` = UINT64_MAX)
// or large enough; otherwise an error that tells the user what to do. (Root is exempt from
// the limit; the caller passes UINT64_MAX then.)
Status CheckMemlockLimit(uint64_t bytes, uint64_t limit, bool uses_verbs);
// The current RLIMIT_MEMLOCK soft limit, UINT64_MAX for unlimited.
uint64_t MemlockLimit();

// NUMA nodes (OS indices) of the cores this process is bound to, from hwloc.
Result<std::vector<int>> LocalNumaNodes();

// NUMA nodes (OS indices) holding the given PUs (OS indices) in a topology: this machine's
// when `synthetic` is empty, else an hwloc synthetic description such as
// "package:2 numa:1 core:4 pu:1" (how the locality logic is tested without such hardware).
Result<std::vector<int>> NumaNodesOfCpus(const std::vector<int>& cpus,
                                         const std::string& synthetic = "");

}  // namespace ibex::net
