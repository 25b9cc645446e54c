// Sender-side credit accounting toward one receiver: the K slots of the receiver's region
// that belong to this sender, shared by every exchange this sender has open toward it.
//
// Reserve rule (why two exchanges cannot deadlock): an open exchange may always take a slot
// while it holds fewer than `reserved` (q); beyond that only if the free slots left still cover
// the unfilled reserve of every other open exchange, and never more than
// K - q*(max_open-1). An exchange whose receiver consumes it only after another exchange has
// finished therefore still gets its q slots, and the other one can finish.
//
// Pure and single-threaded: the exchange service guards it with its mutex.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <vector>

#include "net/rdma/exchange_key.h"

namespace ibex::net {

class SlotCredits {
 public:
  SlotCredits(uint32_t slots, uint32_t reserved, uint32_t max_open);

  // The exchange starts / stops needing its reserve toward this receiver. Slots it still
  // holds stay counted until returned.
  void Open(const ExchangeKey& key);
  void Close(const ExchangeKey& key);
  // Whether Take(key) would succeed now.
  bool CanTake(const ExchangeKey& key) const;
  // A free slot (0..K-1) for `key`, or nullopt: out of credits for now.
  std::optional<uint32_t> Take(const ExchangeKey& key);
  // False (and nothing changes) for a slot that is not held by `key`: a protocol error of
  // the receiver that sent the credit.
  bool Return(const ExchangeKey& key, uint32_t slot);

  uint32_t free_slots() const { return static_cast<uint32_t>(free_.size()); }
  uint32_t used(const ExchangeKey& key) const;
  uint32_t cap() const { return cap_; }

 private:
  struct Use {
    uint32_t used = 0;
    bool open = false;
  };
  uint32_t slots_;
  uint32_t reserved_;
  uint32_t cap_;
  std::vector<uint32_t> free_;
  std::vector<bool> is_free_;
  std::map<ExchangeKey, Use> uses_;
};

}  // namespace ibex::net
