// The inside of the exchange service (net/rdma/exchange.h): per-exchange sender and receiver
// state and ExchangeService::Impl, which owns the receive region, the credits, the early-data
// store and the active-message handlers. Private to net/rdma: included by exchange.cpp (the
// service) and exchange_handles.cpp (ExchangeSender, ExchangeReceiver, ReceivedBuffer), never
// by code outside this folder. Threading: as documented in exchange.h and docs/net.md.
#pragma once

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstring>
#include <deque>
#include <map>
#include <mutex>
#include <set>

#include "common/check.h"
#include "net/rdma/exchange.h"
#include "net/rdma/exchange_wire.h"
#include "net/rdma/mpi_bootstrap.h"
#include "net/rdma/slot_credits.h"
#include "net/rdma/slot_rings.h"
#include "net/rdma/ucx_request.h"
#include "net/rdma/wire.h"

namespace ibex::net {
namespace exchange_detail {
// Services are created collectively and in the same order on every rank, so a process-wide
// counter gives every rank the same generation for the same service.
inline uint32_t NextGeneration() {
  static std::atomic<uint32_t> next{1};
  return next++;
}

// Installed when a service goes away: messages still in flight for it are dropped.
inline ucs_status_t DiscardAm(void*, const void*, size_t, void*, size_t,
                              const ucp_am_recv_param_t*) {
  return UCS_OK;
}
}  // namespace exchange_detail

struct SenderState {
  ExchangeKey key;
  std::vector<int> receivers;
  std::vector<bool> is_receiver;  // by rank
  std::vector<uint64_t> sent;     // by rank
  bool finished = false;
};

struct Item {
  int source = -1;
  int64_t slot = -1;  // -1: the bytes are in `copy`
  uint32_t bytes = 0;
  std::vector<std::byte> copy;
};

struct ReceiverState {
  ExchangeKey key;
  std::vector<bool> is_sender;
  std::vector<int64_t> expected;  // by rank; -1 until its end-of-stream arrived
  std::vector<uint64_t> received;
  std::deque<Item> queue;
  Status error;
  std::function<void()> waker;
  uint64_t early = 0;
  uint64_t total = 0;

  bool Ended() const {
    for (size_t r = 0; r < is_sender.size(); ++r) {
      if (is_sender[r] && (expected[r] < 0 || received[r] != static_cast<uint64_t>(expected[r]))) {
        return false;
      }
    }
    return true;
  }
};

struct ExchangeService::Impl {
  struct Mapped {
    ucp_mem_h memh = nullptr;
    std::byte* base = nullptr;
    size_t bytes = 0;
  };
  struct Remote {
    uint64_t base = 0;
    ucp_rkey_h rkey = nullptr;
  };
  struct Early {
    std::deque<Item> items;
    std::map<int, uint64_t> ends;
  };
  // Puts to one destination committed in one round of the network loop. Its ready notice goes
  // out after (1) every put of the batch completed locally and (2) a flush of the endpoint
  // issued after that completed: then the bytes are in the receiver's memory.
  struct Batch {
    std::vector<SlotEntry> entries;
    int remaining = 0;  // puts not yet complete
    bool closed = false;
  };
  struct Pipe {  // network thread only
    std::shared_ptr<Batch> open;
  };

  ExchangeService* service;
  Fabric& fabric;
  NetworkThread& net;
  ExchangeOptions options;
  int rank;
  int size;
  uint32_t generation;
  uint32_t k;
  size_t slot_bytes;
  Mapped region;
  Mapped staging;
  uint32_t staging_count = 0;
  std::vector<Remote> remotes;
  // By destination: where this process sees that rank's receive region (ucp_rkey_ptr; our
  // own region for ourselves), or nullptr. Written once in Create, then read-only.
  std::vector<std::byte*> mapped;

