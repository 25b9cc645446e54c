// WorkFeed: work orders handed out while a pipeline runs, by the coordinator's foreman
// (scheduler/foreman.h), instead of counted up front: an executor's workers take orders from
// the feed; when fewer than `low_water` are queued the feed asks for more (once at a time), and
// the foreman answers with a batch — the executor's own blocks first, then, where allowed,
// unstarted blocks of a slower executor's partition. So each executor has a bounded number of
// orders outstanding and a fast one does not idle while a slow one has a backlog.
//
// Threads: Next from worker threads; Grant/Fail from the runtime (the network thread);
// the request callback runs on whichever thread noticed the queue running low, outside the
// lock, and must not block.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <vector>

#include "common/status.h"

namespace ibex::exec {

class WorkFeed {
 public:
  WorkFeed(size_t low_water, std::function<void()> request)
      : low_water_(low_water), request_(std::move(request)) {}

  // Asks for the first batch now, before any worker wants an order: the scans of a fragment
  // (build sides and probe side) then wait for their first round trip all at once.
  void Prime();
  // Blocks until an order is available (true, *order set), the feed is exhausted (false), or
  // it failed (the reason: cancel, a dead coordinator).
  Result<bool> Next(size_t* order);
  // A batch from the foreman; `last`: no more will come.
  void Grant(const std::vector<uint64_t>& orders, bool last);
  void Fail(Status why);

  // Orders and grants received, and the time workers spent blocked in Next waiting for one
  // (summed over workers): what the round trips to the foreman cost this executor.
  struct Counters {
    int64_t orders = 0;
    int64_t grants = 0;
    int64_t wait_ns = 0;
  };
  Counters counters() const;

 private:
  void MaybeRequest(std::unique_lock<std::mutex>& lock);

  const size_t low_water_;
  std::function<void()> request_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::deque<uint64_t> queue_;  // guarded by mu_
  bool requested_ = false;      // a request is outstanding
  bool last_ = false;
  Status failed_;
  Counters counters_;  // guarded by mu_
};

}  // namespace ibex::exec
