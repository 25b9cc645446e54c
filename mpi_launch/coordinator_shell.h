// The coordinator's shell: rank 0 hands the SQL front end (frontend/shell/shell.h) a catalog
// and a StatementRunner — the single-rank engine (exec::LocalRunner) when the job is one rank,
// else the distributed runtime's coordinator (scheduler/coordinator.h) over the fabric and the
// exchange service. \ranks shows the placement reports gathered at startup (and, with
// executors, their state). Called on rank 0's main thread while the executors serve queries.
#pragma once

#include <vector>

#include "mpi_launch/options.h"
#include "mpi_launch/rank_report.h"

namespace ibex::net {
class Fabric;
class ExchangeService;
}  // namespace ibex::net

namespace ibex::launch {

// Runs the shell (interactive, -c, -f or stdin) and returns rank 0's exit status.
// `exchanges` is null for a single-rank job.
int RunCoordinatorShell(const LaunchOptions& options, const std::vector<RankReport>& ranks,
                        net::Fabric& fabric, net::ExchangeService* exchanges);

}  // namespace ibex::launch
