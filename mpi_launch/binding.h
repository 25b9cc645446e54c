// Applies a placement to the running process: binds its CPUs (every thread, with hwloc) and
// its memory (libnuma), according to the --pin mode, and reports what actually holds
// afterwards — read back from the kernel, not echoed from the plan.
//
// Called once by main() on every rank after MPI_Init and before any ibex thread starts, so
// that worker and network threads inherit the binding and the memory policy.
#pragma once

#include <optional>

#include "common/status.h"
#include "mpi_launch/placement.h"
#include "mpi_launch/topology.h"

namespace ibex::launch {

struct AppliedPlacement {
  Role role = Role::kExecutor;
  PinMode mode = PinMode::kAuto;
  CpuList cpus;                   // the CPU affinity now in force
  bool floating = false;          // not reserved cores: may run anywhere on the node
  std::vector<int> numa_domains;  // domains of `cpus`
  bool memory_bound = false;      // memory allocations bound to `numa_domains`
  int worker_threads = 0;
};

// The CPU affinity of this process now (sched_getaffinity).
Result<CpuList> CurrentCpuAffinity();

// Applies `plan` (this rank's entry of PlanNodePlacement) in mode kAuto; in kLauncher keeps the
// launcher's binding and sizes the workers by it; in kNone widens the affinity to the whole
// node. `workers_override` replaces the worker count in every mode.
Result<AppliedPlacement> ApplyPlacement(const Topology& topology, const RankPlacement& plan,
                                        PinMode mode, std::optional<int> workers_override);

}  // namespace ibex::launch
