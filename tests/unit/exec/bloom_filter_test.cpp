// Bloom filters below shuffles: no false negatives (a probe row with a matching build key is
// never dropped), a false-positive rate near the design's ~1 % at 10 bits per key, pieces that
// reassemble the same filter at the receiver, and damaged pieces rejected.
#include "exec/bloom_filter.h"

#include <cstring>
#include <random>
#include <thread>

#include <gtest/gtest.h>

#include "common/hash.h"

namespace ibex::exec {
namespace {

TEST(BloomFilter, NoFalseNegativesAndFewFalsePositives) {
  const int keys = 100000;
  BloomFilter f(keys * 10);
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {  // Add is thread-safe
    threads.emplace_back([&, t] {
      for (int i = t; i < keys; i += 4) f.Add(HashInt(static_cast<uint64_t>(i)));
    });
  }
  for (auto& t : threads) t.join();
  for (int i = 0; i < keys; ++i) ASSERT_TRUE(f.MayContain(HashInt(static_cast<uint64_t>(i)))) << i;
  int false_positives = 0;
  for (int i = keys; i < 2 * keys; ++i) false_positives += f.MayContain(HashInt(static_cast<uint64_t>(i)));
  EXPECT_LT(false_positives, keys * 3 / 100) << "false-positive rate too high";
  EXPECT_GT(f.FillRatio(), 0.05);
  EXPECT_LT(f.FillRatio(), 0.5);
}

TEST(BloomFilter, PiecesReassembleAtTheReceiver) {
  BloomFilter a(1 << 20), b(1 << 20);
  for (uint64_t i = 0; i < 5000; ++i) a.Add(HashInt(i));
  for (uint64_t i = 5000; i < 9000; ++i) b.Add(HashInt(i));
  BloomInbox inbox(1 << 20, 2);
  for (const auto* f : {&a, &b}) {
    auto pieces = f->Pieces(4096);  // many pieces
    EXPECT_GT(pieces.size(), 10u);
    for (const std::string& p : pieces) {
      ASSERT_TRUE(inbox.AddBuffer(1, {reinterpret_cast<const std::byte*>(p.data()), p.size()}).ok());
    }
  }
  inbox.MarkEnded();
  ASSERT_TRUE(inbox.Wait().ok());
  for (uint64_t i = 0; i < 9000; ++i) ASSERT_TRUE(inbox.filter().MayContain(HashInt(i))) << i;
}

TEST(BloomFilter, DamagedPiecesAndFailuresAreReported) {
  BloomInbox inbox(1 << 16, 1);
  std::string odd(13, 'x');
  EXPECT_EQ(inbox.AddBuffer(2, {reinterpret_cast<const std::byte*>(odd.data()), odd.size()}).code(),
            StatusCode::kCorruption);
  std::string outside(16, '\0');
  const uint64_t offset = 1u << 20;  // beyond the filter's words
  std::memcpy(outside.data(), &offset, sizeof(offset));
  EXPECT_EQ(inbox.AddBuffer(2, {reinterpret_cast<const std::byte*>(outside.data()), outside.size()}).code(),
            StatusCode::kCorruption);
  std::thread waiter([&] { EXPECT_EQ(inbox.Wait().code(), StatusCode::kPeerFailed); });
  inbox.Fail(Status::PeerFailed("rank 2 died"));
  waiter.join();
}

}  // namespace
}  // namespace ibex::exec
