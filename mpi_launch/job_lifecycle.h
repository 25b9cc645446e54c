// How the ranks of one job end together, over the fabric's control plane (not MPI, whose
// blocking calls spin): rank 0 decides when the job ends and with which exit status, and
// tells every executor; an executor waits for that on a condition variable — asleep, not
// polling — or for the coordinator's failure, which the control endpoints detect within a
// few seconds (docs/net.md). When every rank is alive the end is collective (Fabric::Shutdown,
// over the control plane: MPI was finalized after bootstrap); after a failure it is local
// (Fabric::Abandon), because a dead rank would never reach a collective.
//
// Threads: the control handler and the failure callback run on the network thread and only
// record and notify; WaitForJobEnd blocks the calling (main) thread.
#pragma once

#include <condition_variable>
#include <mutex>
#include <optional>
#include <set>
#include <string>

#include "common/status.h"
#include "net/rdma/fabric.h"

namespace ibex::launch {

// Control message types of mpi_launch on the fabric (net leaves the type space to callers).
inline constexpr uint16_t kControlJobEnd = 0x0100;

struct JobEnd {
  int exit_code = 0;
  bool collective = true;  // every rank is alive: shut down collectively
  Status failure;          // set when the coordinator failed instead of ending the job
};

class JobLifecycle {
 public:
  // Registers the handler and the failure callback. Every rank constructs it before any rank
  // may end the job (main() puts a barrier after construction).
  explicit JobLifecycle(net::Fabric& fabric);

  // Coordinator: tells every live executor that the job ends with `exit_code`. The end is
  // collective when no peer has failed. Returns what this rank should do itself.
  JobEnd EndJob(int exit_code);

  // Executor: sleeps until the coordinator ends the job or fails.
  JobEnd WaitForJobEnd();

  // Ranks seen failing so far, in order, as "rank 2 (node7): <why>".
  std::vector<std::string> FailedPeers() const;

 private:
  void OnJobEnd(int source, std::span<const std::byte> payload);
  void OnPeerFailed(int rank, const Status& why);

  net::Fabric& fabric_;
  mutable std::mutex mu_;
  std::condition_variable changed_;
  std::optional<JobEnd> end_;             // guarded by mu_
  std::set<int> failed_;                  // guarded by mu_
  std::vector<std::string> failure_text_;  // guarded by mu_
};

}  // namespace ibex::launch
