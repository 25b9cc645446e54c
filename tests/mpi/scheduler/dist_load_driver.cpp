// The distributed COPY under real mpirun (scheduler/distributed_load.h). Rank 0 is the
// coordinator, ranks 1..N-1 executors; all data directories are on this machine, so rank 0 can
// check them afterwards with storage::LocalStore.
//
//   dist_load_driver check SCHEMA.sql WORK     (3 ranks) SSB SF 0.01 loaded into a shared
//       data directory and into private %r roots; compared with the single-rank loader; a bad
//       row; files some rank cannot see or sees with another size.
//   dist_load_driver crash SCHEMA.sql WORK RANK STEP   (3 ranks, mpirun --enable-recovery)
//       loads lineorder, then arms IBEX_CRASH_AT=STEP on RANK and loads it again; rank 0
//       prints "COPY-RESULT ok|error <seconds> <message>".
//   dist_load_driver verify SCHEMA.sql WORK old|new   (one process, no MPI) reopens the data
//       directory the crash run left and checks that lineorder holds the old rows (one load)
//       or the new ones (two).
//
// Exit status 0 when every check held; failures are printed as "CHECK FAILED: ...".
#include <mpi.h>
#include <unistd.h>

#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <mutex>
#include <string>
#include <vector>

#include "net/rdma/exchange.h"
#include "net/rdma/fabric.h"
#include "scheduler/distributed_load.h"
#include "storage/datagen/datagen.h"
#include "storage/local_store.h"
#include "storage/persist/catalog_store.h"
#include "storage/persist/file_util.h"
#include "storage/persist/layout.h"
#include "tests/mpi/scheduler/load_check.h"

using namespace ibex;
using storage::Catalog;
using storage::CatalogStore;
using storage::CopyOptions;
using storage::ExpandDataDir;

namespace {

constexpr uint16_t kArmCrash = 0x03F0;  // test only: rank 0 -> executor, payload = step
constexpr uint16_t kExit = 0x03F1;      // test only: rank 0 -> executors, the test is over
constexpr uint16_t kPhaseDone = 0x03F2; // test only: rank 0 -> executors, a scenario is over

int failures = 0;
void Check(bool ok, const std::string& what) {
  if (!ok) {
    ++failures;
    std::printf("CHECK FAILED: %s\n", what.c_str());
    std::fflush(stdout);
  }
}
void CheckOk(const Status& s, const std::string& what) { Check(s.ok(), what + ": " + s.ToString()); }

[[noreturn]] void Die(const std::string& why) {
  std::printf("CHECK FAILED (fatal): %s\n", why.c_str());
  std::fflush(stdout);
  _exit(2);
}

template <typename T>
T Must(Result<T> r, const std::string& what) {
  if (!r.ok()) Die(what + ": " + r.status().ToString());
  return std::move(r).value();
}

CopyOptions TblOptions() {
  CopyOptions o;
  o.format = storage::FileFormat::kTbl;
  o.block_rows = 4096;  // a few blocks per partition even at SF 0.01
  return o;
}

// A CSV table: with a header, quoted fields (a newline and doubled quotes inside: that file is
// not split), empty fields as NULL; and a second, plain file that is split.
constexpr int64_t kCsvRows = 350;
storage::TableDef CsvTable() {
  storage::TableDef def;
  def.name = "notes";
  def.columns = {{"id", storage::DataType::Integer(), true},
                 {"note", storage::DataType::Varchar(40), false},
                 {"score", storage::DataType::Double(), false}};
  def.distribution = storage::Distribution::Hash({0});
  return def;
}
CopyOptions CsvOptions() {
  CopyOptions o;
  o.header = true;
  o.block_rows = 64;
  return o;
}
void WriteCsvFiles(const std::string& dir) {
  CheckOk(storage::MakeDirs(dir), "mkdir csv");
  std::string a = "id,note,score\n";
  for (int i = 0; i < 50; ++i) {
    const std::string n = std::to_string(i);
    if (i % 7 == 0) {
      a += n + ",,\n";
    } else if (i % 5 == 0) {
      a += n + ",\"multi\nline \"\"quoted\"\" " + n + "\"," + n + ".5\n";
    } else {
      a += n + ",\"plain " + n + "\"," + n + ".25\n";
    }
  }
  std::string b = "id,note,score\n";
  for (int i = 1000; i < 1300; ++i) b += std::to_string(i) + ",note " + std::to_string(i) + "," + std::to_string(i) + "\n";
  CheckOk(storage::WriteFile(dir + "/a.csv", a, false), "write a.csv");
  CheckOk(storage::WriteFile(dir + "/b.csv", b, false), "write b.csv");
}

void Generate(const std::string& dir, const std::vector<std::string>& tables, int parts) {
  for (int part = 0; part < parts; ++part) {
    datagen::GenerateOptions g;
    g.benchmark = datagen::Benchmark::kSsb;
    g.scale_factor = 0.01;
    g.output_dir = dir;
    g.tables = tables;
    g.parts = parts;
    g.part = part;
    g.threads = 2;
    g.sync = false;
    Must(datagen::Generate(g), "datagen");
  }
}

// Creates `defs` in the committed catalog under `root` (one commit) and returns it.
Catalog CreateTables(const std::string& root, int executors,
                     const std::vector<storage::TableDef>& defs) {
  Catalog catalog = Must(CatalogStore::Open(root, executors), "open catalog");
  for (const auto& def : defs) CheckOk(catalog.CreateTable(def), "create " + def.name);
  catalog.set_epoch(catalog.epoch() + 1);
  CheckOk(CatalogStore::Commit(root, catalog), "commit DDL");
  return catalog;
}

struct Job {
  int rank = 0;
  int size = 0;
  std::unique_ptr<net::Fabric> fabric;
  std::unique_ptr<net::ExchangeService> exchanges;
  // Executors wait for rank 0's kPhaseDone here: an MPI_Barrier would busy-poll a core away
  // from the loads.
  std::mutex mu;
  std::condition_variable cv;
  int phases_done = 0;

