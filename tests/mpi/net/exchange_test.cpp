// Multi-rank tests of the fabric and exchange channels (run under mpirun with 2 and 4 ranks,
// UCX over TCP and UCX defaults, by ibex_add_mpi_test). Every payload is checksummed.
#include <gtest/gtest.h>
#include <mpi.h>

#include <unistd.h>

#include <atomic>
#include <chrono>
#include <fstream>
#include <sstream>
#include <thread>
#include <random>

#include "net/rdma/exchange.h"
#include "net/rdma/fabric.h"
#include "tests/mpi/net/exchange_harness.h"
#include "tests/support/mpi_test_util.h"

namespace ibex::net {
namespace {

using testing::Event;
using testing::Pump;
using testing::PumpResult;
using testing::SendPlan;

int Rank() { return ibex::testing::MpiRank(); }
int Size() { return ibex::testing::MpiSize(); }

std::vector<int> AllRanks() {
  std::vector<int> out;
  for (int i = 0; i < Size(); ++i) out.push_back(i);
  return out;
}

bool AllOk(bool mine) { return ibex::testing::AllRanksOk(mine); }

class FabricTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    auto f = Fabric::Create(MPI_COMM_WORLD);
    ASSERT_TRUE(f.ok()) << f.status().ToString();
    fabric_ = std::move(*f);
    if (Rank() == 0) std::printf("transports: %s\n", fabric_->TransportSummary().c_str());
  }
  static void TearDownTestSuite() {
    if (fabric_) {
      EXPECT_TRUE(fabric_->Shutdown().ok());
    }
    fabric_.reset();
  }

  std::unique_ptr<ExchangeService> Service(ExchangeOptions options) {
    auto s = ExchangeService::Create(*fabric_, options);
    EXPECT_TRUE(s.ok()) << s.status().ToString();
    return s.ok() ? std::move(*s) : nullptr;
  }

  static std::unique_ptr<Fabric> fabric_;
};
std::unique_ptr<Fabric> FabricTest::fabric_;

TEST_F(FabricTest, ReportsTransportsForEveryPeer) {
  std::string summary = fabric_->TransportSummary();
  EXPECT_NE(summary.find("data: "), std::string::npos) << summary;
  // No RDMA hardware on the test machines: the report must say so.
  EXPECT_NE(summary.find("no verbs device"), std::string::npos) << summary;
  for (int r = 0; r < Size(); ++r) {
    const PeerReport& p = fabric_->peer(r);
    EXPECT_FALSE(p.data.lanes.empty()) << p.data_info;
    EXPECT_FALSE(p.data.DataTransports().empty()) << p.data_info;
    if (r != Rank()) {
      // Peer error handling moves control lanes off shared memory (UCX 1.13).
      for (const auto& t : p.control.DataTransports()) {
        EXPECT_NE(t, "posix") << p.control_info;
        EXPECT_NE(t, "sysv") << p.control_info;
      }
    }
  }
  const char* tls = std::getenv("UCX_TLS");
  if (tls != nullptr && std::string(tls) == "tcp,self" && Size() > 1) {
    EXPECT_FALSE(fabric_->peer((Rank() + 1) % Size()).put_native) << summary;
  }
}

TEST_F(FabricTest, ControlMessagesReachTheirTypedHandlers) {
  constexpr uint16_t kPing = 100;
  constexpr uint16_t kPong = 101;
  std::atomic<int> pongs{0};
  std::atomic<int> bad{0};
  auto done = std::make_shared<Event>();
  int n = Size();
  fabric_->RegisterControlHandler(kPing, [this, &bad](int source, std::span<const std::byte> p) {
    if (p.size() != 3 + 70000) ++bad;  // big enough for rendezvous
    // Handlers must not block: reply asynchronously.
    EXPECT_TRUE(fabric_->SendControl(source, kPong, p.subspan(0, 3)).ok());
  });
  fabric_->RegisterControlHandler(kPong, [&, done, n](int, std::span<const std::byte> p) {
    if (p.size() != 3 || std::memcmp(p.data(), "abc", 3) != 0) ++bad;
    if (++pongs == n) done->Set();
  });
  MPI_Barrier(MPI_COMM_WORLD);
  std::vector<std::byte> payload(3 + 70000, std::byte{7});
  std::memcpy(payload.data(), "abc", 3);
  for (int r = 0; r < n; ++r) ASSERT_TRUE(fabric_->SendControl(r, kPing, payload).ok());
  EXPECT_TRUE(done->Wait(10));
  EXPECT_EQ(bad.load(), 0);
  EXPECT_TRUE(AllOk(pongs.load() == n));
}

