// Fabric::Barrier: a barrier over the control plane, so that ranks can meet after MPI is
// finalized (the shutdown of the exchange service and of the fabric itself). Rank 0 gathers one
// arrival per rank for call number N and answers every rank with a release carrying its
// verdict (rank 0's: a rank that failed before arriving, named, or a timeout naming who was
// still missing — rank 0 gives up for everybody). Waiting is on a
// condition variable woken by the handlers and by FailPeer: nothing polls.
#include <algorithm>
#include <string>

#include "net/rdma/fabric.h"
#include "net/rdma/wire.h"

namespace ibex::net {
namespace {

std::vector<std::byte> BarrierMessage(uint64_t call, const Status& verdict) {
  WireWriter w;
  w.U64(call);
  w.U8(static_cast<uint8_t>(verdict.code()));
  const std::string& text = verdict.message();
  if (!verdict.ok()) w.Raw(text.data(), text.size());
  return w.Take();
}

}  // namespace

Status Fabric::Barrier(std::chrono::milliseconds timeout) {
  const uint64_t call = ++barrier_calls_;
  if (size_ == 1) return Status::OK();
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  const std::string what = "barrier " + std::to_string(call) + " over the control plane";

  if (rank_ != 0) {
    IBEX_RETURN_IF_ERROR(
        SendControl(0, kControlBarrierArrive, BarrierMessage(call, Status::OK())).Annotate(what));
    std::unique_lock<std::mutex> lock(mu_);
    // Only rank 0 matters here: others may already be leaving after an earlier release.
    barrier_changed_.wait_until(lock, deadline, [&] {
      return barrier_released_ >= call || !peer_status_[0].ok();
    });
    if (barrier_released_ >= call) return barrier_verdict_;
    if (!peer_status_[0].ok()) return peer_status_[0].Annotate(what);
    return Status::Timeout(what + ": no release from " + Describe(0) + " after " +
                           std::to_string(timeout.count()) + " ms");
  }

  Status verdict;
  {
    std::unique_lock<std::mutex> lock(mu_);
    auto first_missing_failed = [&]() -> int {
      const std::set<int>& arrived = barrier_arrived_[call];
      for (int r = 1; r < size_; ++r) {
        if (!arrived.count(r) && !peer_status_[r].ok()) return r;
      }
      return -1;
    };
    barrier_changed_.wait_until(lock, deadline, [&] {
      return static_cast<int>(barrier_arrived_[call].size()) == size_ - 1 ||
             first_missing_failed() >= 0;
    });
    const std::set<int>& arrived = barrier_arrived_[call];
    if (static_cast<int>(arrived.size()) != size_ - 1) {
      if (int failed = first_missing_failed(); failed >= 0) {
        verdict = peer_status_[failed].Annotate(what);
      } else {
        std::string missing;
        for (int r = 1; r < size_; ++r) {
          if (!arrived.count(r)) missing += (missing.empty() ? "" : ", ") + Describe(r);
        }
        verdict = Status::Timeout(what + ": still waiting for " + missing + " after " +
                                  std::to_string(timeout.count()) + " ms");
      }
    }
    barrier_arrived_.erase(call);
  }
  const std::vector<std::byte> release = BarrierMessage(call, verdict);
  for (int r = 1; r < size_; ++r) {
    if (PeerStatus(r).ok()) (void)SendControl(r, kControlBarrierRelease, release);
  }
  return verdict;
}

void Fabric::OnBarrierArrive(int source, std::span<const std::byte> payload) {
  WireReader in(payload);
  uint64_t call = 0;
  uint8_t code = 0;
  if (rank_ != 0 || !in.U64(&call) || !in.U8(&code) || !in.AtEnd()) {
    FailPeer(source, "protocol error: malformed barrier arrival");
    return;
  }
  std::lock_guard<std::mutex> lock(mu_);
  barrier_arrived_[call].insert(source);
  barrier_changed_.notify_all();
}

void Fabric::OnBarrierRelease(int source, std::span<const std::byte> payload) {
  WireReader in(payload);
  uint64_t call = 0;
  uint8_t code = 0;
  if (source != 0 || !in.U64(&call) || !in.U8(&code) ||
      code > static_cast<uint8_t>(StatusCode::kInternal)) {
    FailPeer(source, "protocol error: malformed barrier release");
    return;
  }
  std::string text(in.remaining(), '\0');
  in.Raw(text.data(), text.size());
  Status verdict = Status::FromCode(static_cast<StatusCode>(code), std::move(text));
  std::lock_guard<std::mutex> lock(mu_);
  barrier_released_ = std::max(barrier_released_, call);
  barrier_verdict_ = std::move(verdict);
  barrier_changed_.notify_all();
}

}  // namespace ibex::net
