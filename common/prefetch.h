// PrefetchForRead(p): start loading the cache line holding p, for a lookup a few steps ahead.
//
// Why not plain __builtin_prefetch: GCC 12 at -O3 deletes it when it is the only statement of
// a nested conditional (measured: `if (direct_) { if (off < n) __builtin_prefetch(p); }`
// compiled to nothing, so the aggregation's prefetching did nothing). On x86-64 the
// instruction goes in as volatile inline assembly, which the compiler must keep.
#pragma once

namespace ibex {

inline void PrefetchForRead(const void* p) {
#if defined(__x86_64__)
  asm volatile("prefetcht0 %0" : : "m"(*static_cast<const char*>(p)));
#else
  __builtin_prefetch(p, 0, 3);
#endif
}

}  // namespace ibex