// The control-plane barrier (what the shutdowns use once MPI is finalized): in each round one
// rank arrives late, and nobody may leave before the late rank has entered. CLOCK_MONOTONIC
// is one clock for every process of the node (these tests run on one node).
TEST_F(FabricTest, ControlBarrierHoldsEveryRankUntilTheLastArrives) {
  constexpr int kRounds = 6;
  constexpr auto kLate = std::chrono::milliseconds(150);
  for (int round = 0; round < kRounds; ++round) {
    const int late = round % Size();
    if (Rank() == late) std::this_thread::sleep_for(kLate);
    const int64_t entered = std::chrono::steady_clock::now().time_since_epoch().count();
    Status met = fabric_->Barrier(std::chrono::seconds(20));
    const int64_t left = std::chrono::steady_clock::now().time_since_epoch().count();
    ASSERT_TRUE(met.ok()) << "round " << round << ": " << met.ToString();
    int64_t late_entered = Rank() == late ? entered : 0;
    MPI_Allreduce(MPI_IN_PLACE, &late_entered, 1, MPI_INT64_T, MPI_MAX, MPI_COMM_WORLD);
    EXPECT_GE(left, late_entered) << "round " << round << ": rank " << Rank()
                                  << " left the barrier before rank " << late << " entered it";
  }
}

// A barrier that cannot complete says so in time, naming who is missing. Rank 0 calls it
// alone (the others never arrive in time) and gives up for everybody: the others, calling it
// afterwards, get rank 0's verdict at once. The call numbers agree again afterwards.
TEST_F(FabricTest, ControlBarrierTimesOutNamingTheMissingRanks) {
  if (Size() < 2) GTEST_SKIP();
  MPI_Barrier(MPI_COMM_WORLD);
  if (Rank() == 0) {
    Status met = fabric_->Barrier(std::chrono::milliseconds(300));
    EXPECT_EQ(met.code(), StatusCode::kTimeout) << met.ToString();
    EXPECT_NE(met.message().find("still waiting for rank 1 ("), std::string::npos) << met.ToString();
  }
  MPI_Barrier(MPI_COMM_WORLD);
  if (Rank() != 0) {
    Status met = fabric_->Barrier(std::chrono::seconds(20));
    EXPECT_EQ(met.code(), StatusCode::kTimeout) << met.ToString();
    EXPECT_NE(met.message().find("still waiting for rank 1 ("), std::string::npos) << met.ToString();
  }
  MPI_Barrier(MPI_COMM_WORLD);
  EXPECT_TRUE(fabric_->Barrier(std::chrono::seconds(20)).ok());  // in step again
}

// CPU seconds a thread of this process has used so far, from /proc.
double ThreadCpuSeconds(int tid) {
  std::ifstream in("/proc/self/task/" + std::to_string(tid) + "/stat");
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::istringstream rest(text.substr(text.rfind(')') + 2));
  std::string field;
  double utime = 0, stime = 0;
  for (int i = 3; i <= 15 && rest >> field; ++i) {
    if (i == 14) utime = std::stod(field);
    if (i == 15) stime = std::stod(field);
  }
  return (utime + stime) / static_cast<double>(sysconf(_SC_CLK_TCK));
}

// The network thread sleeps in epoll when there is nothing to do: no busy polling.
TEST_F(FabricTest, IdleNetworkThreadSleeps) {
  int tid = fabric_->network().tid();
  ASSERT_GT(tid, 0);
  MPI_Barrier(MPI_COMM_WORLD);
  double before = ThreadCpuSeconds(tid);
  auto start = std::chrono::steady_clock::now();
  std::this_thread::sleep_for(std::chrono::milliseconds(600));  // the test idles, not the library
  double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  double used = ThreadCpuSeconds(tid) - before;
  EXPECT_LT(used, 0.1 * wall) << "network thread used " << used << " s CPU in " << wall << " s idle";
  MPI_Barrier(MPI_COMM_WORLD);
}

