// The store path's handshake in shared memory (docs/net.md, "Store path"). A receiver's
// region ends with a control area; for every sender rank s it holds two single-producer
// single-consumer rings of K entries:
//   ready:  written by s ("slot i of exchange e holds n bytes"), read by the receiver;
//   credit: written by the receiver ("slot i of exchange e is free again"), read by s;
// plus s's "blocked on credits" flag, and, once per receiver, a small table of counters
// "a consumer of an exchange hashing here is about to sleep". Both processes map the area
// (the receiver owns it, the sender sees it through ucp_rkey_ptr), so neither side needs the
// network thread to hand a slot over: a producer publishes and a consumer polls, in the
// calls the caller makes anyway. Sleeping sides are woken by an active message (a doorbell);
// the flags above say when one is needed (the Dekker pairing is in docs/net.md).
//
// A ring never holds more than K entries: a ready entry names a slot its sender holds, a
// credit entry one it is owed back, and a sender holds at most K slots of one receiver. So
// Push failing, or Drain seeing more than K entries, is a broken peer, not back-pressure.
//
// Thread safety: each end of a ring is used by one thread at a time (the exchange service's
// mutex on each side); the two ends run concurrently in different processes.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "net/rdma/exchange_key.h"

namespace ibex::net {

// One ring element. Plain data, published by the ring's head (release) and read after it
// (acquire).
struct RingEntry {
  uint64_t query = 0;
  uint32_t exchange = 0;
  uint32_t slot = 0;
  uint32_t bytes = 0;
  uint32_t unused = 0;
};
static_assert(sizeof(RingEntry) == 24);

struct alignas(64) SharedWord {
  std::atomic<uint64_t> value{0};
};
static_assert(std::atomic<uint64_t>::is_always_lock_free, "shared-memory words need lock-free atomics");

// One direction between two processes, over memory both map.
class SlotRing {
 public:
  SlotRing() = default;
  SlotRing(SharedWord* head, SharedWord* tail, RingEntry* entries, uint32_t capacity)
      : head_(head), tail_(tail), entries_(entries), capacity_(capacity) {}

  // Producer. False (nothing written) if the ring holds `capacity` entries already.
  bool Push(const RingEntry& e);
  // Consumer: appends every published entry to `out` and frees their places. False if the
  // producer's head claims more than `capacity` unread entries (nothing taken).
  bool Drain(std::vector<RingEntry>* out);
  // Producer's view: whether the consumer has taken everything pushed so far.
  bool Taken() const;
  bool valid() const { return head_ != nullptr; }

 private:
  SharedWord* head_ = nullptr;      // entries pushed (written by the producer)
  SharedWord* tail_ = nullptr;      // entries taken (written by the consumer)
  RingEntry* entries_ = nullptr;
  uint32_t capacity_ = 0;
};

// The control area of one receiver's region, as seen from either side.
class SlotRings {
 public:
  static constexpr uint32_t kWaitBuckets = 64;

  // Bytes of the control area for `ranks` senders with `k` slots each (a multiple of 64).
  static size_t Bytes(int ranks, uint32_t k);
  // The receiver, once, on zeroed memory before any peer can see it.
  static void Initialize(std::byte* area, int ranks, uint32_t k);

  SlotRings() = default;
  SlotRings(std::byte* area, int ranks, uint32_t k);

  SlotRing Ready(int sender) const;
  SlotRing Credit(int sender) const;
  // Set by `sender` when it waits for credits from this receiver; the receiver swaps it to 0
  // and rings the sender's credit doorbell.
  std::atomic<uint64_t>& SenderWaiting(int sender) const;
  // Consumers of exchanges hashing to this bucket that wait with a wake-up registered.
  std::atomic<uint64_t>& Waiting(const ExchangeKey& key) const;
  bool valid() const { return area_ != nullptr; }

 private:
  std::byte* Pair(int sender) const;
  std::byte* area_ = nullptr;
  int ranks_ = 0;
  uint32_t k_ = 0;
};

}  // namespace ibex::net
