// The fabric: one rank's UCX context and worker, two endpoints to every rank (control:
// peer error handling + 1 s keepalive; data: none, so shared memory and verbs stay one-sided),
// the network thread that owns the worker, typed control messages, a control-plane barrier,
// peer-failure notification and the transport report. Bootstrapped over MPI on the
// communicator given to Create(): host names, worker addresses and a probe region's rkey are
// exchanged once with collectives. After Create() returns nothing here uses MPI, so the
// caller may finalize it (mpi_launch does: under srun --mpi=pmix, a rank that dies while still
// a PMIx client makes Slurm kill the whole step; docs/launch.md).
//
// Who calls it: mpi_launch (one Fabric per rank for the whole job), the exchange service
// (net/rdma/exchange.h), tests and perf/shuffle_bench.
//
// Create() sets UCX_TCP_PUT_ENABLE=n and UCX_TCP_{TX,RX}_SEG_SIZE=512K in the environment
// unless already set (docs/net.md says why): call it before starting threads that read the
// environment.
//
// Threads: Create on one thread, collectively over the communicator; Shutdown and Barrier on
// one thread, collectively over the control plane. SendControl,
// RegisterControlHandler, AddPeerFailureCallback, PeerStatus and the reports from any thread.
// Control handlers and failure callbacks run on the network thread and must not block. An
// object whose handlers or callbacks capture it must unregister them before it is destroyed
// (UnregisterControlHandler, RemovePeerFailureCallback): a peer may fail, or a late message
// arrive, at any moment until the fabric itself shuts down.
// The UCX accessors (worker(), data_ep() ...) are for net/rdma code on the network thread.
#pragma once

#include <mpi.h>
#include <ucp/api/ucp.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <span>
#include <string>
#include <vector>

#include "common/status.h"
#include "net/rdma/network_thread.h"
#include "net/rdma/rdma_devices.h"
#include "net/rdma/transport_report.h"

namespace ibex::net {

struct FabricOptions {
  std::chrono::milliseconds keepalive{1000};  // control endpoints; UCX_KEEPALIVE_INTERVAL wins
  std::chrono::microseconds spin{50};         // network thread's busy window
};

// What carries traffic to one peer.
struct PeerReport {
  int rank = 0;
  std::string host;
  EndpointTransports data;
  EndpointTransports control;
  std::string data_info;     // raw ucp_ep_print_info text
  std::string control_info;
  bool put_native = false;       // data lanes do RMA in hardware / shared memory
  bool mapped_directly = false;  // ucp_rkey_ptr gave a local pointer into the peer's region

  // "rank 1 (node7): data posix,cma (put native, mapped) | ctrl tcp"
  std::string Summary() const;
};

// Control message types below 0x0100 are the fabric's own; callers use the rest.
inline constexpr uint16_t kControlBarrierArrive = 0x0001;   // rank -> rank 0
inline constexpr uint16_t kControlBarrierRelease = 0x0002;  // rank 0 -> every rank

// Active-message ids. 0 is the fabric's control channel; the exchange layer uses the rest.
inline constexpr unsigned kAmControl = 0;
inline constexpr unsigned kAmExchangeNotice = 1;  // ready / end-of-stream / credits
inline constexpr unsigned kAmExchangeData = 2;    // the active-message data path

class Fabric {
 public:
  static Result<std::unique_ptr<Fabric>> Create(MPI_Comm comm, FabricOptions options = {});
  // Tears down locally (Abandon) if Shutdown was not called.
  ~Fabric();
  Fabric(const Fabric&) = delete;
  Fabric& operator=(const Fabric&) = delete;

  // Collective over the control plane (Barrier; no MPI, which may be finalized by now): every
  // rank stops using the fabric, endpoints are closed, the network thread stops. Not after a
  // peer failure (the dead rank would never reach the barrier): use Abandon() then. Once a
  // rank is shutting down, peers leaving are recorded (PeerStatus) but no callback is told.
  Status Shutdown();
  // How long Shutdown waits for the slowest rank to arrive.
  static constexpr std::chrono::seconds kShutdownBarrierTimeout{120};
  // Local teardown without talking to anybody.
  void Abandon();

  int rank() const { return rank_; }
  int size() const { return size_; }
  MPI_Comm comm() const { return comm_; }
  const std::string& host(int r) const { return hosts_[r]; }
  std::string Describe(int r) const;  // "rank 2 (node7)"

