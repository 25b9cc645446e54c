// Which world ranks share this node: the MPI shared-memory communicator
// (MPI_Comm_split_type(MPI_COMM_TYPE_SHARED)) gathered into a list. The placement planner
// divides a node among exactly these ranks.
#pragma once

#include <mpi.h>

#include <vector>

#include "common/status.h"

namespace ibex::launch {

// Collective over `world`. Returns the world ranks on this node, ascending.
Result<std::vector<int>> NodeLocalRanks(MPI_Comm world);

// This process's rank as the launcher announced it in the environment (Open MPI, PMIx,
// Slurm), for messages printed before MPI_Init; 0 when started without a launcher.
int LauncherRankFromEnvironment();

}  // namespace ibex::launch
