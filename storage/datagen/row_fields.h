// Value rules shared by the TPC-H and SSB generators (TPC-H spec clause 4.2.2-4.2.3; ssb-dbgen
// keeps dbgen's rules for these): sparse order keys, the order's customer, retail price,
// random addresses ("v-strings") and phone numbers.
//
// Pure functions; any thread.
#pragma once

#include <algorithm>
#include <cstdint>
#include <string>

#include "storage/datagen/row_random.h"
#include "storage/datagen/tbl_format.h"

namespace ibex::datagen {

// The n-th order (n >= 1) has key 8 of every 32: 1..7, 32..39, 64..71 ... (dbgen mk_sparse:
// the low 3 bits kept, 2 zero bits inserted above them).
inline int64_t SparseOrderKey(int64_t n) { return ((n >> 3) << 5) | (n & 7); }

// The customer of an order: uniform in [1, customers], but a multiple of 3 is moved to a
// neighbour, so one customer in three never orders (dbgen's CUST_MORTALITY).
inline int64_t OrderCustomer(RowRandom& rng, int64_t customers) {
  int64_t key = rng.Uniform(1, customers);
  int64_t delta = 1;
  while (key % 3 == 0) {
    key = std::min(key + delta, customers);
    delta = -delta;
  }
  return key;
}

// p_retailprice in cents for a part key: 90000 + (k/10) % 20001 + 100 * (k % 1000).
inline int64_t RetailPriceCents(int64_t partkey) {
  return 90000 + (partkey / 10) % 20001 + 100 * (partkey % 1000);
}

// dbgen's a_rnd: `length` uniform in [min_len, max_len] characters of a 64-letter alphabet.
inline void AppendRandomString(RowRandom& rng, int min_len, int max_len, std::string& out) {
  static constexpr char kAlphabet[] =
      "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ, ";
  static_assert(sizeof(kAlphabet) == 65);
  const int64_t length = rng.Uniform(min_len, max_len);
  uint64_t bits = 0;
  for (int64_t i = 0; i < length; ++i) {
    if (i % 10 == 0) bits = rng.Next();
    out.push_back(kAlphabet[bits & 63]);
    bits >>= 6;
  }
}

// "CC-ddd-ddd-dddd", CC = 10 + nation key.
inline void AppendPhone(RowRandom& rng, int nation, std::string& out) {
  AppendInt(out, 10 + nation);
  out.push_back('-');
  AppendInt(out, rng.Uniform(100, 999));
  out.push_back('-');
  AppendInt(out, rng.Uniform(100, 999));
  out.push_back('-');
  AppendInt(out, rng.Uniform(1000, 9999));
}

// Draws `count` distinct indices of [0, n) (a partial Fisher-Yates shuffle, as dbgen's
// agg_str) into `out`.
template <size_t kMax>
inline void PickDistinct(RowRandom& rng, int n, int count, int (&out)[kMax]) {
  int order[128];
  for (int i = 0; i < n; ++i) order[i] = i;
  for (int i = 0; i < count; ++i) {
    const auto j = static_cast<int>(rng.Uniform(i, n - 1));
    std::swap(order[i], order[j]);
    out[i] = order[i];
  }
}

}  // namespace ibex::datagen
