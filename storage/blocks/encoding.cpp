#include "storage/blocks/encoding.h"

#include <algorithm>
#include <cstring>
#include <vector>

namespace ibex::storage {
namespace {

constexpr int kMaxPackedWidth = 56;  // unpacking loads 8 bytes at a byte offset

int BitsFor(uint64_t range) { return range == 0 ? 0 : 64 - __builtin_clzll(range); }

// Appends n values of `width` bits produced by get(i) (each < 2^width), then 8 bytes padding.
template <typename Get>
void PackBits(size_t n, int width, Get get, ByteWriter* out) {
  if (width > 0) {
    uint64_t acc = 0;
    int filled = 0;
    for (size_t i = 0; i < n; ++i) {
      const uint64_t v = get(i);
      acc |= v << filled;
      filled += width;
      if (filled >= 64) {
        out->Put<uint64_t>(acc);
        filled -= 64;
        acc = filled > 0 ? v >> (width - filled) : 0;
      }
    }
    if (filled > 0) out->Put<uint64_t>(acc);
  }
  out->Put<uint64_t>(0);  // padding
}

size_t PackedBytes(size_t n, int width) {
  return (n * static_cast<size_t>(width) + 63) / 64 * 8 + 8;
}

// out[i] = base + unpacked(i).
template <typename T>
void UnpackBits(const char* packed, size_t n, int width, int64_t base, T* out) {
  if (width == 0) {
    std::fill(out, out + n, static_cast<T>(base));
    return;
  }
  const uint64_t mask = (uint64_t{1} << width) - 1;
  size_t bit = 0;
  for (size_t i = 0; i < n; ++i, bit += static_cast<size_t>(width)) {
    uint64_t word;
    std::memcpy(&word, packed + (bit >> 3), 8);
    out[i] = static_cast<T>(base + static_cast<int64_t>((word >> (bit & 7)) & mask));
  }
}

void PutHeader(const ColumnVector& c, Encoding e, ByteWriter* out) {
  out->Put<uint8_t>(static_cast<uint8_t>(e));
  out->Put<uint8_t>(c.null_count() > 0 ? 1 : 0);
  if (c.null_count() > 0) out->PutBytes(c.validity(), (c.size() + 63) / 64 * 8);
}

template <typename T>
Value MakeIntValue(const DataType& type, int64_t v) {
  switch (type.id()) {
    case TypeId::kBoolean:
      return Value::Boolean(v != 0);
    case TypeId::kInteger:
      return Value::Integer(static_cast<int32_t>(v));
    case TypeId::kDate:
      return Value::Date(static_cast<int32_t>(v));
    case TypeId::kBigint:
      return Value::Bigint(v);
    case TypeId::kDecimal:
      return Value::Decimal(v, type);
    default:
      break;
  }
  IBEX_CHECK(false) << "not an integer type: " << type.ToString();
  return Value();
}

// BOOLEAN, INTEGER, DATE, BIGINT, narrow DECIMAL.
template <typename T>
void EncodeInts(const ColumnVector& c, ByteWriter* out, ColumnSummary* s) {
  const T* v = c.data<T>();
  const size_t n = c.size();
  bool any = false;
  T lo = 0;
  T hi = 0;
  const bool nulls = c.null_count() > 0;
  for (size_t i = 0; i < n; ++i) {
    if (nulls && c.IsNull(i)) continue;
    const T x = v[i];
    if (!any) {
      lo = hi = x;
      any = true;
    } else {
      lo = x < lo ? x : lo;
      hi = x > hi ? x : hi;
    }
    s->distinct.AddHash(HashInt(static_cast<uint64_t>(static_cast<int64_t>(x))));
  }
  if (any) {
    s->zone.min = MakeIntValue<T>(c.type(), static_cast<int64_t>(lo));
    s->zone.max = MakeIntValue<T>(c.type(), static_cast<int64_t>(hi));
  }
  const int width = BitsFor(static_cast<uint64_t>(static_cast<int64_t>(hi)) -
                            static_cast<uint64_t>(static_cast<int64_t>(lo)));
  if (width < static_cast<int>(8 * sizeof(T)) && width <= kMaxPackedWidth) {
    s->encoding = Encoding::kFrameOfReference;
    PutHeader(c, s->encoding, out);
    const int64_t base = static_cast<int64_t>(lo);
    out->Put<int64_t>(base);
    out->Put<uint8_t>(static_cast<uint8_t>(width));
    if (nulls) {
      PackBits(
          n, width,
          [&](size_t i) {
            return c.IsNull(i) ? 0 : static_cast<uint64_t>(static_cast<int64_t>(v[i]) - base);
          },
          out);
    } else {
      PackBits(
          n, width,
          [&](size_t i) { return static_cast<uint64_t>(static_cast<int64_t>(v[i]) - base); }, out);
    }
    return;
  }
  s->encoding = Encoding::kPlain;
  PutHeader(c, s->encoding, out);
  out->PutBytes(v, n * sizeof(T));
}

template <typename T>
void EncodeFixedPlain(const ColumnVector& c, ByteWriter* out, ColumnSummary* s) {
  const T* v = c.data<T>();
  const size_t n = c.size();
  bool any = false;
  T lo{};
  T hi{};
  for (size_t i = 0; i < n; ++i) {
    if (c.IsNull(i)) continue;
    const T x = v[i];
    if (!any || x < lo) lo = x;
    if (!any || x > hi) hi = x;
    any = true;
    if constexpr (std::is_same_v<T, double>) {
      uint64_t bits;
      std::memcpy(&bits, &x, 8);
      s->distinct.AddHash(HashInt(bits));
    } else {
      s->distinct.AddHash(
          HashInt(static_cast<uint64_t>(x) ^ HashInt(static_cast<uint64_t>(x >> 64))));
    }
  }
  if (any) {
    if constexpr (std::is_same_v<T, double>) {
      s->zone.min = Value::Double(lo);
      s->zone.max = Value::Double(hi);
    } else {
      s->zone.min = Value::Decimal(lo, c.type());
      s->zone.max = Value::Decimal(hi, c.type());
    }
  }
  s->encoding = Encoding::kPlain;
  PutHeader(c, s->encoding, out);
  out->PutBytes(v, n * sizeof(T));
}

// Open-addressing map from string to dictionary code; gives up past `limit` entries.
class DictionaryBuilder {
 public:
  explicit DictionaryBuilder(size_t limit) : limit_(limit) {
    size_t cap = 16;
    while (cap < 2 * limit + 2) cap <<= 1;
    slots_.assign(cap, -1);
    mask_ = cap - 1;
  }
  // Code of s, or -1 when the dictionary would exceed its limit.
  int32_t Add(std::string_view s) {
    const uint64_t h = HashBytes(s);
    size_t i = h & mask_;
    while (true) {
      const int32_t code = slots_[i];
      if (code < 0) break;
      if (hashes_[code] == h && entries_[code] == s) return code;
      i = (i + 1) & mask_;
    }
    if (entries_.size() >= limit_) return -1;
    slots_[i] = static_cast<int32_t>(entries_.size());
    entries_.push_back(s);
    hashes_.push_back(h);
    return slots_[i];
  }
  const std::vector<std::string_view>& entries() const { return entries_; }
  const std::vector<uint64_t>& hashes() const { return hashes_; }

