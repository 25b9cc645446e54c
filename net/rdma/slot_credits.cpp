#include "net/rdma/slot_credits.h"

#include <algorithm>

#include "common/check.h"

namespace ibex::net {

SlotCredits::SlotCredits(uint32_t slots, uint32_t reserved, uint32_t max_open)
    : slots_(slots), reserved_(std::min(reserved, slots)) {
  IBEX_CHECK_GT(slots, 0u);
  uint32_t others = reserved_ * (std::max(max_open, 1u) - 1);
  cap_ = others < slots_ ? std::max(slots_ - others, reserved_) : reserved_;
  cap_ = std::max(cap_, 1u);
  free_.reserve(slots);
  is_free_.assign(slots, true);
  for (uint32_t i = slots; i > 0; --i) free_.push_back(i - 1);  // hand out 0 first
}

void SlotCredits::Open(const ExchangeKey& key) { uses_[key].open = true; }

void SlotCredits::Close(const ExchangeKey& key) {
  auto it = uses_.find(key);
  if (it == uses_.end()) return;
  it->second.open = false;
  if (it->second.used == 0) uses_.erase(it);
}

uint32_t SlotCredits::used(const ExchangeKey& key) const {
  auto it = uses_.find(key);
  return it == uses_.end() ? 0 : it->second.used;
}

bool SlotCredits::CanTake(const ExchangeKey& key) const {
  if (free_.empty()) return false;
  uint32_t mine = used(key);
  if (mine >= cap_) return false;
  if (mine < reserved_) return true;
  uint64_t owed = 0;  // unfilled reserve of the other open exchanges
  for (const auto& [k, use] : uses_) {
    if (k != key && use.open && use.used < reserved_) owed += reserved_ - use.used;
  }
  return free_.size() - 1 >= owed;
}

std::optional<uint32_t> SlotCredits::Take(const ExchangeKey& key) {
  if (!CanTake(key)) return std::nullopt;
  uint32_t slot = free_.back();
  free_.pop_back();
  is_free_[slot] = false;
  ++uses_[key].used;
  return slot;
}

bool SlotCredits::Return(const ExchangeKey& key, uint32_t slot) {
  if (slot >= slots_ || is_free_[slot]) return false;
  auto it = uses_.find(key);
  if (it == uses_.end() || it->second.used == 0) return false;
  --it->second.used;
  is_free_[slot] = true;
  if (it->second.used == 0 && !it->second.open) uses_.erase(it);
  free_.push_back(slot);
  return true;
}

}  // namespace ibex::net
