#include "perf/shuffle_bench/shuffle_plan.h"

#include <cmath>
#include <cstring>

namespace ibex::perf {

const char* PatternName(Pattern p) {
  switch (p) {
    case Pattern::kUniform: return "uniform";
    case Pattern::kZipf: return "zipf";
    case Pattern::kIncast: return "incast";
  }
  return "?";
}

bool ParsePattern(const std::string& name, Pattern* out) {
  for (Pattern p : {Pattern::kUniform, Pattern::kZipf, Pattern::kIncast}) {
    if (name == PatternName(p)) {
      *out = p;
      return true;
    }
  }
  return false;
}

std::vector<std::vector<uint64_t>> TrafficMatrix(Pattern pattern, int ranks,
                                                 uint64_t bytes_per_rank, uint64_t msg_payload) {
  std::vector<std::vector<uint64_t>> m(ranks, std::vector<uint64_t>(ranks, 0));
  if (ranks < 2) return m;
  auto whole = [&](double bytes) {
    uint64_t msgs = static_cast<uint64_t>(std::llround(bytes / static_cast<double>(msg_payload)));
    return std::max<uint64_t>(msgs, 1) * msg_payload;
  };
  for (int s = 0; s < ranks; ++s) {
    switch (pattern) {
      case Pattern::kUniform:
        for (int d = 0; d < ranks; ++d) {
          if (d != s) m[s][d] = whole(static_cast<double>(bytes_per_rank) / (ranks - 1));
        }
        break;
      case Pattern::kZipf: {
        // Rank s's i-th neighbour gets weight 1/(i+1): a different hot receiver per sender.
        double total = 0;
        for (int i = 0; i < ranks - 1; ++i) total += 1.0 / (i + 1);
        for (int i = 0; i < ranks - 1; ++i) {
          int d = (s + 1 + i) % ranks;
          m[s][d] = whole(static_cast<double>(bytes_per_rank) / (i + 1) / total);
        }
        break;
      }
      case Pattern::kIncast:
        if (s != 0) m[s][0] = whole(static_cast<double>(bytes_per_rank));
        break;
    }
  }
  return m;
}

namespace {
inline uint64_t Word(int src, int dst, uint64_t index) {
  uint64_t x = index * 0x9E3779B97F4A7C15ULL ^ (uint64_t(src) << 48) ^ (uint64_t(dst) << 32);
  x ^= x >> 29;
  return x;
}
}  // namespace

void FillStream(int src, int dst, uint64_t offset, std::byte* out, size_t bytes) {
  // Offsets are multiples of 8 in the benchmark (messages are whole words). Word() of
  // consecutive indices, with the multiplication replaced by a running sum (same values,
  // vectorizable: the producer of --produce generate runs at memory speed).
  constexpr uint64_t kStep = 0x9E3779B97F4A7C15ULL;
  const uint64_t salt = (uint64_t(src) << 48) ^ (uint64_t(dst) << 32);
  const uint64_t first = offset / 8 * kStep;
  const size_t words = bytes / 8;
  for (size_t i = 0; i < words; ++i) {
    uint64_t x = (first + i * kStep) ^ salt;
    x ^= x >> 29;
    std::memcpy(out + i * 8, &x, 8);
  }
  for (size_t i = bytes & ~size_t{7}; i < bytes; ++i) out[i] = std::byte(0xA5);
}

bool CheckStream(int src, int dst, uint64_t offset, const std::byte* in, size_t bytes) {
  for (size_t i = 0; i + 8 <= bytes; i += 8) {
    uint64_t w = Word(src, dst, (offset + i) / 8);
    if (std::memcmp(in + i, &w, 8) != 0) return false;
  }
  for (size_t i = bytes & ~size_t{7}; i < bytes; ++i) {
    if (in[i] != std::byte(0xA5)) return false;
  }
  return true;
}

uint64_t Fold(const std::byte* in, size_t bytes) {
  constexpr int kLanes = 8;
  uint64_t sum[kLanes] = {}, sum2[kLanes] = {};
  size_t words = bytes / 8;
  size_t i = 0;
  for (; i + kLanes <= words; i += kLanes) {
    for (int l = 0; l < kLanes; ++l) {
      uint64_t w;
      std::memcpy(&w, in + (i + l) * 8, 8);
      sum[l] += w;
      sum2[l] += sum[l];
    }
  }
  for (; i < words; ++i) {
    uint64_t w;
    std::memcpy(&w, in + i * 8, 8);
    sum[0] += w;
    sum2[0] += sum[0];
  }
  uint64_t h = bytes;
  for (int l = 0; l < kLanes; ++l) h = (h ^ sum[l]) * 0x9E3779B97F4A7C15ULL ^ sum2[l];
  return h;
}

}  // namespace ibex::perf