 private:
  size_t limit_;
  size_t mask_;
  std::vector<int32_t> slots_;
  std::vector<std::string_view> entries_;
  std::vector<uint64_t> hashes_;
};

Status EncodeStrings(const ColumnVector& c, ByteWriter* out, ColumnSummary* s) {
  const std::string_view* v = c.data<std::string_view>();
  const size_t n = c.size();
  const bool nulls = c.null_count() > 0;
  size_t total_bytes = 0;
  for (size_t i = 0; i < n; ++i) total_bytes += v[i].size();
  if (total_bytes > UINT32_MAX) {
    return Status::InvalidArgument("a block's " + c.type().ToString() + " column holds " +
                                   std::to_string(total_bytes) + " bytes, over the 4 GiB limit");
  }
  auto set_zone = [&](std::string_view lo, std::string_view hi) {
    s->zone.min = Value::String(std::string(lo), c.type());
    s->zone.max = Value::String(std::string(hi), c.type());
  };

  // Dictionary when a sample looks low-cardinality and the whole column stays so.
  const size_t sample = std::min<size_t>(n, 1024);
  bool try_dict = n > 0;
  if (try_dict) {
    DictionaryBuilder probe(sample / 4 + 1);
    for (size_t i = 0; i < sample && try_dict; ++i) try_dict = probe.Add(v[i]) >= 0;
  }
  if (try_dict) {
    DictionaryBuilder dict(std::max<size_t>(n / 4, 1));
    std::vector<uint32_t> codes(n);
    for (size_t i = 0; i < n && try_dict; ++i) {
      if (nulls && c.IsNull(i)) continue;
      const int32_t code = dict.Add(v[i]);
      try_dict = code >= 0;
      codes[i] = static_cast<uint32_t>(code);
    }
    if (try_dict && !dict.entries().empty()) {
      const auto& entries = dict.entries();
      size_t dict_bytes = 0;
      for (std::string_view e : entries) dict_bytes += e.size();
      const int width = BitsFor(entries.size() - 1);
      const size_t dict_size =
          4 + 4 * (entries.size() + 1) + dict_bytes + 1 + PackedBytes(n, width);
      if (dict_size < 4 * (n + 1) + total_bytes) {
        std::string_view lo = entries[0];
        std::string_view hi = entries[0];
        for (size_t k = 0; k < entries.size(); ++k) {
          lo = std::min(lo, entries[k]);
          hi = std::max(hi, entries[k]);
          s->distinct.AddHash(dict.hashes()[k]);
        }
        set_zone(lo, hi);
        s->encoding = Encoding::kDictionary;
        PutHeader(c, s->encoding, out);
        out->Put<uint32_t>(static_cast<uint32_t>(entries.size()));
        uint32_t off = 0;
        out->Put<uint32_t>(0);
        for (std::string_view e : entries) {
          off += static_cast<uint32_t>(e.size());
          out->Put<uint32_t>(off);
        }
        for (std::string_view e : entries) out->PutBytes(e.data(), e.size());
        out->Put<uint8_t>(static_cast<uint8_t>(width));
        PackBits(
            n, width, [&](size_t i) { return uint64_t{codes[i]}; }, out);
        return Status::OK();
      }
    }
  }

  // Plain.
  bool any = false;
  std::string_view lo;
  std::string_view hi;
  for (size_t i = 0; i < n; ++i) {
    if (nulls && c.IsNull(i)) continue;
    if (!any || v[i] < lo) lo = v[i];
    if (!any || v[i] > hi) hi = v[i];
    any = true;
    s->distinct.AddHash(HashBytes(v[i]));
  }
  if (any) set_zone(lo, hi);
  s->encoding = Encoding::kPlain;
  PutHeader(c, s->encoding, out);
  std::string& buf = out->buffer();
  const size_t offsets_at = buf.size();
  buf.resize(offsets_at + 4 * (n + 1));
  char* offsets = buf.data() + offsets_at;
  uint32_t off = 0;
  std::memcpy(offsets, &off, 4);
  for (size_t i = 0; i < n; ++i) {
    off += static_cast<uint32_t>(v[i].size());
    std::memcpy(offsets + 4 * (i + 1), &off, 4);
  }
  buf.reserve(buf.size() + total_bytes);
  for (size_t i = 0; i < n; ++i) buf.append(v[i]);
  return Status::OK();
}

Status Malformed(std::string_view what) {
  return Status::Corruption("malformed column section: " + std::string(what));
}

}  // namespace

std::string_view EncodingName(Encoding e) {
  switch (e) {
    case Encoding::kPlain:
      return "plain";
    case Encoding::kDictionary:
      return "dictionary";
    case Encoding::kFrameOfReference:
      return "frame-of-reference";
  }
  return "?";
}

Status EncodeColumn(const ColumnVector& column, ByteWriter* out, ColumnSummary* summary) {
  summary->zone =
      ZoneMap{Value::Null(column.type()), Value::Null(column.type()), column.null_count()};
  switch (column.type().physical()) {
    case PhysicalType::kBool:
      EncodeInts<uint8_t>(column, out, summary);
      break;
    case PhysicalType::kInt32:
      EncodeInts<int32_t>(column, out, summary);
      break;
    case PhysicalType::kInt64:
      EncodeInts<int64_t>(column, out, summary);
      break;
    case PhysicalType::kInt128:
      EncodeFixedPlain<int128_t>(column, out, summary);
      break;
    case PhysicalType::kDouble:
      EncodeFixedPlain<double>(column, out, summary);
      break;
    case PhysicalType::kString:
      return EncodeStrings(column, out, summary);
  }
  return Status::OK();
}

Result<ColumnVector> DecodeColumn(std::string_view section, DataType type, uint32_t rows,
                                  std::shared_ptr<const std::string> owner) {
  ByteReader r(section);
  const auto encoding = static_cast<Encoding>(r.Get<uint8_t>());
  const bool has_nulls = r.Get<uint8_t>() != 0;
  ColumnVector out(type, rows);
  out.Resize(rows);
  std::vector<uint64_t> validity;
  int64_t null_count = 0;
  if (has_nulls) {
    const size_t words = (rows + 63) / 64;
    std::string_view bits = r.GetBytes(words * 8);
    if (!r.ok()) return Malformed("validity bitmap truncated");
    validity.resize(words);
    std::memcpy(validity.data(), bits.data(), words * 8);
    for (uint32_t i = 0; i < rows; ++i) {
      null_count += ((validity[i >> 6] >> (i & 63)) & 1) == 0;
    }
  }
  const PhysicalType physical = type.physical();
  const size_t width = static_cast<size_t>(type.byte_width());
  switch (encoding) {
    case Encoding::kFrameOfReference: {
      if (physical != PhysicalType::kBool && physical != PhysicalType::kInt32 &&
          physical != PhysicalType::kInt64) {
        return Malformed("frame-of-reference on a non-integer column");
      }
      const int64_t base = r.Get<int64_t>();
      const int bits = r.Get<uint8_t>();
      if (bits > kMaxPackedWidth) return Malformed("bit width");
      std::string_view packed = r.GetBytes(PackedBytes(rows, bits));
      if (!r.ok()) return Malformed("packed values truncated");
      if (physical == PhysicalType::kBool) {
        UnpackBits(packed.data(), rows, bits, base, out.mutable_data<uint8_t>());
      } else if (physical == PhysicalType::kInt32) {
        UnpackBits(packed.data(), rows, bits, base, out.mutable_data<int32_t>());
      } else {
        UnpackBits(packed.data(), rows, bits, base, out.mutable_data<int64_t>());
      }
      break;
    }
    case Encoding::kPlain: {
      if (physical != PhysicalType::kString) {
        std::string_view values = r.GetBytes(rows * width);
        if (!r.ok()) return Malformed("values truncated");
        std::memcpy(out.mutable_data<char>(), values.data(), values.size());
        break;
      }
      std::string_view offsets = r.GetBytes(4 * (size_t{rows} + 1));
      if (!r.ok()) return Malformed("string offsets truncated");
      const char* bytes = section.data() + r.position();
      const size_t avail = r.remaining();
      std::string_view* dst = out.mutable_data<std::string_view>();
      uint32_t prev;
      std::memcpy(&prev, offsets.data(), 4);
      if (prev != 0) return Malformed("first string offset");
      for (uint32_t i = 0; i < rows; ++i) {
        uint32_t next;
        std::memcpy(&next, offsets.data() + size_t{4} * (i + 1), 4);
        if (next < prev || next > avail) return Malformed("string offsets");
        dst[i] = std::string_view(bytes + prev, next - prev);
        prev = next;
      }
      r.GetBytes(prev);
      break;
    }
    case Encoding::kDictionary: {
      if (physical != PhysicalType::kString) return Malformed("dictionary on a non-string column");
      const uint32_t dict_size = r.Get<uint32_t>();
      if (!r.ok() || dict_size == 0 || dict_size > rows) return Malformed("dictionary size");
      std::string_view offsets = r.GetBytes(4 * (size_t{dict_size} + 1));
      if (!r.ok()) return Malformed("dictionary offsets truncated");
      uint32_t dict_bytes;
      std::memcpy(&dict_bytes, offsets.data() + size_t{4} * dict_size, 4);
      std::string_view bytes = r.GetBytes(dict_bytes);
      const int bits = r.Get<uint8_t>();
      if (!r.ok() || bits > 32) return Malformed("dictionary bytes");
      std::vector<std::string_view> dict(dict_size);
      uint32_t prev = 0;
      for (uint32_t k = 0; k < dict_size; ++k) {
        uint32_t next;
        std::memcpy(&next, offsets.data() + size_t{4} * (k + 1), 4);
        if (next < prev || next > dict_bytes) return Malformed("dictionary offsets");
        dict[k] = bytes.substr(prev, next - prev);
        prev = next;
      }
      std::string_view packed = r.GetBytes(PackedBytes(rows, bits));
      if (!r.ok()) return Malformed("dictionary codes truncated");
      std::vector<uint32_t> codes(rows);
      UnpackBits(packed.data(), rows, bits, 0, codes.data());
      std::string_view* dst = out.mutable_data<std::string_view>();
      for (uint32_t i = 0; i < rows; ++i) {
        if (codes[i] >= dict_size) return Malformed("dictionary code");
        dst[i] = dict[codes[i]];
      }
      break;
    }
    default:
      return Malformed("unknown encoding");
  }
  if (r.remaining() != 0) return Malformed("trailing bytes");
  if (has_nulls) {
    // Null positions read as zero / empty, whatever the encoding stored there.
    char* base = out.mutable_data<char>();
    const size_t w = static_cast<size_t>(ElementWidth(physical));
    for (uint32_t i = 0; i < rows; ++i) {
      if (((validity[i >> 6] >> (i & 63)) & 1) == 0) std::memset(base + i * w, 0, w);
    }
    out.SetValidity(std::move(validity), null_count);
  }
  out.KeepAlive(std::move(owner));
  return out;
}

}  // namespace ibex::storage
