#include "net/rdma/mpi_bootstrap.h"

#include <string>

namespace ibex::net {

Status MpiError(const char* call, int rc) {
  char text[MPI_MAX_ERROR_STRING];
  int len = 0;
  MPI_Error_string(rc, text, &len);
  return Status::NetworkError(std::string(call) + ": " + std::string(text, len));
}

Result<std::vector<std::vector<std::byte>>> AllGatherBytes(MPI_Comm comm,
                                                           std::span<const std::byte> mine) {
  int size = 0;
  MPI_Comm_size(comm, &size);
  int my_len = static_cast<int>(mine.size());
  std::vector<int> lens(size), offsets(size);
  int rc = MPI_Allgather(&my_len, 1, MPI_INT, lens.data(), 1, MPI_INT, comm);
  if (rc != MPI_SUCCESS) return MpiError("MPI_Allgather", rc);
  int total = 0;
  for (int i = 0; i < size; ++i) {
    offsets[i] = total;
    total += lens[i];
  }
  std::vector<std::byte> all(total);
  rc = MPI_Allgatherv(mine.data(), my_len, MPI_BYTE, all.data(), lens.data(), offsets.data(),
                      MPI_BYTE, comm);
  if (rc != MPI_SUCCESS) return MpiError("MPI_Allgatherv", rc);
  std::vector<std::vector<std::byte>> out(size);
  for (int i = 0; i < size; ++i) {
    out[i].assign(all.begin() + offsets[i], all.begin() + offsets[i] + lens[i]);
  }
  return out;
}

Status Barrier(MPI_Comm comm) {
  int rc = MPI_Barrier(comm);
  return rc == MPI_SUCCESS ? Status::OK() : MpiError("MPI_Barrier", rc);
}

}  // namespace ibex::net
