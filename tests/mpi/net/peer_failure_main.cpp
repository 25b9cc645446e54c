// A rank dies mid-exchange; every survivor must see its channels fail with an error naming the
// dead rank and its host within 5 s. Run under `mpirun --enable-recovery` (otherwise mpirun
// kills every rank) by peer_failure_driver.sh, which checks that every survivor printed
// "PEER-FAILURE-OK". The last rank is the victim: it streams some data, tells everybody it is
// about to die, waits for their acknowledgements and SIGKILLs itself.
#include <mpi.h>
#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>

#include "net/rdma/exchange.h"
#include "net/rdma/fabric.h"
#include "tests/mpi/net/exchange_harness.h"

using namespace ibex;
using namespace ibex::net;

namespace {

constexpr uint16_t kDying = 200;
constexpr uint16_t kAck = 201;
constexpr uint16_t kDone = 202;  // survivor -> survivors: checked, may exit
using Clock = std::chrono::steady_clock;

int Fail(int rank, const std::string& why) {
  std::printf("PEER-FAILURE-BAD rank %d: %s\n", rank, why.c_str());
  std::fflush(stdout);
  _exit(1);
}

}  // namespace

int main(int argc, char** argv) {
  MPI_Init(&argc, &argv);
  int rank = 0, size = 0;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  MPI_Comm_size(MPI_COMM_WORLD, &size);
  const int victim = size - 1;
  auto fabric = Fabric::Create(MPI_COMM_WORLD);
  if (!fabric.ok()) return Fail(rank, fabric.status().ToString());
  ExchangeOptions o;
  o.slot_bytes = 64 * 1024;
  o.slots_per_peer = 4;
  auto service = ExchangeService::Create(**fabric, o);
  if (!service.ok()) return Fail(rank, service.status().ToString());

  std::atomic<int> acks{0};
  std::atomic<int64_t> ack_time_ns{0};
  auto acked = std::make_shared<testing::Event>();
  Fabric* f = fabric->get();
  (*fabric)->RegisterControlHandler(kDying, [f, &ack_time_ns](int source, std::span<const std::byte>) {
    ack_time_ns = Clock::now().time_since_epoch().count();
    (void)f->SendControl(source, kAck, {});
  });
  (*fabric)->RegisterControlHandler(kAck, [&acks, acked, size](int, std::span<const std::byte>) {
    if (++acks == size - 1) acked->Set();
  });
  std::atomic<int> dones{0};
  auto all_done = std::make_shared<testing::Event>();
  (*fabric)->RegisterControlHandler(kDone, [&dones, all_done, size](int, std::span<const std::byte>) {
    if (++dones == size - 2) all_done->Set();
  });
  std::vector<int> all;
  for (int r = 0; r < size; ++r) all.push_back(r);
  ExchangeKey key{9, 1};
  auto sender = (*service)->OpenSender(key, all);
  auto receiver = (*service)->OpenReceiver(key, all);
  if (!sender.ok() || !receiver.ok()) return Fail(rank, "open");
  MPI_Barrier(MPI_COMM_WORLD);  // last MPI call before the death

  if (rank == victim) {
    testing::SendPlan some;
    some.sizes.assign(size, std::vector<size_t>(3, 20000));
    for (int d = 0; d < size; ++d) {
      for (size_t i = 0; i < 3; ++i) {
        (void)(*sender)->TrySend(d, testing::MakePayload(rank, d, i, 20000));
      }
    }
    for (int r = 0; r < size; ++r) {
      if (r != rank) (void)(*fabric)->SendControl(r, kDying, {});
    }
    acked->Wait(20);
    std::printf("victim rank %d: killing itself\n", rank);
    std::fflush(stdout);
    raise(SIGKILL);
  }

  // Survivors: a long stream to everybody (the victim's slots run out), receive until error.
  testing::SendPlan plan;
  plan.sizes.assign(size, std::vector<size_t>(100000, 30000));
  testing::PumpResult r = testing::Pump(sender->get(), &plan, receiver->get(), 30, rank);
  auto failed_at = Clock::now();
  if (r.status.ok()) return Fail(rank, "exchange finished although rank " + std::to_string(victim) + " died");
  if (r.status.code() != StatusCode::kPeerFailed) return Fail(rank, "wrong error: " + r.status.ToString());
  std::string msg = r.status.message();
  std::string who = "rank " + std::to_string(victim) + " (" + (*fabric)->host(victim) + ")";
  if (msg.find(who) == std::string::npos) return Fail(rank, "error does not name " + who + ": " + msg);
  if (!r.errors.empty()) return Fail(rank, "corrupt payload before the failure: " + r.errors.front());
  if (ack_time_ns.load() == 0) return Fail(rank, "never heard from the victim");
  double seconds =
      std::chrono::duration<double>(failed_at.time_since_epoch() -
                                    Clock::duration(ack_time_ns.load()))
          .count();
  if (seconds > 5.0) return Fail(rank, "failure seen after " + std::to_string(seconds) + " s");
  // The fabric's own view and the control plane agree.
  if ((*fabric)->PeerStatus(victim).ok()) return Fail(rank, "PeerStatus still OK");
  if ((*fabric)->SendControl(victim, kAck, {}).ok()) return Fail(rank, "SendControl to the dead rank succeeded");
  // The control-plane barrier cannot complete without the victim: rank 0 says so naming it,
  // and tells the other survivors, who fail the same way.
  Status met = (*fabric)->Barrier(std::chrono::seconds(20));
  if (met.ok()) return Fail(rank, "a barrier completed without rank " + std::to_string(victim));
  if (met.message().find(who) == std::string::npos) {
    return Fail(rank, "barrier error does not name " + who + ": " + met.ToString());
  }
  std::printf("PEER-FAILURE-OK rank %d: %.2f s: %s\n", rank, seconds, msg.c_str());
  std::fflush(stdout);
  // Exit only when every survivor has checked: an exiting survivor is a failure to the others.
  for (int s = 0; s < victim; ++s) {
    if (s != rank) (void)(*fabric)->SendControl(s, kDone, {});
  }
  if (size > 2 && !all_done->Wait(20)) {
    return Fail(rank, "other survivors did not finish: " + std::to_string(dones.load()) + " of " +
                          std::to_string(size - 2));
  }
  Status flushed = (*fabric)->FlushControl(std::chrono::seconds(5));
  if (!flushed.ok()) return Fail(rank, flushed.ToString());
  // No collective teardown with a dead rank (MPI_Finalize could wait for it).
  _exit(0);
}
