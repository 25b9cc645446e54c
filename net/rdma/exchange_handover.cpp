// The store path's hand-over through the rings in the receivers' regions (slot_rings.h), and
// the credits and doorbells that go back (with the credit notices of the other paths): the
// members of ExchangeService::Impl behind docs/net.md's "Store path" section. Everything here
// runs under Impl::mu (ReturnCredit takes it, the rest expect it held); what must happen after
// it is released goes to Impl::deferred_wakes / deferred_errors, which Impl::Section runs.
#include "net/rdma/exchange_impl.h"

namespace ibex::net {

void ExchangeService::Impl::ReturnCredit(int source, const ExchangeKey& key, uint32_t slot) {
  Section section(*this);
  ReturnCreditLocked(source, key, slot);
}

void ExchangeService::Impl::ReturnCreditLocked(int source, const ExchangeKey& key, uint32_t slot) {
  if (DirectToSelf(source)) {
    TakeBackSlotLocked(source, key, slot);
    WakeBlockedLocked(source);
    return;
  }
  if (!ring_source[source]) {
    QueueCreditNoticeLocked(source, SlotEntry{key, slot, 0});
    return;
  }
  if (!own_rings.Credit(source).Push(RingEntry{key.query, key.exchange, slot, 0, 0})) {
    deferred_errors.emplace_back(source, "credit ring overfull: rank holds more slots than "
                                         "it was given");
    return;
  }
  // Dekker with the sender's WhenUnblocked (store flag, fence, poll): either it sees this
  // credit or we see its flag and ring its doorbell.
  std::atomic_thread_fence(std::memory_order_seq_cst);
  std::atomic<uint64_t>& waiting = own_rings.SenderWaiting(source);
  if (waiting.load(std::memory_order_relaxed) != 0 && waiting.exchange(0) != 0) {
    QueueDoorbellLocked(source, RingDoorbell::kCredit);
  }
}

void ExchangeService::Impl::PublishReadyLocked(int dest, const SlotEntry& e) {
  if (DirectToSelf(dest)) {
    DeliverLocked(dest, e);
    return;
  }
  const SlotRings& rings = peer_rings[dest];
  // Cannot fail: the ring holds at most the K slots we hold there (slot_rings.h).
  IBEX_CHECK(rings.Ready(rank).Push(RingEntry{e.key.query, e.key.exchange, e.slot, e.bytes, 0}))
      << "ready ring toward rank " << dest << " overfull";
  // Dekker with the receiver's WhenReady (count, fence, poll): either its poll sees this
  // entry or we see its count and ring its doorbell.
  std::atomic_thread_fence(std::memory_order_seq_cst);
  if (rings.Waiting(e.key).load(std::memory_order_relaxed) != 0) {
    QueueDoorbellLocked(dest, RingDoorbell::kReady);
  }
}

void ExchangeService::Impl::QueueCreditNoticeLocked(int to, const SlotEntry& entry) {
  outbox.credits[to].push_back(entry);
  ScheduleOutboxLocked();
}

void ExchangeService::Impl::QueueDoorbellLocked(int to, RingDoorbell::Ring ring) {
  outbox.doorbells[to] |= ring;
  ++stats.doorbells;
  ScheduleOutboxLocked();
}

void ExchangeService::Impl::ScheduleOutboxLocked() {
  if (outbox.scheduled) return;
  outbox.scheduled = true;
  Submit([this] {
    Outbox out;
    {
      std::lock_guard<std::mutex> lock(mu);
      std::swap(out, outbox);  // leaves the outbox empty and unscheduled
      outbox.credits.resize(size);
      outbox.doorbells.assign(size, 0);
    }
    const auto self = static_cast<uint32_t>(rank);
    for (int r = 0; r < size; ++r) {
      if (!out.credits[r].empty()) {
        SendNotice(r, Notice{generation, self, CreditNotice{std::move(out.credits[r])}});
      }
      for (auto ring : {RingDoorbell::kReady, RingDoorbell::kCredit}) {
        if (out.doorbells[r] & ring) SendNotice(r, Notice{generation, self, RingDoorbell{ring}});
      }
    }
  });
}

void ExchangeService::Impl::PollReadyRingsLocked() {
  for (int s = 0; s < size; ++s) {
    if (s == rank) continue;
    drained.clear();
    if (!own_rings.Ready(s).Drain(&drained)) {
      deferred_errors.emplace_back(s, "ready ring claims more than " + std::to_string(k) +
                                          " entries");
      continue;
    }
    for (const RingEntry& r : drained) {
      ring_source[s] = true;
      SlotEntry e{ExchangeKey{r.query, r.exchange}, r.slot, r.bytes};
      if (!ValidEntryLocked(s, e)) break;
      DeliverLocked(s, e);
    }
  }
}

void ExchangeService::Impl::PollCreditRingLocked(int dest) {
  drained.clear();
  if (!peer_rings[dest].Credit(rank).Drain(&drained)) {
    deferred_errors.emplace_back(dest, "credit ring claims more than " + std::to_string(k) +
                                           " entries");
    return;
  }
  if (drained.empty()) return;
  for (const RingEntry& r : drained) {
    if (!TakeBackSlotLocked(dest, ExchangeKey{r.query, r.exchange}, r.slot)) break;
  }
  WakeBlockedLocked(dest);
}

}  // namespace ibex::net
