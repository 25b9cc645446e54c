// ibex: the executable, and the composition root. Every rank of the MPI job runs this main():
// parse the command line, MPI_Init, place and pin the rank, start its role. Rank 0 is the
// coordinator (shell or batch queries), ranks >= 1 are executors; a job of one rank is both.
// This is the only place that wires the layers together.
#include <mpi.h>

#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <cstdlib>
#include <memory>
#include <iostream>
#include <string>
#include <vector>

#include "mpi_launch/binding.h"
#include "mpi_launch/coordinator_shell.h"
#include "mpi_launch/job_lifecycle.h"
#include "mpi_launch/node_ranks.h"
#include "mpi_launch/options.h"
#include "mpi_launch/placement.h"
#include "mpi_launch/rank_report.h"
#include "mpi_launch/topology.h"
#include "net/rdma/exchange.h"
#include "net/rdma/fabric.h"
#include "exec/block_cache.h"
#include "scheduler/distributed_load.h"
#include "scheduler/executor_service.h"
#include "storage/persist/layout.h"

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

// Ends this rank (MPI is finalized already: see Run). With every rank alive: flush the last
// control messages and shut the fabric down collectively over its control plane. After a
// failure: tear down locally (under mpirun --enable-recovery or srun --kill-on-bad-exit=0 the
// survivors' exits are what ends the job).
int Finish(int rank, std::unique_ptr<net::Fabric> fabric, const JobEnd& end) {
  if (end.collective) {
    Status flushed = fabric->FlushControl(std::chrono::seconds(5));
    Status shut = flushed.ok() ? fabric->Shutdown() : flushed;
    if (shut.ok()) {
      fabric.reset();
      std::fflush(nullptr);
      return end.exit_code;
    }
    std::fprintf(stderr, "ibex: rank %d (%s): shutdown: %s\n", rank, HostName().c_str(),
                 shut.ToString().c_str());
  }
  fabric->Abandon();
  std::fflush(nullptr);
  std::_Exit(end.exit_code == kExitOk ? kExitFailure : end.exit_code);
}

// A multi-rank job without --data-dir gets a private temporary directory for the job, made
// by rank 0 and named to everybody (removed by rank 0 at the end). Collective.
std::string JobDataDir(const LaunchOptions& options, int rank, std::string* temporary) {
  if (!options.data_dir.empty()) return options.data_dir;
  std::string dir;
  if (rank == 0) {
    const char* base = std::getenv("TMPDIR");
    dir = std::string(base != nullptr && *base != '\0' ? base : "/tmp") + "/ibex-data-XXXXXX";
    if (mkdtemp(dir.data()) == nullptr) AbortJob(rank, Status::FromErrno("mkdtemp", dir, errno));
    *temporary = dir;
  }
  int len = static_cast<int>(dir.size());
  MPI_Bcast(&len, 1, MPI_INT, 0, MPI_COMM_WORLD);
  dir.resize(static_cast<size_t>(len));
  MPI_Bcast(dir.data(), len, MPI_CHAR, 0, MPI_COMM_WORLD);
  return dir;
}

int Run(LaunchOptions options) {
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

  // The fabric starts after binding, so that its network thread inherits this rank's cores.
  Result<std::unique_ptr<net::Fabric>> fabric = net::Fabric::Create(MPI_COMM_WORLD);
  if (!fabric.ok()) AbortJob(rank, fabric.status());
  JobLifecycle lifecycle(**fabric);

  // Several ranks: the exchange service (collective) and, on executors, the query service.
  std::string temporary_dir;
  std::unique_ptr<net::ExchangeService> exchanges;
  std::unique_ptr<scheduler::ExecutorService> service;
  std::unique_ptr<scheduler::LoadExecutor> loader;  // the executor's part of COPY
  if (size > 1) {
    options.data_dir = JobDataDir(options, rank, &temporary_dir);
    Result<std::unique_ptr<net::ExchangeService>> created =
        net::ExchangeService::Create(**fabric, net::ExchangeOptions{});
    if (!created.ok()) AbortJob(rank, created.status());
    exchanges = std::move(*created);
    if (rank > 0) {
      loader = std::make_unique<scheduler::LoadExecutor>(
          **fabric, *exchanges, storage::ExpandDataDir(options.data_dir, rank), applied->worker_threads);
      service = std::make_unique<scheduler::ExecutorService>(
          **fabric, *exchanges, options.data_dir,
          applied->worker_threads, exec::DefaultBlockCacheBytes(static_cast<int>(local->size())));
    }
  }
  MPI_Barrier(MPI_COMM_WORLD);  // every rank's handlers exist before anybody may use them

  // Every rank describes its placement once: --report-bindings prints it, \ranks shows it.
  RankReport report = DescribeRank(rank, *applied, (*fabric)->TransportSummary());
  Result<std::vector<RankReport>> all = GatherRankReports(MPI_COMM_WORLD, report);
  if (!all.ok()) AbortJob(rank, all.status());
  // Bootstrap is over: everything from here on goes over the fabric's control plane, so MPI
  // ends now. Why now and not at exit: under srun --mpi=pmix, Slurm's PMIx plugin kills the
  // whole step (SIGKILL to every task) as soon as any task dies while still a PMIx client, so
  // a dead executor would take the coordinator with it before it could say which rank died.
  // A finalized task is not a client any more; with --kill-on-bad-exit=0 the others live on.
  MPI_Finalize();
  if (options.report_bindings && rank == 0) {
    std::cout << FormatRankReports(*all) << std::flush;
  }

  JobEnd end;
  if (rank == 0) {
    // The SQL shell (interactive, -c, -f or stdin); its exit status is the job's.
    int exit_code = RunCoordinatorShell(options, *all, **fabric, exchanges.get());
    // One fprintf per line (one write): unbuffered std::cerr writes each << on its own, and
    // the executors' lines, which mpirun merges into the same stream, cut in between.
    for (const std::string& failed : lifecycle.FailedPeers()) {
      std::fprintf(stderr, "ibex: executor %s\n", failed.c_str());
    }
    end = lifecycle.EndJob(exit_code);
  } else {
    end = lifecycle.WaitForJobEnd();
    if (!end.failure.ok()) {
      std::fprintf(stderr, "ibex: rank %d (%s): %s; this executor ends\n", rank,
                   HostName().c_str(), end.failure.message().c_str());
    }
  }
  if (service) service->Stop();
  loader.reset();  // its channels go before the exchange service
  if (exchanges) {
    // Collective only when every rank is alive; otherwise local teardown.
    if (end.collective) {
      Status shut = exchanges->Shutdown();
      if (!shut.ok()) end.collective = false;
    }
    exchanges.reset();
  }
  service.reset();
  loader.reset();
  if (!temporary_dir.empty()) {
    std::error_code ec;
    std::filesystem::remove_all(temporary_dir, ec);
  }
  return Finish(rank, std::move(*fabric), end);
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
    // Under mpirun a rank exiting non-zero gets the others killed, which could cut the
    // speaker off before it has said why (the launch_cli test saw that): meet first.
    if (std::getenv("PMIX_RANK") != nullptr || std::getenv("OMPI_COMM_WORLD_SIZE") != nullptr) {
      MPI_Init(nullptr, nullptr);
      MPI_Barrier(MPI_COMM_WORLD);
      MPI_Finalize();
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
