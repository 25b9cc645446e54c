#include "net/rdma/fabric.h"

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <algorithm>
#include <future>
#include <utility>

#include "common/check.h"
#include "net/rdma/mpi_bootstrap.h"
#include "net/rdma/ucx_request.h"
#include "net/rdma/wire.h"

namespace ibex::net {
namespace {

#define IBEX_MPI(call)                                              \
  do {                                                              \
    int ibex_rc_ = (call);                                          \
    if (ibex_rc_ != MPI_SUCCESS) return MpiError(#call, ibex_rc_);  \
  } while (false)

std::string PrintEndpoint(ucp_ep_h ep) {
  char* text = nullptr;
  size_t len = 0;
  FILE* stream = open_memstream(&text, &len);
  if (stream == nullptr) return {};
  ucp_ep_print_info(ep, stream);
  std::fclose(stream);
  std::string out(text, len);
  std::free(text);
  return out;
}

}  // namespace

std::string PeerReport::Summary() const {
  std::string s = "rank " + std::to_string(rank) + " (" + host + "): data " +
                  JoinNames(data.DataTransports()) + " (put " +
                  (put_native ? "native" : "emulated") +
                  (mapped_directly ? ", mapped" : "") + ") | ctrl " +
                  JoinNames(control.DataTransports());
  return s;
}

Fabric::Fabric(MPI_Comm comm, FabricOptions options) : comm_(comm), options_(options) {}

Result<std::unique_ptr<Fabric>> Fabric::Create(MPI_Comm comm, FabricOptions options) {
  std::unique_ptr<Fabric> f(new Fabric(comm, options));
  Status st = f->Bootstrap();
  if (!st.ok()) {
    return st.Annotate("rank " + std::to_string(f->rank_) + ": fabric bootstrap");
  }
  return f;
}

Status Fabric::Bootstrap() {
  IBEX_MPI(MPI_Comm_rank(comm_, &rank_));
  IBEX_MPI(MPI_Comm_size(comm_, &size_));

  char name[256] = {};
  gethostname(name, sizeof(name) - 1);
  IBEX_ASSIGN_OR_RETURN(auto host_bytes,
                        AllGatherBytes(comm_, std::as_bytes(std::span(name, std::strlen(name)))));
  for (auto& h : host_bytes) hosts_.emplace_back(reinterpret_cast<const char*>(h.data()), h.size());
  peer_status_.assign(size_, Status::OK());

  // RDMA device: the user's UCX_NET_DEVICES wins; otherwise the verbs device nearest our NUMA
  // domain, if there is one.
  const char* user_devices = std::getenv("UCX_NET_DEVICES");
  std::vector<int> numa;
  if (auto local = LocalNumaNodes(); local.ok()) numa = *local;
  rdma_ = ChooseRdmaDevice(DiscoverRdmaDevices(), numa,
                           user_devices ? std::optional<std::string>(user_devices) : std::nullopt);

  // TCP tuning, unless the user chose otherwise: (1) no PUT zcopy over TCP — UCX 1.13's TCP
  // put protocol asserted (`tcp_ep.c:939 ... PUT_TX_WAITING_ACK`, cf. openucx/ucx#4676,#4680)
  // in about 1 of 60 dying-peer runs here, and rendezvous without it (AM fragments) was faster;
  // (2) 512 KiB segments: fewer, larger socket writes (1 MiB messages 2.0-2.6 -> 2.7-3.1 GB/s).
  // ucp_config_modify does not reach UCT's TCP settings in 1.13, so these go through the
  // environment UCT reads when it opens the interface (overwrite=0 keeps the user's values).
  setenv("UCX_TCP_PUT_ENABLE", "n", 0);
  setenv("UCX_TCP_TX_SEG_SIZE", "512K", 0);
  setenv("UCX_TCP_RX_SEG_SIZE", "512K", 0);

  ucp_config_t* config = nullptr;
  ucs_status_t st = ucp_config_read(nullptr, nullptr, &config);
  if (st != UCS_OK) return Status::NetworkError(UcxError("ucp_config_read", st));
  if (std::getenv("UCX_KEEPALIVE_INTERVAL") == nullptr) {
    std::string ms = std::to_string(options_.keepalive.count()) + "ms";
    st = ucp_config_modify(config, "KEEPALIVE_INTERVAL", ms.c_str());
    if (st != UCS_OK) {
      ucp_config_release(config);
      return Status::NetworkError(UcxError("ucp_config_modify(KEEPALIVE_INTERVAL)", st));
    }
  }
  if (rdma_.kind == RdmaChoice::Kind::kChosen) {
    ucp_config_modify(config, "NET_DEVICES", rdma_.device.c_str());
  }
  ucp_params_t params{};
  params.field_mask = UCP_PARAM_FIELD_FEATURES | UCP_PARAM_FIELD_ESTIMATED_NUM_EPS;
  params.features = UCP_FEATURE_AM | UCP_FEATURE_RMA | UCP_FEATURE_WAKEUP;
  params.estimated_num_eps = static_cast<size_t>(2 * size_);
  st = ucp_init(&params, config, &context_);
  ucp_config_release(config);
  if (st != UCS_OK) return Status::NetworkError(UcxError("ucp_init", st));

  ucp_worker_params_t wparams{};
  wparams.field_mask = UCP_WORKER_PARAM_FIELD_THREAD_MODE;
  wparams.thread_mode = UCS_THREAD_MODE_SINGLE;  // only the network thread touches it
  st = ucp_worker_create(context_, &wparams, &worker_);
  if (st != UCS_OK) return Status::NetworkError(UcxError("ucp_worker_create", st));

  ucp_address_t* address = nullptr;
  size_t address_len = 0;
  st = ucp_worker_get_address(worker_, &address, &address_len);
  if (st != UCS_OK) return Status::NetworkError(UcxError("ucp_worker_get_address", st));
  auto addresses = AllGatherBytes(
      comm_, std::span(reinterpret_cast<const std::byte*>(address), address_len));
  ucp_worker_release_address(worker_, address);
  if (!addresses.ok()) return addresses.status();

  // The control handler must be in place before any peer can send.
  ucp_am_handler_param_t hp{};
  hp.field_mask = UCP_AM_HANDLER_PARAM_FIELD_ID | UCP_AM_HANDLER_PARAM_FIELD_CB |
                  UCP_AM_HANDLER_PARAM_FIELD_ARG;
  hp.id = kAmControl;
  hp.cb = &Fabric::OnControlAm;
  hp.arg = this;
  st = ucp_worker_set_am_recv_handler(worker_, &hp);
  if (st != UCS_OK) return Status::NetworkError(UcxError("ucp_worker_set_am_recv_handler", st));

  IBEX_RETURN_IF_ERROR(CreateEndpoints(*addresses));
  IBEX_RETURN_IF_ERROR(ProbeMappings());

  NetworkThread::Options nopt;
  nopt.spin = options_.spin;
  nopt.timer = size_ > 1 ? options_.keepalive : std::chrono::milliseconds(0);
  IBEX_ASSIGN_OR_RETURN(network_, NetworkThread::Start(worker_, nopt));
  RegisterControlHandler(kControlBarrierArrive, [this](int source, std::span<const std::byte> p) {
    OnBarrierArrive(source, p);
  });
  RegisterControlHandler(kControlBarrierRelease, [this](int source, std::span<const std::byte> p) {
    OnBarrierRelease(source, p);
  });
  IBEX_MPI(MPI_Barrier(comm_));  // every rank's handlers exist before anybody sends
  return Status::OK();
}

Status Fabric::CreateEndpoints(const std::vector<std::vector<std::byte>>& addresses) {
  data_eps_.assign(size_, nullptr);
  control_eps_.assign(size_, nullptr);
  peers_.resize(size_);
  for (int r = 0; r < size_; ++r) {
    ucp_ep_params_t ep{};
    ep.field_mask = UCP_EP_PARAM_FIELD_REMOTE_ADDRESS | UCP_EP_PARAM_FIELD_ERR_HANDLING_MODE;
    ep.address = reinterpret_cast<const ucp_address_t*>(addresses[r].data());
    ep.err_mode = UCP_ERR_HANDLING_MODE_NONE;
    ucs_status_t st = ucp_ep_create(worker_, &ep, &data_eps_[r]);
    if (st != UCS_OK) {
      return Status::NetworkError(UcxError("ucp_ep_create(data)", st) + " to " + Describe(r));
    }
    if (r == rank_) {
      control_eps_[r] = data_eps_[r];  // a rank cannot lose itself
    } else {
      error_args_.push_back(std::make_unique<ErrorArg>(ErrorArg{this, r}));
      ep.field_mask |= UCP_EP_PARAM_FIELD_ERR_HANDLER;
      ep.err_mode = UCP_ERR_HANDLING_MODE_PEER;
      ep.err_handler.cb = &Fabric::OnControlEndpointError;
      ep.err_handler.arg = error_args_.back().get();
      st = ucp_ep_create(worker_, &ep, &control_eps_[r]);
      if (st != UCS_OK) {
        // UCX 1.13's shared-memory transports lack peer failure handling: control endpoints
        // need tcp (or verbs) in UCX_TLS.
        return Status::NetworkError(UcxError("ucp_ep_create(control)", st) + " to " + Describe(r) +
                                    ": control endpoints need a transport with peer failure "
                                    "handling (tcp or verbs) in UCX_TLS");
      }
    }
    PeerReport& p = peers_[r];
    p.rank = r;
    p.host = hosts_[r];
    p.data_info = PrintEndpoint(data_eps_[r]);
    p.control_info = PrintEndpoint(control_eps_[r]);
    if (auto parsed = ParseEndpointInfo(p.data_info); parsed.ok()) p.data = *parsed;
    if (auto parsed = ParseEndpointInfo(p.control_info); parsed.ok()) p.control = *parsed;
    p.put_native = p.data.PutNative();
  }
  return Status::OK();
}

// Maps a small probe region with UCP_MEM_MAP_ALLOCATE, swaps rkeys, and records for each peer
// whether ucp_rkey_ptr gives a direct pointer into its region (shared memory).
Status Fabric::ProbeMappings() {
  ucp_mem_map_params_t mp{};
  mp.field_mask = UCP_MEM_MAP_PARAM_FIELD_LENGTH | UCP_MEM_MAP_PARAM_FIELD_FLAGS;
  mp.length = 4096;
  mp.flags = UCP_MEM_MAP_ALLOCATE;
  ucp_mem_h memh = nullptr;
  ucs_status_t st = ucp_mem_map(context_, &mp, &memh);
  if (st != UCS_OK) return Status::NetworkError(UcxError("ucp_mem_map(probe)", st));
  ucp_mem_attr_t attr{};
  attr.field_mask = UCP_MEM_ATTR_FIELD_ADDRESS;
  ucp_mem_query(memh, &attr);
  void* packed = nullptr;
  size_t packed_len = 0;
  st = ucp_rkey_pack(context_, memh, &packed, &packed_len);
  if (st != UCS_OK) {
    ucp_mem_unmap(context_, memh);
    return Status::NetworkError(UcxError("ucp_rkey_pack(probe)", st));
  }
  WireWriter w;
  w.U64(reinterpret_cast<uint64_t>(attr.address));
  w.Raw(packed, packed_len);
  ucp_rkey_buffer_release(packed);
  auto all = AllGatherBytes(comm_, w.buffer());
  if (all.ok()) {
    for (int r = 0; r < size_; ++r) {
      WireReader rd((*all)[r]);
      uint64_t base = 0;
      rd.U64(&base);
      ucp_rkey_h rkey = nullptr;
      if (ucp_ep_rkey_unpack(data_eps_[r], (*all)[r].data() + 8, &rkey) == UCS_OK) {
        void* local = nullptr;
        peers_[r].mapped_directly = ucp_rkey_ptr(rkey, base, &local) == UCS_OK;
        ucp_rkey_destroy(rkey);
      }
    }
  }
  // Everybody is done with every rkey before anyone unmaps its region.
  int rc = MPI_Barrier(comm_);
  ucp_mem_unmap(context_, memh);
  if (!all.ok()) return all.status();
  if (rc != MPI_SUCCESS) return MpiError("MPI_Barrier", rc);
  return Status::OK();
}

Fabric::~Fabric() { Abandon(); }

void Fabric::CloseEndpoints(bool flush_control) {
  // Runs on the network thread; waits (by progressing) for every close, bounded.
  // Data endpoints are always closed by force: whoever gets here has no data in flight (the
  // exchange service's shutdown barrier, or a failure that makes it moot), and flushing an
  // endpoint whose puts are emulated over TCP needs the peer's worker, which a rank that left
  // the shutdown barrier first may have destroyed already (UCX then logs "error during flush:
  // Endpoint timeout"). Control endpoints of live peers are flushed when asked, so that the
  // last control messages (the barrier's releases) leave before the close.
  struct Close {
    ucp_ep_h ep;
    bool force;
  };
  std::vector<Close> closes;
  for (int r = 0; r < size_; ++r) {
    if (control_eps_[r] != nullptr && control_eps_[r] != data_eps_[r]) {
      closes.push_back({control_eps_[r], !flush_control || !PeerStatus(r).ok()});
    }
    if (data_eps_[r] != nullptr) closes.push_back({data_eps_[r], true});
  }
  for (const Close& close : closes) {
    ucp_request_param_t p{};
    p.op_attr_mask = UCP_OP_ATTR_FIELD_FLAGS;
    p.flags = close.force ? UCP_EP_CLOSE_FLAG_FORCE : 0;
    ucs_status_ptr_t req = ucp_ep_close_nbx(close.ep, &p);
    if (!UCS_PTR_IS_PTR(req)) continue;
    auto start = std::chrono::steady_clock::now();
    while (ucp_request_check_status(req) == UCS_INPROGRESS &&
           std::chrono::steady_clock::now() - start < std::chrono::seconds(5)) {
      ucp_worker_progress(worker_);
    }
    // A close still in progress after 5 s is left to ucp_worker_destroy.
    if (ucp_request_check_status(req) != UCS_INPROGRESS) ucp_request_free(req);
  }
  std::fill(data_eps_.begin(), data_eps_.end(), nullptr);
  std::fill(control_eps_.begin(), control_eps_.end(), nullptr);
}

Status Fabric::Shutdown() {
  if (torn_down_) return Status::OK();
  // From here on peers leaving are expected: FailPeer records them for the barrier but tells
  // no callback. A rank released from the barrier closes and exits while others may still be
  // waiting for their release, so those wait for rank 0 alone.
  shutting_down_ = true;
  Status met = Barrier(kShutdownBarrierTimeout).Annotate("shutdown");
  if (met.ok()) {
    // Rank 0's releases leave before its endpoints close; nothing else is in flight (every
    // rank flushed before arriving), so the closes below need no peer's help.
    (void)FlushControl(std::chrono::seconds(5));
    network_->RunSync([this] { CloseEndpoints(/*flush_control=*/true); });
  }
  Abandon();
  return met;
}

void Fabric::Abandon() {
  if (torn_down_) return;
  torn_down_ = true;
  shutting_down_ = true;
  if (network_ && data_eps_.size() == static_cast<size_t>(size_) &&
      std::any_of(data_eps_.begin(), data_eps_.end(), [](ucp_ep_h e) { return e != nullptr; })) {
    network_->RunSync([this] { CloseEndpoints(/*flush_control=*/false); });
  }
  network_.reset();
  if (worker_ != nullptr) ucp_worker_destroy(worker_);
  if (context_ != nullptr) ucp_cleanup(context_);
  worker_ = nullptr;
  context_ = nullptr;
}

std::string Fabric::Describe(int r) const {
  if (r < 0 || r >= static_cast<int>(hosts_.size())) return "rank " + std::to_string(r);
  return "rank " + std::to_string(r) + " (" + hosts_[r] + ")";
}

void Fabric::RegisterControlHandler(uint16_t type, ControlHandler handler) {
  std::lock_guard<std::mutex> lock(mu_);
  handlers_[type] = std::move(handler);
}

void Fabric::UnregisterControlHandler(uint16_t type) {
  std::unique_lock<std::mutex> lock(mu_);
  auto it = handlers_.find(type);
  if (it != handlers_.end()) it->second = nullptr;
  idle_.wait(lock, [&] { return running_ == 0; });
}

int Fabric::AddPeerFailureCallback(PeerFailureCallback callback) {
  std::lock_guard<std::mutex> lock(mu_);
  const int handle = next_callback_++;
  failure_callbacks_.emplace(handle, std::move(callback));
  return handle;
}

void Fabric::RemovePeerFailureCallback(int handle) {
  std::unique_lock<std::mutex> lock(mu_);
  failure_callbacks_.erase(handle);
  idle_.wait(lock, [&] { return running_ == 0; });
}

void Fabric::EndInvocation() {
  std::lock_guard<std::mutex> lock(mu_);
  if (--running_ == 0) idle_.notify_all();
}

Status Fabric::PeerStatus(int r) const {
  std::lock_guard<std::mutex> lock(mu_);
  return peer_status_[r];
}

void Fabric::FailPeer(int r, const std::string& why) {
  std::vector<PeerFailureCallback> callbacks;
  Status status;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (!peer_status_[r].ok()) return;
    peer_status_[r] = Status::PeerFailed(Describe(r) + " failed: " + why);
    barrier_changed_.notify_all();
    if (shutting_down_) return;  // leaving at the end of the job is no news to anybody
    status = peer_status_[r];
    for (const auto& [handle, cb] : failure_callbacks_) callbacks.push_back(cb);
    ++running_;
  }
  for (auto& cb : callbacks) cb(r, status);
  EndInvocation();
}

void Fabric::OnControlEndpointError(void* arg, ucp_ep_h ep, ucs_status_t status) {
  auto* a = static_cast<ErrorArg*>(arg);
  Fabric* f = a->fabric;
  f->FailPeer(a->rank, UcxError("control endpoint", status));
  // A failed endpoint must still be closed; force, since the peer is gone.
  if (!f->shutting_down_) {
    int r = a->rank;
    f->network_->Submit([f, r, ep] {
      if (f->control_eps_[r] != ep) return;
      ucp_request_param_t p{};
      p.op_attr_mask = UCP_OP_ATTR_FIELD_FLAGS;
      p.flags = UCP_EP_CLOSE_FLAG_FORCE;
      ucs_status_ptr_t req = ucp_ep_close_nbx(ep, &p);
      if (UCS_PTR_IS_PTR(req)) ucp_request_free(req);
      f->control_eps_[r] = nullptr;
    });
  }
}

Status Fabric::SendControl(int dest, uint16_t type, std::span<const std::byte> payload) {
  if (dest < 0 || dest >= size_) {
    return Status::InvalidArgument("SendControl to rank " + std::to_string(dest) + " of " +
                                   std::to_string(size_));
  }
  IBEX_RETURN_IF_ERROR(PeerStatus(dest));
  WireWriter w;
  ControlEnvelope env{type, static_cast<uint32_t>(rank_), static_cast<uint32_t>(payload.size())};
  env.Write(w);
  w.Bytes(payload);
  network_->Submit([this, dest, message = w.Take()]() mutable {
    ucp_ep_h ep = control_eps_[dest];
    if (ep == nullptr) return;  // failed meanwhile: reported through the failure callbacks
    UcxOp* op = StartOp(network_.get(),
                        [this, dest](ucs_status_t st) {
                          if (st != UCS_OK && st != UCS_ERR_CANCELED) {
                            FailPeer(dest, UcxError("ucp_am_send_nbx(control)", st));
                          }
                        },
                        std::move(message));
    const std::byte* base = op->keep.data();
    FinishOp(op, ucp_am_send_nbx(ep, kAmControl, base, ControlEnvelope::kWireBytes,
                                 base + ControlEnvelope::kWireBytes,
                                 op->keep.size() - ControlEnvelope::kWireBytes, &op->param));
  });
  return Status::OK();
}

Status Fabric::FlushControl(std::chrono::milliseconds timeout) {
  Status result;
  network_->RunSync([&] {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    for (int r = 0; r < size_; ++r) {
      if (control_eps_[r] == nullptr || !PeerStatus(r).ok()) continue;
      ucp_request_param_t p{};
      ucs_status_ptr_t req = ucp_ep_flush_nbx(control_eps_[r], &p);
      if (!UCS_PTR_IS_PTR(req)) continue;
      while (ucp_request_check_status(req) == UCS_INPROGRESS &&
             std::chrono::steady_clock::now() < deadline) {
        ucp_worker_progress(worker_);
      }
      ucs_status_t st = ucp_request_check_status(req);
      if (st == UCS_INPROGRESS) {
        ucp_request_cancel(worker_, req);
        result = Status::Timeout("control flush to " + Describe(r) + " did not complete");
      }
      ucp_request_free(req);
    }
  });
  return result;
}

ucs_status_t Fabric::OnControlAm(void* arg, const void* header, size_t header_length, void* data,
                                 size_t length, const ucp_am_recv_param_t* param) {
  auto* f = static_cast<Fabric*>(arg);
  ControlEnvelope env;
  std::string error;
  if (!env.Read(std::span(static_cast<const std::byte*>(header), header_length), &error) ||
      env.source >= static_cast<uint32_t>(f->size_) || env.payload_bytes != length) {
    if (error.empty()) error = "control envelope does not match the message";
    // Without a trustworthy source we cannot blame a rank; the message is malformed, so the
    // job's wire is broken: this is an internal error of the build, not an environment one.
    if (env.source < static_cast<uint32_t>(f->size_)) {
      f->FailPeer(static_cast<int>(env.source), "protocol error: " + error);
      return UCS_OK;
    }
    IBEX_CHECK(false) << "malformed control message from an unknown rank: " << error;
  }
  int source = static_cast<int>(env.source);
  if (param->recv_attr & UCP_AM_RECV_ATTR_FLAG_RNDV) {
    auto buffer = std::make_shared<std::vector<std::byte>>(length);
    uint16_t type = env.type;
    UcxOp* op = StartRecvOp(f->network_.get(), [f, source, type, buffer](ucs_status_t st) {
      if (st != UCS_OK) {
        f->FailPeer(source, UcxError("ucp_am_recv_data_nbx(control)", st));
        return;
      }
      f->Dispatch(source, type, *buffer);
    });
    FinishOp(op, ucp_am_recv_data_nbx(f->worker_, data, buffer->data(), length, &op->param));
    return UCS_OK;
  }
  f->Dispatch(source, env.type, std::span(static_cast<const std::byte*>(data), length));
  return UCS_OK;
}

void Fabric::Dispatch(int source, uint16_t type, std::span<const std::byte> payload) {
  ControlHandler handler;
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = handlers_.find(type);
    if (it != handlers_.end()) {
      if (!it->second) return;  // unregistered: its receiver is gone, the message is moot
      handler = it->second;
      ++running_;
    }
  }
  if (!handler) {
    FailPeer(source, "protocol error: control message of unregistered type " + std::to_string(type));
    return;
  }
  handler(source, payload);
  EndInvocation();
}

