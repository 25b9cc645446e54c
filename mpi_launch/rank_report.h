// The per-rank placement report behind `ibex --report-bindings` and `\ranks`: each rank
// describes itself (role, host, cpus, NUMA, workers, network transports), rank 0 gathers the
// descriptions over MPI and prints one aligned line per rank, in rank order.
#pragma once

#include <mpi.h>

#include <string>
#include <vector>

#include "common/status.h"
#include "mpi_launch/binding.h"

namespace ibex::launch {

struct RankReport {
  int rank = 0;
  std::string role;
  std::string host;
  std::string cpus;     // "0-3 (floating)" or "4-7"
  std::string numa;     // "0" or "0,1"
  std::string memory;   // "bound" / "local"
  int workers = 0;
  std::string network;  // transports summary from the fabric
};

RankReport DescribeRank(int rank, const AppliedPlacement& placement, std::string network);

// One rank's report as a single line without newlines, and back. The wire form is tab
// separated; tabs and newlines inside fields become spaces.
std::string EncodeRankReport(const RankReport& report);
Result<RankReport> DecodeRankReport(const std::string& line);

// Collective over `comm`: rank 0 returns every rank's report in rank order, the others an
// empty vector.
Result<std::vector<RankReport>> GatherRankReports(MPI_Comm comm, const RankReport& mine);

// An aligned table with a header line.
std::string FormatRankReports(const std::vector<RankReport>& reports);

std::string HostName();

}  // namespace ibex::launch