  void EndPhase() {
    if (rank == 0) {
      for (int r = 1; r < size; ++r) CheckOk(fabric->SendControl(r, kPhaseDone, {}), "phase done");
    } else {
      std::unique_lock<std::mutex> lock(mu);
      cv.wait(lock, [&] { return phases_done > 0; });
      --phases_done;
    }
    MPI_Barrier(MPI_COMM_WORLD);
  }
};

void StartJob(Job& job) {
  MPI_Comm_rank(MPI_COMM_WORLD, &job.rank);
  MPI_Comm_size(MPI_COMM_WORLD, &job.size);
  job.fabric = Must(net::Fabric::Create(MPI_COMM_WORLD), "fabric");
  net::ExchangeOptions o;
  o.slot_bytes = 256 * 1024;
  o.slots_per_peer = 8;
  job.exchanges = Must(net::ExchangeService::Create(*job.fabric, o), "exchange service");
  job.fabric->RegisterControlHandler(kPhaseDone, [&job](int, std::span<const std::byte>) {
    std::lock_guard<std::mutex> lock(job.mu);
    ++job.phases_done;
    job.cv.notify_all();
  });
}

// ---- check ----

void CheckScenario(Job& job, const std::string& schema, const std::string& work,
                   const std::string& pattern) {
  const int executors = job.size - 1;
  const std::string tbl = work + "/tbl";
  std::unique_ptr<scheduler::LoadExecutor> executor;
  if (job.rank > 0) {
    executor = std::make_unique<scheduler::LoadExecutor>(*job.fabric, *job.exchanges,
                                                         ExpandDataDir(pattern, job.rank), 2);
  }
  MPI_Barrier(MPI_COMM_WORLD);  // every executor listens before the coordinator speaks
  if (job.rank == 0) {
    const std::string root = ExpandDataDir(pattern, 0);
    scheduler::LoadCoordinator coordinator(*job.fabric, *job.exchanges, root, executors);
    auto defs = Must(testing::SsbTables(schema), "schema");
    auto all = defs;
    all.push_back(CsvTable());
    Catalog catalog = CreateTables(root, executors, all);
    uint64_t load_id = pattern.find("%r") == std::string::npos ? 100 : 200;
    auto never = [] { return false; };
    for (const auto& def : defs) {
      const std::string files = testing::TblPattern(tbl, def.name);
      const auto t0 = std::chrono::steady_clock::now();
      auto loaded = coordinator.Copy(catalog, def.name, files, TblOptions(), ++load_id, never);
      const double secs =
          std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
      if (!loaded.ok()) {
        CheckOk(loaded.status(), "COPY " + def.name);
        continue;
      }
      const int64_t lines = Must(testing::CountLines(files), "count lines");
      Check(loaded->second == lines, def.name + ": COPY says " + std::to_string(loaded->second) +
                                         " rows, the files have " + std::to_string(lines));
      std::printf("COPY %s: %lld rows in %.3f s\n", def.name.c_str(),
                  static_cast<long long>(loaded->second), secs);
      catalog = std::move(loaded->first);
      Check(Must(CatalogStore::Open(root, executors), "reopen catalog") == catalog,
            "CATALOG holds the returned catalog");
    }

    {
      auto loaded = coordinator.Copy(catalog, "notes", work + "/csv/*.csv", CsvOptions(),
                                     ++load_id, never);
      CheckOk(loaded.status(), "COPY notes (csv)");
      if (loaded.ok()) {
        Check(loaded->second == kCsvRows, "notes: COPY says " + std::to_string(loaded->second) +
                                              " rows, the files have " + std::to_string(kCsvRows));
        catalog = std::move(loaded->first);
      }
    }
    // A bad row in each half of the file: the error names the first one in file order.
    const std::string bad = work + "/bad-supplier.tbl";
    {
      std::string text = Must(storage::ReadFile(tbl + "/supplier.tbl"), "read supplier");
      std::vector<size_t> starts{0};
      for (size_t i = 0; i + 1 < text.size(); ++i) {
        if (text[i] == '\n') starts.push_back(i + 1);
      }
      const size_t early = starts.size() / 3, late = starts.size() * 5 / 6;
      text.replace(starts[late], 1, "x");   // s_suppkey "x..." is no integer
      text.replace(starts[early], 1, "y");
      CheckOk(storage::WriteFile(bad, text, false), "write bad file");
      auto failed = coordinator.Copy(catalog, "supplier", bad, TblOptions(), ++load_id, never);
      const std::string where = bad + ":" + std::to_string(early + 1) + ":1:";
      Check(!failed.ok() && failed.status().message().find(where) != std::string::npos,
            "bad row: expected an error at " + where + ", got " + failed.status().ToString());
      std::printf("bad row: %s\n", failed.status().ToString().c_str());
      Check(Must(CatalogStore::Open(root, executors), "reopen catalog") == catalog,
            "after a bad row CATALOG is unchanged");
    }
    // Cancelled: nothing committed, the executors cleaned up (the next loads work).
    {
      auto cancelled = coordinator.Copy(catalog, "lineorder", testing::TblPattern(tbl, "lineorder"),
                                        TblOptions(), ++load_id, [] { return true; });
      Check(!cancelled.ok() && cancelled.status().code() == StatusCode::kCancelled,
            "cancel: expected Cancelled, got " + cancelled.status().ToString());
      Check(Must(CatalogStore::Open(root, executors), "reopen catalog") == catalog,
            "after a cancel CATALOG is unchanged");
    }
    // A file rank 2 cannot see, and one it sees with another size (relative paths resolve in
    // each rank's own working directory: see main).
    for (const char* name : {"input/supplier.tbl", "input2/supplier.tbl"}) {
      auto failed = coordinator.Copy(catalog, "supplier", name, TblOptions(), ++load_id, never);
      Check(!failed.ok() && failed.status().message().find("rank 2") != std::string::npos &&
                failed.status().message().find("supplier.tbl") != std::string::npos,
            std::string(name) + ": expected an error naming rank 2 and the file, got " +
                failed.status().ToString());
      std::printf("%s: %s\n", name, failed.status().ToString().c_str());
    }
  }
  job.EndPhase();
  executor.reset();
  if (job.rank != 0) return;
  // What the executors wrote, against the single-rank loader on the same files.
  auto loaded = Must(storage::LocalStore::Open(pattern, executors), "reopen the data directory");
  const std::string ref_dir = work + "/reference";
  const bool fresh = !storage::FileExists(ref_dir + "/CATALOG");
  auto reference = Must(storage::LocalStore::Open(ref_dir, executors), "reference store");
  for (const auto& def : Must(testing::SsbTables(schema), "schema")) {
    const std::string files = testing::TblPattern(tbl, def.name);
    if (fresh) {
      CheckOk(reference->CreateTable(def), "reference create");
      auto r = reference->Copy(def.name, files, TblOptions());
      CheckOk(r.status(), "reference COPY " + def.name);
    }
    for (const std::string& e : testing::CompareTable(*loaded, *reference, def.name,
                                                      Must(testing::CountLines(files), "lines"))) {
      Check(false, pattern + ": " + e);
    }
  }
  if (fresh) {
    CheckOk(reference->CreateTable(CsvTable()), "reference create notes");
    CheckOk(reference->Copy("notes", work + "/csv/*.csv", CsvOptions()).status(), "reference notes");
  }
  for (const std::string& e : testing::CompareTable(*loaded, *reference, "notes", kCsvRows)) {
    Check(false, pattern + ": " + e);
  }
  std::printf("checked %s against the single-rank loader\n", pattern.c_str());
}

int RunCheck(const std::string& schema, const std::string& work) {
  int rank = 0;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  if (rank == 0) {
    CheckOk(storage::RemoveTree(work), "clean");
    Generate(work + "/tbl", {"part", "supplier", "customer", "date"}, 1);
    Generate(work + "/tbl", {"lineorder"}, 3);  // three files: ranges cross file boundaries
    WriteCsvFiles(work + "/csv");
    // Working directories: rank 2 sees no input/ and a shorter input2/supplier.tbl.
    for (int r = 0; r < 3; ++r) {
      const std::string cwd = work + "/cwd" + std::to_string(r);
      CheckOk(storage::MakeDirs(cwd + "/input2"), "mkdir");
      std::string text = Must(storage::ReadFile(work + "/tbl/supplier.tbl"), "read");
      if (r == 2) text.resize(text.size() / 2);
      CheckOk(storage::WriteFile(cwd + "/input2/supplier.tbl", text, false), "write");
      if (r != 2 && ::symlink((work + "/tbl").c_str(), (cwd + "/input").c_str()) != 0) Die("symlink");
    }
  }
  MPI_Barrier(MPI_COMM_WORLD);
  if (::chdir((work + "/cwd" + std::to_string(rank)).c_str()) != 0) Die("chdir");
  Job job;
  StartJob(job);
  if (job.size != 3) Die("check needs 3 ranks");
  CheckScenario(job, schema, work, work + "/shared");
  CheckScenario(job, schema, work, work + "/private-%r");
  CheckOk(job.exchanges->Shutdown(), "exchange shutdown");
  job.exchanges.reset();
  CheckOk(job.fabric->Shutdown(), "fabric shutdown");
  job.fabric.reset();
  int local = failures, total = 0;
  MPI_Allreduce(&local, &total, 1, MPI_INT, MPI_SUM, MPI_COMM_WORLD);
  if (rank == 0) std::printf("%s: %d failed checks\n", total == 0 ? "PASSED" : "FAILED", total);
  return total == 0 ? 0 : 1;
}

// ---- crash ----

int RunCrash(const std::string& schema, const std::string& work, int crash_rank,
             const std::string& step) {
  int rank = 0;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  if (rank == 0) {
    CheckOk(storage::RemoveTree(work + "/data"), "clean");
    if (!storage::FileExists(work + "/tbl/lineorder.tbl")) Generate(work + "/tbl", {"lineorder"}, 1);
  }
  MPI_Barrier(MPI_COMM_WORLD);
  Job job;
  StartJob(job);
  const std::string pattern = work + "/data/r%r";
  const int executors = job.size - 1;
  std::mutex mu;
  std::condition_variable cv;
  bool over = false;
  job.fabric->AddPeerFailureCallback([&](int r, const Status&) {
    std::lock_guard<std::mutex> lock(mu);
    if (r == 0) over = true;  // an executor whose coordinator died has nothing left to do
    cv.notify_all();
  });
  job.fabric->RegisterControlHandler(kExit, [&](int, std::span<const std::byte>) {
    std::lock_guard<std::mutex> lock(mu);
    over = true;
    cv.notify_all();
  });
  job.fabric->RegisterControlHandler(kArmCrash, [&](int, std::span<const std::byte> step_bytes) {
    // The load thread is idle now (the previous load is done): no getenv runs concurrently.
    std::string s(reinterpret_cast<const char*>(step_bytes.data()), step_bytes.size());
    ::setenv("IBEX_CRASH_AT", s.c_str(), 1);
  });
  std::unique_ptr<scheduler::LoadExecutor> executor;
  if (rank > 0) {
    executor = std::make_unique<scheduler::LoadExecutor>(*job.fabric, *job.exchanges,
                                                         ExpandDataDir(pattern, rank), 2);
  }
  MPI_Barrier(MPI_COMM_WORLD);  // the last MPI call: a rank may die from here on
  if (rank > 0) {
    std::unique_lock<std::mutex> lock(mu);
    cv.wait(lock, [&] { return over; });
    _exit(0);  // no collective teardown with a dead rank
  }
  const std::string root = ExpandDataDir(pattern, 0);
  scheduler::LoadCoordinator coordinator(*job.fabric, *job.exchanges, root, executors);
  auto defs = Must(testing::SsbTables(schema), "schema");
  std::vector<storage::TableDef> lineorder;
  for (auto& d : defs) {
    if (d.name == "lineorder") lineorder.push_back(d);
  }
  Catalog catalog = CreateTables(root, executors, lineorder);
  const std::string files = work + "/tbl/lineorder.tbl";
  auto never = [] { return false; };
  auto first = coordinator.Copy(catalog, "lineorder", files, TblOptions(), 1, never);
  if (!first.ok()) Die("first COPY: " + first.status().ToString());
  catalog = std::move(first->first);
  if (crash_rank == 0) {
    ::setenv("IBEX_CRASH_AT", step.c_str(), 1);
  } else {
    CheckOk(job.fabric->SendControl(crash_rank, kArmCrash,
                                    {reinterpret_cast<const std::byte*>(step.data()), step.size()}),
            "arm");
    CheckOk(job.fabric->FlushControl(std::chrono::seconds(5)), "flush");
  }
  const auto t0 = std::chrono::steady_clock::now();
  auto second = coordinator.Copy(catalog, "lineorder", files, TblOptions(), 2, never);
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::printf("COPY-RESULT %s %.2f %s\n", second.ok() ? "ok" : "error", secs,
              second.ok() ? "" : second.status().ToString().c_str());
  std::fflush(stdout);
  for (int r = 1; r <= executors; ++r) (void)job.fabric->SendControl(r, kExit, {});
  (void)job.fabric->FlushControl(std::chrono::seconds(5));
  _exit(failures == 0 ? 0 : 1);
}

int RunVerify(const std::string& work, const std::string& expect) {
  const std::string files = work + "/tbl/lineorder.tbl";
  const int64_t lines = Must(testing::CountLines(files), "lines");
  auto store = Must(storage::LocalStore::Open(work + "/data/r%r", 2), "reopen");
  int64_t rows = 0;
  for (int p = 0; p < 2; ++p) {
    rows += static_cast<int64_t>(Must(testing::PartitionRows(*store, "lineorder", p), "rows").size());
  }
  const int64_t want = expect == "new" ? 2 * lines : lines;
  auto t = Must(store->catalog().GetTable("lineorder"), "table");
  Check(rows == want && t->stats.row_count == want,
        "lineorder holds " + std::to_string(rows) + " rows (catalog " +
            std::to_string(t->stats.row_count) + "), expected the " + expect + " state: " +
            std::to_string(want));
  std::printf("VERIFY %s: %lld rows, expected %lld (%s state)\n", failures == 0 ? "ok" : "FAILED",
              static_cast<long long>(rows), static_cast<long long>(want), expect.c_str());
  return failures == 0 ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 4) {
    std::fprintf(stderr, "usage: %s check|crash|verify SCHEMA.sql WORK [RANK STEP | old|new]\n",
                 argv[0]);
    return 2;
  }
  // CTest may run the tcp and default variants at once: each gets its own folder.
  const std::string mode = argv[1], schema = argv[2];
  const std::string work = std::string(argv[3]) + (std::getenv("UCX_TLS") ? "/tcp" : "/default");
  if (mode == "verify" && argc == 5) return RunVerify(work, argv[4]);
  MPI_Init(&argc, &argv);
  int rc = 2;
  if (mode == "check") {
    rc = RunCheck(schema, work);
  } else if (mode == "crash" && argc == 6) {
    rc = RunCrash(schema, work, std::atoi(argv[4]), argv[5]);
  }
  MPI_Finalize();
  return rc;
}
