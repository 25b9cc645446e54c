// Executor: the worker threads of one rank and the loop that runs pipelines on them. Each
// pipeline's work orders are taken by the workers from an atomic cursor (block-granular, the
// unit the distributed scheduler hands out); each worker keeps its own local operator and
// sink states, combines its sink state when the pipeline's orders run out, and the last one
// lets Finalize run. A work order whose source reports kBlocked is put back for later. The
// calling thread waits on a condition variable (no sleeping, no polling).
//
// Threads: one Executor per process (or per test); Run may be called from one thread at a
// time. Worker threads inherit the process's CPU binding (the launcher pinned the rank) and run
// under SCHED_BATCH (see RunAsBatchThread in executor.cpp): a worker that wakes up does not
// preempt the rank's network thread or the coordinator in the middle of their short work.
#pragma once

#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

#include "common/status.h"
#include "exec/operator.h"

namespace ibex::exec {

class Executor {
 public:
  // threads <= 0: one per CPU of the process's affinity mask.
  explicit Executor(int threads = 0);
  ~Executor();
  Executor(const Executor&) = delete;
  Executor& operator=(const Executor&) = delete;

  int threads() const { return static_cast<int>(workers_.size()); }

  // Runs the pipelines in order (each after the previous finished). Stops at the first error
  // (the other workers stop at their next chunk).
  Status Run(ExecContext& ctx, const std::vector<Pipeline>& pipelines);
  Status RunPipeline(ExecContext& ctx, const Pipeline& pipeline);

 private:
  void WorkerLoop();
  static void RunAsBatchThread();
  // Runs `task` on every worker and waits for all to return.
  void RunOnAll(const std::function<void()>& task);

  std::vector<std::thread> workers_;
  std::mutex mu_;
  std::condition_variable work_cv_;
  std::condition_variable done_cv_;
  const std::function<void()>* task_ = nullptr;
  uint64_t generation_ = 0;
  int running_ = 0;
  bool stop_ = false;
};

// Number of CPUs this process may run on.
int AvailableCpus();

}  // namespace ibex::exec
