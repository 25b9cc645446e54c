// Exchange channels: streams of buffers from M sender ranks to N receiver ranks, identified by
// ExchangeKey. One ExchangeService per fabric owns this rank's registered receive region
// (UCP_MEM_MAP_ALLOCATE, `slots_per_peer` slots of `slot_bytes` per sender rank) and its
// staging buffers, and moves buffers by one of three paths chosen per peer (docs/net.md):
//   store: the receiver's region is mapped into this process (ucp_rkey_ptr: shared memory):
//        Acquire hands out the remote slot itself, the caller writes it, Commit pushes a
//        "slot ready" entry into a ring in the receiver's region, and the receiver's
//        TryReceive polls it (slot_rings.h): no staging buffer, no put, no flush, no message
//        unless the other side sleeps (then a doorbell AM wakes it);
//   put: ucp_put_nbx into the remote slot, ucp_ep_flush_nbx, then one "slots ready" AM;
//   am:  ucp_am_send_nbx of the staging buffer (UCX picks eager or rendezvous), received
//        straight into the slot.
// Receivers consume slots in place; releasing a ReceivedBuffer returns the slot's credit.
//
// Nothing here blocks: a sender without credits gets SendState::kBlocked and registers a
// callback with WhenUnblocked; a receiver with nothing to read gets kBlocked and WhenReady.
// Callbacks run on the network thread, inline in the registering call when the condition
// already holds, or on a thread of this rank whose call into the exchange made it hold (a
// Release returning a credit, a TryReceive delivering another exchange's buffer) — never under
// the service's lock. They must not block and should only signal.
//
// Lifetimes: senders, receivers and received buffers must go before their service.
//
// Threads: ExchangeService::Create/Shutdown collectively on one thread per rank. One
// ExchangeSender or ExchangeReceiver is used by one thread at a time; distinct ones from any
// threads. ReceivedBuffer may be released from any thread.
#pragma once

#include <ucp/api/ucp.h>

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "common/status.h"
#include "net/rdma/exchange_key.h"
#include "net/rdma/fabric.h"

namespace ibex::net {

// kAuto: store where the peer's region is mapped, else put where puts are native, else am.
// kStore forced: store where mapped, else as kAuto. kPut / kActiveMessage: forced (tests).
enum class ExchangePath { kAuto, kStore, kPut, kActiveMessage };
const char* ExchangePathName(ExchangePath path);

struct ExchangeOptions {
  size_t slot_bytes = 1 << 20;
  uint32_t slots_per_peer = 8;       // K: receive slots per sender rank, = credits
  uint32_t reserved_slots = 2;       // q: guaranteed to every open exchange
  uint32_t max_open_exchanges = 2;   // exchanges open at once toward one receiver, guaranteed q
  uint32_t staging_buffers = 0;      // 0: 2 per peer, at least 4
  uint32_t early_slot_cap = 4;       // slots held for exchanges not opened yet (per rank)
  size_t early_buffer_bytes = 8 << 20;  // beyond that cap, copies up to this many bytes
  ExchangePath path = ExchangePath::kAuto;  // auto: put where native, else active messages
};

enum class SendState { kOk, kBlocked };
enum class ReceiveState { kBuffer, kBlocked, kEnd };

class ExchangeService;
struct SenderState;
struct ReceiverState;

// A buffer with a remote slot reserved for it: a registered staging buffer (put, am paths) or,
// on the store path, the remote slot itself (`staging` == kNoStaging). Fill data(), then
// Commit. On the store path the bytes land in the receiver's memory as they are written, so
// write only bytes that are meant to be sent, and nothing after Commit.
struct StagingBuffer {
  static constexpr uint32_t kNoStaging = UINT32_MAX;
  int dest = -1;
  uint32_t slot = 0;
  uint32_t staging = 0;
  std::span<std::byte> data;
};

class ExchangeSender {
 public:
  ~ExchangeSender();
  ExchangeSender(const ExchangeSender&) = delete;
  ExchangeSender& operator=(const ExchangeSender&) = delete;

  // Reserves a credit toward `dest` and a staging buffer: kOk and *out filled, or kBlocked
  // (nothing taken; use WhenUnblocked), or an error (peer failed, not a receiver...).
  Result<SendState> Acquire(int dest, StagingBuffer* out);
  // Sends the first `bytes` of an acquired buffer. The buffer is gone afterwards.
  Status Commit(StagingBuffer buffer, size_t bytes);
  // Acquire + copy + Commit.
  Result<SendState> TrySend(int dest, std::span<const std::byte> payload);
  // `wake` runs once when a credit or staging buffer may be available toward `dest`, or the
  // channel failed. Runs inline if that is already so.
  void WhenUnblocked(int dest, std::function<void()> wake);
  // End of stream to every receiver. No Acquire afterwards.
  Status Finish();

