// The placement planner: which cores, NUMA memory and how many worker threads each rank on a
// node gets. A pure function of the node's topology and the node-local ranks, so it is tested
// on synthetic machines; mpi_launch/binding.h applies its result to the running process.
//
// Policy (--pin=auto; docs/launch.md has the reasoning):
//  * Rank 0 is the coordinator, ranks >= 1 are executors; a job of one rank is both ("single")
//    and is placed like an executor spanning the whole node.
//  * Node-local executors go round-robin over NUMA domains; executors sharing a domain split
//    its cores into contiguous, near-equal chunks. With more executors than cores in a domain,
//    each gets one core and cores are shared round-robin (oversubscription).
//  * An executor's memory is bound to its domain; its worker count is its core count.
//  * The coordinator mostly waits on events: it gets the cores of domains no executor uses,
//    and floats over all the node's cores when there are none. It never binds memory.
//
// Every rank computes the same plan for its node and applies its own entry.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "mpi_launch/topology.h"

namespace ibex::launch {

enum class Role { kCoordinator, kExecutor, kSingle };
std::string_view RoleName(Role role);
Role RoleOfRank(int world_rank, int world_size);

enum class PinMode {
  kAuto,      // ibex's own plan (the default)
  kLauncher,  // keep whatever binding mpirun/srun set
  kNone,      // bind nothing: the rank may run on every core of the node
};
Result<PinMode> ParsePinMode(std::string_view text);
std::string_view PinModeName(PinMode mode);

struct RankPlacement {
  int world_rank = 0;
  Role role = Role::kExecutor;
  CpuList cpus;              // PUs the rank runs on
  bool floating = false;     // true when `cpus` is the whole node rather than a reservation
  std::vector<int> numa_domains;  // domains of `cpus`
  bool bind_memory = false;  // bind memory to `numa_domains` (executors on one domain)
  int worker_threads = 0;    // 0 for a coordinator: it runs no work orders
};

// The plan for every rank on one node. `local_world_ranks` are the world ranks on this node,
// in any order; `world_size` decides the roles; `workers_override`, when set, replaces the
// worker count of every executor. Requires a topology with at least one core.
std::vector<RankPlacement> PlanNodePlacement(const Topology& topology,
                                             std::vector<int> local_world_ranks, int world_size,
                                             std::optional<int> workers_override = {});

}  // namespace ibex::launch
