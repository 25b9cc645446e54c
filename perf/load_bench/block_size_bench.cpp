// The measurement behind kDefaultBlockRows (docs/storage.md, "Block size measurement"): loads
// one table's .tbl file with several block sizes and reports, per size, the load time, the
// bytes on disk and the time of a full scan that reads and decodes every column of every block
// (single thread, files in the page cache), the best of three scans.
//
//   ibex_block_size_bench SCHEMA.sql TABLE TBL_FILE DATA_DIR THREADS
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>

#include "perf/load_bench/schema_file.h"
#include "storage/local_store.h"
#include "storage/persist/file_util.h"

namespace {

using namespace ibex::storage;

double Seconds(std::chrono::steady_clock::time_point since) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - since).count();
}

uint64_t BytesUnder(const std::string& dir) {
  uint64_t total = 0;
  for (const auto& e : std::filesystem::recursive_directory_iterator(dir)) {
    if (e.is_regular_file()) total += e.file_size();
  }
  return total;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 6) {
    std::fprintf(stderr, "usage: %s SCHEMA.sql TABLE TBL_FILE DATA_DIR THREADS\n", argv[0]);
    return 2;
  }
  auto tables = ibex::perf::ParseSchemaFile(argv[1]);
  if (!tables.ok()) return std::fprintf(stderr, "%s\n", tables.status().ToString().c_str()), 1;
  const TableDef* def = nullptr;
  for (const TableDef& t : *tables) {
    if (t.name == argv[2]) def = &t;
  }
  if (def == nullptr) return std::fprintf(stderr, "no table %s\n", argv[2]), 1;
  const std::string data_dir = argv[4];
  std::printf("%10s %8s %9s %10s %12s %14s\n", "block_rows", "blocks", "load_s", "disk_MB",
              "scan_s", "scan_Mrows/s");
  for (uint32_t rows :
       {8u << 10, 16u << 10, 32u << 10, 64u << 10, 128u << 10, 256u << 10, 1u << 20}) {
    (void)RemoveTree(data_dir);
    auto store = LocalStore::Open(data_dir, 1);
    if (!store.ok() || !(*store)->CreateTable(*def).ok()) return 1;
    CopyOptions options;
    options.format = FileFormat::kTbl;
    options.threads = std::atoi(argv[5]);
    options.block_rows = rows;
    auto start = std::chrono::steady_clock::now();
    auto loaded = (*store)->Copy(def->name, argv[3], options);
    const double load = Seconds(start);
    if (!loaded.ok()) return std::fprintf(stderr, "%s\n", loaded.status().ToString().c_str()), 1;
    const size_t blocks = loaded->partitions[0].blocks.size();
    double best = 1e9;
    for (int round = 0; round < 3; ++round) {
      start = std::chrono::steady_clock::now();
      uint64_t checksum = 0;
      for (size_t b = 0; b < blocks; ++b) {
        auto block = (*store)->ReadBlock(def->name, 0, b, {});
        if (!block.ok()) return std::fprintf(stderr, "%s\n", block.status().ToString().c_str()), 1;
        for (const ColumnVector& c : block->columns)
          checksum += c.size() + (c.size() ? c.data<uint8_t>()[0] : 0);
      }
      best = std::min(best, Seconds(start));
      if (checksum == 0) std::printf("(empty)\n");
    }
    std::printf("%10u %8zu %9.3f %10.1f %12.3f %14.1f\n", rows, blocks, load,
                static_cast<double>(BytesUnder(data_dir)) / 1e6, best,
                static_cast<double>(loaded->rows) / best / 1e6);
  }
  (void)RemoveTree(data_dir);
  return 0;
}
