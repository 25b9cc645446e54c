// RowRandom: the random stream of one generated row. Every row of every generated table draws
// its values from a stream seeded by (table stream, row key) alone, so a row's text never
// depends on which rows were generated before it, on the thread that made it, or on the
// slice (--parts/--part) being written. That is what makes the generators deterministic and
// their slices concatenate to the whole output.
//
// The stream is splitmix64 (a counter-based generator: good statistical quality, one
// multiply-xorshift per draw). Values only; one object per thread.
#pragma once

#include <cstdint>

namespace ibex::datagen {

class RowRandom {
 public:
  RowRandom(uint64_t stream, uint64_t row)
      : state_(Mix(stream * 0x9E3779B97F4A7C15ULL ^ Mix(row + 1))) {}

  uint64_t Next() {
    state_ += 0x9E3779B97F4A7C15ULL;
    return Mix(state_);
  }

  // Uniform integer in [lo, hi] (inclusive), lo <= hi.
  int64_t Uniform(int64_t lo, int64_t hi) {
    const auto range = static_cast<uint64_t>(hi - lo) + 1;
    const auto scaled = static_cast<unsigned __int128>(Next()) * range;
    return lo + static_cast<int64_t>(static_cast<uint64_t>(scaled >> 64));
  }

 private:
  static uint64_t Mix(uint64_t z) {
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
  }

  uint64_t state_;
};

}  // namespace ibex::datagen
