// Integer hashing shared by layers that must not depend on each other (storage's sketches,
// tests' deterministic payload streams): the murmur3 64-bit finalizer, a strong, cheap mix.
// Pure functions; any thread.
#pragma once

#include <cstdint>

namespace ibex {

inline uint64_t HashInt(uint64_t x) {
  x ^= x >> 33;
  x *= 0xff51afd7ed558ccdULL;
  x ^= x >> 33;
  x *= 0xc4ceb9fe1a85ec53ULL;
  x ^= x >> 33;
  return x;
}

}  // namespace ibex