  std::mutex mu;
  std::vector<SlotCredits> credits;  // by destination
  std::vector<uint32_t> free_staging;
  std::vector<std::vector<std::function<void()>>> blocked;  // by destination
  std::vector<std::shared_ptr<SenderState>> senders;
  std::map<ExchangeKey, std::shared_ptr<ReceiverState>> receivers;
  std::map<ExchangeKey, Early> early;
  uint32_t early_slots = 0;
  size_t early_bytes = 0;
  std::set<ExchangeKey> finished;
  std::set<uint64_t> forgotten;
  std::vector<Status> peer_failed;
  // Store path (docs/net.md): the control area at the end of our region, and that of every
  // store-path destination as mapped here; by source, whether it hands us slots through the
  // rings in our area (learnt from its first entry: a sender's path never changes).
  size_t control_offset = 0;
  SlotRings own_rings;
  std::vector<SlotRings> peer_rings;  // by destination; valid where UsesRing(dest)
  std::vector<bool> ring_source;
  std::vector<RingEntry> drained;     // scratch of the ring polls
  // Found under mu, run by Section after mu is released: wake-ups (callbacks never run under
  // the lock) and protocol errors (failing a peer calls back into OnPeerFailed).
  std::vector<std::function<void()>> deferred_wakes;
  std::vector<std::pair<int, std::string>> deferred_errors;
  // Notices queued under mu by any thread, sent by the network thread when it gets to them:
  // per rank one credit notice covering every credit queued before (put and am paths) and the
  // ring doorbells asked for meanwhile.
  struct Outbox {
    std::vector<std::vector<SlotEntry>> credits;  // by rank
    std::vector<uint8_t> doorbells;               // by rank: RingDoorbell bits
    bool scheduled = false;
  };
  Outbox outbox;
  ExchangeStats stats;

  // Network thread only.
  std::vector<Pipe> pipes;
  bool flush_task_scheduled = false;
  int inflight = 0;

  Impl(ExchangeService* s, Fabric& f, ExchangeOptions o)
      : service(s),
        fabric(f),
        net(f.network()),
        options(o),
        rank(f.rank()),
        size(f.size()),
        generation(exchange_detail::NextGeneration()),
        k(o.slots_per_peer),
        slot_bytes(o.slot_bytes) {}

  // A critical section on mu that runs what was deferred in it once mu is released.
  class Section {
   public:
    explicit Section(Impl& im) : im_(im), lock_(im.mu) {}
    ~Section() {
      if (im_.deferred_wakes.empty() && im_.deferred_errors.empty()) return;
      std::vector<std::function<void()>> wakes;
      std::vector<std::pair<int, std::string>> errors;
      wakes.swap(im_.deferred_wakes);
      errors.swap(im_.deferred_errors);
      lock_.unlock();
      for (auto& [r, why] : errors) im_.ProtocolError(r, why);
      for (auto& fn : wakes) fn();
    }
    Section(const Section&) = delete;
    Section& operator=(const Section&) = delete;

   private:
    Impl& im_;
    std::unique_lock<std::mutex> lock_;
  };

  // Buffers toward `dest` are handed over through its rings (store path to another rank).
  bool UsesRing(int dest) const {
    return dest != rank && service->paths_[dest] == ExchangePath::kStore;
  }
  // Toward ourselves on the store path: delivered and credited directly, under mu.
  bool DirectToSelf(int dest) const {
    return dest == rank && service->paths_[dest] == ExchangePath::kStore;
  }

  std::byte* SlotAddress(int source, uint32_t slot) const {
    return region.base + (static_cast<size_t>(source) * k + slot) * slot_bytes;
  }
  std::byte* StagingAddress(uint32_t i) const { return staging.base + size_t{i} * slot_bytes; }
  // Our slot `slot` in `dest`'s region, as mapped here (store path only).
  std::byte* MappedSlot(int dest, uint32_t slot) const {
    return mapped[dest] + (static_cast<size_t>(rank) * k + slot) * slot_bytes;
  }
  // Under mu: whether a sender may Acquire toward `dest` now (the store path needs no staging).
  bool CanAcquireLocked(int dest, const ExchangeKey& key) {
    return credits[dest].CanTake(key) &&
           (service->paths_[dest] == ExchangePath::kStore || !free_staging.empty());
  }