void Fabric::SetAmHandler(unsigned id, ucp_am_recv_callback_t cb, void* arg) {
  network_->RunSync([&] {
    ucp_am_handler_param_t hp{};
    hp.field_mask = UCP_AM_HANDLER_PARAM_FIELD_ID | UCP_AM_HANDLER_PARAM_FIELD_CB |
                    UCP_AM_HANDLER_PARAM_FIELD_ARG;
    hp.id = id;
    hp.cb = cb;
    hp.arg = arg;
    ucs_status_t st = ucp_worker_set_am_recv_handler(worker_, &hp);
    IBEX_CHECK(st == UCS_OK) << UcxError("ucp_worker_set_am_recv_handler", st);
  });
}

std::string Fabric::TransportSummary() const {
  std::vector<std::string> data, ctrl;
  bool native = true, mapped = true;
  int peers = 0;
  auto add = [](std::vector<std::string>* out, const std::vector<std::string>& names) {
    for (const auto& n : names) {
      if (std::find(out->begin(), out->end(), n) == out->end()) out->push_back(n);
    }
  };
  for (const PeerReport& p : peers_) {
    if (p.rank == rank_) continue;
    ++peers;
    add(&data, p.data.DataTransports());
    add(&ctrl, p.control.DataTransports());
    native = native && p.put_native;
    mapped = mapped && p.mapped_directly;
  }
  std::string s;
  if (peers == 0) {
    s = "data: self (no peers) | ctrl: self";
  } else {
    s = "data: " + JoinNames(data) + " (put " + (native ? "native" : "emulated") +
        (mapped ? ", mapped" : "") + ") | ctrl: " + JoinNames(ctrl);
  }
  return s + " | rdma: " + rdma_.Summary();
}

}  // namespace ibex::net
