#include "scheduler/row_frames.h"

#include <cstring>
#include <memory>
#include <string>

namespace ibex::scheduler {
namespace {

using storage::ColumnVector;
using storage::Columns;
using storage::PhysicalType;

size_t Width(const ColumnVector& c) {
  return static_cast<size_t>(storage::ElementWidth(c.type().physical()));
}

// Bytes of a frame's per-column headers and validity for `rows` rows.
size_t Overhead(size_t columns, size_t rows) {
  return 4 + columns * (1 + 8 * ((rows + 63) / 64));
}

void Append(std::vector<std::byte>* out, const void* p, size_t n) {
  if (n == 0) return;
  const size_t at = out->size();
  out->resize(at + n);
  std::memcpy(out->data() + at, p, n);
}

void EncodeFrame(const Columns& columns, size_t begin, size_t end, std::vector<std::byte>* out) {
  out->clear();
  const uint32_t rows = static_cast<uint32_t>(end - begin);
  Append(out, &rows, 4);
  for (const ColumnVector& c : columns) {
    bool has_nulls = false;
    if (c.null_count() > 0) {
      for (size_t r = begin; r < end && !has_nulls; ++r) has_nulls = c.IsNull(r);
    }
    const uint8_t flag = has_nulls ? 1 : 0;
    Append(out, &flag, 1);
    if (has_nulls) {
      std::vector<uint64_t> bits((rows + 63) / 64, 0);
      for (size_t r = begin; r < end; ++r) {
        if (!c.IsNull(r)) bits[(r - begin) >> 6] |= uint64_t{1} << ((r - begin) & 63);
      }
      Append(out, bits.data(), bits.size() * 8);
    }
    if (c.type().physical() == PhysicalType::kString) {
      const auto* s = c.data<std::string_view>();
      for (size_t r = begin; r < end; ++r) {
        const uint32_t n = static_cast<uint32_t>(s[r].size());
        Append(out, &n, 4);
      }
      for (size_t r = begin; r < end; ++r) Append(out, s[r].data(), s[r].size());
    } else {
      const size_t w = Width(c);
      Append(out, c.data<char>() + begin * w, rows * w);
    }
  }
}

}  // namespace

Status EncodeFrames(const Columns& columns, size_t max_bytes, std::vector<std::byte>* scratch,
                    const std::function<Status(std::span<const std::byte>)>& send) {
  if (columns.empty()) return Status::OK();
  const size_t rows = columns[0].size();
  size_t fixed = 0;
  std::vector<const std::string_view*> strings;
  for (const ColumnVector& c : columns) {
    if (c.type().physical() == PhysicalType::kString) {
      fixed += 4;
      strings.push_back(c.data<std::string_view>());
    } else {
      fixed += Width(c);
    }
  }
  size_t begin = 0;
  size_t bytes = 0;  // row bytes of [begin, r)
  for (size_t r = 0; r < rows; ++r) {
    size_t row_bytes = fixed;
    for (const std::string_view* s : strings) row_bytes += s[r].size();
    if (bytes + row_bytes + Overhead(columns.size(), r + 1 - begin) > max_bytes) {
      if (r == begin) {
        return Status::InvalidArgument("COPY: a row of " + std::to_string(row_bytes) +
                                       " bytes does not fit an exchange buffer of " +
                                       std::to_string(max_bytes) + " bytes");
      }
      EncodeFrame(columns, begin, r, scratch);
      IBEX_RETURN_IF_ERROR(send(*scratch));
      begin = r;
      bytes = 0;
      if (row_bytes + Overhead(columns.size(), 1) > max_bytes) {
        return Status::InvalidArgument("COPY: a row of " + std::to_string(row_bytes) +
                                       " bytes does not fit an exchange buffer of " +
                                       std::to_string(max_bytes) + " bytes");
      }
    }
    bytes += row_bytes;
  }
  if (begin < rows) {
    EncodeFrame(columns, begin, rows, scratch);
    IBEX_RETURN_IF_ERROR(send(*scratch));
  }
  return Status::OK();
}

Result<Columns> DecodeFrame(const storage::TableDef& def, std::span<const std::byte> frame) {
  const char* p = reinterpret_cast<const char*>(frame.data());
  const char* const end = p + frame.size();
  auto take = [&](void* out, size_t n) {
    if (static_cast<size_t>(end - p) < n) return false;
    std::memcpy(out, p, n);
    p += n;
    return true;
  };
  const Status bad = Status::InvalidArgument("COPY: malformed row frame of " +
                                             std::to_string(frame.size()) + " bytes");
  uint32_t rows = 0;
  if (!take(&rows, 4)) return bad;
  Columns columns = storage::MakeColumns(def, rows, rows);
  for (ColumnVector& c : columns) {
    uint8_t has_nulls = 0;
    if (!take(&has_nulls, 1)) return bad;
    std::vector<uint64_t> bits;
    if (has_nulls) {
      bits.resize((rows + 63) / 64);
      if (!take(bits.data(), bits.size() * 8)) return bad;
    }
    if (c.type().physical() == PhysicalType::kString) {
      std::vector<uint32_t> lengths(rows);
      if (!take(lengths.data(), size_t{rows} * 4)) return bad;
      size_t total = 0;
      for (uint32_t n : lengths) total += n;
      if (static_cast<size_t>(end - p) < total) return bad;
      auto owned = std::make_shared<std::string>(p, total);
      p += total;
      auto* out = c.mutable_data<std::string_view>();
      size_t at = 0;
      for (uint32_t r = 0; r < rows; ++r) {
        out[r] = std::string_view(owned->data() + at, lengths[r]);
        at += lengths[r];
      }
      c.KeepAlive(std::move(owned));
    } else {
      if (!take(c.mutable_data<char>(), rows * Width(c))) return bad;
    }
    if (has_nulls) {
      for (uint32_t r = 0; r < rows; ++r) {
        if ((bits[r >> 6] & (uint64_t{1} << (r & 63))) == 0) c.SetNull(r);
      }
    }
  }
  if (p != end) return bad;
  return columns;
}

}  // namespace ibex::scheduler
