#include "exec/chunk_serde.h"

#include <algorithm>
#include <cstring>
#include <string>

#include "common/check.h"

namespace ibex::exec {

namespace {

constexpr uint32_t kMagic = 0x4B484358;  // "XCHK" in little-endian memory order
constexpr uint8_t kFlagConstant = 1;
constexpr uint8_t kFlagNulls = 2;

size_t Width(PhysicalType p) { return static_cast<size_t>(storage::ElementWidth(p)); }

// The vector row behind row i of a slice.
inline size_t SourceRow(const ChunkSlice& s, const Vector& v, size_t i) {
  if (v.is_constant()) return 0;
  return s.sel != nullptr ? s.sel[s.begin + i] : s.begin + i;
}

inline std::string_view StringAt(const Vector& v, size_t row) {
  return v.IsNull(row) ? std::string_view() : v.data<std::string_view>()[row];
}

// How column `col` of the slices looks on the wire.
struct ColumnShape {
  bool constant = false;
  bool nulls = false;
  size_t values = 0;
};

ColumnShape Shape(std::span<const ChunkSlice> slices, size_t col, size_t rows) {
  ColumnShape shape;
  shape.constant = slices.size() == 1 && rows > 0 && slices[0].chunk->columns[col].is_constant();
  for (const ChunkSlice& s : slices) shape.nulls |= s.chunk->columns[col].nulls() != nullptr;
  shape.values = shape.constant ? 1 : rows;
  return shape;
}

size_t TotalRows(std::span<const ChunkSlice> slices) {
  size_t rows = 0;
  for (const ChunkSlice& s : slices) rows += s.rows;
  return rows;
}

// Writes a slice's values of one fixed-width column.
template <typename T>
std::byte* WriteFixed(const ChunkSlice& s, const Vector& v, size_t count, std::byte* p) {
  const T* d = v.data<T>();
  if (v.is_constant()) {
    for (size_t i = 0; i < count; ++i, p += sizeof(T)) std::memcpy(p, d, sizeof(T));
  } else if (s.sel == nullptr) {
    std::memcpy(p, d + s.begin, count * sizeof(T));
    p += count * sizeof(T);
  } else {
    const uint32_t* sel = s.sel + s.begin;
    for (size_t i = 0; i < count; ++i, p += sizeof(T)) std::memcpy(p, d + sel[i], sizeof(T));
  }
  return p;
}

std::byte* WriteFixedColumn(std::span<const ChunkSlice> slices, size_t col, bool constant,
                            PhysicalType physical, std::byte* p) {
  for (const ChunkSlice& s : slices) {
    const Vector& v = s.chunk->columns[col];
    const size_t count = constant ? 1 : s.rows;
    switch (physical) {
      case PhysicalType::kBool:
        p = WriteFixed<uint8_t>(s, v, count, p);
        break;
      case PhysicalType::kInt32:
        p = WriteFixed<int32_t>(s, v, count, p);
        break;
      case PhysicalType::kInt64:
        p = WriteFixed<int64_t>(s, v, count, p);
        break;
      case PhysicalType::kDouble:
        p = WriteFixed<double>(s, v, count, p);
        break;
      case PhysicalType::kInt128:
        p = WriteFixed<int128_t>(s, v, count, p);
        break;
      case PhysicalType::kString:
        IBEX_CHECK(false) << "strings are not fixed-width";
    }
  }
  return p;
}

template <typename T>
void Put(std::byte*& p, T v) {
  std::memcpy(p, &v, sizeof(T));
  p += sizeof(T);
}

// Bounds-checked reading of one buffer.
class Reader {
 public:
  Reader(const std::byte* p, const std::byte* end) : p_(p), end_(end) {}
  size_t left() const { return static_cast<size_t>(end_ - p_); }
  const std::byte* pos() const { return p_; }
  // The next n bytes, or nullptr if fewer are left.
  const std::byte* Take(uint64_t n) {
    if (n > left()) return nullptr;
    const std::byte* out = p_;
    p_ += n;
    return out;
  }
  template <typename T>
  bool Get(T* v) {
    const std::byte* b = Take(sizeof(T));
    if (b == nullptr) return false;
    std::memcpy(v, b, sizeof(T));
    return true;
  }