  const ExchangeKey& key() const;
  ExchangePath path(int dest) const;  // the path buffers to `dest` take
  uint64_t buffers_sent(int dest) const;

 private:
  friend class ExchangeService;
  ExchangeSender(ExchangeService* service, std::shared_ptr<SenderState> state);
  ExchangeService* service_;
  std::shared_ptr<SenderState> state_;
};

// A received buffer, in place in its slot (or in the early-data buffer). Releasing it — by
// Release() or destruction — hands the slot back to its sender.
class ReceivedBuffer {
 public:
  ReceivedBuffer() = default;
  ReceivedBuffer(ReceivedBuffer&& other) noexcept;
  ReceivedBuffer& operator=(ReceivedBuffer&& other) noexcept;
  ~ReceivedBuffer() { Release(); }

  int source() const { return source_; }
  std::span<const std::byte> data() const { return data_; }
  bool in_slot() const { return slot_ >= 0; }
  void Release();

 private:
  friend class ExchangeService;
  friend class ExchangeReceiver;
  ExchangeService* service_ = nullptr;
  ExchangeKey key_;
  int source_ = -1;
  int64_t slot_ = -1;  // slot index in the source's partition, -1 if copied
  std::span<const std::byte> data_;
  std::vector<std::byte> copy_;
};

class ExchangeReceiver {
 public:
  ~ExchangeReceiver();  // closes: later data for this exchange is dropped
  ExchangeReceiver(const ExchangeReceiver&) = delete;
  ExchangeReceiver& operator=(const ExchangeReceiver&) = delete;

  // kBuffer and *out filled, kBlocked (use WhenReady), kEnd (every sender ended and every
  // buffer was handed out), or the error that failed the channel (naming the rank).
  Result<ReceiveState> TryReceive(ReceivedBuffer* out);
  // `wake` runs once when TryReceive may return something other than kBlocked.
  void WhenReady(std::function<void()> wake);

  const ExchangeKey& key() const;
  uint64_t buffers_received() const;
  uint64_t buffers_early() const;  // buffers that arrived before this receiver opened

 private:
  friend class ExchangeService;
  ExchangeReceiver(ExchangeService* service, std::shared_ptr<ReceiverState> state);
  ExchangeService* service_;
  std::shared_ptr<ReceiverState> state_;
};

struct ExchangeStats {
  uint64_t store_buffers = 0;
  uint64_t put_buffers = 0;
  uint64_t am_buffers = 0;
  uint64_t ready_notices = 0;  // put path: batches; put_buffers / ready_notices = batching
  uint64_t doorbells = 0;      // store path: wake-ups sent to a sleeping side (ring doorbells)
  uint64_t flushes = 0;
  uint64_t early_copied = 0;
  uint64_t dropped = 0;
};

class ExchangeService {
 public:
  // Collective over the fabric's communicator: maps and pre-faults the region and the staging
  // buffers, swaps rkeys. One service per fabric at a time.
  static Result<std::unique_ptr<ExchangeService>> Create(Fabric& fabric, ExchangeOptions options);
  ~ExchangeService();  // local teardown if Shutdown was not called
  ExchangeService(const ExchangeService&) = delete;
  ExchangeService& operator=(const ExchangeService&) = delete;

  // Collective over the fabric's control plane (Fabric::Barrier; MPI may be finalized): every
  // rank has finished its exchanges.
  Status Shutdown();

  // `receivers` / `senders`: the ranks at the other end (may include this rank).
  Result<std::unique_ptr<ExchangeSender>> OpenSender(ExchangeKey key, std::vector<int> receivers);
  Result<std::unique_ptr<ExchangeReceiver>> OpenReceiver(ExchangeKey key, std::vector<int> senders);
  // The query is over on this rank: any of its data still arriving is dropped.
  void ForgetQuery(uint64_t query);

  const ExchangeOptions& options() const { return options_; }
  ExchangePath path_to(int dest) const { return paths_[dest]; }
  ExchangeStats stats() const;
  Fabric& fabric() { return fabric_; }

 private:
  friend class ExchangeSender;
  friend class ExchangeReceiver;
  friend class ReceivedBuffer;
  struct Impl;
  ExchangeService(Fabric& fabric, ExchangeOptions options);

  Fabric& fabric_;
  ExchangeOptions options_;
  std::vector<ExchangePath> paths_;
  std::unique_ptr<Impl> impl_;
  int failure_callback_ = -1;  // removed (waiting for a running one) before teardown
};

}  // namespace ibex::net
