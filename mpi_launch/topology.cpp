#include "mpi_launch/topology.h"

#include <hwloc.h>

#include <algorithm>
#include <memory>
#include <set>

namespace ibex::launch {
namespace {

struct TopologyDeleter {
  void operator()(hwloc_topology* t) const { hwloc_topology_destroy(t); }
};
using TopologyHandle = std::unique_ptr<hwloc_topology, TopologyDeleter>;

CpuList PusOf(hwloc_const_cpuset_t set) {
  CpuList out;
  int index = -1;
  while ((index = hwloc_bitmap_next(set, index)) != -1) out.push_back(index);
  return out;
}

// Converts a loaded hwloc topology: every NUMA node with its cores. A core belongs to the
// NUMA node whose cpuset contains it. Machines where hwloc reports no NUMA node (possible
// with some XML files) are one domain.
Topology FromHwloc(hwloc_topology_t topo) {
  Topology out;
  const int core_depth = hwloc_get_type_or_below_depth(topo, HWLOC_OBJ_CORE);
  const int core_count = hwloc_get_nbobjs_by_depth(topo, core_depth);
  const int numa_count = hwloc_get_nbobjs_by_type(topo, HWLOC_OBJ_NUMANODE);

  auto cores_within = [&](hwloc_const_cpuset_t domain_set) {
    std::vector<Core> cores;
    for (int i = 0; i < core_count; ++i) {
      hwloc_obj_t core = hwloc_get_obj_by_depth(topo, core_depth, i);
      if (core->cpuset == nullptr || hwloc_bitmap_iszero(core->cpuset)) continue;
      if (domain_set == nullptr || hwloc_bitmap_isincluded(core->cpuset, domain_set)) {
        cores.push_back(Core{PusOf(core->cpuset)});
      }
    }
    return cores;
  };

  if (numa_count <= 0) {
    NumaDomain domain;
    domain.cores = cores_within(nullptr);
    if (!domain.cores.empty()) out.domains.push_back(std::move(domain));
    return out;
  }
  for (int i = 0; i < numa_count; ++i) {
    hwloc_obj_t node = hwloc_get_obj_by_type(topo, HWLOC_OBJ_NUMANODE, i);
    NumaDomain domain;
    domain.os_index = static_cast<int>(node->os_index);
    domain.cores = cores_within(node->cpuset);
    if (!domain.cores.empty()) out.domains.push_back(std::move(domain));
  }
  return out;
}

Result<Topology> Load(std::string_view synthetic) {
  hwloc_topology_t raw = nullptr;
  if (hwloc_topology_init(&raw) != 0) return Status::Internal("hwloc_topology_init failed");
  TopologyHandle topo(raw);
  if (!synthetic.empty()) {
    std::string description(synthetic);
    if (hwloc_topology_set_synthetic(raw, description.c_str()) != 0) {
      return Status::InvalidArgument("invalid hwloc synthetic topology '" + description + "'");
    }
  }
  if (hwloc_topology_load(raw) != 0) return Status::Internal("hwloc_topology_load failed");
  Topology out = FromHwloc(raw);
  if (out.domains.empty()) return Status::Internal("hwloc found no usable cores");
  return out;
}

}  // namespace

int Topology::CoreCount() const {
  int n = 0;
  for (const NumaDomain& d : domains) n += static_cast<int>(d.cores.size());
  return n;
}

CpuList Topology::AllPus() const {
  CpuList out;
  for (const NumaDomain& d : domains) {
    for (const Core& c : d.cores) out.insert(out.end(), c.pus.begin(), c.pus.end());
  }
  std::sort(out.begin(), out.end());
  return out;
}

std::vector<int> Topology::DomainsOf(const CpuList& cpus) const {
  std::set<int> wanted(cpus.begin(), cpus.end());
  std::vector<int> out;
  for (const NumaDomain& d : domains) {
    bool hit = false;
    for (const Core& c : d.cores) {
      for (int pu : c.pus) hit = hit || wanted.count(pu) > 0;
    }
    if (hit) out.push_back(d.os_index);
  }
  return out;
}

Result<Topology> DiscoverTopology() { return Load({}); }

Result<Topology> LoadSyntheticTopology(std::string_view description) {
  if (description.empty()) return Status::InvalidArgument("empty synthetic topology");
  return Load(description);
}

std::string FormatCpuList(const CpuList& cpus) {
  std::string out;
  for (size_t i = 0; i < cpus.size();) {
    size_t j = i;
    while (j + 1 < cpus.size() && cpus[j + 1] == cpus[j] + 1) ++j;
    if (!out.empty()) out += ',';
    out += std::to_string(cpus[i]);
    if (j > i) out += '-' + std::to_string(cpus[j]);
    i = j + 1;
  }
  return out;
}

}  // namespace ibex::launch
