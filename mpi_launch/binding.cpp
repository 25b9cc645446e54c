#include "mpi_launch/binding.h"

#include <numa.h>
#include <sched.h>

#include <algorithm>
#include <cerrno>
#include <filesystem>
#include <set>

namespace ibex::launch {
namespace {

Status SetAffinityOfAllThreads(const CpuList& cpus) {
  // sched_setaffinity binds one thread; the threads MPI_Init started (and any other) must
  // follow, so walk /proc/self/task.
  cpu_set_t set;
  CPU_ZERO(&set);
  for (int cpu : cpus) CPU_SET(cpu, &set);
  std::error_code ec;
  bool any = false;
  for (const auto& entry : std::filesystem::directory_iterator("/proc/self/task", ec)) {
    pid_t tid = static_cast<pid_t>(std::stol(entry.path().filename().string()));
    if (sched_setaffinity(tid, sizeof(set), &set) != 0 && errno != ESRCH) {
      return Status::FromErrno("sched_setaffinity", "cpus " + FormatCpuList(cpus), errno);
    }
    any = true;
  }
  if (!any && sched_setaffinity(0, sizeof(set), &set) != 0) {
    return Status::FromErrno("sched_setaffinity", "cpus " + FormatCpuList(cpus), errno);
  }
  return Status::OK();
}

Status BindMemory(const std::vector<int>& domains) {
  if (numa_available() < 0) return Status::NotSupported("libnuma: NUMA is not available");
  struct bitmask* mask = numa_allocate_nodemask();
  for (int d : domains) numa_bitmask_setbit(mask, static_cast<unsigned>(d));
  errno = 0;
  numa_set_membind(mask);
  int err = errno;
  numa_free_nodemask(mask);
  if (err != 0) return Status::FromErrno("numa_set_membind", "", err);
  return Status::OK();
}

// The number of cores of which at least one PU is in `cpus`.
int CoresCovered(const Topology& topology, const CpuList& cpus) {
  std::set<int> wanted(cpus.begin(), cpus.end());
  int n = 0;
  for (const NumaDomain& d : topology.domains) {
    for (const Core& c : d.cores) {
      n += std::any_of(c.pus.begin(), c.pus.end(), [&](int pu) { return wanted.count(pu) > 0; });
    }
  }
  return n;
}

}  // namespace

Result<CpuList> CurrentCpuAffinity() {
  cpu_set_t set;
  CPU_ZERO(&set);
  if (sched_getaffinity(0, sizeof(set), &set) != 0) {
    return Status::FromErrno("sched_getaffinity", "", errno);
  }
  CpuList out;
  for (int cpu = 0; cpu < CPU_SETSIZE; ++cpu) {
    if (CPU_ISSET(cpu, &set)) out.push_back(cpu);
  }
  return out;
}

Result<AppliedPlacement> ApplyPlacement(const Topology& topology, const RankPlacement& plan,
                                        PinMode mode, std::optional<int> workers_override) {
  AppliedPlacement applied;
  applied.role = plan.role;
  applied.mode = mode;
  const bool runs_work = plan.role != Role::kCoordinator;
  switch (mode) {
    case PinMode::kAuto:
      IBEX_RETURN_IF_ERROR(SetAffinityOfAllThreads(plan.cpus).Annotate("--pin=auto"));
      if (plan.bind_memory) {
        IBEX_RETURN_IF_ERROR(BindMemory(plan.numa_domains).Annotate("--pin=auto"));
      }
      applied.floating = plan.floating;
      applied.memory_bound = plan.bind_memory;
      applied.worker_threads = plan.worker_threads;
      break;
    case PinMode::kNone:
      IBEX_RETURN_IF_ERROR(SetAffinityOfAllThreads(topology.AllPus()).Annotate("--pin=none"));
      applied.floating = true;
      break;
    case PinMode::kLauncher:
      break;
  }
  IBEX_ASSIGN_OR_RETURN(applied.cpus, CurrentCpuAffinity());
  applied.numa_domains = topology.DomainsOf(applied.cpus);
  if (mode != PinMode::kAuto && runs_work) {
    applied.worker_threads = std::max(1, CoresCovered(topology, applied.cpus));
  }
  if (workers_override && runs_work) applied.worker_threads = *workers_override;
  return applied;
}

}  // namespace ibex::launch
