// Appending the fields of one `.tbl` row to a text buffer, in the official generators' format:
// every field followed by '|', integers in decimal, TPC-H money and rates with two decimals
// ("-0.05", "21168.23"), fixed-width zero-padded numbers ("Supplier#000000001"). These are
// the generators' inner loop, so they write digits directly instead of going through printf.
//
// Pure functions on caller-owned buffers; any thread.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace ibex::datagen {

inline void AppendInt(std::string& out, int64_t value) {
  char digits[24];
  char* end = digits + sizeof(digits);
  char* p = end;
  const bool negative = value < 0;
  uint64_t v = negative ? 0 - static_cast<uint64_t>(value) : static_cast<uint64_t>(value);
  do {
    *--p = static_cast<char>('0' + v % 10);
    v /= 10;
  } while (v != 0);
  if (negative) *--p = '-';
  out.append(p, static_cast<size_t>(end - p));
}

// `value` with exactly `width` digits, zero padded (value >= 0, fits in width).
inline void AppendPadded(std::string& out, int64_t value, int width) {
  const size_t start = out.size();
  out.append(static_cast<size_t>(width), '0');
  for (size_t i = start + static_cast<size_t>(width); i > start && value > 0; value /= 10) {
    out[--i] = static_cast<char>('0' + value % 10);
  }
}

// Cents as a decimal with two places: 2116823 -> "21168.23", -5 -> "-0.05".
inline void AppendCents(std::string& out, int64_t cents) {
  if (cents < 0) {
    out.push_back('-');
    cents = -cents;
  }
  AppendInt(out, cents / 100);
  out.push_back('.');
  AppendPadded(out, cents % 100, 2);
}

inline void AppendField(std::string& out, std::string_view text) {
  out.append(text);
  out.push_back('|');
}

inline void AppendIntField(std::string& out, int64_t value) {
  AppendInt(out, value);
  out.push_back('|');
}

inline void AppendCentsField(std::string& out, int64_t cents) {
  AppendCents(out, cents);
  out.push_back('|');
}

inline void EndRow(std::string& out) { out.push_back('\n'); }

}  // namespace ibex::datagen