  // A closure for the network thread that uses this Impl: counted so that teardown can wait
  // until none is left in the queue.
  std::atomic<int> pending_tasks{0};
  void Submit(std::function<void()> task) {
    ++pending_tasks;
    net.Submit([this, task = std::move(task)] {
      task();
      --pending_tasks;
    });
  }

  // An operation of this service: counted so that teardown can wait for all of them.
  UcxOp* Op(UcxDone done, std::vector<std::byte> keep = {}) {
    ++inflight;
    return StartOp(
        &net,
        [this, done = std::move(done)](ucs_status_t st) {
          --inflight;
          if (done) done(st);
        },
        std::move(keep));
  }

  // Our buffers are registered already: saves UCX a registration-cache lookup (verbs).
  static void UseMemh(UcxOp* op, ucp_mem_h memh) {
    op->param.op_attr_mask |= UCP_OP_ATTR_FIELD_MEMH;
    op->param.memh = memh;
  }

  void SendFailed(int dest, const char* call, ucs_status_t st) {
    if (st == UCS_ERR_CANCELED) return;  // endpoint closed at teardown or after a failure
    fabric.FailPeer(dest, UcxError(call, st));
  }

  // ---- sending (network thread) ----
  void SendNotice(int dest, const Notice& notice) {
    if (!fabric.PeerStatus(dest).ok()) return;
    UcxOp* op = Op(
        [this, dest](ucs_status_t st) {
          if (st != UCS_OK) SendFailed(dest, "ucp_am_send_nbx(exchange notice)", st);
        },
        EncodeNotice(notice));
    // A credit notice follows the consumer's last read of its slot (ordered before this thread
    // by the queue's mutex); the fence orders that read before the notice becomes visible, and
    // the acquire fence in HandleNotice pairs with it. (The store path's own ordering goes
    // through its rings, docs/net.md.)
    std::atomic_thread_fence(std::memory_order_release);
    FinishOp(op, ucp_am_send_nbx(fabric.data_ep(dest), kAmExchangeNotice, nullptr, 0,
                                 op->keep.data(), op->keep.size(), &op->param));
  }

  void IssueSend(int dest, SlotEntry entry, uint32_t staging_index) {
    if (!fabric.PeerStatus(dest).ok()) {
      ReleaseStaging({staging_index});
      return;
    }
    if (service->paths_[dest] == ExchangePath::kPut) {
      Pipe& pipe = pipes[dest];
      if (!pipe.open) pipe.open = std::make_shared<Batch>();
      std::shared_ptr<Batch> batch = pipe.open;
      batch->entries.push_back(entry);
      ++batch->remaining;
      uint64_t remote =
          remotes[dest].base + (static_cast<uint64_t>(rank) * k + entry.slot) * slot_bytes;
      // The staging buffer is free again when the put completes locally, not earlier.
      UcxOp* op = Op([this, dest, batch, staging_index](ucs_status_t st) {
        ReleaseStaging({staging_index});
        if (st != UCS_OK) SendFailed(dest, "ucp_put_nbx", st);
        if (--batch->remaining == 0 && batch->closed) StartFlush(dest, batch);
      });
      UseMemh(op, staging.memh);
      FinishOp(op, ucp_put_nbx(fabric.data_ep(dest), StagingAddress(staging_index), entry.bytes,
                               remote, remotes[dest].rkey, &op->param));
      if (!flush_task_scheduled) {
        // Close the batches after the current round of submitted sends: one flush and one
        // ready notice cover every put committed meanwhile.
        flush_task_scheduled = true;
        Submit([this] {
          flush_task_scheduled = false;
          for (int d = 0; d < size; ++d) {
            std::shared_ptr<Batch> b = std::move(pipes[d].open);
            pipes[d].open = nullptr;
            if (!b) continue;
            b->closed = true;
            if (b->remaining == 0) StartFlush(d, b);
          }
        });
      }
      return;
    }
    UcxOp* op = Op(
        [this, dest, staging_index](ucs_status_t st) {
          ReleaseStaging({staging_index});
          if (st != UCS_OK) SendFailed(dest, "ucp_am_send_nbx(exchange data)", st);
        },
        EncodeDataHeader(DataHeader{generation, static_cast<uint32_t>(rank), entry}));
    UseMemh(op, staging.memh);
    FinishOp(
        op, ucp_am_send_nbx(fabric.data_ep(dest), kAmExchangeData, op->keep.data(), op->keep.size(),
                            StagingAddress(staging_index), entry.bytes, &op->param));
  }

