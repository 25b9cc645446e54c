// MemoryTracker: per-query accounting of the memory operators hold (hash tables, aggregate
// states, sort runs, collected results) against the query's limit (`SET memory_limit`). An
// operator reserves before it grows; a reservation that would pass the limit fails with
// OutOfMemory naming the operator, and the query unwinds (everything it held is released by
// RAII), leaving the process healthy.
//
// Thread safety: Reserve/Release may be called from any thread (atomics).
#pragma once

#include <atomic>
#include <cstdint>
#include <string>
#include <string_view>

#include "common/status.h"

namespace ibex::exec {

class MemoryTracker {
 public:
  // limit_bytes <= 0: unlimited.
  explicit MemoryTracker(int64_t limit_bytes = 0) : limit_(limit_bytes) {}

  Status Reserve(int64_t bytes, std::string_view who);
  void Release(int64_t bytes) { used_.fetch_sub(bytes, std::memory_order_relaxed); }

  int64_t used() const { return used_.load(std::memory_order_relaxed); }
  int64_t peak() const { return peak_.load(std::memory_order_relaxed); }
  int64_t limit() const { return limit_; }

 private:
  int64_t limit_;
  std::atomic<int64_t> used_{0};
  std::atomic<int64_t> peak_{0};
};

// Bytes an operator holds, released from the tracker when it dies. Grow() reserves more.
class MemoryReservation {
 public:
  MemoryReservation(MemoryTracker* tracker, std::string who)
      : tracker_(tracker), who_(std::move(who)) {}
  ~MemoryReservation() {
    if (tracker_ != nullptr) tracker_->Release(bytes_);
  }
  MemoryReservation(const MemoryReservation&) = delete;
  MemoryReservation& operator=(const MemoryReservation&) = delete;

  // Makes the reservation at least `total` bytes.
  Status ResizeTo(int64_t total);
  int64_t bytes() const { return bytes_; }

 private:
  MemoryTracker* tracker_;
  std::string who_;
  int64_t bytes_ = 0;
};

// "1.5 GiB"
std::string FormatBytes(int64_t bytes);
// "4GB", "512 MiB", "100000" -> bytes; InvalidArgument otherwise.
Result<int64_t> ParseMemorySize(std::string_view text);

}  // namespace ibex::exec
