// Test helper: chunks of random values of every DataType, with NULLs and constant columns
// mixed in, and a row-by-row comparison. Header-only, for exec's unit tests.
#pragma once

#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

#include "exec/vector.h"

namespace ibex::exec::testing {

inline std::vector<DataType> AllTypes() {
  return {DataType::Boolean(),      DataType::Integer(),      DataType::Bigint(),
          DataType::Double(),       DataType::Decimal(15, 2), DataType::Decimal(30, 4),
          DataType::Date(),         DataType::Varchar(),      DataType::Char(3)};
}

// A random non-null value of `type`; few distinct values when `narrow`.
inline Value RandomValue(const DataType& type, std::mt19937_64& rng, bool narrow = false) {
  auto pick = [&](int64_t lo, int64_t hi) {
    return std::uniform_int_distribution<int64_t>(lo, hi)(rng);
  };
  const int64_t span = narrow ? 5 : 1000000000;
  switch (type.id()) {
    case storage::TypeId::kBoolean:
      return Value::Boolean(pick(0, 1) == 1);
    case storage::TypeId::kInteger:
      return Value::Integer(static_cast<int32_t>(pick(-span, span)));
    case storage::TypeId::kBigint:
      return Value::Bigint(pick(-span, span) * (narrow ? 1 : 1000003));
    case storage::TypeId::kDouble:
      return Value::Double(static_cast<double>(pick(-span, span)) / 7.0);
    case storage::TypeId::kDecimal: {
      int128_t v = pick(-span, span);
      if (type.is_wide_decimal() && !narrow) v = v * 1000000000000LL + pick(0, 999999999999LL);
      return Value::Decimal(v, type);
    }
    case storage::TypeId::kDate:
      return Value::Date(static_cast<int32_t>(pick(0, narrow ? 4 : 20000)));
    case storage::TypeId::kVarchar:
    case storage::TypeId::kChar: {
      const size_t len = static_cast<size_t>(pick(0, type.length() > 0 ? type.length() : 40));
      std::string s;
      for (size_t i = 0; i < len; ++i) s.push_back(static_cast<char>('a' + pick(0, narrow ? 1 : 25)));
      return Value::String(s, type);
    }
  }
  return Value::Null(type);
}

// A chunk of `rows` rows over `types`: each column flat or (one in four) constant, with NULLs
// in about a third of the columns.
inline Chunk RandomChunk(const std::vector<DataType>& types, size_t rows, std::mt19937_64& rng,
                         bool allow_constant = true) {
  Chunk chunk;
  chunk.size = rows;
  for (const DataType& t : types) {
    const bool constant = allow_constant && rng() % 4 == 0;
    const bool nulls = rng() % 3 == 0;
    if (constant) {
      chunk.columns.push_back(
          Vector::Constant(nulls && rng() % 2 == 0 ? Value::Null(t) : RandomValue(t, rng)));
      continue;
    }
    Vector v(t, rows);
    for (size_t i = 0; i < rows; ++i) {
      v.SetValue(i, nulls && rng() % 4 == 0 ? Value::Null(t) : RandomValue(t, rng));
    }
    v.CompactNulls();
    chunk.columns.push_back(std::move(v));
  }
  return chunk;
}

// Rows of `got` equal, in order, the rows `want_rows` of `want` (all rows when empty).
inline void ExpectSameRows(const Chunk& want, const std::vector<uint32_t>& want_rows,
                           const Chunk& got) {
  const size_t n = want_rows.empty() ? want.size : want_rows.size();
  ASSERT_EQ(got.size, n);
  ASSERT_EQ(got.columns.size(), want.columns.size());
  for (size_t c = 0; c < want.columns.size(); ++c) {
    ASSERT_EQ(got.columns[c].type(), want.columns[c].type());
    for (size_t i = 0; i < n; ++i) {
      const size_t w = want_rows.empty() ? i : want_rows[i];
      ASSERT_EQ(got.GetValue(c, i), want.GetValue(c, w))
          << "column " << c << " row " << i << ": " << got.GetValue(c, i).ToString() << " vs "
          << want.GetValue(c, w).ToString();
    }
  }
}

}  // namespace ibex::exec::testing