struct PathCase {
  ExchangePath path;
};

class ExchangePathTest : public FabricTest, public ::testing::WithParamInterface<ExchangePath> {};

TEST_P(ExchangePathTest, RandomSizesAllToAllManySlots) {
  ExchangeOptions o;
  o.slot_bytes = 96 * 1024;
  o.slots_per_peer = 16;
  o.path = GetParam();
  auto service = Service(o);
  ASSERT_TRUE(service);
  std::mt19937_64 rng(1234 + Rank());
  SendPlan plan;
  plan.sizes.resize(Size());
  for (auto& sizes : plan.sizes) {
    int count = static_cast<int>(rng() % 60);
    for (int i = 0; i < count; ++i) sizes.push_back(32 + rng() % o.slot_bytes);
  }
  ExchangeKey key{1, 1};
  auto sender = service->OpenSender(key, AllRanks());
  auto receiver = service->OpenReceiver(key, AllRanks());
  ASSERT_TRUE(sender.ok() && receiver.ok());
  PumpResult r = Pump(sender->get(), &plan, receiver->get(), 30, Rank());
  EXPECT_TRUE(r.status.ok()) << r.status.ToString();
  EXPECT_TRUE(r.errors.empty()) << r.errors.front();
  // Everyone received exactly what was sent to it.
  uint64_t to_me = 0;
  std::vector<int> counts(Size());
  for (int d = 0; d < Size(); ++d) counts[d] = static_cast<int>(plan.sizes[d].size());
  std::vector<int> incoming(Size());
  MPI_Alltoall(counts.data(), 1, MPI_INT, incoming.data(), 1, MPI_INT, MPI_COMM_WORLD);
  for (int c : incoming) to_me += c;
  EXPECT_EQ(r.received, to_me);
  // Each channel records its path: forced, or from the transport (stores where the peer's
  // region is mapped, AM where puts are emulated).
  for (int d = 0; d < Size(); ++d) {
    ExchangePath expect = GetParam();
    if (expect == ExchangePath::kStore && d != Rank() && !fabric_->peer(d).mapped_directly) {
      expect = ExchangePath::kAuto;
    }
    if (expect == ExchangePath::kAuto) {
      expect = d == Rank() || fabric_->peer(d).mapped_directly ? ExchangePath::kStore
               : fabric_->peer(d).put_native                   ? ExchangePath::kPut
                                                               : ExchangePath::kActiveMessage;
    }
    EXPECT_EQ((*sender)->path(d), expect) << d;
  }
  const char* tls = std::getenv("UCX_TLS");
  if (GetParam() == ExchangePath::kAuto && tls != nullptr && std::string(tls) == "tcp,self" &&
      Size() > 1) {
    EXPECT_EQ((*sender)->path((Rank() + 1) % Size()), ExchangePath::kActiveMessage);
  }
  ExchangeStats stats = service->stats();
  EXPECT_EQ(stats.store_buffers + stats.put_buffers + stats.am_buffers, r.sent);
  if (GetParam() == ExchangePath::kPut) {
    EXPECT_EQ(stats.store_buffers, 0u);
  }
  sender->reset();
  receiver->reset();
  EXPECT_TRUE(AllOk(r.status.ok() && r.errors.empty()));
  EXPECT_TRUE(service->Shutdown().ok());
}