  void StartFlush(int dest, const std::shared_ptr<Batch>& batch) {
    {
      std::lock_guard<std::mutex> lock(mu);
      ++stats.flushes;
      ++stats.ready_notices;
    }
    UcxOp* op = Op([this, dest, batch](ucs_status_t st) {
      if (st != UCS_OK) {
        SendFailed(dest, "ucp_ep_flush_nbx", st);
        return;
      }
      // Every put listed completed before the flush was issued, and the flush completed:
      // the bytes are in the receiver's memory before it can see this notice.
      SendNotice(dest,
                 Notice{generation, static_cast<uint32_t>(rank), ReadyNotice{batch->entries}});
    });
    FinishOp(op, ucp_ep_flush_nbx(fabric.data_ep(dest), &op->param));
  }

  void ReleaseStaging(const std::vector<uint32_t>& indices) {
    Section section(*this);
    for (uint32_t i : indices) free_staging.push_back(i);
    for (int dest = 0; dest < size; ++dest) WakeBlockedLocked(dest);
  }

  // Under mu: the callbacks of senders blocked toward `dest` go to the section to run.
  void WakeBlockedLocked(int dest) {
    for (auto& fn : blocked[dest]) deferred_wakes.push_back(std::move(fn));
    blocked[dest].clear();
  }

  // ---- the store path's hand-over and the credits back (exchange_handover.cpp) ----
  // Hands a slot back to `source` (any thread). Store path: through the credit ring in our
  // area (to ourselves: directly); otherwise queued for a credit notice the network thread
  // sends, one per rank covering everything queued before it ran.
  void ReturnCredit(int source, const ExchangeKey& key, uint32_t slot);
  void ReturnCreditLocked(int source, const ExchangeKey& key, uint32_t slot);
  // Store path (any thread, under mu): the slot is written; publish it to the receiver.
  void PublishReadyLocked(int dest, const SlotEntry& e);
  void QueueCreditNoticeLocked(int to, const SlotEntry& entry);
  void QueueDoorbellLocked(int to, RingDoorbell::Ring ring);
  void ScheduleOutboxLocked();
  // Under mu: takes every entry store-path senders published in our rings.
  void PollReadyRingsLocked();
  // Under mu: takes the credits `dest` published for us in its ring.
  void PollCreditRingLocked(int dest);

  // ---- receiving ----
  void ProtocolError(int source, const std::string& what) {
    fabric.FailPeer(source, "exchange protocol error: " + what);
  }

  // Under mu: removes the waker of `st` (if any) and its count in our waiting table.
  std::function<void()> DetachWakerLocked(ReceiverState& st) {
    std::function<void()> waker = std::move(st.waker);
    st.waker = nullptr;
    if (waker) own_rings.Waiting(st.key).fetch_sub(1, std::memory_order_relaxed);
    return waker;
  }
  // Under mu: hands the waker of `st` (if any) to the section to run.
  void TakeWakerLocked(ReceiverState& st) {
    if (auto waker = DetachWakerLocked(st)) deferred_wakes.push_back(std::move(waker));
  }

