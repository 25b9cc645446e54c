#include "mpi_launch/placement.h"

#include <algorithm>

#include "common/check.h"

namespace ibex::launch {
namespace {

CpuList PusOfCores(const std::vector<Core>& cores, size_t begin, size_t end) {
  CpuList out;
  for (size_t i = begin; i < end; ++i) {
    out.insert(out.end(), cores[i].pus.begin(), cores[i].pus.end());
  }
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace

std::string_view RoleName(Role role) {
  switch (role) {
    case Role::kCoordinator: return "coordinator";
    case Role::kExecutor: return "executor";
    case Role::kSingle: return "coordinator+executor";
  }
  return "?";
}

Role RoleOfRank(int world_rank, int world_size) {
  if (world_size == 1) return Role::kSingle;
  return world_rank == 0 ? Role::kCoordinator : Role::kExecutor;
}

Result<PinMode> ParsePinMode(std::string_view text) {
  if (text == "auto") return PinMode::kAuto;
  if (text == "launcher") return PinMode::kLauncher;
  if (text == "none") return PinMode::kNone;
  return Status::InvalidArgument("--pin must be auto, launcher or none, not '" +
                                 std::string(text) + "'");
}

std::string_view PinModeName(PinMode mode) {
  switch (mode) {
    case PinMode::kAuto: return "auto";
    case PinMode::kLauncher: return "launcher";
    case PinMode::kNone: return "none";
  }
  return "?";
}

std::vector<RankPlacement> PlanNodePlacement(const Topology& topology,
                                             std::vector<int> local_world_ranks, int world_size,
                                             std::optional<int> workers_override) {
  IBEX_CHECK(!topology.domains.empty()) << "placement needs at least one NUMA domain";
  std::sort(local_world_ranks.begin(), local_world_ranks.end());
  const CpuList all_pus = topology.AllPus();
  const size_t domain_count = topology.domains.size();

  std::vector<RankPlacement> plan;
  std::vector<int> executors;  // world ranks, in order
  for (int rank : local_world_ranks) {
    RankPlacement p;
    p.world_rank = rank;
    p.role = RoleOfRank(rank, world_size);
    if (p.role != Role::kCoordinator) executors.push_back(rank);
    plan.push_back(p);
  }
  auto entry = [&](int rank) -> RankPlacement& {
    for (RankPlacement& p : plan) {
      if (p.world_rank == rank) return p;
    }
    IBEX_CHECK(false) << "rank " << rank << " not in plan";
    return plan.front();
  };

  // Executors round-robin over domains; count how many land on each.
  std::vector<std::vector<int>> executors_of_domain(domain_count);
  for (size_t i = 0; i < executors.size(); ++i) {
    executors_of_domain[i % domain_count].push_back(executors[i]);
  }

  std::vector<bool> domain_used(domain_count, false);
  for (size_t d = 0; d < domain_count; ++d) {
    const NumaDomain& domain = topology.domains[d];
    const std::vector<int>& here = executors_of_domain[d];
    if (here.empty()) continue;
    domain_used[d] = true;
    const size_t cores = domain.cores.size();
    const size_t k = here.size();
    for (size_t j = 0; j < k; ++j) {
      RankPlacement& p = entry(here[j]);
      if (p.role == Role::kSingle) {
        // One process for the whole job: it spans the node and binds memory only when the
        // node has a single domain (binding a multi-domain process to one would starve it).
        p.cpus = all_pus;
        p.numa_domains = topology.DomainsOf(p.cpus);
        p.bind_memory = domain_count == 1;
        p.worker_threads = topology.CoreCount();
        continue;
      }
      size_t begin, end;
      if (k <= cores) {
        begin = j * cores / k;
        end = (j + 1) * cores / k;
      } else {
        begin = j % cores;
        end = begin + 1;
      }
      p.cpus = PusOfCores(domain.cores, begin, end);
      p.numa_domains = {domain.os_index};
      p.bind_memory = true;
      p.worker_threads = static_cast<int>(end - begin);
    }
  }

  for (RankPlacement& p : plan) {
    if (p.role == Role::kCoordinator) {
      std::vector<Core> spare;
      for (size_t d = 0; d < domain_count; ++d) {
        if (!domain_used[d]) {
          spare.insert(spare.end(), topology.domains[d].cores.begin(),
                       topology.domains[d].cores.end());
        }
      }
      p.floating = spare.empty();
      p.cpus = spare.empty() ? all_pus : PusOfCores(spare, 0, spare.size());
      p.numa_domains = topology.DomainsOf(p.cpus);
      p.bind_memory = false;
      p.worker_threads = 0;
    } else if (workers_override) {
      p.worker_threads = *workers_override;
    }
  }
  return plan;
}

}  // namespace ibex::launch
