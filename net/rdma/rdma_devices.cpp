#include "net/rdma/rdma_devices.h"

#include <hwloc.h>
#include <hwloc/openfabrics-verbs.h>
#include <infiniband/verbs.h>

#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <memory>

namespace ibex::net {
namespace {

double LaneGbps(uint8_t active_speed) {
  switch (active_speed) {
    case 1: return 2.5;    // SDR
    case 2: return 5.0;    // DDR
    case 4: return 10.0;   // QDR
    case 8: return 10.3125;  // FDR10
    case 16: return 14.0625;  // FDR
    case 32: return 25.78125;  // EDR
    case 64: return 53.125;    // HDR
    case 128: return 106.25;   // NDR
    default: return 0;
  }
}

int LaneCount(uint8_t active_width) {
  switch (active_width) {
    case 1: return 1;
    case 2: return 4;
    case 4: return 8;
    case 8: return 12;
    case 16: return 2;
    default: return 0;
  }
}

struct Candidate {
  const RdmaDevice* device;
  const RdmaPort* port;
  bool local;
};

bool Better(const Candidate& a, const Candidate& b) {
  if (a.port->active != b.port->active) return a.port->active;
  if (a.local != b.local) return a.local;
  if (a.port->gbps != b.port->gbps) return a.port->gbps > b.port->gbps;
  if (a.device->name != b.device->name) return a.device->name < b.device->name;
  return a.port->number < b.port->number;
}

struct TopologyDeleter {
  void operator()(hwloc_topology* t) const { hwloc_topology_destroy(t); }
};
using Topology = std::unique_ptr<hwloc_topology, TopologyDeleter>;

Topology LoadTopology(const std::string& synthetic = "") {
  hwloc_topology_t t = nullptr;
  if (hwloc_topology_init(&t) != 0) return nullptr;
  Topology topo(t);
  if (!synthetic.empty() && hwloc_topology_set_synthetic(t, synthetic.c_str()) != 0) {
    return nullptr;
  }
  if (hwloc_topology_load(t) != 0) return nullptr;
  return topo;
}

std::vector<int> NodesOfCpuset(hwloc_topology_t topo, hwloc_const_cpuset_t cpus) {
  std::vector<int> nodes;
  hwloc_nodeset_t nodeset = hwloc_bitmap_alloc();
  hwloc_cpuset_to_nodeset(topo, cpus, nodeset);
  int id = -1;
  while ((id = hwloc_bitmap_next(nodeset, id)) != -1) nodes.push_back(id);
  hwloc_bitmap_free(nodeset);
  return nodes;
}

}  // namespace

std::string RdmaChoice::Summary() const {
  switch (kind) {
    case Kind::kNone: return "none (" + reason + ")";
    case Kind::kUser: return "user (" + reason + ")";
    case Kind::kChosen: return device + " (" + reason + ")";
  }
  return reason;
}

RdmaChoice ChooseRdmaDevice(const std::vector<RdmaDevice>& devices,
                            const std::vector<int>& local_numa,
                            const std::optional<std::string>& user_net_devices) {
  RdmaChoice choice;
  if (user_net_devices && !user_net_devices->empty()) {
    choice.kind = RdmaChoice::Kind::kUser;
    choice.reason = "UCX_NET_DEVICES=" + *user_net_devices;
    if (devices.empty()) choice.reason += "; no verbs device";
    for (const RdmaDevice& dev : devices) {
      if (user_net_devices->find(dev.name) != std::string::npos) choice.verbs = true;
    }
    return choice;
  }
  std::optional<Candidate> best;
  for (const RdmaDevice& dev : devices) {
    bool local = std::any_of(dev.numa_nodes.begin(), dev.numa_nodes.end(), [&](int n) {
      return std::find(local_numa.begin(), local_numa.end(), n) != local_numa.end();
    });
    for (const RdmaPort& port : dev.ports) {
      Candidate c{&dev, &port, local};
      if (!best || Better(c, *best)) best = c;
    }
  }
  if (!best) {
    choice.reason = devices.empty() ? "no verbs device" : "verbs devices have no ports";
    return choice;
  }
  if (!best->port->active) {
    choice.reason = "no active port on " + std::to_string(devices.size()) + " verbs device(s)";
    return choice;
  }
  choice.kind = RdmaChoice::Kind::kChosen;
  choice.verbs = true;
  choice.device = best->device->name + ":" + std::to_string(best->port->number);
  std::string numa = best->device->numa_nodes.empty()
                         ? std::string("NUMA ?")
                         : "NUMA " + std::to_string(best->device->numa_nodes.front());
  char speed[64];
  std::snprintf(speed, sizeof(speed), "%.0f Gb/s", best->port->gbps);
  choice.reason = numa + (best->local ? " local" : " remote") + ", " + speed + " " +
                  best->port->link_layer;
  return choice;
}

std::vector<RdmaDevice> DiscoverRdmaDevices() {
  std::vector<RdmaDevice> out;
  int count = 0;
  ibv_device** list = ibv_get_device_list(&count);
  if (list == nullptr) return out;
  Topology topo = LoadTopology();
  for (int i = 0; i < count; ++i) {
    RdmaDevice dev;
    dev.name = ibv_get_device_name(list[i]);
    if (topo) {
      hwloc_cpuset_t cpus = hwloc_bitmap_alloc();
      if (hwloc_ibv_get_device_cpuset(topo.get(), list[i], cpus) == 0) {
        dev.numa_nodes = NodesOfCpuset(topo.get(), cpus);
      }
      hwloc_bitmap_free(cpus);
    }
    if (ibv_context* ctx = ibv_open_device(list[i])) {
      ibv_device_attr attr{};
      if (ibv_query_device(ctx, &attr) == 0) {
        for (int p = 1; p <= attr.phys_port_cnt; ++p) {
          ibv_port_attr pa{};
          if (ibv_query_port(ctx, static_cast<uint8_t>(p), &pa) != 0) continue;
          RdmaPort port;
          port.number = p;
          port.active = pa.state == IBV_PORT_ACTIVE;
          port.link_layer = pa.link_layer == IBV_LINK_LAYER_ETHERNET ? "Ethernet" : "InfiniBand";
          port.gbps = LaneGbps(pa.active_speed) * LaneCount(pa.active_width);
          dev.ports.push_back(port);
        }
      }
      ibv_close_device(ctx);
    }
    out.push_back(std::move(dev));
  }
  ibv_free_device_list(list);
  return out;
}

Result<std::vector<int>> LocalNumaNodes() {
  Topology topo = LoadTopology();
  if (!topo) return Status::Internal("hwloc: cannot load the topology");
  hwloc_cpuset_t cpus = hwloc_bitmap_alloc();
  if (hwloc_get_cpubind(topo.get(), cpus, HWLOC_CPUBIND_PROCESS) != 0) {
    hwloc_bitmap_copy(cpus, hwloc_topology_get_topology_cpuset(topo.get()));
  }
  std::vector<int> nodes = NodesOfCpuset(topo.get(), cpus);
  hwloc_bitmap_free(cpus);
  return nodes;
}

Status CheckMemlockLimit(uint64_t bytes, uint64_t limit, bool uses_verbs) {
  if (!uses_verbs || limit >= bytes) return Status::OK();
  return Status::InvalidArgument(
      "registering " + std::to_string(bytes >> 20) + " MiB for RDMA needs locked memory, but " +
      "`ulimit -l` is " + std::to_string(limit >> 10) + " KiB: run with `ulimit -l unlimited` " +
      "(Slurm: PropagateResourceLimits, or the node's limits.conf) or use smaller exchange slots");
}

uint64_t MemlockLimit() {
  if (geteuid() == 0) return UINT64_MAX;  // CAP_IPC_LOCK: root may lock any amount
  rlimit rl{};
  if (getrlimit(RLIMIT_MEMLOCK, &rl) != 0 || rl.rlim_cur == RLIM_INFINITY) return UINT64_MAX;
  return rl.rlim_cur;
}

Result<std::vector<int>> NumaNodesOfCpus(const std::vector<int>& cpus,
                                         const std::string& synthetic) {
  Topology topo = LoadTopology(synthetic);
  if (!topo) {
    return Status::InvalidArgument("hwloc: cannot load topology '" + synthetic + "'");
  }
  hwloc_cpuset_t set = hwloc_bitmap_alloc();
  for (int cpu : cpus) hwloc_bitmap_set(set, static_cast<unsigned>(cpu));
  std::vector<int> nodes = NodesOfCpuset(topo.get(), set);
  hwloc_bitmap_free(set);
  return nodes;
}

}  // namespace ibex::net