TEST_P(ExchangePathTest, SlowReceiverExhaustsCredits) {
  ExchangeOptions o;
  o.slot_bytes = 16 * 1024;
  o.slots_per_peer = 3;
  o.reserved_slots = 1;
  o.path = GetParam();
  auto service = Service(o);
  ASSERT_TRUE(service);
  // Everybody floods rank 0. Phase 1: nobody consumes yet (rank 0 is sending too), so every
  // sender gets exactly its credits — 3 slots minus 1 kept in reserve for a second exchange
  // (max_open_exchanges 2) — and then kBlocked. Phase 2: the rest, while rank 0
  // consumes slowly (holds two buffers before releasing one).
  ExchangeKey key{2, 1};
  auto sender = service->OpenSender(key, {0});
  ASSERT_TRUE(sender.ok());
  std::unique_ptr<ExchangeReceiver> receiver;
  if (Rank() == 0) {
    auto r = service->OpenReceiver(key, AllRanks());
    ASSERT_TRUE(r.ok());
    receiver = std::move(*r);
  }
  MPI_Barrier(MPI_COMM_WORLD);
  size_t first = 0;
  bool blocked = false;
  while (first < 40) {
    auto st = (*sender)->TrySend(0, testing::MakePayload(Rank(), 0, first, 1000 + first * 300));
    ASSERT_TRUE(st.ok()) << st.status().ToString();
    if (*st == SendState::kBlocked) {
      blocked = true;
      break;
    }
    ++first;
  }
  EXPECT_TRUE(blocked) << "40 buffers into 3 slots must run out of credits";
  EXPECT_EQ(first, o.slots_per_peer - o.reserved_slots * (o.max_open_exchanges - 1))
      << "a sender may use exactly its credits";
  MPI_Barrier(MPI_COMM_WORLD);
  SendPlan rest;
  rest.sizes.resize(Size());
  for (size_t i = first; i < 40; ++i) rest.sizes[0].push_back(1000 + i * 300);
  PumpResult r = Pump(sender->get(), &rest, receiver.get(), 30, Rank(), /*hold=*/2);
  EXPECT_TRUE(r.status.ok()) << r.status.ToString();
  EXPECT_TRUE(r.errors.empty());
  if (Rank() == 0) {
    EXPECT_EQ(r.received, 40u * Size());
  }
  sender->reset();
  receiver.reset();
  EXPECT_TRUE(AllOk(r.status.ok() && r.errors.empty() && blocked));
  EXPECT_TRUE(service->Shutdown().ok());
}

INSTANTIATE_TEST_SUITE_P(Paths, ExchangePathTest,
                         ::testing::Values(ExchangePath::kAuto, ExchangePath::kStore,
                                           ExchangePath::kPut, ExchangePath::kActiveMessage),
                         [](const auto& info) { return std::string(ExchangePathName(info.param)); });

// Exchange A is consumed only after exchange B has ended; the reserve keeps B moving although
// A's sender has more data than the receiver has slots.
TEST_F(FabricTest, ExchangeConsumedAfterAnotherFinishesDoesNotDeadlock) {
  ExchangeOptions o;
  o.slot_bytes = 8 * 1024;
  o.slots_per_peer = 6;
  o.reserved_slots = 2;
  o.max_open_exchanges = 2;
  auto service = Service(o);
  ASSERT_TRUE(service);
  ExchangeKey a{3, 1}, b{3, 2};
  auto send_a = service->OpenSender(a, AllRanks());
  auto send_b = service->OpenSender(b, AllRanks());
  auto recv_a = service->OpenReceiver(a, AllRanks());
  auto recv_b = service->OpenReceiver(b, AllRanks());
  ASSERT_TRUE(send_a.ok() && send_b.ok() && recv_a.ok() && recv_b.ok());
  SendPlan plan_a, plan_b;
  plan_a.sizes.assign(Size(), std::vector<size_t>(12, 4000));
  plan_b.sizes.assign(Size(), std::vector<size_t>(12, 5000));
  // Send A as far as credits allow (it blocks), without receiving anything.
  uint64_t a_sent = 0;
  std::vector<size_t> next_a(Size(), 0);
  for (int d = 0; d < Size(); ++d) {
    while (next_a[d] < 12) {
      auto st = (*send_a)->TrySend(d, testing::MakePayload(Rank(), d, next_a[d], 4000));
      ASSERT_TRUE(st.ok());
      if (*st == SendState::kBlocked) break;
      ++next_a[d];
      ++a_sent;
    }
  }
  EXPECT_LT(a_sent, 12u * Size()) << "A should have run out of credits";
  // B: send and receive to its end while A's slots are all held.
  PumpResult rb = Pump(send_b->get(), &plan_b, recv_b->get(), 30, Rank());
  EXPECT_TRUE(rb.status.ok()) << rb.status.ToString();
  EXPECT_EQ(rb.received, 12u * Size());
  // Then A: the rest of it.
  SendPlan rest;
  rest.sizes.resize(Size());
  for (int d = 0; d < Size(); ++d) {
    for (size_t i = next_a[d]; i < 12; ++i) rest.sizes[d].push_back(4000);
  }
  // The pump numbers buffers from 0; A's payload check uses the header's own seq, so fine.
  PumpResult ra = Pump(send_a->get(), &rest, recv_a->get(), 30, Rank());
  EXPECT_TRUE(ra.status.ok()) << ra.status.ToString();
  EXPECT_TRUE(ra.errors.empty());
  EXPECT_EQ(ra.received, 12u * Size());
  send_a->reset();
  send_b->reset();
  recv_a->reset();
  recv_b->reset();
  EXPECT_TRUE(AllOk(rb.status.ok() && ra.status.ok()));
  EXPECT_TRUE(service->Shutdown().ok());
}

