#include "mpi_launch/job_lifecycle.h"

#include "net/rdma/wire.h"

namespace ibex::launch {
namespace {

constexpr uint8_t kJobEndVersion = 1;

}  // namespace

JobLifecycle::JobLifecycle(net::Fabric& fabric) : fabric_(fabric) {
  fabric_.RegisterControlHandler(kControlJobEnd, [this](int source, std::span<const std::byte> p) {
    OnJobEnd(source, p);
  });
  fabric_.AddPeerFailureCallback([this](int rank, const Status& why) { OnPeerFailed(rank, why); });
}

void JobLifecycle::OnJobEnd(int source, std::span<const std::byte> payload) {
  net::WireReader in(payload);
  uint8_t version = 0, collective = 0;
  uint32_t code = 0;
  if (source != 0 || !in.U8(&version) || version != kJobEndVersion || !in.U32(&code) ||
      !in.U8(&collective) || !in.AtEnd()) {
    fabric_.FailPeer(source, "malformed job-end message");
    return;
  }
  std::lock_guard lock(mu_);
  if (!end_) end_ = JobEnd{static_cast<int>(code), collective != 0, Status::OK()};
  changed_.notify_all();
}

void JobLifecycle::OnPeerFailed(int rank, const Status& why) {
  std::lock_guard lock(mu_);
  if (!failed_.insert(rank).second) return;
  failure_text_.push_back(why.message());
  if (rank == 0 && fabric_.rank() != 0 && !end_) {
    JobEnd end;
    end.exit_code = 1;
    end.collective = false;
    end.failure = Status::PeerFailed("the coordinator failed: " + why.message());
    end_ = end;
  }
  changed_.notify_all();
}

JobEnd JobLifecycle::EndJob(int exit_code) {
  bool collective;
  {
    std::lock_guard lock(mu_);
    collective = failed_.empty();
  }
  net::WireWriter out;
  out.U8(kJobEndVersion);
  out.U32(static_cast<uint32_t>(exit_code));
  out.U8(collective ? 1 : 0);
  std::vector<std::byte> message = out.Take();
  for (int r = 1; r < fabric_.size(); ++r) {
    // A send fails only toward a peer that has failed; the failure callback reports it.
    if (fabric_.PeerStatus(r).ok()) (void)fabric_.SendControl(r, kControlJobEnd, message);
  }
  JobEnd end;
  end.exit_code = exit_code;
  end.collective = collective;
  return end;
}

JobEnd JobLifecycle::WaitForJobEnd() {
  std::unique_lock lock(mu_);
  changed_.wait(lock, [&] { return end_.has_value(); });
  return *end_;
}

std::vector<std::string> JobLifecycle::FailedPeers() const {
  std::lock_guard lock(mu_);
  return failure_text_;
}

}  // namespace ibex::launch