  void Deliver(int source, const SlotEntry& e) {
    Section section(*this);
    DeliverLocked(source, e);
  }
  void DeliverLocked(int source, const SlotEntry& e) {
    if (finished.count(e.key) != 0 || forgotten.count(e.key.query) != 0) {
      ++stats.dropped;
      ReturnCreditLocked(source, e.key, e.slot);
      return;
    }
    Item item{source, e.slot, e.bytes, {}};
    auto it = receivers.find(e.key);
    if (it != receivers.end()) {
      ReceiverState& st = *it->second;
      st.queue.push_back(std::move(item));
      ++st.received[source];
      ++st.total;
      TakeWakerLocked(st);
    } else {
      early[e.key].items.push_back(std::move(item));
      ++early_slots;
      SpillEarlyLocked();
    }
  }

  // Beyond early_slot_cap slots held for unopened exchanges, copy into the bounded buffer and
  // give the slots back; when that is full the slots stay held and credits slow the sender.
  void SpillEarlyLocked() {
    for (auto& [key, e] : early) {
      for (Item& item : e.items) {
        if (early_slots <= options.early_slot_cap) return;
        if (item.slot < 0) continue;
        if (early_bytes + item.bytes > options.early_buffer_bytes) return;
        const std::byte* src = SlotAddress(item.source, static_cast<uint32_t>(item.slot));
        item.copy.assign(src, src + item.bytes);
        ReturnCreditLocked(item.source, key, static_cast<uint32_t>(item.slot));
        item.slot = -1;
        --early_slots;
        early_bytes += item.bytes;
        ++stats.early_copied;
      }
    }
  }

  void EndStreamLocked(int source, const ExchangeKey& key, uint64_t count) {
    if (finished.count(key) != 0 || forgotten.count(key.query) != 0) return;
    auto it = receivers.find(key);
    if (it == receivers.end()) {
      early[key].ends[source] = count;
      return;
    }
    ReceiverState& st = *it->second;
    if (!st.is_sender[source]) {
      deferred_errors.emplace_back(
          source, "end of stream from a rank that is not a sender of " + key.ToString());
      return;
    }
    st.expected[source] = static_cast<int64_t>(count);
    TakeWakerLocked(st);
  }

  void CreditsLocked(int source, const std::vector<SlotEntry>& slots) {
    for (const SlotEntry& e : slots) {
      if (!TakeBackSlotLocked(source, e.key, e.slot)) break;
    }
    WakeBlockedLocked(source);
  }
  // Under mu: one slot `source` gave back; false (a protocol error deferred) if not ours.
  bool TakeBackSlotLocked(int source, const ExchangeKey& key, uint32_t slot) {
    if (credits[source].Return(key, slot)) return true;
    deferred_errors.emplace_back(
        source, "credit for slot " + std::to_string(slot) + " not held by " + key.ToString());
    return false;
  }

  bool ValidEntry(int source, const SlotEntry& e) {
    Section section(*this);
    return ValidEntryLocked(source, e);
  }
  bool ValidEntryLocked(int source, const SlotEntry& e) {
    if (e.slot >= k || e.bytes > slot_bytes) {
      deferred_errors.emplace_back(source, "slot " + std::to_string(e.slot) + " / " +
                                               std::to_string(e.bytes) + " bytes out of range");
      return false;
    }
    return true;
  }

