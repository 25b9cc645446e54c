// ibex's side of the load benchmark: creates the tables of a schema file (plain CREATE TABLEs,
// as in ../shared/benchmarks/schema/*.sql, read by the small parser below: the SQL front end
// is not storage's) in a fresh data directory and loads each table's .tbl file with the
// storage loader on one rank, printing one line per table and the total, in seconds.
//
//   ibex_load_bench SCHEMA.sql TBL_DIR DATA_DIR THREADS
#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "perf/load_bench/schema_file.h"
#include "storage/local_store.h"
#include "storage/persist/file_util.h"

namespace {

using ibex::Result;
using ibex::Status;
using namespace ibex::storage;

int Fail(const Status& s) {
  std::fprintf(stderr, "ibex_load_bench: %s\n", s.ToString().c_str());
  return 1;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 5) {
    std::fprintf(stderr, "usage: %s SCHEMA.sql TBL_DIR DATA_DIR THREADS\n", argv[0]);
    return 2;
  }
  const std::string tbl_dir = argv[2];
  const std::string data_dir = argv[3];
  auto tables = ibex::perf::ParseSchemaFile(argv[1]);
  if (!tables.ok()) return Fail(tables.status());
  if (Status s = RemoveTree(data_dir); !s.ok()) return Fail(s);
  auto store = LocalStore::Open(data_dir, 1);
  if (!store.ok()) return Fail(store.status());
  CopyOptions options;
  options.format = FileFormat::kTbl;
  options.threads = std::atoi(argv[4]);
  double total = 0;
  for (const TableDef& def : *tables) {
    if (Status s = (*store)->CreateTable(def); !s.ok()) return Fail(s);
    const std::string file = tbl_dir + "/" + (def.name == "dates" ? "date" : def.name) + ".tbl";
    const auto start = std::chrono::steady_clock::now();
    auto loaded = (*store)->Copy(def.name, file, options);
    const double secs =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    if (!loaded.ok()) return Fail(loaded.status());
    total += secs;
    std::printf("ibex %s %lld rows %.3f s\n", def.name.c_str(),
                static_cast<long long>(loaded->rows), secs);
  }
  std::printf("ibex total %.3f s\n", total);
  // CPU time of the whole process (all threads): robust against other load on the machine.
  rusage usage;
  getrusage(RUSAGE_SELF, &usage);
  std::printf("ibex cpu %.3f s\n", usage.ru_utime.tv_sec + usage.ru_utime.tv_usec / 1e6 +
                                         usage.ru_stime.tv_sec + usage.ru_stime.tv_usec / 1e6);
  return 0;
}
