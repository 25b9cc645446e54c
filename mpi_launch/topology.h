// Topology: the part of a node's hardware the placement planner needs — NUMA domains, their
// cores, each core's hardware threads (PUs) — as plain data, so that the planner is a pure
// function that tests can feed synthetic machines.
//
// Discovery uses hwloc and sees only the cores this process may use (a Slurm or cgroup
// restriction shrinks the topology). hwloc honours HWLOC_SYNTHETIC and HWLOC_XMLFILE, so the
// same code reads a described machine; LoadSyntheticTopology() does it without the environment.
//
// Thread safety: the functions are reentrant; a Topology is an immutable value once built.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace ibex::launch {

// A sorted list of PU (hardware thread) OS indexes, as the kernel numbers CPUs.
using CpuList = std::vector<int>;

struct Core {
  CpuList pus;  // the core's hardware threads, OS indexes
};

struct NumaDomain {
  int os_index = 0;         // the kernel's NUMA node number
  std::vector<Core> cores;  // cores local to this domain, in topology order
};

struct Topology {
  std::vector<NumaDomain> domains;  // only domains with at least one usable core

  int CoreCount() const;
  CpuList AllPus() const;
  // The NUMA domains (OS indexes) whose cores intersect `cpus`.
  std::vector<int> DomainsOf(const CpuList& cpus) const;
};

// The machine this process runs on, as hwloc sees it (honouring HWLOC_SYNTHETIC/XMLFILE).
Result<Topology> DiscoverTopology();

// A machine described in hwloc's synthetic syntax, e.g. "package:2 numa:2 core:4 pu:1".
Result<Topology> LoadSyntheticTopology(std::string_view description);

// "0-3,8,10-11"; "" for an empty list.
std::string FormatCpuList(const CpuList& cpus);

}  // namespace ibex::launch