  void HandleNotice(std::span<const std::byte> bytes) {
    // Put path: pairs with the release fence in SendNotice (docs/net.md). The store path's
    // ordering goes through its rings' release/acquire, not through notices.
    std::atomic_thread_fence(std::memory_order_acquire);
    Result<Notice> notice = DecodeNotice(bytes);
    if (!notice.ok()) {
      // Name the sender if the envelope up to it is intact (version u8, generation u32,
      // kind u8, source u32).
      WireReader r(bytes);
      uint8_t v = 0, kind = 0;
      uint32_t gen = 0, source = 0;
      if (r.U8(&v) && r.U32(&gen) && r.U8(&kind) && r.U32(&source) &&
          source < static_cast<uint32_t>(size)) {
        ProtocolError(static_cast<int>(source), notice.status().message());
        return;
      }
      IBEX_CHECK(false) << "malformed exchange notice from an unknown rank: "
                        << notice.status().ToString();
    }
    if (notice->generation != generation) return;  // for an earlier service: stale
    int source = static_cast<int>(notice->source);
    if (source >= size) {
      IBEX_CHECK(false) << "exchange notice from rank " << source << " of " << size;
    }
    Section section(*this);
    if (const auto* ready = std::get_if<ReadyNotice>(&notice->body)) {
      for (const SlotEntry& e : ready->slots) {
        if (!ValidEntryLocked(source, e)) return;
        DeliverLocked(source, e);
      }
    } else if (const auto* end = std::get_if<EndNotice>(&notice->body)) {
      EndStreamLocked(source, end->key, end->count);
    } else if (const auto* bell = std::get_if<RingDoorbell>(&notice->body)) {
      if (bell->ring == RingDoorbell::kReady) {
        PollReadyRingsLocked();
      } else if (UsesRing(source)) {
        PollCreditRingLocked(source);
      }
    } else {
      CreditsLocked(source, std::get<CreditNotice>(notice->body).slots);
    }
  }

  static ucs_status_t OnNotice(void* arg, const void* /*header*/, size_t /*header_length*/,
                               void* data, size_t length, const ucp_am_recv_param_t* param) {
    auto* self = static_cast<Impl*>(arg);
    if (param->recv_attr & UCP_AM_RECV_ATTR_FLAG_RNDV) {
      auto buffer = std::make_shared<std::vector<std::byte>>(length);
      UcxOp* op = StartRecvOp(&self->net, [self, buffer](ucs_status_t st) {
        --self->inflight;
        // A notice lost with its sender: that peer's control endpoint reports the failure.
        if (st != UCS_OK) return;
        self->HandleNotice(*buffer);
      });
      ++self->inflight;
      FinishOp(op, ucp_am_recv_data_nbx(self->fabric.worker(), data, buffer->data(), length,
                                        &op->param));
      return UCS_OK;
    }
    self->HandleNotice(std::span(static_cast<const std::byte*>(data), length));
    return UCS_OK;
  }

  static ucs_status_t OnData(void* arg, const void* header, size_t header_length, void* data,
                             size_t length, const ucp_am_recv_param_t* param) {
    auto* self = static_cast<Impl*>(arg);
    Result<DataHeader> h =
        DecodeDataHeader(std::span(static_cast<const std::byte*>(header), header_length));
    // Without a decodable header the sender is unknown and cannot be blamed: the wire between
    // two ranks of the same build is broken, an internal error.
    IBEX_CHECK(h.ok()) << "exchange data: " << h.status().ToString();
    if (h->generation != self->generation) return UCS_OK;  // stale
    int source = static_cast<int>(h->source);
    IBEX_CHECK_LT(source, self->size);
    if (!self->ValidEntry(source, h->entry)) return UCS_OK;
    if (length != h->entry.bytes) {
      self->ProtocolError(source, "data length does not match its header");
      return UCS_OK;
    }
    std::byte* slot = self->SlotAddress(source, h->entry.slot);
    if (param->recv_attr & UCP_AM_RECV_ATTR_FLAG_RNDV) {
      SlotEntry entry = h->entry;
      UcxOp* op = StartRecvOp(&self->net, [self, source, entry](ucs_status_t st) {
        --self->inflight;
        if (st != UCS_OK) {
          self->SendFailed(source, "ucp_am_recv_data_nbx(exchange data)", st);
          return;
        }
        self->Deliver(source, entry);
      });
      ++self->inflight;
      UseMemh(op, self->region.memh);
      FinishOp(op, ucp_am_recv_data_nbx(self->fabric.worker(), data, slot, length, &op->param));
      return UCS_OK;
    }
    std::memcpy(slot, data, length);
    self->Deliver(source, h->entry);
    return UCS_OK;
  }

