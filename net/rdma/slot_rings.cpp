#include "net/rdma/slot_rings.h"

#include <new>

#include "common/check.h"

namespace ibex::net {
namespace {

constexpr size_t RoundUp64(size_t n) { return (n + 63) / 64 * 64; }

// Per sender: ready head, ready tail, credit head, credit tail, sender-waiting flag (a cache
// line each: each is written by one side only), then the two entry arrays.
enum Word : size_t { kReadyHead, kReadyTail, kCreditHead, kCreditTail, kSenderWaiting, kWords };

size_t PairBytes(uint32_t k) { return RoundUp64(kWords * sizeof(SharedWord) + 2 * size_t{k} * sizeof(RingEntry)); }
constexpr size_t kWaitingBytes = RoundUp64(SlotRings::kWaitBuckets * sizeof(std::atomic<uint64_t>));

}  // namespace

bool SlotRing::Push(const RingEntry& e) {
  uint64_t head = head_->value.load(std::memory_order_relaxed);  // ours
  uint64_t tail = tail_->value.load(std::memory_order_acquire);
  if (head - tail >= capacity_) return false;
  entries_[head % capacity_] = e;
  head_->value.store(head + 1, std::memory_order_release);
  return true;
}

bool SlotRing::Drain(std::vector<RingEntry>* out) {
  uint64_t tail = tail_->value.load(std::memory_order_relaxed);  // ours
  uint64_t head = head_->value.load(std::memory_order_acquire);
  if (head == tail) return true;
  if (head - tail > capacity_) return false;
  for (uint64_t i = tail; i != head; ++i) out->push_back(entries_[i % capacity_]);
  // Release: our reads of the entries come before the producer may overwrite them.
  tail_->value.store(head, std::memory_order_release);
  return true;
}

bool SlotRing::Taken() const {
  return tail_->value.load(std::memory_order_acquire) ==
         head_->value.load(std::memory_order_relaxed);
}

size_t SlotRings::Bytes(int ranks, uint32_t k) {
  return kWaitingBytes + static_cast<size_t>(ranks) * PairBytes(k);
}

void SlotRings::Initialize(std::byte* area, int ranks, uint32_t k) {
  auto* waiting = reinterpret_cast<std::atomic<uint64_t>*>(area);
  for (uint32_t i = 0; i < kWaitBuckets; ++i) new (&waiting[i]) std::atomic<uint64_t>(0);
  for (int s = 0; s < ranks; ++s) {
    std::byte* pair = area + kWaitingBytes + static_cast<size_t>(s) * PairBytes(k);
    for (size_t w = 0; w < kWords; ++w) new (pair + w * sizeof(SharedWord)) SharedWord();
    new (pair + kWords * sizeof(SharedWord)) RingEntry[2 * size_t{k}];
  }
}

SlotRings::SlotRings(std::byte* area, int ranks, uint32_t k) : area_(area), ranks_(ranks), k_(k) {}

std::byte* SlotRings::Pair(int sender) const {
  IBEX_CHECK(sender >= 0 && sender < ranks_);
  return area_ + kWaitingBytes + static_cast<size_t>(sender) * PairBytes(k_);
}

SlotRing SlotRings::Ready(int sender) const {
  auto* words = reinterpret_cast<SharedWord*>(Pair(sender));
  auto* entries = reinterpret_cast<RingEntry*>(words + kWords);
  return SlotRing(&words[kReadyHead], &words[kReadyTail], entries, k_);
}

SlotRing SlotRings::Credit(int sender) const {
  auto* words = reinterpret_cast<SharedWord*>(Pair(sender));
  auto* entries = reinterpret_cast<RingEntry*>(words + kWords) + k_;
  return SlotRing(&words[kCreditHead], &words[kCreditTail], entries, k_);
}

std::atomic<uint64_t>& SlotRings::SenderWaiting(int sender) const {
  return reinterpret_cast<SharedWord*>(Pair(sender))[kSenderWaiting].value;
}

std::atomic<uint64_t>& SlotRings::Waiting(const ExchangeKey& key) const {
  uint64_t h = (key.query * 0x9E3779B97F4A7C15ull) ^ (uint64_t{key.exchange} * 0xC2B2AE3D27D4EB4Full);
  auto* waiting = reinterpret_cast<std::atomic<uint64_t>*>(area_);
  return waiting[(h >> 32) % kWaitBuckets];
}

}  // namespace ibex::net
