#include "storage/datagen/datagen.h"

#include <algorithm>
#include <memory>
#include <thread>

#include "storage/datagen/ssb_generator.h"
#include "storage/datagen/text_pool.h"
#include "storage/datagen/tpch_generator.h"

namespace ibex::datagen {
namespace {

constexpr double kMinScaleFactor = 0.001;
constexpr double kMaxScaleFactor = 100000;

std::vector<TableJob> Jobs(Benchmark benchmark, double scale_factor) {
  return benchmark == Benchmark::kSsb ? SsbJobs(scale_factor) : TpchJobs(scale_factor);
}

bool Wanted(const GenerateOptions& options, const std::string& table) {
  return options.tables.empty() ||
         std::find(options.tables.begin(), options.tables.end(), table) != options.tables.end();
}

}  // namespace

std::vector<std::string> TableNames(Benchmark benchmark) {
  std::vector<std::string> names;
  for (const auto& job : Jobs(benchmark, 1.0)) {
    names.insert(names.end(), job.tables.begin(), job.tables.end());
  }
  return names;
}

Result<Benchmark> ParseBenchmark(std::string_view name) {
  if (name == "ssb") return Benchmark::kSsb;
  if (name == "tpch") return Benchmark::kTpch;
  return Status::InvalidArgument("unknown benchmark '" + std::string(name) + "' (ssb or tpch)");
}

Status ValidateOptions(const GenerateOptions& options) {
  if (!(options.scale_factor >= kMinScaleFactor && options.scale_factor <= kMaxScaleFactor)) {
    return Status::InvalidArgument("scale factor " + std::to_string(options.scale_factor) +
                                   " out of range [0.001, 100000]");
  }
  if (options.benchmark == Benchmark::kTpch && !PartsuppKeysAreUnique(options.scale_factor)) {
    return Status::InvalidArgument("TPC-H scale factor " + std::to_string(options.scale_factor) +
                                   " would give a part the same supplier twice (the spec's "
                                   "partsupp formula); use 0.01 or at least 0.023");
  }
  if (options.output_dir.empty()) return Status::InvalidArgument("no output directory");
  if (options.parts < 1) return Status::InvalidArgument("--parts must be at least 1");
  if (options.part < 0 || options.part >= options.parts) {
    return Status::InvalidArgument("--part " + std::to_string(options.part) + " not in [0, " +
                                   std::to_string(options.parts) + ")");
  }
  if (options.threads < 0) return Status::InvalidArgument("--threads must not be negative");
  const auto names = TableNames(options.benchmark);
  for (const auto& table : options.tables) {
    if (std::find(names.begin(), names.end(), table) == names.end()) {
      std::string known;
      for (const auto& name : names) {
        if (!known.empty()) known.append(", ");
        known.append(name);
      }
      return Status::InvalidArgument("unknown table '" + table + "' (tables: " + known + ")");
    }
  }
  return Status::OK();
}

std::string OutputFileName(std::string_view table, int parts, int part) {
  std::string name(table);
  name.append(".tbl");
  if (parts > 1) {
    name.push_back('.');
    name.append(std::to_string(part));
  }
  return name;
}

RowRange SliceRows(int64_t rows, int parts, int part) {
  const auto slice = [&](int64_t p) {
    return static_cast<int64_t>(static_cast<unsigned __int128>(rows) * static_cast<uint64_t>(p) /
                                static_cast<uint64_t>(parts));
  };
  return {slice(part), slice(part + 1)};
}

Result<std::vector<TableReport>> Generate(const GenerateOptions& options) {
  IBEX_RETURN_IF_ERROR(ValidateOptions(options));
  IBEX_RETURN_IF_ERROR(MakeDirectories(options.output_dir));
  const int threads = options.threads > 0
                          ? options.threads
                          : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  std::vector<TableReport> reports;
  for (const TableJob& job : Jobs(options.benchmark, options.scale_factor)) {
    std::vector<std::unique_ptr<TblFile>> owned;
    std::vector<TblFile*> files;
    for (const auto& table : job.tables) {
      if (!Wanted(options, table)) {
        files.push_back(nullptr);
        continue;
      }
      IBEX_ASSIGN_OR_RETURN(
          auto file,
          TblFile::Create(options.output_dir, OutputFileName(table, options.parts, options.part),
                          options.sync));
      files.push_back(file.get());
      owned.push_back(std::move(file));
    }
    if (owned.empty()) continue;
    const RowRange range = SliceRows(job.rows, options.parts, options.part);
    IBEX_RETURN_IF_ERROR(
        GenerateInOrder(range.first, range.last, job.chunk_rows, threads, files, job.generate));
    for (size_t k = 0; k < job.tables.size(); ++k) {
      if (files[k] == nullptr) continue;
      IBEX_RETURN_IF_ERROR(files[k]->Commit());
      reports.push_back({job.tables[k], files[k]->final_path(), files[k]->bytes_written()});
    }
  }
  return reports;
}

}  // namespace ibex::datagen
