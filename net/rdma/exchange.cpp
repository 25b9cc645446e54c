#include "net/rdma/exchange.h"

#include "net/rdma/exchange_impl.h"

namespace ibex::net {

const char* ExchangePathName(ExchangePath path) {
  switch (path) {
    case ExchangePath::kAuto:
      return "auto";
    case ExchangePath::kStore:
      return "store";
    case ExchangePath::kPut:
      return "put";
    case ExchangePath::kActiveMessage:
      return "am";
  }
  return "?";
}

// ---------------------------------------------------------------------------------------

ExchangeService::ExchangeService(Fabric& fabric, ExchangeOptions options)
    : fabric_(fabric), options_(options) {}

Result<std::unique_ptr<ExchangeService>> ExchangeService::Create(Fabric& fabric,
                                                                 ExchangeOptions options) {
  if (options.slot_bytes == 0 || options.slot_bytes > (size_t{1} << 31) ||
      options.slots_per_peer == 0) {
    return Status::InvalidArgument(
        "exchange: slot_bytes must be in (0, 2 GiB], slots_per_peer > 0");
  }
  int size = fabric.size();
  if (options.staging_buffers == 0) {
    options.staging_buffers = std::max<uint32_t>(4, 2 * static_cast<uint32_t>(size));
  }
  std::unique_ptr<ExchangeService> s(new ExchangeService(fabric, options));
  s->impl_ = std::make_unique<Impl>(s.get(), fabric, options);
  Impl& im = *s->impl_;
  im.credits.assign(size, SlotCredits(options.slots_per_peer, options.reserved_slots,
                                      options.max_open_exchanges));
  im.blocked.resize(size);
  im.outbox.credits.resize(size);
  im.outbox.doorbells.assign(size, 0);
  im.pipes.resize(size);
  im.remotes.resize(size);
  im.peer_failed.resize(size);
  for (int r = 0; r < size; ++r) im.peer_failed[r] = fabric.PeerStatus(r);
  im.mapped.assign(size, nullptr);
  im.peer_rings.resize(size);
  im.ring_source.assign(size, false);

  std::string where = "rank " + std::to_string(fabric.rank()) + ": exchange service";
  // Slots, then the store path's control area (slot_rings.h) at the same offset everywhere.
  im.control_offset = (size_t{options.slots_per_peer} * options.slot_bytes * size + 63) / 64 * 64;
  size_t region_bytes = im.control_offset + SlotRings::Bytes(size, options.slots_per_peer);
  size_t staging_bytes = size_t{options.staging_buffers} * options.slot_bytes;
  Status st = CheckMemlockLimit(region_bytes + staging_bytes, MemlockLimit(), fabric.rdma().verbs);
  if (st.ok()) st = im.MapRegion(region_bytes, &im.region, "receive region");
  if (st.ok()) st = im.MapRegion(staging_bytes, &im.staging, "staging buffers");
  if (st.ok()) {
    // Before the allgather below: no peer sees the area before it is initialized.
    SlotRings::Initialize(im.region.base + im.control_offset, size, options.slots_per_peer);
    im.own_rings = SlotRings(im.region.base + im.control_offset, size, options.slots_per_peer);
  }
  WireWriter w;
  if (st.ok()) {
    void* packed = nullptr;
    size_t packed_len = 0;
    ucs_status_t us = ucp_rkey_pack(fabric.context(), im.region.memh, &packed, &packed_len);
    if (us != UCS_OK) {
      st = Status::NetworkError(UcxError("ucp_rkey_pack", us));
    } else {
      w.U64(reinterpret_cast<uint64_t>(im.region.base));
      w.Raw(packed, packed_len);
      ucp_rkey_buffer_release(packed);
    }
  }
  // Collective calls happen on every rank even after a local error, so nobody hangs; an
  // empty contribution tells the others.
  auto all = AllGatherBytes(fabric.comm(), st.ok() ? std::span<const std::byte>(w.buffer())
                                                   : std::span<const std::byte>());
  if (!st.ok()) return st.Annotate(where);
  if (!all.ok()) return all.status().Annotate(where);
  for (int r = 0; r < size; ++r) {
    if ((*all)[r].size() <= 8) {
      return Status::NetworkError(fabric.Describe(r) + " could not map its receive region")
          .Annotate(where);
    }
  }
  im.staging_count = options.staging_buffers;
  for (uint32_t i = options.staging_buffers; i > 0; --i) im.free_staging.push_back(i - 1);

  ucs_status_t unpack = UCS_OK;
  int bad = -1;
  fabric.network().RunSync([&] {
    for (int r = 0; r < size; ++r) {
      WireReader rd((*all)[r]);
      rd.U64(&im.remotes[r].base);
      ucs_status_t us =
          ucp_ep_rkey_unpack(fabric.data_ep(r), (*all)[r].data() + 8, &im.remotes[r].rkey);
      if (us != UCS_OK && unpack == UCS_OK) {
        unpack = us;
        bad = r;
      }
      void* local = nullptr;
      if (r == fabric.rank()) {
        im.mapped[r] = im.region.base;
      } else if (us == UCS_OK &&
                 ucp_rkey_ptr(im.remotes[r].rkey, im.remotes[r].base, &local) == UCS_OK) {
        im.mapped[r] = static_cast<std::byte*>(local);
      }
    }
  });
  if (unpack != UCS_OK) {
    return Status::NetworkError(UcxError("ucp_ep_rkey_unpack", unpack) + " for " +
                                fabric.Describe(bad))
        .Annotate(where);
  }
  s->paths_.resize(size);
  for (int r = 0; r < size; ++r) {
    ExchangePath p = options.path;
    if (p == ExchangePath::kStore && im.mapped[r] == nullptr) p = ExchangePath::kAuto;
    if (p == ExchangePath::kAuto) {
      p = im.mapped[r] != nullptr                           ? ExchangePath::kStore
          : fabric.peer(r).put_native || r == fabric.rank() ? ExchangePath::kPut
                                                            : ExchangePath::kActiveMessage;
    }
    s->paths_[r] = p;
    if (im.UsesRing(r)) {
      im.peer_rings[r] = SlotRings(im.mapped[r] + im.control_offset, size, options.slots_per_peer);
    }
  }
  fabric.SetAmHandler(kAmExchangeNotice, &Impl::OnNotice, &im);
  fabric.SetAmHandler(kAmExchangeData, &Impl::OnData, &im);
  Impl* raw = &im;
  s->failure_callback_ =
      fabric.AddPeerFailureCallback([raw](int r, const Status& why) { raw->OnPeerFailed(r, why); });
  IBEX_RETURN_IF_ERROR(Barrier(fabric.comm()).Annotate(where));
  return s;
}

ExchangeService::~ExchangeService() {
  if (failure_callback_ >= 0) fabric_.RemovePeerFailureCallback(failure_callback_);
  if (impl_) impl_->Teardown();
}

Status ExchangeService::Shutdown() {
  // Over the control plane: MPI may be finalized by now (mpi_launch finalizes it after
  // bootstrap). First nobody uses an exchange any more, then everybody has unregistered.
  Status st = fabric_.Barrier(Fabric::kShutdownBarrierTimeout).Annotate("exchange shutdown");
  if (failure_callback_ >= 0) fabric_.RemovePeerFailureCallback(failure_callback_);
  failure_callback_ = -1;
  impl_->Teardown();
  if (st.ok()) st = fabric_.Barrier(Fabric::kShutdownBarrierTimeout).Annotate("exchange shutdown");
  impl_.reset();
  return st;
}

ExchangeStats ExchangeService::stats() const {
  std::lock_guard<std::mutex> lock(impl_->mu);
  return impl_->stats;
}

void ExchangeService::ForgetQuery(uint64_t query) {
  Impl::Section section(*impl_);
  impl_->forgotten.insert(query);
  for (auto it = impl_->early.begin(); it != impl_->early.end();) {
    if (it->first.query != query) {
      ++it;
      continue;
    }
    for (Item& item : it->second.items) {
      if (item.slot >= 0) {
        impl_->ReturnCreditLocked(item.source, it->first, static_cast<uint32_t>(item.slot));
        --impl_->early_slots;
      } else {
        impl_->early_bytes -= item.bytes;
      }
      ++impl_->stats.dropped;
    }
    it = impl_->early.erase(it);
  }
  for (auto it = impl_->finished.begin(); it != impl_->finished.end();) {
    it = it->query == query ? impl_->finished.erase(it) : std::next(it);
  }
}

Result<std::unique_ptr<ExchangeSender>> ExchangeService::OpenSender(ExchangeKey key,
                                                                    std::vector<int> receivers) {
  auto state = std::make_shared<SenderState>();
  state->key = key;
  state->is_receiver.assign(fabric_.size(), false);
  state->sent.assign(fabric_.size(), 0);
  for (int r : receivers) {
    if (r < 0 || r >= fabric_.size()) {
      return Status::InvalidArgument(key.ToString() + ": receiver rank " + std::to_string(r));
    }
    state->is_receiver[r] = true;
  }
  state->receivers = std::move(receivers);
  std::lock_guard<std::mutex> lock(impl_->mu);
  for (const auto& other : impl_->senders) {
    if (other->key == key)
      return Status::AlreadyExists(key.ToString() + " already has a sender here");
  }
  for (int r : state->receivers) impl_->credits[r].Open(key);
  impl_->senders.push_back(state);
  return std::unique_ptr<ExchangeSender>(new ExchangeSender(this, state));
}

Result<std::unique_ptr<ExchangeReceiver>> ExchangeService::OpenReceiver(ExchangeKey key,
                                                                        std::vector<int> senders) {
  auto state = std::make_shared<ReceiverState>();
  state->key = key;
  int size = fabric_.size();
  state->is_sender.assign(size, false);
  state->expected.assign(size, -1);
  state->received.assign(size, 0);
  for (int r : senders) {
    if (r < 0 || r >= size) {
      return Status::InvalidArgument(key.ToString() + ": sender rank " + std::to_string(r));
    }
    state->is_sender[r] = true;
  }
  Impl::Section section(*impl_);
  // Entries already in our rings for this exchange become early data first, and are adopted
  // below with the rest.
  impl_->PollReadyRingsLocked();
  if (impl_->receivers.count(key) != 0 || impl_->finished.count(key) != 0) {
    return Status::AlreadyExists(key.ToString() + " was already opened on this rank");
  }
  if (impl_->forgotten.count(key.query) != 0) {
    return Status::Cancelled(key.ToString() + ": its query is over on this rank");
  }
  auto early = impl_->early.find(key);
  if (early != impl_->early.end()) {
    for (Item& item : early->second.items) {
      if (item.slot >= 0) {
        --impl_->early_slots;
      } else {
        impl_->early_bytes -= item.bytes;
      }
      ++state->received[item.source];
      ++state->early;
      ++state->total;
      state->queue.push_back(std::move(item));
    }
    for (auto [source, count] : early->second.ends) {
      state->expected[source] = static_cast<int64_t>(count);
    }
    impl_->early.erase(early);
  }
  for (int r = 0; r < size; ++r) {
    if (!state->is_sender[r] || impl_->peer_failed[r].ok()) continue;
    if (state->expected[r] < 0 || state->received[r] != static_cast<uint64_t>(state->expected[r])) {
      state->error = impl_->peer_failed[r].Annotate(key.ToString());
    }
  }
  impl_->receivers[key] = state;
  return std::unique_ptr<ExchangeReceiver>(new ExchangeReceiver(this, state));
}

}  // namespace ibex::net
