#include "storage/hyperloglog.h"

#include <bit>
#include <cmath>
#include <cstring>

namespace ibex::storage {

uint64_t HashBytes(std::string_view bytes) {
  // One multiply and a rotation per 8-byte word, one strong mix at the end: cheap enough to
  // hash every string a load sees, good enough for HyperLogLog and hash partitioning.
  constexpr uint64_t kMul = 0x9E3779B97F4A7C15ULL;
  uint64_t h = bytes.size() * kMul;
  const char* p = bytes.data();
  size_t n = bytes.size();
  while (n >= 8) {
    uint64_t w;
    std::memcpy(&w, p, 8);
    h = std::rotl((h ^ w) * kMul, 29);
    p += 8;
    n -= 8;
  }
  if (n > 0) {
    uint64_t tail = 0;
    std::memcpy(&tail, p, n);
    h = std::rotl((h ^ tail) * kMul, 29);
  }
  return HashInt(h);
}

void HyperLogLog::Merge(const HyperLogLog& other) {
  for (int i = 0; i < kRegisters; ++i) {
    if (other.registers_[i] > registers_[i]) registers_[i] = other.registers_[i];
  }
}

uint64_t HyperLogLog::Estimate() const {
  double sum = 0;
  int zeros = 0;
  for (uint8_t r : registers_) {
    sum += std::ldexp(1.0, -r);
    zeros += r == 0;
  }
  const double m = kRegisters;
  const double alpha = 0.7213 / (1.0 + 1.079 / m);
  double estimate = alpha * m * m / sum;
  if (estimate <= 2.5 * m && zeros > 0) estimate = m * std::log(m / zeros);  // linear counting
  return static_cast<uint64_t>(std::llround(estimate));
}

}  // namespace ibex::storage
