#include "storage/loader/row_ops.h"

#include <cstring>

namespace ibex::storage {
namespace {

// -1, 0 or 1 (for doubles, NaN compares equal to everything, as before).
template <typename T>
int ThreeWay(const T& a, const T& b) {
  return (a > b) - (a < b);
}

}  // namespace

int CompareRows(const Columns& a, size_t i, const Columns& b, size_t j, const std::vector<int>& cols) {
  for (int c : cols) {
    const ColumnVector& x = a[c];
    const ColumnVector& y = b[c];
    const bool xn = x.IsNull(i);
    const bool yn = y.IsNull(j);
    if (xn || yn) {
      if (xn != yn) return xn ? -1 : 1;
      continue;
    }
    int r = 0;
    switch (x.type().physical()) {
      case PhysicalType::kBool:
        r = ThreeWay(x.data<uint8_t>()[i], y.data<uint8_t>()[j]);
        break;
      case PhysicalType::kInt32:
        r = ThreeWay(x.data<int32_t>()[i], y.data<int32_t>()[j]);
        break;
      case PhysicalType::kInt64:
        r = ThreeWay(x.data<int64_t>()[i], y.data<int64_t>()[j]);
        break;
      case PhysicalType::kInt128:
        r = ThreeWay(x.data<int128_t>()[i], y.data<int128_t>()[j]);
        break;
      case PhysicalType::kDouble:
        r = ThreeWay(x.data<double>()[i], y.data<double>()[j]);
        break;
      case PhysicalType::kString:
        r = ThreeWay(x.data<std::string_view>()[i].compare(y.data<std::string_view>()[j]), 0);
        break;
    }
    if (r != 0) return r;
  }
  return 0;
}

void CopyRow(const Columns& src, size_t row, Columns* dst, size_t dst_row) {
  CopyRows(src, row, row + 1, dst, dst_row);
}

void CopyRows(const Columns& src, size_t begin, size_t end, Columns* dst, size_t dst_row) {
  for (size_t c = 0; c < src.size(); ++c) {
    const ColumnVector& s = src[c];
    ColumnVector& d = (*dst)[c];
    const size_t w = static_cast<size_t>(ElementWidth(s.type().physical()));
    std::memcpy(d.mutable_data<char>() + dst_row * w, s.data<char>() + begin * w,
                (end - begin) * w);
    if (s.null_count() > 0) {
      for (size_t r = begin; r < end; ++r) {
        if (s.IsNull(r)) d.SetNull(dst_row + (r - begin));
      }
    }
  }
}

namespace {

struct Bytes16 {  // a string_view or an __int128, copied as it is
  uint64_t a, b;
};

template <typename T>
void Gather(const ColumnVector& s, const uint32_t* rows, size_t n, ColumnVector* d, size_t at) {
  const T* in = s.data<T>();
  T* out = d->mutable_data<T>() + at;
  for (size_t i = 0; i < n; ++i) out[i] = in[rows[i]];
}

}  // namespace

void GatherRows(const Columns& src, const uint32_t* rows, size_t n, Columns* dst, size_t dst_row) {
  for (size_t c = 0; c < src.size(); ++c) {
    const ColumnVector& s = src[c];
    ColumnVector& d = (*dst)[c];
    switch (ElementWidth(s.type().physical())) {
      case 1: Gather<uint8_t>(s, rows, n, &d, dst_row); break;
      case 4: Gather<uint32_t>(s, rows, n, &d, dst_row); break;
      case 8: Gather<uint64_t>(s, rows, n, &d, dst_row); break;
      case 16: Gather<Bytes16>(s, rows, n, &d, dst_row); break;
      default: IBEX_CHECK(false) << "element width " << ElementWidth(s.type().physical());
    }
    if (s.null_count() > 0) {
      for (size_t i = 0; i < n; ++i) {
        if (s.IsNull(rows[i])) d.SetNull(dst_row + i);
      }
    }
  }
}

Columns MakeColumns(const TableDef& def, size_t capacity, size_t size) {
  Columns cols;
  cols.reserve(def.columns.size());
  for (const ColumnDef& c : def.columns) {
    cols.emplace_back(c.type, capacity);
    cols.back().Resize(size);
  }
  return cols;
}

Columns DeepCopy(const Columns& src) {
  Columns out;
  out.reserve(src.size());
  for (const ColumnVector& s : src) {
    ColumnVector d(s.type(), s.size());
    d.Resize(s.size());
    const size_t n = s.size();
    if (s.type().physical() == PhysicalType::kString) {
      const auto* in = s.data<std::string_view>();
      auto* o = d.mutable_data<std::string_view>();
      for (size_t r = 0; r < n; ++r) o[r] = in[r].empty() ? std::string_view() : d.CopyString(in[r]);
    } else {
      const size_t w = static_cast<size_t>(ElementWidth(s.type().physical()));
      std::memcpy(d.mutable_data<char>(), s.data<char>(), n * w);
    }
    if (s.null_count() > 0) {
      for (size_t r = 0; r < n; ++r) {
        if (s.IsNull(r)) d.SetNull(r);
      }
    }
    out.push_back(std::move(d));
  }
  return out;
}

}  // namespace ibex::storage