  // ---- control plane ----
  // Collective over the control plane, without MPI: returns OK once every rank has called it
  // (the same number of times); fails when a rank it waits for fails (rank 0 waits for
  // everybody, the others for rank 0's release), or after `timeout`, naming who is missing.
  // From one thread per rank, not the network thread.
  Status Barrier(std::chrono::milliseconds timeout);
  using ControlHandler = std::function<void(int source, std::span<const std::byte> payload)>;
  // Types are the caller's; register before any peer may send that type (a message of an
  // unregistered type is a protocol failure of its sender).
  void RegisterControlHandler(uint16_t type, ControlHandler handler);
  // When it returns, the handler of `type` is not running and will not run again; messages of
  // that type arriving later are dropped (their receiver is gone; not a protocol error). Waits
  // for a running handler: not from a handler or a failure callback.
  void UnregisterControlHandler(uint16_t type);
  // Queues a copy of `payload` to `dest` (may be this rank). Fails at once if dest has failed;
  // a failure during the send is reported through the peer-failure callbacks.
  Status SendControl(int dest, uint16_t type, std::span<const std::byte> payload);
  // Waits until every control message queued so far has left this rank (endpoint flushes),
  // at most `timeout`. For a rank that is about to exit. Not from the network thread.
  Status FlushControl(std::chrono::milliseconds timeout);
  using PeerFailureCallback = std::function<void(int rank, const Status& why)>;
  // Returns a handle for RemovePeerFailureCallback.
  int AddPeerFailureCallback(PeerFailureCallback callback);
  // When it returns, the callback is not running and will not run again. Waits for running
  // callbacks: not from a handler or a failure callback.
  void RemovePeerFailureCallback(int handle);
  // OK, or the PeerFailed status naming the rank and host.
  Status PeerStatus(int r) const;
  // Marks a peer failed (also used for protocol errors); idempotent. Network thread.
  void FailPeer(int r, const std::string& why);

  // ---- reports ----
  const PeerReport& peer(int r) const { return peers_[r]; }
  const RdmaChoice& rdma() const { return rdma_; }
  // One line: "data: posix,cma (put native, mapped) | ctrl: tcp | rdma: none (no verbs device)"
  std::string TransportSummary() const;

  // ---- for net/rdma internals ----
  NetworkThread& network() { return *network_; }
  ucp_context_h context() const { return context_; }
  ucp_worker_h worker() const { return worker_; }
  ucp_ep_h data_ep(int r) const { return data_eps_[r]; }
  // Installs an AM handler on the worker (from any thread but the network thread).
  void SetAmHandler(unsigned id, ucp_am_recv_callback_t cb, void* arg);

 private:
  Fabric(MPI_Comm comm, FabricOptions options);
  Status Bootstrap();
  Status CreateEndpoints(const std::vector<std::vector<std::byte>>& addresses);
  Status ProbeMappings();
  void CloseEndpoints(bool flush_control);
  static ucs_status_t OnControlAm(void* arg, const void* header, size_t header_length,
                                  void* data, size_t length, const ucp_am_recv_param_t* param);
  static void OnControlEndpointError(void* arg, ucp_ep_h ep, ucs_status_t status);
  void Dispatch(int source, uint16_t type, std::span<const std::byte> payload);
  void OnBarrierArrive(int source, std::span<const std::byte> payload);
  void OnBarrierRelease(int source, std::span<const std::byte> payload);
  // Ends a handler or callback invocation begun under mu_ (see running_).
  void EndInvocation();

  MPI_Comm comm_;
  FabricOptions options_;
  int rank_ = 0;
  int size_ = 0;
  std::vector<std::string> hosts_;
  RdmaChoice rdma_;
  ucp_context_h context_ = nullptr;
  ucp_worker_h worker_ = nullptr;
  std::vector<ucp_ep_h> data_eps_;
  std::vector<ucp_ep_h> control_eps_;  // [rank_] is the data endpoint to self
  struct ErrorArg {
    Fabric* fabric;
    int rank;
  };
  std::vector<std::unique_ptr<ErrorArg>> error_args_;
  std::vector<PeerReport> peers_;
  std::unique_ptr<NetworkThread> network_;
  std::atomic<bool> shutting_down_{false};
  bool torn_down_ = false;

  mutable std::mutex mu_;
  std::map<uint16_t, ControlHandler> handlers_;     // guarded by mu_; empty: unregistered
  std::map<int, PeerFailureCallback> failure_callbacks_;  // guarded by mu_
  int next_callback_ = 0;                           // guarded by mu_
  // Handlers and callbacks running now (copied out under mu_, run outside it), so that
  // unregistering can wait for them; guarded by mu_.
  int running_ = 0;
  std::condition_variable idle_;
  std::vector<Status> peer_status_;                 // guarded by mu_

  // Barrier (fabric_barrier.cpp). Calls are numbered alike on every rank.
  uint64_t barrier_calls_ = 0;                       // the calling thread's
  std::map<uint64_t, std::set<int>> barrier_arrived_;  // rank 0; guarded by mu_
  uint64_t barrier_released_ = 0;                    // guarded by mu_
  Status barrier_verdict_;                           // of barrier_released_; guarded by mu_
  std::condition_variable barrier_changed_;          // arrivals, releases, peer failures
};

}  // namespace ibex::net
