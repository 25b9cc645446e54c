// The distributed COPY benchmark (scheduler/distributed_load.h): loads one table's .tbl file
// into a fresh data directory ROUNDS times on all the job's executors (rank 0 coordinates),
// and prints each round's wall time and the median, and the executors' CPU time per round. Run it under mpirun with 2 ranks (one
// executor) and with 3 (two executors) to see how a load scales: dist_run.sh does both.
//
//   mpirun -n E+1 ibex_dist_load_bench SCHEMA.sql TABLE TBL_FILE DATA_DIR WORKERS ROUNDS
//
// The table is distributed HASH by its first column (the shuffle is the point), without a
// sort key. DATA_DIR is one shared directory on this machine (rank 0 empties it each round).
#include <mpi.h>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include <sys/resource.h>

#include "net/rdma/exchange.h"
#include "net/rdma/fabric.h"
#include "perf/load_bench/schema_file.h"
#include "scheduler/distributed_load.h"
#include "storage/persist/catalog_store.h"
#include "storage/persist/file_util.h"

using namespace ibex;

namespace {

// Rank 0 -> executors: the rounds are over. Executors wait for it on a condition variable:
// waiting in MPI_Barrier would busy-poll a core away from the loads being measured.
constexpr uint16_t kBenchDone = 0x03F2;

int Fail(const Status& s) {
  std::fprintf(stderr, "ibex_dist_load_bench: %s\n", s.ToString().c_str());
  MPI_Abort(MPI_COMM_WORLD, 1);
  return 1;
}

}  // namespace

int main(int argc, char** argv) {
  MPI_Init(&argc, &argv);
  if (argc != 7) {
    std::fprintf(stderr, "usage: %s SCHEMA.sql TABLE TBL_FILE DATA_DIR WORKERS ROUNDS\n", argv[0]);
    return 2;
  }
  const std::string table = argv[2], file = argv[3], dir = argv[4];
  const int workers = std::atoi(argv[5]), rounds = std::atoi(argv[6]);
  int rank = 0, size = 0;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  MPI_Comm_size(MPI_COMM_WORLD, &size);
  const int executors = size - 1;
  auto fabric = net::Fabric::Create(MPI_COMM_WORLD);
  if (!fabric.ok()) return Fail(fabric.status());
  auto exchanges = net::ExchangeService::Create(**fabric, net::ExchangeOptions{});
  if (!exchanges.ok()) return Fail(exchanges.status());
  std::mutex mu;
  std::condition_variable cv;
  bool done = false;
  (*fabric)->RegisterControlHandler(kBenchDone, [&](int, std::span<const std::byte>) {
    std::lock_guard<std::mutex> lock(mu);
    done = true;
    cv.notify_all();
  });
  std::unique_ptr<scheduler::LoadExecutor> executor;
  if (rank > 0) {
    executor = std::make_unique<scheduler::LoadExecutor>(**fabric, **exchanges, dir, workers);
  }
  MPI_Barrier(MPI_COMM_WORLD);
  if (rank > 0) {
    std::unique_lock<std::mutex> lock(mu);
    cv.wait(lock, [&] { return done; });
  }
  if (rank == 0) {
    auto defs = perf::ParseSchemaFile(argv[1]);
    if (!defs.ok()) return Fail(defs.status());
    storage::TableDef def;
    for (const auto& d : *defs) {
      if (d.name == table) def = d;
    }
    if (def.columns.empty()) return Fail(Status::NotFound("no table " + table));
    def.distribution = storage::Distribution::Hash({0});
    scheduler::LoadCoordinator coordinator(**fabric, **exchanges, dir, executors);
    storage::CopyOptions options;
    options.format = storage::FileFormat::kTbl;
    std::vector<double> times;
    for (int round = 0; round < rounds; ++round) {
      Status s = storage::RemoveTree(dir);
      if (!s.ok()) return Fail(s);
      auto catalog = storage::CatalogStore::Open(dir, executors);
      if (!catalog.ok()) return Fail(catalog.status());
      s = catalog->CreateTable(def);
      catalog->set_epoch(1);
      if (s.ok()) s = storage::CatalogStore::Commit(dir, *catalog);
      if (!s.ok()) return Fail(s);
      const auto t0 = std::chrono::steady_clock::now();
      auto loaded = coordinator.Copy(*catalog, table, file, options, round + 1, [] { return false; });
      const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
      if (!loaded.ok()) return Fail(loaded.status());
      times.push_back(secs);
      std::printf("round %d: %s %lld rows, %d executor(s) x %d worker(s): %.3f s\n", round + 1,
                  table.c_str(), static_cast<long long>(loaded->second), executors, workers, secs);
      std::fflush(stdout);
    }
    std::sort(times.begin(), times.end());
    const double median = rounds % 2 ? times[rounds / 2] : (times[rounds / 2 - 1] + times[rounds / 2]) / 2;
    std::printf("MEDIAN %d %d %.3f\n", executors, workers, median);
    (void)storage::RemoveTree(dir);
    for (int r = 1; r <= executors; ++r) {
      Status sent = (*fabric)->SendControl(r, kBenchDone, {});
      if (!sent.ok()) return Fail(sent);
    }
  }
  // CPU seconds (user + system, all threads) the executors spent: the whole run, which is
  // the rounds plus a start-up of about 0.1 s.
  rusage usage{};
  ::getrusage(RUSAGE_SELF, &usage);
  double cpu = rank == 0 ? 0.0
                         : usage.ru_utime.tv_sec + usage.ru_stime.tv_sec +
                               1e-6 * (usage.ru_utime.tv_usec + usage.ru_stime.tv_usec);
  double cpu_total = 0;
  MPI_Reduce(&cpu, &cpu_total, 1, MPI_DOUBLE, MPI_SUM, 0, MPI_COMM_WORLD);
  if (rank == 0) std::printf("CPU %d %d %.3f\n", executors, workers, cpu_total / rounds);
  executor.reset();
  Status s = (*exchanges)->Shutdown();
  if (s.ok()) s = (*fabric)->Shutdown();
  if (!s.ok()) return Fail(s);
  MPI_Finalize();
  return 0;
}
