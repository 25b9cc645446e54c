// The coordinator's shell: rank 0 hands the SQL front end (frontend/shell/shell.h) a catalog
// and a StatementRunner. Until the optimizer/scheduler/executors exist, the runner executes
// catalog statements only (the shell does those itself) and answers everything else with a
// positioned "not supported yet"; \ranks shows the placement reports gathered at startup.
// Called on rank 0's main thread while the other ranks wait for its verdict.
#pragma once

#include <vector>

#include "mpi_launch/options.h"
#include "mpi_launch/rank_report.h"

namespace ibex::launch {

// Runs the shell (interactive, -c, -f or stdin) and returns rank 0's exit status.
int RunCoordinatorShell(const LaunchOptions& options, const std::vector<RankReport>& ranks);

}  // namespace ibex::launch
