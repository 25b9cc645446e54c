// Small helpers for multi-rank GoogleTest binaries (tests/mpi/*): this rank, the job size, and
// a verdict agreed by every rank. Call after MPI_Init (ibex_mpi_gtest_main does it).
#pragma once

#include <mpi.h>

namespace ibex::testing {

inline int MpiRank() {
  int r = 0;
  MPI_Comm_rank(MPI_COMM_WORLD, &r);
  return r;
}

inline int MpiSize() {
  int s = 0;
  MPI_Comm_size(MPI_COMM_WORLD, &s);
  return s;
}

// The same verdict on every rank (true only if true everywhere), so that a failure on one
// rank does not leave the others waiting in the next collective.
inline bool AllRanksOk(bool mine) {
  int in = mine ? 1 : 0, out = 0;
  MPI_Allreduce(&in, &out, 1, MPI_INT, MPI_MIN, MPI_COMM_WORLD);
  return out == 1;
}

}  // namespace ibex::testing
