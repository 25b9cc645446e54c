// The ibex command line. Parsed identically on every rank (each rank receives the same argv
// from mpirun/srun), before MPI_Init, so that --help and usage errors need no MPI at all.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "common/status.h"
#include "mpi_launch/placement.h"

namespace ibex::launch {

enum class OutputFormat { kTable, kCsv, kJson };
enum class OnError { kStop, kContinue };

struct LaunchOptions {
  bool help = false;
  bool version = false;
  bool report_bindings = false;    // print one placement line per rank, then go on
  PinMode pin = PinMode::kAuto;
  std::optional<int> workers;      // worker threads per executor (default: its cores)
  std::string data_dir;            // --data-dir; "%r" expands to the rank
  std::vector<std::string> files;  // -f FILE, in order (batch query files)
  std::vector<std::string> commands;  // -c SQL, in order
  OutputFormat format = OutputFormat::kTable;
  OnError on_error = OnError::kStop;
};

// Parses argv[1..]. Accepts "--name value" and "--name=value". A usage error names the
// offending argument.
Result<LaunchOptions> ParseLaunchOptions(const std::vector<std::string>& args);

std::string UsageText();
std::string VersionText();

}  // namespace ibex::launch