 private:
  const std::byte* p_;
  const std::byte* end_;
};

Status Corrupt(size_t offset, const std::string& what) {
  return Status::Corruption("exchange buffer at byte " + std::to_string(offset) + ": " + what);
}

}  // namespace

size_t SerializedSlicesBytes(std::span<const ChunkSlice> slices) {
  IBEX_CHECK(!slices.empty());
  const size_t rows = TotalRows(slices);
  const size_t cols = slices[0].chunk->columns.size();
  size_t bytes = kWireChunkHeaderBytes;
  for (size_t c = 0; c < cols; ++c) {
    const ColumnShape shape = Shape(slices, c, rows);
    bytes += kWireColumnHeaderBytes;
    if (shape.nulls) bytes += (shape.values + 7) / 8;
    const PhysicalType physical = slices[0].chunk->columns[c].physical();
    if (physical != PhysicalType::kString) {
      bytes += shape.values * Width(physical);
      continue;
    }
    bytes += 4 * shape.values;
    if (shape.constant) {
      bytes += StringAt(slices[0].chunk->columns[c], 0).size();
      continue;
    }
    for (const ChunkSlice& s : slices) {
      const Vector& v = s.chunk->columns[c];
      for (size_t i = 0; i < s.rows; ++i) bytes += StringAt(v, SourceRow(s, v, i)).size();
    }
  }
  return bytes;
}

size_t SerializeSlices(std::span<const ChunkSlice> slices, uint32_t sequence,
                       std::span<std::byte> out) {
  const size_t total = SerializedSlicesBytes(slices);
  IBEX_CHECK_GE(out.size(), total);
  IBEX_CHECK_LE(total, size_t{UINT32_MAX});
  const size_t rows = TotalRows(slices);
  IBEX_CHECK_LE(rows, size_t{UINT32_MAX});
  const size_t cols = slices[0].chunk->columns.size();
  IBEX_CHECK_LE(cols, size_t{UINT16_MAX});
  std::byte* p = out.data();
  Put<uint32_t>(p, kMagic);
  Put<uint32_t>(p, static_cast<uint32_t>(total));
  Put<uint32_t>(p, static_cast<uint32_t>(rows));
  Put<uint32_t>(p, sequence);
  Put<uint16_t>(p, static_cast<uint16_t>(cols));
  Put<uint16_t>(p, 0);
  for (size_t c = 0; c < cols; ++c) {
    const ColumnShape shape = Shape(slices, c, rows);
    const PhysicalType physical = slices[0].chunk->columns[c].physical();
    Put<uint8_t>(p, static_cast<uint8_t>(physical));
    Put<uint8_t>(p, static_cast<uint8_t>((shape.constant ? kFlagConstant : 0) |
                                         (shape.nulls ? kFlagNulls : 0)));
    if (shape.nulls) {
      const size_t bitmap = (shape.values + 7) / 8;
      std::memset(p, 0, bitmap);
      size_t k = 0;
      for (const ChunkSlice& s : slices) {
        const Vector& v = s.chunk->columns[c];
        const size_t count = shape.constant ? 1 : s.rows;
        if (v.nulls() != nullptr) {
          for (size_t i = 0; i < count; ++i) {
            if (v.IsNull(SourceRow(s, v, i))) {
              p[(k + i) >> 3] |= static_cast<std::byte>(1u << ((k + i) & 7));
            }
          }
        }
        k += count;
      }
      p += bitmap;
    }
    if (physical != PhysicalType::kString) {
      p = WriteFixedColumn(slices, c, shape.constant, physical, p);
      continue;
    }
    // Lengths, then bytes.
    std::byte* lengths = p;
    p += 4 * shape.values;
    size_t k = 0;
    for (const ChunkSlice& s : slices) {
      const Vector& v = s.chunk->columns[c];
      const size_t count = shape.constant ? 1 : s.rows;
      for (size_t i = 0; i < count; ++i, ++k) {
        const std::string_view str = StringAt(v, SourceRow(s, v, i));
        const auto len = static_cast<uint32_t>(str.size());
        std::memcpy(lengths + 4 * k, &len, 4);
        if (len > 0) std::memcpy(p, str.data(), len);
        p += len;
      }
    }
  }
  IBEX_CHECK_EQ(static_cast<size_t>(p - out.data()), total);
  return total;
}

size_t SerializedChunkBytes(const Chunk& chunk) {
  const ChunkSlice slice{&chunk, nullptr, 0, chunk.size};
  return SerializedSlicesBytes(std::span<const ChunkSlice>(&slice, 1));
}

size_t SerializeChunk(const Chunk& chunk, std::span<std::byte> out) {
  const ChunkSlice slice{&chunk, nullptr, 0, chunk.size};
  return SerializeSlices(std::span<const ChunkSlice>(&slice, 1), 0, out);
}

size_t WireChunkOverheadBytes(size_t columns) {
  // Per column: its header and the one byte a bitmap may round up by.
  return kWireChunkHeaderBytes + columns * (kWireColumnHeaderBytes + 1);
}

namespace {
// Bits every row of the chunk costs whatever its strings: a null bit per column and the
// fixed-width values (a string: its 4-byte length).
uint64_t FixedRowBits(const Chunk& chunk) {
  uint64_t bits = 0;
  for (const Vector& v : chunk.columns) {
    bits += 1 + 8 * (v.physical() == PhysicalType::kString ? 4 : Width(v.physical()));
  }
  return bits;
}
}  // namespace

uint64_t SliceBoundBits(const ChunkSlice& slice) {
  uint64_t bits = FixedRowBits(*slice.chunk) * slice.rows;
  for (const Vector& v : slice.chunk->columns) {
    if (v.physical() != PhysicalType::kString) continue;
    for (size_t i = 0; i < slice.rows; ++i) {
      bits += 8 * StringAt(v, SourceRow(slice, v, i)).size();
    }
  }
  return bits;
}

size_t RowsWithinBound(const ChunkSlice& slice, uint64_t budget_bits, uint64_t* bits) {
  const uint64_t fixed = FixedRowBits(*slice.chunk);
  bool strings = false;
  for (const Vector& v : slice.chunk->columns) strings |= v.physical() == PhysicalType::kString;
  if (!strings || fixed == 0) {
    size_t n = slice.rows;
    if (fixed > 0) n = std::min<uint64_t>(n, budget_bits / fixed);
    *bits = n * fixed;
    return n;
  }
  uint64_t used = 0;
  size_t n = 0;
  for (; n < slice.rows; ++n) {
    uint64_t row = fixed;
    for (const Vector& v : slice.chunk->columns) {
      if (v.physical() == PhysicalType::kString) {
        row += 8 * StringAt(v, SourceRow(slice, v, n)).size();
      }
    }
    if (used + row > budget_bits) break;
    used += row;
  }
  *bits = used;
  return n;
}

Status DeserializeChunks(std::span<const std::byte> bytes, const std::vector<DataType>& types,
                         std::vector<Chunk>* out, std::vector<uint32_t>* sequences) {
  const std::byte* base = bytes.data();
  Reader all(base, base + bytes.size());
  while (all.left() > 0) {
    const size_t at = static_cast<size_t>(all.pos() - base);
    uint32_t magic = 0, total = 0, rows = 0, sequence = 0;
    uint16_t cols = 0, zero = 0;
    if (!all.Get(&magic) || !all.Get(&total) || !all.Get(&rows) || !all.Get(&sequence) ||
        !all.Get(&cols) || !all.Get(&zero)) {
      return Corrupt(at, "truncated chunk header");
    }
    if (magic != kMagic) return Corrupt(at, "bad chunk magic");
    if (zero != 0) return Corrupt(at, "bad chunk header");
    if (total < kWireChunkHeaderBytes || total - kWireChunkHeaderBytes > all.left()) {
      return Corrupt(at, "chunk length " + std::to_string(total) + " exceeds the buffer");
    }
    if (cols != types.size()) {
      return Corrupt(at, "chunk has " + std::to_string(cols) + " columns, the exchange " +
                             std::to_string(types.size()));
    }
    Reader in(all.pos(), all.pos() + (total - kWireChunkHeaderBytes));
    all.Take(total - kWireChunkHeaderBytes);
    Chunk chunk;
    chunk.size = rows;
    for (size_t c = 0; c < cols; ++c) {
      uint8_t physical = 0, flags = 0;
      if (!in.Get(&physical) || !in.Get(&flags)) return Corrupt(at, "truncated column header");
      if (physical != static_cast<uint8_t>(types[c].physical())) {
        return Corrupt(at, "column " + std::to_string(c) + " is not of type " +
                               types[c].ToString());
      }
      if ((flags & ~(kFlagConstant | kFlagNulls)) != 0) return Corrupt(at, "bad column flags");
      const bool constant = (flags & kFlagConstant) != 0;
      const uint64_t values = constant ? 1 : rows;
      const std::byte* bitmap = nullptr;
      if ((flags & kFlagNulls) != 0) {
        bitmap = in.Take((values + 7) / 8);
        if (bitmap == nullptr) return Corrupt(at, "truncated null bitmap");
      }
      const bool is_string = types[c].physical() == PhysicalType::kString;
      // Every value needs its bytes (or its length) in the input: check before allocating.
      const uint64_t fixed_bytes = values * (is_string ? 4 : Width(types[c].physical()));
      const std::byte* fixed = in.Take(fixed_bytes);
      if (fixed == nullptr) return Corrupt(at, "truncated column values");
      Vector v(types[c], values);
      if (constant) v.MarkConstant();
      if (bitmap != nullptr) {
        uint8_t* nulls = v.mutable_nulls();
        for (uint64_t i = 0; i < values; ++i) {
          nulls[i] = (static_cast<uint8_t>(bitmap[i >> 3]) >> (i & 7)) & 1;
        }
        v.CompactNulls();
      }
      if (!is_string) {
        if (fixed_bytes > 0) std::memcpy(v.mutable_data<std::byte>(), fixed, fixed_bytes);
      } else {
        uint64_t string_bytes = 0;
        for (uint64_t i = 0; i < values; ++i) {
          uint32_t len;
          std::memcpy(&len, fixed + 4 * i, 4);
          string_bytes += len;
        }
        const std::byte* chars = in.Take(string_bytes);
        if (chars == nullptr) return Corrupt(at, "truncated string bytes");
        // One copy of the column's bytes into the vector's arena; the views slice it.
        const std::string_view copy = v.arena().Copy(
            std::string_view(reinterpret_cast<const char*>(chars), string_bytes));
        auto* d = v.mutable_data<std::string_view>();
        size_t offset = 0;
        for (uint64_t i = 0; i < values; ++i) {
          uint32_t len;
          std::memcpy(&len, fixed + 4 * i, 4);
          d[i] = std::string_view(copy.data() + offset, len);
          offset += len;
        }
      }
      chunk.columns.push_back(std::move(v));
    }
    if (in.left() != 0) return Corrupt(at, "chunk length does not match its columns");
    out->push_back(std::move(chunk));
    if (sequences != nullptr) sequences->push_back(sequence);
  }
  return Status::OK();
}

}  // namespace ibex::exec
