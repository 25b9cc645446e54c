#include "exec/work_feed.h"

#include <chrono>

namespace ibex::exec {

void WorkFeed::MaybeRequest(std::unique_lock<std::mutex>& lock) {
  if (requested_ || last_ || !failed_.ok() || queue_.size() >= low_water_) return;
  requested_ = true;
  lock.unlock();
  request_();
  lock.lock();
}

void WorkFeed::Prime() {
  std::unique_lock lock(mu_);
  MaybeRequest(lock);
}

Result<bool> WorkFeed::Next(size_t* order) {
  std::unique_lock lock(mu_);
  while (true) {
    if (!failed_.ok()) return failed_;
    MaybeRequest(lock);
    if (!queue_.empty()) {
      *order = static_cast<size_t>(queue_.front());
      queue_.pop_front();
      MaybeRequest(lock);  // keep the next batch on its way while this order runs
      return true;
    }
    if (last_) return false;
    const auto t0 = std::chrono::steady_clock::now();
    cv_.wait(lock, [&] { return !queue_.empty() || last_ || !failed_.ok() || !requested_; });
    counters_.wait_ns +=
        std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now() - t0)
            .count();
  }
}

void WorkFeed::Grant(const std::vector<uint64_t>& orders, bool last) {
  {
    std::lock_guard lock(mu_);
    queue_.insert(queue_.end(), orders.begin(), orders.end());
    counters_.orders += static_cast<int64_t>(orders.size());
    ++counters_.grants;
    requested_ = false;
    last_ = last_ || last;
  }
  cv_.notify_all();
}

void WorkFeed::Fail(Status why) {
  {
    std::lock_guard lock(mu_);
    if (failed_.ok()) failed_ = std::move(why);
  }
  cv_.notify_all();
}

WorkFeed::Counters WorkFeed::counters() const {
  std::lock_guard lock(mu_);
  return counters_;
}

}  // namespace ibex::exec
