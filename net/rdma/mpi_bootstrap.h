// MPI helpers for bootstrapping the fabric and the exchange service: the only MPI calls in
// net/rdma. Collective over the given communicator; call from one thread per rank.
#pragma once

#include <mpi.h>

#include <cstddef>
#include <span>
#include <vector>

#include "common/status.h"

namespace ibex::net {

Status MpiError(const char* call, int rc);
// Every rank contributes a byte string; every rank gets all of them, indexed by rank.
Result<std::vector<std::vector<std::byte>>> AllGatherBytes(MPI_Comm comm,
                                                           std::span<const std::byte> mine);
Status Barrier(MPI_Comm comm);

}  // namespace ibex::net
