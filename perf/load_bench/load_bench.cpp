// ibex's side of the load benchmark: creates the tables of a schema file (plain CREATE TABLEs,
// as in benchmarks/schema/*.sql, read by schema_file.h: the SQL front end is not
// storage's) in a fresh data directory and loads each table's .tbl file with the storage
// loader on one rank, printing one line per table and the total, in seconds.
//
//   ibex_load_bench SCHEMA.sql TBL_DIR DATA_DIR THREADS
//
// With --verify instead of THREADS it loads nothing: it opens the data directory a previous
// run left (so, from a second process) and checks that every table of the schema is there
// with its types, that every block reads back with valid checksums, and that each table holds
// as many rows as its .tbl file has lines; exit status 0 when all holds.
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>

#include <sys/resource.h>

#include "perf/load_bench/schema_file.h"
#include "storage/local_store.h"
#include "storage/persist/file_util.h"

namespace {

using ibex::Status;
using namespace ibex::storage;

int Fail(const Status& s) {
  std::fprintf(stderr, "ibex_load_bench: %s\n", s.ToString().c_str());
  return 1;
}

std::string TblFile(const std::string& dir, const TableDef& def) {
  return dir + "/" + (def.name == "dates" ? "date" : def.name) + ".tbl";
}

int Verify(const std::vector<TableDef>& tables, const std::string& tbl_dir,
           const std::string& data_dir) {
  auto store = LocalStore::Open(data_dir, 1);
  if (!store.ok()) return Fail(store.status());
  int bad = 0;
  for (const TableDef& def : tables) {
    auto table = (*store)->catalog().GetTable(def.name);
    if (!table.ok()) return Fail(table.status());
    if ((*table)->def.columns != def.columns) {
      std::printf("verify %s: columns differ from the schema\n", def.name.c_str());
      ++bad;
      continue;
    }
    int64_t rows = 0;
    const auto& blocks = (*table)->partitions[0].blocks;
    for (size_t b = 0; b < blocks.size(); ++b) {
      auto block = (*store)->ReadBlock(def.name, 0, b, {});
      if (!block.ok()) return Fail(block.status());
      rows += block->row_count;
    }
    auto text = ReadFile(TblFile(tbl_dir, def));
    if (!text.ok()) return Fail(text.status());
    int64_t lines = 0;
    for (char c : *text) lines += c == '\n';
    const bool ok = rows == lines && (*table)->stats.row_count == lines;
    bad += !ok;
    std::printf("verify %s: %lld rows in %zu blocks, file has %lld lines: %s\n", def.name.c_str(),
                static_cast<long long>(rows), blocks.size(), static_cast<long long>(lines),
                ok ? "ok" : "MISMATCH");
  }
  return bad == 0 ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 5) {
    std::fprintf(stderr, "usage: %s SCHEMA.sql TBL_DIR DATA_DIR THREADS|--verify\n", argv[0]);
    return 2;
  }
  const std::string tbl_dir = argv[2];
  const std::string data_dir = argv[3];
  auto tables = ibex::perf::ParseSchemaFile(argv[1]);
  if (!tables.ok()) return Fail(tables.status());
  if (std::string(argv[4]) == "--verify") return Verify(*tables, tbl_dir, data_dir);
  if (Status s = RemoveTree(data_dir); !s.ok()) return Fail(s);
  auto store = LocalStore::Open(data_dir, 1);
  if (!store.ok()) return Fail(store.status());
  CopyOptions options;
  options.format = FileFormat::kTbl;
  options.threads = std::atoi(argv[4]);
  double total = 0;
  for (const TableDef& def : *tables) {
    if (Status s = (*store)->CreateTable(def); !s.ok()) return Fail(s);
    const std::string file = TblFile(tbl_dir, def);
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
