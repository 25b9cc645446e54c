#include "net/rdma/slot_rings.h"

#include <gtest/gtest.h>
#include <sched.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstring>
#include <set>

namespace ibex::net {
namespace {

// Shared anonymous memory: what both processes map on the store path, minus UCX.
struct SharedArea {
  explicit SharedArea(size_t n) : bytes(n) {
    void* p = mmap(nullptr, n, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    base = p == MAP_FAILED ? nullptr : static_cast<std::byte*>(p);
  }
  ~SharedArea() {
    if (base != nullptr) munmap(base, bytes);
  }
  size_t bytes;
  std::byte* base;
};

TEST(SlotRingsTest, PushRefusesAFullRingAndDrainFreesIt) {
  constexpr uint32_t k = 4;
  SharedArea area(SlotRings::Bytes(2, k));
  ASSERT_NE(area.base, nullptr);
  SlotRings::Initialize(area.base, 2, k);
  SlotRings rings(area.base, 2, k);
  SlotRing ready = rings.Ready(1);
  EXPECT_TRUE(ready.Taken());
  for (uint32_t i = 0; i < k; ++i) EXPECT_TRUE(ready.Push(RingEntry{7, 1, i, 100 + i, 0}));
  EXPECT_FALSE(ready.Push(RingEntry{7, 1, 9, 1, 0})) << "a fifth entry in a ring of four";
  EXPECT_FALSE(ready.Taken());
  std::vector<RingEntry> out;
  ASSERT_TRUE(ready.Drain(&out));
  ASSERT_EQ(out.size(), k);
  for (uint32_t i = 0; i < k; ++i) {
    EXPECT_EQ(out[i].slot, i);
    EXPECT_EQ(out[i].bytes, 100 + i);
    EXPECT_EQ(out[i].query, 7u);
  }
  EXPECT_TRUE(ready.Taken());
  EXPECT_TRUE(ready.Push(RingEntry{7, 1, 0, 1, 0})) << "room again after the drain";
}

TEST(SlotRingsTest, PairsAndDirectionsDoNotOverlap) {
  constexpr int ranks = 3;
  constexpr uint32_t k = 5;
  EXPECT_EQ(SlotRings::Bytes(ranks, k) % 64, 0u);
  SharedArea area(SlotRings::Bytes(ranks, k));
  ASSERT_NE(area.base, nullptr);
  SlotRings::Initialize(area.base, ranks, k);
  SlotRings rings(area.base, ranks, k);
  // Fill every ring of every pair with entries naming (pair, direction), then read them back.
  for (int s = 0; s < ranks; ++s) {
    for (uint32_t i = 0; i < k; ++i) {
      ASSERT_TRUE(rings.Ready(s).Push(RingEntry{uint64_t(s), 1, i, 0, 0}));
      ASSERT_TRUE(rings.Credit(s).Push(RingEntry{uint64_t(s), 2, i, 0, 0}));
    }
    rings.SenderWaiting(s).store(100 + s);
  }
  for (int s = 0; s < ranks; ++s) {
    for (uint32_t dir : {1u, 2u}) {
      std::vector<RingEntry> out;
      ASSERT_TRUE((dir == 1 ? rings.Ready(s) : rings.Credit(s)).Drain(&out));
      ASSERT_EQ(out.size(), k);
      for (uint32_t i = 0; i < k; ++i) {
        EXPECT_EQ(out[i].query, uint64_t(s));
        EXPECT_EQ(out[i].exchange, dir);
        EXPECT_EQ(out[i].slot, i);
      }
    }
    EXPECT_EQ(rings.SenderWaiting(s).load(), uint64_t(100 + s));
  }
  // Waiting counters: one per key, stable, apart from the rings.
  ExchangeKey a{1, 2};
  rings.Waiting(a).fetch_add(1);
  EXPECT_EQ(rings.Waiting(ExchangeKey{1, 2}).load(), 1u);
  EXPECT_EQ(&rings.Waiting(a), &SlotRings(area.base, ranks, k).Waiting(a));
}

TEST(SlotRingsTest, DrainRejectsAHeadBeyondTheCapacity) {
  constexpr uint32_t k = 4;
  SharedArea area(SlotRings::Bytes(1, k));
  ASSERT_NE(area.base, nullptr);
  SlotRings::Initialize(area.base, 1, k);
  SlotRings rings(area.base, 1, k);
  // A broken peer's head. slot_rings.cpp's layout: pair 0 starts after the waiting table
  // (Bytes(0, k)), and its first word is the ready ring's head.
  auto* head = reinterpret_cast<SharedWord*>(area.base + SlotRings::Bytes(0, k));
  head->value.store(k + 1);
  std::vector<RingEntry> out;
  EXPECT_FALSE(rings.Ready(0).Drain(&out));
  EXPECT_TRUE(out.empty());
}

// Two processes hand 16 KiB slots back and forth through the rings 20,000 times: the
// producer fills a slot with a pattern derived from the message number only after the
// slot's credit came back, the consumer checks every byte after seeing the ready entry. A
// slot read before its bytes landed, or overwritten while read, fails the check.
TEST(SlotRingsTest, TwoProcessesHandSlotsOverWithoutTornData) {
  constexpr uint32_t k = 8;
  constexpr size_t slot_bytes = 16384;
  constexpr uint64_t messages = 20000;
  const size_t slots_bytes = k * slot_bytes;
  SharedArea area(slots_bytes + SlotRings::Bytes(1, k));
  ASSERT_NE(area.base, nullptr);
  SlotRings::Initialize(area.base + slots_bytes, 1, k);
  auto fill = [](std::byte* p, uint64_t n) {
    for (size_t i = 0; i < slot_bytes / 8; ++i) {
      uint64_t w = n * 0x9E3779B97F4A7C15ull + i;
      std::memcpy(p + i * 8, &w, 8);
    }
  };
  pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {  // consumer
    SlotRings rings(area.base + slots_bytes, 1, k);
    std::vector<RingEntry> got;
    uint64_t next = 0;
    std::vector<std::byte> expect(slot_bytes);
    while (next < messages) {
      got.clear();
      if (!rings.Ready(0).Drain(&got)) _exit(2);
      if (got.empty()) sched_yield();
      for (const RingEntry& e : got) {
        if (e.query != next || e.slot >= k) _exit(3);
        fill(expect.data(), next);
        if (std::memcmp(area.base + e.slot * slot_bytes, expect.data(), slot_bytes) != 0) _exit(4);
        if (!rings.Credit(0).Push(RingEntry{0, 0, e.slot, 0, 0})) _exit(5);
        ++next;
      }
    }
    _exit(0);
  }
  SlotRings rings(area.base + slots_bytes, 1, k);
  std::set<uint32_t> free_slots;
  for (uint32_t i = 0; i < k; ++i) free_slots.insert(i);
  std::vector<RingEntry> credits;
  bool ok = true;
  int status = 0;
  bool child_gone = false;
  for (uint64_t n = 0; n < messages && ok;) {
    if (free_slots.empty()) {
      if (waitpid(child, &status, WNOHANG) == child) {  // the consumer gave up: stop waiting
        child_gone = true;
        break;
      }
      credits.clear();
      ok = rings.Credit(0).Drain(&credits);
      for (const RingEntry& c : credits) ok = ok && free_slots.insert(c.slot).second;
      if (credits.empty()) sched_yield();
      continue;
    }
    uint32_t slot = *free_slots.begin();
    free_slots.erase(free_slots.begin());
    fill(area.base + slot * slot_bytes, n);
    ok = rings.Ready(0).Push(RingEntry{n, 0, slot, slot_bytes, 0});
    ++n;
  }
  if (!child_gone) {
    ASSERT_EQ(waitpid(child, &status, 0), child);
  }
  EXPECT_TRUE(ok) << "producer saw a full ring or a credit twice";
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0) << "consumer: 2 bad ring, 3 out of order, 4 torn slot, 5 full";
}

}  // namespace
}  // namespace ibex::net