// Data for an exchange not yet opened is kept (slots, then copies) and handed over on open;
// data for an exchange already closed is dropped and its credits come back.
TEST_F(FabricTest, EarlyDataIsKeptAndLateDataDropped) {
  ExchangeOptions o;
  o.slot_bytes = 4096;
  o.slots_per_peer = 8;
  o.early_slot_cap = 2;
  o.early_buffer_bytes = 64 * 1024;
  auto service = Service(o);
  ASSERT_TRUE(service);
  ExchangeKey early{4, 1}, closed{4, 2};
  // Close `closed` on every rank first.
  {
    auto r = service->OpenReceiver(closed, AllRanks());
    ASSERT_TRUE(r.ok());
  }
  MPI_Barrier(MPI_COMM_WORLD);
  SendPlan plan;
  plan.sizes.assign(Size(), std::vector<size_t>(6, 3000));
  auto send_early = service->OpenSender(early, AllRanks());
  ASSERT_TRUE(send_early.ok());
  PumpResult s = Pump(send_early->get(), &plan, nullptr, 30, Rank());
  ASSERT_TRUE(s.status.ok()) << s.status.ToString();
  // More than the credits: only works because dropped slots come straight back.
  SendPlan late;
  late.sizes.assign(Size(), std::vector<size_t>(20, 1000));
  auto send_closed = service->OpenSender(closed, AllRanks());
  ASSERT_TRUE(send_closed.ok());
  PumpResult l = Pump(send_closed->get(), &late, nullptr, 30, Rank());
  EXPECT_TRUE(l.status.ok()) << l.status.ToString();
  MPI_Barrier(MPI_COMM_WORLD);
  auto recv = service->OpenReceiver(early, AllRanks());
  ASSERT_TRUE(recv.ok());
  PumpResult r = Pump(nullptr, nullptr, recv->get(), 30, Rank());
  EXPECT_TRUE(r.status.ok()) << r.status.ToString();
  EXPECT_TRUE(r.errors.empty());
  EXPECT_EQ(r.received, 6u * Size());
  EXPECT_GT((*recv)->buffers_early(), 0u);
  ExchangeStats stats = service->stats();
  EXPECT_GT(stats.dropped, 0u);
  EXPECT_TRUE(AllOk(r.status.ok() && l.status.ok()));
  send_early->reset();
  send_closed->reset();
  recv->reset();
  EXPECT_TRUE(service->Shutdown().ok());
}

TEST_F(FabricTest, EmptyStreamsEnd) {
  auto service = Service(ExchangeOptions{});
  ASSERT_TRUE(service);
  ExchangeKey key{5, 1};
  auto sender = service->OpenSender(key, AllRanks());
  auto receiver = service->OpenReceiver(key, AllRanks());
  ASSERT_TRUE(sender.ok() && receiver.ok());
  SendPlan none;
  none.sizes.resize(Size());
  PumpResult r = Pump(sender->get(), &none, receiver->get(), 20, Rank());
  EXPECT_TRUE(r.status.ok()) << r.status.ToString();
  EXPECT_EQ(r.received, 0u);
  sender->reset();
  receiver->reset();
  EXPECT_TRUE(AllOk(r.status.ok()));
  EXPECT_TRUE(service->Shutdown().ok());
}

