// Wire format of the exchange layer's small messages (AM id kAmExchangeNotice, in the AM data)
// and of the active-message data path's header (AM id kAmExchangeData, in the AM header).
// Encoding is pure; decoding is bounds-checked and rejects anything malformed, so a handler
// can trust a decoded message's shape (ranges are checked by the service, which knows K).
//
// Thread safety: pure functions.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <variant>
#include <vector>

#include "common/status.h"
#include "net/rdma/exchange_key.h"

namespace ibex::net {

// "slot `slot` of the sender's partition now holds `bytes` of exchange `key`".
struct SlotEntry {
  ExchangeKey key;
  uint32_t slot = 0;
  uint32_t bytes = 0;
  bool operator==(const SlotEntry&) const = default;
};

struct ReadyNotice {  // sender -> receiver, after the flush covering these puts
  std::vector<SlotEntry> slots;
};
struct EndNotice {  // sender -> receiver: no more buffers after `count` in total
  ExchangeKey key;
  uint64_t count = 0;
};
struct CreditNotice {  // receiver -> sender: these slots are free again (bytes unused)
  std::vector<SlotEntry> slots;
};

// Store path: "poll the ring I wrote" (docs/net.md). Sent only to a side that said it sleeps
// (or, for the ready ring, to a receiver that has not taken entries a blocked sender waits on).
struct RingDoorbell {
  enum Ring : uint8_t { kReady = 1, kCredit = 2 };
  Ring ring = kReady;
};

struct Notice {
  uint32_t generation = 0;  // of the exchange service (one per Create); stale ones are dropped
  uint32_t source = 0;
  std::variant<ReadyNotice, EndNotice, CreditNotice, RingDoorbell> body;
};

std::vector<std::byte> EncodeNotice(const Notice& notice);
Result<Notice> DecodeNotice(std::span<const std::byte> in);

// Header of one buffer sent by active message.
struct DataHeader {
  uint32_t generation = 0;
  uint32_t source = 0;
  SlotEntry entry;
  static constexpr size_t kWireBytes = 2 + 4 + 4 + 8 + 4 + 4 + 4;
};
std::vector<std::byte> EncodeDataHeader(const DataHeader& header);
Result<DataHeader> DecodeDataHeader(std::span<const std::byte> in);

}  // namespace ibex::net
