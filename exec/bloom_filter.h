// Bloom filters below shuffles (docs/scheduler.md): the build side of a selective join sets
// bits for the partitioning hashes of its shuffle keys; the probe side's exchange sender drops
// rows whose hash cannot be in the filter before shuffling them. The keys are hashed once, by
// the shuffle itself (exec/partition_hash.h); the filter re-mixes that hash for its probes.
//
// BloomFilter: a power-of-two bit array, 3 probes per key. Add is thread-safe (atomic OR), so
// every worker of the build side's sender adds to one filter without merging.
// BloomInbox: where a probe-side rank assembles the filter from the pieces every build-side
// sender sends (words at an offset, ORed in), and where its senders wait for it to be complete.
//
// Threads: Add/MayContain from any threads; BloomInbox's AddBuffer/MarkEnded/Fail from the
// runtime's drain thread, Wait from workers.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <vector>

#include "common/status.h"

namespace ibex::exec {

class BloomFilter {
 public:
  // `bits` is rounded up to a power of two (at least 64).
  explicit BloomFilter(int64_t bits);

  void Add(uint64_t hash) {
    const uint64_t h = Mix(hash);
    for (int i = 0; i < kProbes; ++i) {
      const uint64_t bit = Probe(h, i);
      words_[bit >> 6].fetch_or(uint64_t{1} << (bit & 63), std::memory_order_relaxed);
    }
  }
  bool MayContain(uint64_t hash) const {
    const uint64_t h = Mix(hash);
    for (int i = 0; i < kProbes; ++i) {
      const uint64_t bit = Probe(h, i);
      if ((words_[bit >> 6].load(std::memory_order_relaxed) & (uint64_t{1} << (bit & 63))) == 0) {
        return false;
      }
    }
    return true;
  }

  size_t words() const { return words_.size(); }
  int64_t bits() const { return static_cast<int64_t>(words_.size()) * 64; }
  uint64_t word(size_t i) const { return words_[i].load(std::memory_order_relaxed); }
  void OrWord(size_t i, uint64_t w) { words_[i].fetch_or(w, std::memory_order_relaxed); }
  // Share of bits set (how full the filter is; EXPLAIN ANALYZE).
  double FillRatio() const;

  // The filter as exchange buffers of at most `max_bytes` each: [u64 word offset][words].
  std::vector<std::string> Pieces(size_t max_bytes) const;

 private:
  static constexpr int kProbes = 3;
  static uint64_t Mix(uint64_t h) {
    // A second finalizer over the partitioning hash: its low bits chose the partition, so the
    // filter must not reuse them as they are.
    h ^= h >> 33;
    h *= 0xc4ceb9fe1a85ec53ULL;
    h ^= h >> 29;
    return h;
  }
  uint64_t Probe(uint64_t h, int i) const {
    const uint64_t step = (h >> 32) | 1;
    return (h + static_cast<uint64_t>(i) * step) & mask_;
  }

  std::vector<std::atomic<uint64_t>> words_;
  uint64_t mask_;
};

class BloomInbox {
 public:
  BloomInbox(int64_t bits, int senders) : filter_(bits), senders_(senders) {}

  // One piece from a build-side sender; Corruption when it does not fit the filter.
  Status AddBuffer(int source, std::span<const std::byte> bytes);
  void MarkEnded();
  void Fail(Status why);
  // Blocks until every sender's pieces arrived (or the query failed: its reason).
  Status Wait();
  const BloomFilter& filter() const { return filter_; }
  bool complete() const { return complete_.load(std::memory_order_acquire); }
  int64_t wait_ns() const { return wait_ns_.load(std::memory_order_relaxed); }

 private:
  BloomFilter filter_;
  const int senders_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool ended_ = false;  // guarded by mu_
  Status failed_;       // guarded by mu_
  std::atomic<bool> complete_{false};
  std::atomic<int64_t> wait_ns_{0};
};

}  // namespace ibex::exec
