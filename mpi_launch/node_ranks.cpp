#include "mpi_launch/node_ranks.h"

#include <cstdlib>
#include <string>

namespace ibex::launch {

Result<std::vector<int>> NodeLocalRanks(MPI_Comm world) {
  int world_rank = 0;
  MPI_Comm_rank(world, &world_rank);
  MPI_Comm node = MPI_COMM_NULL;
  if (MPI_Comm_split_type(world, MPI_COMM_TYPE_SHARED, world_rank, MPI_INFO_NULL, &node) !=
      MPI_SUCCESS) {
    return Status::NetworkError("MPI_Comm_split_type(MPI_COMM_TYPE_SHARED) failed");
  }
  int node_size = 0;
  MPI_Comm_size(node, &node_size);
  std::vector<int> ranks(static_cast<size_t>(node_size));
  int rc = MPI_Allgather(&world_rank, 1, MPI_INT, ranks.data(), 1, MPI_INT, node);
  MPI_Comm_free(&node);
  if (rc != MPI_SUCCESS) return Status::NetworkError("MPI_Allgather of node-local ranks failed");
  return ranks;  // key = world rank, so already ascending
}

int LauncherRankFromEnvironment() {
  for (const char* name : {"OMPI_COMM_WORLD_RANK", "PMIX_RANK", "PMI_RANK", "SLURM_PROCID"}) {
    if (const char* v = std::getenv(name)) {
      try {
        return std::stoi(v);
      } catch (const std::exception&) {
        // malformed: try the next variable
      }
    }
  }
  return 0;
}

}  // namespace ibex::launch
