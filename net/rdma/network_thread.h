// The one thread per rank that owns the UCX worker. Everything that touches UCX after
// bootstrap runs on it: submitted closures, UCX callbacks, active-message handlers.
//
// Loop: run submitted closures; ucp_worker_progress until it returns 0; while requests are
// outstanding and something progressed in the last `spin`, sched_yield and go round; else
// ucp_worker_arm and epoll_wait on {worker event fd, an eventfd}. Other threads Submit()
// closures; the eventfd is written only when the loop is (about to be) asleep. No sleeps.
//
// Thread safety: Submit/RunSync from any thread (RunSync never from the network thread);
// AddOutstanding and everything else only on the network thread.
#pragma once

#include <ucp/api/ucp.h>

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "common/status.h"

namespace ibex::net {

class NetworkThread {
 public:
  struct Options {
    std::chrono::microseconds spin{50};
    // Wake at least this often while set (keepalive runs from progress). 0 = never.
    std::chrono::milliseconds timer{0};
  };

  // `worker` must have UCP_FEATURE_WAKEUP; it is used only by the new thread from now on.
  static Result<std::unique_ptr<NetworkThread>> Start(ucp_worker_h worker, Options options);
  ~NetworkThread();  // stops and joins; pending closures are dropped
  NetworkThread(const NetworkThread&) = delete;
  NetworkThread& operator=(const NetworkThread&) = delete;

  void Submit(std::function<void()> task);
  // Runs `task` on the network thread and waits for it. Not from the network thread.
  void RunSync(const std::function<void()>& task);
  bool InNetworkThread() const { return std::this_thread::get_id() == thread_.get_id(); }

  // Requests in flight whose completion needs progress: keeps the loop spinning briefly.
  void AddOutstanding(int delta) { outstanding_ += delta; }
  void SetTimer(std::chrono::milliseconds timer) { timer_ms_.store(static_cast<int>(timer.count())); }

  // Counters for tests and the benchmark report.
  uint64_t sleeps() const { return sleeps_.load(std::memory_order_relaxed); }
  // The kernel thread id (for per-thread CPU accounting in tests).
  int tid() const { return tid_.load(); }

 private:
  NetworkThread(ucp_worker_h worker, Options options, int epoll_fd, int event_fd);
  void Loop();
  bool RunTasks();
  void Wake();

  ucp_worker_h worker_;
  Options options_;
  int epoll_fd_;
  int event_fd_;
  std::atomic<int> timer_ms_{0};
  std::mutex mu_;
  std::vector<std::function<void()>> tasks_;  // guarded by mu_
  std::atomic<bool> has_tasks_{false};
  std::atomic<bool> sleeping_{false};
  std::atomic<bool> stop_{false};
  std::atomic<uint64_t> sleeps_{0};
  int outstanding_ = 0;  // network thread only
  std::atomic<int> tid_{0};
  std::thread thread_;
};

}  // namespace ibex::net