// Store path: a receiver asleep in WhenReady and a sender asleep in WhenUnblocked are woken by
// the other side's doorbell (the rings alone cannot wake a sleeping thread), and nothing else
// goes through notices. Ranks 0 (sender) and 1 (receiver); others only meet the barriers.
TEST_F(FabricTest, StorePathWakesSleepingSidesThroughDoorbells) {
  if (Size() < 2) GTEST_SKIP();
  ExchangeOptions o;
  o.slot_bytes = 4096;
  o.slots_per_peer = 2;
  o.reserved_slots = 1;
  o.max_open_exchanges = 1;
  auto service = Service(o);
  ASSERT_TRUE(service);
  // Every rank decides the same way: skip (under UCX over TCP) unless 0 -> 1 is a store path.
  int store = Rank() == 0 ? service->path_to(1) == ExchangePath::kStore : 1;
  MPI_Allreduce(MPI_IN_PLACE, &store, 1, MPI_INT, MPI_MIN, MPI_COMM_WORLD);
  if (store == 0) {
    EXPECT_TRUE(service->Shutdown().ok());
    GTEST_SKIP() << "rank 1's region is not mapped at rank 0 (no shared memory)";
  }
  ExchangeKey key{9, 1};
  std::unique_ptr<ExchangeSender> sender;
  std::unique_ptr<ExchangeReceiver> receiver;
  if (Rank() == 0) {
    auto opened = service->OpenSender(key, {1});
    ASSERT_TRUE(opened.ok()) << opened.status().ToString();
    sender = std::move(*opened);
  }
  if (Rank() == 1) {
    auto opened = service->OpenReceiver(key, {0});
    ASSERT_TRUE(opened.ok()) << opened.status().ToString();
    receiver = std::move(*opened);
  }
  auto event = std::make_shared<Event>();
  std::vector<std::string> problems;
  auto check = [&](bool ok, const std::string& what) {
    if (!ok) problems.push_back(what);
  };
  ExchangeStats before = service->stats();

  // 1. The receiver sleeps first; the sender sends one buffer 50 ms later.
  if (Rank() == 1) {
    ReceivedBuffer b;
    auto st = receiver->TryReceive(&b);
    check(st.ok() && *st == ReceiveState::kBlocked, "nothing to receive before the barrier");
    receiver->WhenReady([event] { event->Set(); });
  }
  MPI_Barrier(MPI_COMM_WORLD);
  if (Rank() == 0) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    auto st = sender->TrySend(1, testing::MakePayload(0, 1, 0, 3000));
    check(st.ok() && *st == SendState::kOk, "first send");
    check(service->stats().doorbells > before.doorbells, "no doorbell for a sleeping receiver");
  }
  if (Rank() == 1) {
    check(event->Wait(10), "receiver not woken within 10 s");
    ReceivedBuffer b;
    auto st = receiver->TryReceive(&b);
    uint64_t seq = 99;
    check(st.ok() && *st == ReceiveState::kBuffer &&
              testing::CheckPayload(b.data(), 0, 1, &seq).empty() && seq == 0,
          "the buffer after the wake-up");
    // Held (not released) until phase 2.
    MPI_Barrier(MPI_COMM_WORLD);
    // 2. The sender runs out of credits and sleeps; we release 50 ms later.
    MPI_Barrier(MPI_COMM_WORLD);
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    ExchangeStats mid = service->stats();
    b.Release();
    check(service->stats().doorbells > mid.doorbells, "no doorbell for a sleeping sender");
  } else {
    MPI_Barrier(MPI_COMM_WORLD);
    if (Rank() == 0) {
      // Credits: 2 slots; one is held by rank 1, so one more send and then kBlocked.
      auto st = sender->TrySend(1, testing::MakePayload(0, 1, 1, 3000));
      check(st.ok() && *st == SendState::kOk, "second send");
      st = sender->TrySend(1, testing::MakePayload(0, 1, 2, 3000));
      check(st.ok() && *st == SendState::kBlocked, "third send must block");
      sender->WhenUnblocked(1, [event] { event->Set(); });
    }
    MPI_Barrier(MPI_COMM_WORLD);
    if (Rank() == 0) {
      check(event->Wait(10), "sender not woken within 10 s");
      auto st = sender->TrySend(1, testing::MakePayload(0, 1, 2, 3000));
      check(st.ok() && *st == SendState::kOk, "the send after the wake-up");
      check(sender->Finish().ok(), "finish");
    }
  }
  if (Rank() == 1) {  // the rest of the stream, then its end
    uint64_t got = 1;
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (std::chrono::steady_clock::now() < deadline) {
      ReceivedBuffer b;
      auto st = receiver->TryReceive(&b);
      if (!st.ok() || *st == ReceiveState::kEnd) break;
      if (*st == ReceiveState::kBlocked) {
        receiver->WhenReady([event] { event->Set(); });
        event->Wait(1);
        continue;
      }
      uint64_t seq = 99;
      check(testing::CheckPayload(b.data(), 0, 1, &seq).empty() && seq == got, "payload order");
      ++got;
    }
    check(got == 3, "three buffers in all, then the end");
  }
  ExchangeStats after = service->stats();
  check(after.ready_notices == before.ready_notices, "the store path sent ready notices");
  for (const auto& p : problems) ADD_FAILURE() << "rank " << Rank() << ": " << p;
  sender.reset();
  receiver.reset();
  EXPECT_TRUE(AllOk(problems.empty()));
  EXPECT_TRUE(service->Shutdown().ok());
}

