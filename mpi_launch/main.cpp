// ibex: the executable, and the composition root. Every rank of the MPI job runs this main():
// parse the command line, MPI_Init, place and pin the rank, start its role. Rank 0 is the
// coordinator (shell or batch queries), ranks >= 1 are executors; a job of one rank is both.
// This is the only place that wires the layers together.
#include <mpi.h>

#include <cstdio>
#include <iostream>
#include <string>
#include <vector>

#include "mpi_launch/binding.h"
#include "mpi_launch/coordinator_shell.h"
#include "mpi_launch/node_ranks.h"
#include "mpi_launch/options.h"
#include "mpi_launch/placement.h"
#include "mpi_launch/rank_report.h"
#include "mpi_launch/topology.h"

namespace ibex::launch {
namespace {

constexpr int kExitOk = 0;
constexpr int kExitFailure = 1;
constexpr int kExitUsage = 2;

// A startup step failed on this rank. Bootstrap is collective, so the other ranks would wait
// for this one forever: end the whole job, naming the rank and host.
[[noreturn]] void AbortJob(int rank, const Status& status) {
  std::fprintf(stderr, "ibex: rank %d (%s): %s\n", rank, HostName().c_str(),
               status.ToString().c_str());
  std::fflush(stderr);
  MPI_Abort(MPI_COMM_WORLD, kExitFailure);
  std::exit(kExitFailure);
}

int Run(const LaunchOptions& options) {
  int provided = 0;
  MPI_Init_thread(nullptr, nullptr, MPI_THREAD_FUNNELED, &provided);
  int rank = 0, size = 1;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  MPI_Comm_size(MPI_COMM_WORLD, &size);

  Result<std::vector<int>> local = NodeLocalRanks(MPI_COMM_WORLD);
  if (!local.ok()) AbortJob(rank, local.status());
  Result<Topology> topology = DiscoverTopology();
  if (!topology.ok()) AbortJob(rank, topology.status());

  std::vector<RankPlacement> plan =
      PlanNodePlacement(*topology, *local, size, options.workers);
  const RankPlacement* mine = nullptr;
  for (const RankPlacement& p : plan) {
    if (p.world_rank == rank) mine = &p;
  }
  if (mine == nullptr) AbortJob(rank, Status::Internal("rank missing from its node's plan"));
  Result<AppliedPlacement> applied =
      ApplyPlacement(*topology, *mine, options.pin, options.workers);
  if (!applied.ok()) AbortJob(rank, applied.status());

  // Every rank describes its placement once: --report-bindings prints it, \ranks shows it.
  RankReport report = DescribeRank(rank, *applied, "-");
  Result<std::vector<RankReport>> all = GatherRankReports(MPI_COMM_WORLD, report);
  if (!all.ok()) AbortJob(rank, all.status());
  if (options.report_bindings && rank == 0) {
    std::cout << FormatRankReports(*all) << std::flush;
  }

  int exit_code = kExitOk;
  if (rank == 0) exit_code = RunCoordinatorShell(options, *all);
  // Rank 0's verdict decides every rank's exit status, so that launchers report it once.
  MPI_Bcast(&exit_code, 1, MPI_INT, 0, MPI_COMM_WORLD);
  MPI_Finalize();
  return exit_code;
}

}  // namespace
}  // namespace ibex::launch

int main(int argc, char** argv) try {
  using namespace ibex::launch;
  std::vector<std::string> args(argv + 1, argv + argc);
  ibex::Result<LaunchOptions> options = ParseLaunchOptions(args);
  const bool speaker = LauncherRankFromEnvironment() == 0;  // only one rank talks before MPI
  if (!options.ok()) {
    if (speaker) {
      std::cerr << "ibex: " << options.status().message() << "\n";
    }
    return kExitUsage;
  }
  if (options->help || options->version) {
    if (speaker) std::cout << (options->help ? UsageText() : VersionText() + "\n");
    return kExitOk;
  }
  return Run(*options);
} catch (const std::exception& e) {
  // Nothing is meant to throw this far; if it does, say what instead of std::terminate.
  std::fprintf(stderr, "ibex: fatal: %s\n", e.what());
  return 1;
}
