// ExchangeSender, ExchangeReceiver and ReceivedBuffer: the handles operators hold on an open
// exchange; they forward to the service's Impl (net/rdma/exchange_impl.h).
#include "net/rdma/exchange.h"
#include "net/rdma/exchange_impl.h"

namespace ibex::net {

// ---- ExchangeSender ----

ExchangeSender::ExchangeSender(ExchangeService* service, std::shared_ptr<SenderState> state)
    : service_(service), state_(std::move(state)) {}

ExchangeSender::~ExchangeSender() {
  auto& im = *service_->impl_;
  std::lock_guard<std::mutex> lock(im.mu);
  if (!state_->finished) {
    for (int r : state_->receivers) im.credits[r].Close(state_->key);
  }
  im.senders.erase(std::remove(im.senders.begin(), im.senders.end(), state_), im.senders.end());
}

const ExchangeKey& ExchangeSender::key() const { return state_->key; }
ExchangePath ExchangeSender::path(int dest) const { return service_->paths_[dest]; }
uint64_t ExchangeSender::buffers_sent(int dest) const {
  std::lock_guard<std::mutex> lock(service_->impl_->mu);
  return state_->sent[dest];
}

Result<SendState> ExchangeSender::Acquire(int dest, StagingBuffer* out) {
  auto& im = *service_->impl_;
  if (dest < 0 || dest >= im.size || !state_->is_receiver[dest]) {
    return Status::InvalidArgument(state_->key.ToString() + ": rank " + std::to_string(dest) +
                                   " is not one of its receivers");
  }
  ExchangeService::Impl::Section section(im);
  if (state_->finished) {
    return Status::InvalidArgument(state_->key.ToString() + ": Acquire after Finish");
  }
  IBEX_RETURN_IF_ERROR(im.SenderError(*state_));
  if (!im.CanAcquireLocked(dest, state_->key)) {
    if (im.UsesRing(dest)) im.PollCreditRingLocked(dest);
    if (!im.CanAcquireLocked(dest, state_->key)) return SendState::kBlocked;
  }
  out->dest = dest;
  out->slot = *im.credits[dest].Take(state_->key);
  if (service_->paths_[dest] == ExchangePath::kStore) {
    out->staging = StagingBuffer::kNoStaging;
    out->data = std::span(im.MappedSlot(dest, out->slot), im.slot_bytes);
    return SendState::kOk;
  }
  out->staging = im.free_staging.back();
  im.free_staging.pop_back();
  out->data = std::span(im.StagingAddress(out->staging), im.slot_bytes);
  return SendState::kOk;
}

Status ExchangeSender::Commit(StagingBuffer buffer, size_t bytes) {
  auto& im = *service_->impl_;
  IBEX_CHECK_LE(bytes, im.slot_bytes);
  IBEX_CHECK_GE(buffer.dest, 0);
  {
    ExchangeService::Impl::Section section(im);
    IBEX_RETURN_IF_ERROR(im.SenderError(*state_));
    ++state_->sent[buffer.dest];
    ExchangePath path = service_->paths_[buffer.dest];
    if (path == ExchangePath::kStore) {
      IBEX_CHECK_EQ(buffer.staging, StagingBuffer::kNoStaging);
      ++im.stats.store_buffers;
      im.PublishReadyLocked(buffer.dest,
                            SlotEntry{state_->key, buffer.slot, static_cast<uint32_t>(bytes)});
      return Status::OK();
    }
    if (path == ExchangePath::kPut) {
      ++im.stats.put_buffers;
    } else {
      ++im.stats.am_buffers;
    }
  }
  SlotEntry entry{state_->key, buffer.slot, static_cast<uint32_t>(bytes)};
  ExchangeService::Impl* p = &im;
  im.Submit([p, dest = buffer.dest, entry, staging = buffer.staging] {
    p->IssueSend(dest, entry, staging);
  });
  return Status::OK();
}

Result<SendState> ExchangeSender::TrySend(int dest, std::span<const std::byte> payload) {
  if (payload.size() > service_->options_.slot_bytes) {
    return Status::InvalidArgument("exchange buffer of " + std::to_string(payload.size()) +
                                   " bytes exceeds the slot size " +
                                   std::to_string(service_->options_.slot_bytes));
  }
  StagingBuffer buffer;
  IBEX_ASSIGN_OR_RETURN(SendState state, Acquire(dest, &buffer));
  if (state == SendState::kBlocked) return state;
  std::memcpy(buffer.data.data(), payload.data(), payload.size());
  IBEX_RETURN_IF_ERROR(Commit(buffer, payload.size()));
  return SendState::kOk;
}

void ExchangeSender::WhenUnblocked(int dest, std::function<void()> wake) {
  auto& im = *service_->impl_;
  ExchangeService::Impl::Section section(im);
  bool ring = im.UsesRing(dest);
  if (ring) im.PollCreditRingLocked(dest);
  if (im.CanAcquireLocked(dest, state_->key) || !im.SenderError(*state_).ok()) {
    im.deferred_wakes.push_back(std::move(wake));  // runs inline, after the lock
    return;
  }
  im.blocked[dest].push_back(std::move(wake));
  if (!ring) return;
  // Dekker with the receiver's ReturnCreditLocked (push, fence, test the flag): either our
  // poll below sees its credit or it sees the flag and rings our credit doorbell.
  const SlotRings& rings = im.peer_rings[dest];
  rings.SenderWaiting(im.rank).store(1, std::memory_order_seq_cst);
  std::atomic_thread_fence(std::memory_order_seq_cst);
  im.PollCreditRingLocked(dest);  // a credit found here wakes the callbacks, ours included
  // Entries the receiver has not taken yet may be for an exchange nobody there consumes at
  // the moment (not opened yet, or finished): it takes them on a doorbell, keeping or
  // dropping them, so that their slots come back when they can (one-phase start).
  if (!rings.Ready(im.rank).Taken()) im.QueueDoorbellLocked(dest, RingDoorbell::kReady);
}

Status ExchangeSender::Finish() {
  auto& im = *service_->impl_;
  std::vector<std::pair<int, uint64_t>> ends;
  {
    std::lock_guard<std::mutex> lock(im.mu);
    if (state_->finished) return Status::OK();
    state_->finished = true;
    for (int r : state_->receivers) {
      im.credits[r].Close(state_->key);
      ends.emplace_back(r, state_->sent[r]);
    }
    IBEX_RETURN_IF_ERROR(im.SenderError(*state_));
  }
  ExchangeService::Impl* p = &im;
  ExchangeKey key = state_->key;
  im.Submit([p, ends, key] {
    for (auto [dest, count] : ends) {
      p->SendNotice(dest,
                    Notice{p->generation, static_cast<uint32_t>(p->rank), EndNotice{key, count}});
    }
  });
  return Status::OK();
}

// ---- ExchangeReceiver ----

ExchangeReceiver::ExchangeReceiver(ExchangeService* service, std::shared_ptr<ReceiverState> state)
    : service_(service), state_(std::move(state)) {}

ExchangeReceiver::~ExchangeReceiver() {
  auto& im = *service_->impl_;
  ExchangeService::Impl::Section section(im);
  im.DetachWakerLocked(*state_);  // dropped: nobody waits on a closed receiver
  im.finished.insert(state_->key);
  im.receivers.erase(state_->key);
  for (Item& item : state_->queue) {
    if (item.slot >= 0) {
      im.ReturnCreditLocked(item.source, state_->key, static_cast<uint32_t>(item.slot));
    }
  }
  state_->queue.clear();
}

const ExchangeKey& ExchangeReceiver::key() const { return state_->key; }
uint64_t ExchangeReceiver::buffers_received() const {
  std::lock_guard<std::mutex> lock(service_->impl_->mu);
  return state_->total;
}
uint64_t ExchangeReceiver::buffers_early() const {
  std::lock_guard<std::mutex> lock(service_->impl_->mu);
  return state_->early;
}

Result<ReceiveState> ExchangeReceiver::TryReceive(ReceivedBuffer* out) {
  auto& im = *service_->impl_;
  out->Release();
  ExchangeService::Impl::Section section(im);
  im.PollReadyRingsLocked();
  IBEX_RETURN_IF_ERROR(state_->error);
  if (!state_->queue.empty()) {
    Item item = std::move(state_->queue.front());
    state_->queue.pop_front();
    out->service_ = service_;
    out->key_ = state_->key;
    out->source_ = item.source;
    out->slot_ = item.slot;
    if (item.slot >= 0) {
      out->data_ =
          std::span(im.SlotAddress(item.source, static_cast<uint32_t>(item.slot)), item.bytes);
    } else {
      out->copy_ = std::move(item.copy);
      out->data_ = out->copy_;
    }
    return ReceiveState::kBuffer;
  }
  return state_->Ended() ? ReceiveState::kEnd : ReceiveState::kBlocked;
}

void ExchangeReceiver::WhenReady(std::function<void()> wake) {
  auto& im = *service_->impl_;
  ExchangeService::Impl::Section section(im);
  im.PollReadyRingsLocked();
  if (!state_->queue.empty() || !state_->error.ok() || state_->Ended()) {
    im.deferred_wakes.push_back(std::move(wake));  // runs inline, after the lock
    return;
  }
  // Dekker with the senders' PublishReadyLocked (push, fence, read the count): either the
  // poll below sees their entry or they see the count and ring our ready doorbell.
  if (!state_->waker) im.own_rings.Waiting(state_->key).fetch_add(1, std::memory_order_seq_cst);
  state_->waker = std::move(wake);
  std::atomic_thread_fence(std::memory_order_seq_cst);
  im.PollReadyRingsLocked();  // an entry of ours found here takes the waker
}

// ---- ReceivedBuffer ----

ReceivedBuffer::ReceivedBuffer(ReceivedBuffer&& other) noexcept { *this = std::move(other); }

ReceivedBuffer& ReceivedBuffer::operator=(ReceivedBuffer&& other) noexcept {
  if (this == &other) return *this;
  Release();
  service_ = other.service_;
  key_ = other.key_;
  source_ = other.source_;
  slot_ = other.slot_;
  copy_ = std::move(other.copy_);
  data_ = slot_ >= 0 ? other.data_ : std::span<const std::byte>(copy_);
  other.service_ = nullptr;
  other.slot_ = -1;
  other.data_ = {};
  return *this;
}

void ReceivedBuffer::Release() {
  if (service_ != nullptr && slot_ >= 0) {
    service_->impl_->ReturnCredit(source_, key_, static_cast<uint32_t>(slot_));
  }
  service_ = nullptr;
  slot_ = -1;
  data_ = {};
  copy_.clear();
}

}  // namespace ibex::net
