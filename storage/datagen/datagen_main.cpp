// ibex-datagen: writes SSB or TPC-H tables as .tbl files (see docs/datagen.md).
// Exit codes: 0 done, 1 generation failed (I/O), 2 bad flags.
#include <charconv>
#include <chrono>
#include <cstdio>
#include <optional>
#include <string>
#include <string_view>

#include "storage/datagen/datagen.h"

namespace {

using ibex::Result;
using ibex::Status;
using ibex::datagen::GenerateOptions;

constexpr std::string_view kUsage =
    "usage: ibex-datagen --benchmark ssb|tpch --scale-factor SF --output DIR\n"
    "                    [--parts K --part I] [--tables a,b,...] [--threads N] [--no-sync]\n"
    "  --parts K --part I   write slice I (0 <= I < K) of every table, as <table>.tbl.I\n"
    "  --tables a,b         only these tables (default: all)\n"
    "  --threads N          worker threads (default: all cores)\n"
    "  --no-sync            do not fsync the files before renaming them into place\n";

template <typename T>
Result<T> ParseNumber(std::string_view flag, std::string_view text) {
  T value{};
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size()) {
    return Status::InvalidArgument("bad value '" + std::string(text) + "' for " +
                                   std::string(flag));
  }
  return value;
}

std::vector<std::string> SplitList(std::string_view text) {
  std::vector<std::string> items;
  while (!text.empty()) {
    const size_t comma = text.find(',');
    const std::string_view item = text.substr(0, comma);
    if (!item.empty()) items.emplace_back(item);
    if (comma == std::string_view::npos) break;
    text.remove_prefix(comma + 1);
  }
  return items;
}

Result<GenerateOptions> ParseFlags(int argc, char** argv) {
  GenerateOptions options;
  bool have_benchmark = false, have_sf = false, have_parts = false, have_part = false;
  for (int i = 1; i < argc; ++i) {
    std::string_view flag = argv[i];
    std::optional<std::string_view> value;
    if (const size_t eq = flag.find('='); flag.starts_with("--") && eq != std::string_view::npos) {
      value = flag.substr(eq + 1);
      flag = flag.substr(0, eq);
    }
    if (flag == "--no-sync") {
      options.sync = false;
      continue;
    }
    if (!value) {
      if (i + 1 >= argc) return Status::InvalidArgument("missing value for " + std::string(flag));
      value = argv[++i];
    }
    if (flag == "--benchmark") {
      IBEX_ASSIGN_OR_RETURN(options.benchmark, ibex::datagen::ParseBenchmark(*value));
      have_benchmark = true;
    } else if (flag == "--scale-factor") {
      IBEX_ASSIGN_OR_RETURN(options.scale_factor, ParseNumber<double>(flag, *value));
      have_sf = true;
    } else if (flag == "--output") {
      options.output_dir = std::string(*value);
    } else if (flag == "--parts") {
      IBEX_ASSIGN_OR_RETURN(options.parts, ParseNumber<int>(flag, *value));
      have_parts = true;
    } else if (flag == "--part") {
      IBEX_ASSIGN_OR_RETURN(options.part, ParseNumber<int>(flag, *value));
      have_part = true;
    } else if (flag == "--tables") {
      options.tables = SplitList(*value);
      if (options.tables.empty()) return Status::InvalidArgument("--tables lists no table");
    } else if (flag == "--threads") {
      IBEX_ASSIGN_OR_RETURN(options.threads, ParseNumber<int>(flag, *value));
    } else {
      return Status::InvalidArgument("unknown flag " + std::string(flag));
    }
  }
  if (!have_benchmark) return Status::InvalidArgument("--benchmark is required");
  if (!have_sf) return Status::InvalidArgument("--scale-factor is required");
  if (options.output_dir.empty()) return Status::InvalidArgument("--output is required");
  if (have_parts != have_part) return Status::InvalidArgument("--parts and --part go together");
  IBEX_RETURN_IF_ERROR(ibex::datagen::ValidateOptions(options));
  return options;
}

}  // namespace

int main(int argc, char** argv) {
  for (int i = 1; i < argc; ++i) {
    if (std::string_view(argv[i]) == "--help" || std::string_view(argv[i]) == "-h") {
      std::fputs(kUsage.data(), stdout);
      return 0;
    }
  }
  auto options = ParseFlags(argc, argv);
  if (!options.ok()) {
    std::fprintf(stderr, "ibex-datagen: %s\n%s", options.status().message().c_str(), kUsage.data());
    return 2;
  }
  const auto start = std::chrono::steady_clock::now();
  auto reports = ibex::datagen::Generate(*options);
  if (!reports.ok()) {
    std::fprintf(stderr, "ibex-datagen: %s\n", reports.status().ToString().c_str());
    return 1;
  }
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  uint64_t total = 0;
  for (const auto& report : *reports) {
    std::printf("%-10s %14llu bytes  %s\n", report.table.c_str(),
                static_cast<unsigned long long>(report.bytes), report.path.c_str());
    total += report.bytes;
  }
  std::printf("wrote %llu bytes in %.2f s\n", static_cast<unsigned long long>(total), seconds);
  return 0;
}