  void OnPeerFailed(int r, const Status& why) {
    Section section(*this);
    peer_failed[r] = why;
    for (int dest = 0; dest < size; ++dest) WakeBlockedLocked(dest);
    for (auto& [key, st] : receivers) {
      bool ended =
          st->expected[r] >= 0 && st->received[r] == static_cast<uint64_t>(st->expected[r]);
      if (st->is_sender[r] && !ended && st->error.ok()) {
        st->error = why.Annotate(key.ToString());
        TakeWakerLocked(*st);
      }
    }
  }

  Status SenderError(const SenderState& s) {
    for (int r : s.receivers) {
      if (!peer_failed[r].ok()) return peer_failed[r].Annotate(s.key.ToString());
    }
    return Status::OK();
  }

  Status MapRegion(size_t bytes, Mapped* out, const char* what) {
    ucp_mem_map_params_t mp{};
    mp.field_mask = UCP_MEM_MAP_PARAM_FIELD_LENGTH | UCP_MEM_MAP_PARAM_FIELD_FLAGS;
    mp.length = bytes;
    mp.flags = UCP_MEM_MAP_ALLOCATE;
    ucs_status_t st = ucp_mem_map(fabric.context(), &mp, &out->memh);
    if (st != UCS_OK) {
      return Status::NetworkError(UcxError("ucp_mem_map", st) + " of " + std::to_string(bytes) +
                                  " bytes for the " + what +
                                  " (on RDMA clusters check `ulimit -l unlimited`)");
    }
    ucp_mem_attr_t attr{};
    attr.field_mask = UCP_MEM_ATTR_FIELD_ADDRESS | UCP_MEM_ATTR_FIELD_LENGTH;
    ucp_mem_query(out->memh, &attr);
    out->base = static_cast<std::byte*>(attr.address);
    out->bytes = bytes;
    std::memset(out->base, 0, bytes);  // first touch here, not in the timed path
    return Status::OK();
  }

  // Network thread: waits (progressing) until this service's operations finished, bounded.
  void Drain() {
    auto start = std::chrono::steady_clock::now();
    while (inflight > 0 && std::chrono::steady_clock::now() - start < std::chrono::seconds(5)) {
      ucp_worker_progress(fabric.worker());
    }
  }

  void Teardown() {
    // 1. No new work from peers: stale messages are dropped from now on. 2. Wait for our
    // operations in flight. 3. Run every closure still queued for this Impl (a closure may
    // queue another, hence the loop; bounded since nothing new comes from outside).
    net.RunSync([this] {
      for (unsigned id : {kAmExchangeNotice, kAmExchangeData}) {
        ucp_am_handler_param_t hp{};
        hp.field_mask = UCP_AM_HANDLER_PARAM_FIELD_ID | UCP_AM_HANDLER_PARAM_FIELD_CB |
                        UCP_AM_HANDLER_PARAM_FIELD_ARG;
        hp.id = id;
        hp.cb = &exchange_detail::DiscardAm;
        hp.arg = nullptr;
        ucp_worker_set_am_recv_handler(fabric.worker(), &hp);
      }
      Drain();
    });
    for (int round = 0; pending_tasks.load() > 0 && round < 1000; ++round) {
      net.RunSync([this] { Drain(); });
    }
    net.RunSync([this] {
      for (Remote& r : remotes) {
        if (r.rkey != nullptr) ucp_rkey_destroy(r.rkey);
        r.rkey = nullptr;
      }
    });
    for (Mapped* m : {&region, &staging}) {
      if (m->memh != nullptr) ucp_mem_unmap(fabric.context(), m->memh);
      m->memh = nullptr;
    }
  }
};

}  // namespace ibex::net
