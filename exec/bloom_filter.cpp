#include "exec/bloom_filter.h"

#include <bit>
#include <chrono>
#include <cstring>

namespace ibex::exec {

BloomFilter::BloomFilter(int64_t bits) {
  uint64_t n = std::bit_ceil(static_cast<uint64_t>(std::max<int64_t>(bits, 64)));
  words_ = std::vector<std::atomic<uint64_t>>(n / 64);
  mask_ = n - 1;
}

double BloomFilter::FillRatio() const {
  int64_t set = 0;
  for (const auto& w : words_) set += std::popcount(w.load(std::memory_order_relaxed));
  return static_cast<double>(set) / static_cast<double>(bits());
}

std::vector<std::string> BloomFilter::Pieces(size_t max_bytes) const {
  const size_t per_piece = std::max<size_t>(1, (max_bytes - sizeof(uint64_t)) / sizeof(uint64_t));
  std::vector<std::string> out;
  for (size_t first = 0; first < words_.size(); first += per_piece) {
    const size_t n = std::min(per_piece, words_.size() - first);
    std::string piece(sizeof(uint64_t) * (n + 1), '\0');
    const uint64_t offset = first;
    std::memcpy(piece.data(), &offset, sizeof(offset));
    for (size_t i = 0; i < n; ++i) {
      const uint64_t w = word(first + i);
      std::memcpy(piece.data() + sizeof(uint64_t) * (i + 1), &w, sizeof(w));
    }
    out.push_back(std::move(piece));
  }
  return out;
}

Status BloomInbox::AddBuffer(int source, std::span<const std::byte> bytes) {
  if (bytes.size() < sizeof(uint64_t) || bytes.size() % sizeof(uint64_t) != 0) {
    return Status::Corruption("bloom filter piece from rank " + std::to_string(source) + " has " +
                              std::to_string(bytes.size()) + " bytes");
  }
  uint64_t offset = 0;
  std::memcpy(&offset, bytes.data(), sizeof(offset));
  const size_t n = bytes.size() / sizeof(uint64_t) - 1;
  if (offset > filter_.words() || n > filter_.words() - offset) {
    return Status::Corruption("bloom filter piece from rank " + std::to_string(source) +
                              " lies outside the filter");
  }
  for (size_t i = 0; i < n; ++i) {
    uint64_t w;
    std::memcpy(&w, bytes.data() + sizeof(uint64_t) * (i + 1), sizeof(w));
    filter_.OrWord(offset + i, w);
  }
  return Status::OK();
}

void BloomInbox::MarkEnded() {
  {
    std::lock_guard lock(mu_);
    ended_ = true;
  }
  complete_.store(true, std::memory_order_release);
  cv_.notify_all();
}

void BloomInbox::Fail(Status why) {
  {
    std::lock_guard lock(mu_);
    if (failed_.ok()) failed_ = std::move(why);
  }
  cv_.notify_all();
}

Status BloomInbox::Wait() {
  const auto t0 = std::chrono::steady_clock::now();
  std::unique_lock lock(mu_);
  cv_.wait(lock, [&] { return ended_ || !failed_.ok(); });
  wait_ns_.fetch_add(std::chrono::duration_cast<std::chrono::nanoseconds>(
                         std::chrono::steady_clock::now() - t0)
                         .count(),
                     std::memory_order_relaxed);
  return failed_.ok() ? Status::OK() : failed_;
}

}  // namespace ibex::exec
