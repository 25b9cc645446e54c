#include "exec/row_key.h"

#include <algorithm>
#include <bit>

namespace ibex::exec {

uint64_t HashBytes(const void* data, size_t size) {
  // wyhash-style: 8 bytes at a time, multiply-fold mixing.
  const auto* p = static_cast<const uint8_t*>(data);
  constexpr uint64_t kM = 0x9E3779B97F4A7C15ULL;
  uint64_t h = 0xA0761D6478BD642FULL ^ (size * kM);
  while (size >= 8) {
    uint64_t w;
    std::memcpy(&w, p, 8);
    const __uint128_t m = static_cast<__uint128_t>(w ^ h) * (kM ^ 0xE7037ED1A0B428DBULL);
    h = static_cast<uint64_t>(m) ^ static_cast<uint64_t>(m >> 64);
    p += 8;
    size -= 8;
  }
  if (size > 0) {
    uint64_t w = 0;
    std::memcpy(&w, p, size);
    const __uint128_t m = static_cast<__uint128_t>(w ^ h ^ 0x8EBC6AF09C88C6E3ULL) * kM;
    h = static_cast<uint64_t>(m) ^ static_cast<uint64_t>(m >> 64);
  }
  h ^= h >> 29;
  h *= 0xBF58476D1CE4E5B9ULL;
  h ^= h >> 32;
  return h;
}

namespace {

template <typename T>
T ToBigEndian(T v) {
  if constexpr (sizeof(T) == 1) {
    return v;
  } else if constexpr (sizeof(T) == 4) {
    return static_cast<T>(__builtin_bswap32(static_cast<uint32_t>(v)));
  } else if constexpr (sizeof(T) == 8) {
    return static_cast<T>(__builtin_bswap64(static_cast<uint64_t>(v)));
  } else {
    const auto u = static_cast<unsigned __int128>(v);
    const uint64_t lo = __builtin_bswap64(static_cast<uint64_t>(u));
    const uint64_t hi = __builtin_bswap64(static_cast<uint64_t>(u >> 64));
    return static_cast<T>((static_cast<unsigned __int128>(lo) << 64) | hi);
  }
}

// Order-preserving unsigned image of a value.
template <typename T>
auto OrderedImage(T v) {
  if constexpr (std::is_same_v<T, double>) {
    uint64_t u = std::bit_cast<uint64_t>(v == 0 ? 0.0 : v);  // -0 == +0
    u = (u >> 63) != 0 ? ~u : u | (uint64_t{1} << 63);
    return u;
  } else if constexpr (std::is_same_v<T, uint8_t>) {
    return v;
  } else if constexpr (sizeof(T) == 4) {
    return static_cast<uint32_t>(v) ^ (uint32_t{1} << 31);
  } else if constexpr (sizeof(T) == 8) {
    return static_cast<uint64_t>(v) ^ (uint64_t{1} << 63);
  } else {
    return static_cast<unsigned __int128>(v) ^ (static_cast<unsigned __int128>(1) << 127);
  }
}

template <typename T>
void EncodeFixed(const Vector& v, const SortSpec* spec, size_t n, uint8_t* bytes,
                 const uint32_t* offsets, uint32_t* pos, uint8_t* any_null) {
  const T* d = v.data<T>();
  const uint8_t* nl = v.nulls();
  const size_t step = v.is_constant() ? 0 : 1;
  for (size_t i = 0; i < n; ++i) {
    uint8_t* out = bytes + offsets[i] + pos[i];
    const bool is_null = nl != nullptr && nl[i * step] != 0;
    const T x = is_null ? T{} : d[i * step];
    if (spec == nullptr) {
      out[0] = is_null ? 1 : 0;
      std::memcpy(out + 1, &x, sizeof(T));
    } else {
      // Null byte: 0 sorts first.
      out[0] = is_null == spec->nulls_first ? 0 : 1;
      auto img = ToBigEndian(OrderedImage(x));
      if (spec->descending) img = ~img;
      std::memcpy(out + 1, &img, sizeof(T));
    }
    if (is_null) any_null[i] = 1;
    pos[i] += 1 + sizeof(T);
  }
}

void EncodeString(const Vector& v, const SortSpec* spec, size_t n, uint8_t* bytes,
                  const uint32_t* offsets, uint32_t* pos, uint8_t* any_null) {
  const auto* d = v.data<std::string_view>();
  const uint8_t* nl = v.nulls();
  const size_t step = v.is_constant() ? 0 : 1;
  for (size_t i = 0; i < n; ++i) {
    uint8_t* out = bytes + offsets[i] + pos[i];
    const bool is_null = nl != nullptr && nl[i * step] != 0;
    const std::string_view s = is_null ? std::string_view() : d[i * step];
    if (spec == nullptr) {
      out[0] = is_null ? 1 : 0;
      const auto len = static_cast<uint32_t>(s.size());
      std::memcpy(out + 1, &len, 4);
      if (!s.empty()) std::memcpy(out + 5, s.data(), s.size());
      pos[i] += 5 + len;
    } else {
      out[0] = is_null == spec->nulls_first ? 0 : 1;
      // Bytes + 0 terminator (strings hold no NUL); DESC inverts every byte.
      if (!s.empty()) std::memcpy(out + 1, s.data(), s.size());
      out[1 + s.size()] = 0;
      if (spec->descending) {
        for (size_t k = 1; k <= s.size() + 1; ++k) out[k] = static_cast<uint8_t>(~out[k]);
      }
      pos[i] += 2 + static_cast<uint32_t>(s.size());
    }
    if (is_null) any_null[i] = 1;
  }
}

}  // namespace

void KeyBuffer::Encode(const std::vector<const Vector*>& cols, const std::vector<SortSpec>* specs,
                       size_t n) {
  offsets_.assign(n + 1, 0);
  // Row lengths.
  size_t fixed = 0;
  bool has_strings = false;
  for (const Vector* v : cols) {
    if (v->physical() == PhysicalType::kString) {
      has_strings = true;
      fixed += specs == nullptr ? 5 : 2;
    } else {
      fixed += 1 + static_cast<size_t>(storage::ElementWidth(v->physical()));
    }
  }
  if (!has_strings) {
    for (size_t i = 0; i <= n; ++i) offsets_[i] = static_cast<uint32_t>(i * fixed);
  } else {
    std::vector<uint32_t> len(n, static_cast<uint32_t>(fixed));
    for (const Vector* v : cols) {
      if (v->physical() != PhysicalType::kString) continue;
      const auto* d = v->data<std::string_view>();
      const size_t step = v->is_constant() ? 0 : 1;
      for (size_t i = 0; i < n; ++i) len[i] += static_cast<uint32_t>(d[i * step].size());
    }
    for (size_t i = 0; i < n; ++i) offsets_[i + 1] = offsets_[i] + len[i];
  }
  bytes_.resize(offsets_[n] + 16);
  any_null_.assign(n, 0);
  std::vector<uint32_t> pos(n, 0);
  for (size_t c = 0; c < cols.size(); ++c) {
    const Vector& v = *cols[c];
    const SortSpec* spec = specs == nullptr ? nullptr : &(*specs)[c];
    uint8_t* b = bytes_.data();
    switch (v.physical()) {
      case PhysicalType::kBool:
        EncodeFixed<uint8_t>(v, spec, n, b, offsets_.data(), pos.data(), any_null_.data());
        break;
      case PhysicalType::kInt32:
        EncodeFixed<int32_t>(v, spec, n, b, offsets_.data(), pos.data(), any_null_.data());
        break;
      case PhysicalType::kInt64:
        EncodeFixed<int64_t>(v, spec, n, b, offsets_.data(), pos.data(), any_null_.data());
        break;
      case PhysicalType::kInt128:
        EncodeFixed<int128_t>(v, spec, n, b, offsets_.data(), pos.data(), any_null_.data());
        break;
      case PhysicalType::kDouble:
        EncodeFixed<double>(v, spec, n, b, offsets_.data(), pos.data(), any_null_.data());
        break;
      case PhysicalType::kString:
        EncodeString(v, spec, n, b, offsets_.data(), pos.data(), any_null_.data());
        break;
    }
  }
  if (specs == nullptr) {
    hashes_.resize(n);
    if (!has_strings) {
      for (size_t i = 0; i < n; ++i) hashes_[i] = HashBytes(bytes_.data() + i * fixed, fixed);
    } else {
      for (size_t i = 0; i < n; ++i) {
        hashes_[i] = HashBytes(bytes_.data() + offsets_[i], offsets_[i + 1] - offsets_[i]);
      }
    }
  }
}

namespace {
template <typename T>
void DecodeFixed(const std::vector<std::string_view>& keys, std::vector<size_t>& pos, Vector* v) {
  T* d = v->mutable_data<T>();
  for (size_t i = 0; i < keys.size(); ++i) {
    const char* p = keys[i].data() + pos[i];
    if (p[0] != 0) {
      v->SetNull(i);
    } else {
      std::memcpy(&d[i], p + 1, sizeof(T));
    }
    pos[i] += 1 + sizeof(T);
  }
}
}  // namespace

std::vector<Vector> DecodeKeys(const std::vector<DataType>& types,
                               const std::vector<std::string_view>& keys) {
  const size_t n = keys.size();
  std::vector<size_t> pos(n, 0);
  std::vector<Vector> out;
  for (const DataType& t : types) {
    Vector v(t, n);
    switch (v.physical()) {
      case PhysicalType::kBool:
        DecodeFixed<uint8_t>(keys, pos, &v);
        break;
      case PhysicalType::kInt32:
        DecodeFixed<int32_t>(keys, pos, &v);
        break;
      case PhysicalType::kInt64:
        DecodeFixed<int64_t>(keys, pos, &v);
        break;
      case PhysicalType::kInt128:
        DecodeFixed<int128_t>(keys, pos, &v);
        break;
      case PhysicalType::kDouble:
        DecodeFixed<double>(keys, pos, &v);
        break;
      case PhysicalType::kString: {
        auto* d = v.mutable_data<std::string_view>();
        for (size_t i = 0; i < n; ++i) {
          const char* p = keys[i].data() + pos[i];
          uint32_t len;
          std::memcpy(&len, p + 1, 4);
          if (p[0] != 0) {
            v.SetNull(i);
          } else {
            d[i] = v.arena().Copy(std::string_view(p + 5, len));
          }
          pos[i] += 5 + len;
        }
        break;
      }
    }
    v.CompactNulls();
    out.push_back(std::move(v));
  }
  return out;
}

}  // namespace ibex::exec