// Engine-like concurrency: three exchanges open at once, each with its own sending thread and
// its own receiving thread on every rank (so buffers of one exchange are often taken from the
// rings by another exchange's TryReceive, and wake-ups run on whichever thread found them),
// few slots (credits run out all the time), one slow consumer. Every payload is checksummed
// and every exchange must deliver exactly its own count from every rank.
TEST_F(FabricTest, ConcurrentExchangesOnManyThreads) {
  ExchangeOptions o;
  o.slot_bytes = 16 * 1024;
  o.slots_per_peer = 6;
  o.reserved_slots = 1;
  o.max_open_exchanges = 3;
  auto service = Service(o);
  ASSERT_TRUE(service);
  constexpr int kExchanges = 3;
  std::vector<std::unique_ptr<ExchangeSender>> senders(kExchanges);
  std::vector<std::unique_ptr<ExchangeReceiver>> receivers(kExchanges);
  std::vector<SendPlan> plans(kExchanges);
  std::mt19937 rng(1234 + Rank());
  for (int e = 0; e < kExchanges; ++e) {
    ExchangeKey key{77, static_cast<uint32_t>(e + 1)};
    auto sender = service->OpenSender(key, AllRanks());
    auto receiver = service->OpenReceiver(key, AllRanks());
    ASSERT_TRUE(sender.ok() && receiver.ok());
    senders[e] = std::move(*sender);
    receivers[e] = std::move(*receiver);
    plans[e].sizes.resize(Size());
    // Exchange e sends 40 + 25 e buffers to every rank: a buffer delivered to the wrong
    // exchange changes two exchanges' counts.
    for (int d = 0; d < Size(); ++d) {
      for (int i = 0; i < 40 + 25 * e; ++i) plans[e].sizes[d].push_back(64 + rng() % (o.slot_bytes - 64));
    }
  }
  MPI_Barrier(MPI_COMM_WORLD);
  std::vector<PumpResult> sent(kExchanges), got(kExchanges);
  std::vector<std::thread> threads;
  for (int e = 0; e < kExchanges; ++e) {
    threads.emplace_back([&, e] {
      sent[e] = Pump(senders[e].get(), &plans[e], nullptr, 60, Rank());
    });
    threads.emplace_back([&, e] {
      got[e] = Pump(nullptr, nullptr, receivers[e].get(), 60, Rank(), /*hold=*/e == 1 ? 3 : 0);
    });
  }
  for (auto& t : threads) t.join();
  bool ok = true;
  for (int e = 0; e < kExchanges; ++e) {
    EXPECT_TRUE(sent[e].status.ok()) << "exchange " << e << ": " << sent[e].status.ToString();
    EXPECT_TRUE(got[e].status.ok()) << "exchange " << e << ": " << got[e].status.ToString();
    EXPECT_TRUE(got[e].errors.empty()) << "exchange " << e << ": " << got[e].errors.front();
    EXPECT_EQ(got[e].received, static_cast<uint64_t>((40 + 25 * e) * Size())) << "exchange " << e;
    ok = ok && sent[e].status.ok() && got[e].status.ok() && got[e].errors.empty() &&
         got[e].received == static_cast<uint64_t>((40 + 25 * e) * Size());
  }
  senders.clear();
  receivers.clear();
  EXPECT_TRUE(AllOk(ok));
  EXPECT_TRUE(service->Shutdown().ok());
}

}  // namespace
}  // namespace ibex::net
