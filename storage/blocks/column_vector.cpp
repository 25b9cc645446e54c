#include "storage/blocks/column_vector.h"

#include <cstring>

namespace ibex::storage {

ColumnVector::ColumnVector(DataType type, size_t capacity) : type_(type), capacity_(capacity) {
  const size_t bytes = capacity * static_cast<size_t>(ElementWidth(type.physical()));
  storage_.reset(new int128_t[(bytes + 15) / 16]);  // value-initialized below on Resize
}

void ColumnVector::Resize(size_t n) {
  IBEX_CHECK_LE(n, capacity_);
  if (n > size_) {
    const size_t width = static_cast<size_t>(ElementWidth(type_.physical()));
    std::memset(reinterpret_cast<char*>(storage_.get()) + size_ * width, 0, (n - size_) * width);
    if (!validity_.empty()) {
      validity_.resize((n + 63) / 64, 0);
      for (size_t i = size_; i < n; ++i) validity_[i >> 6] |= uint64_t{1} << (i & 63);
    }
  }
  size_ = n;
}

void ColumnVector::Recycle() {
  size_ = capacity_;
  validity_.clear();
  null_count_ = 0;
  arena_.clear();
  arena_left_ = 0;
  arena_next_ = nullptr;
  keep_alive_.clear();
}

void ColumnVector::SetNull(size_t i) {
  IBEX_CHECK_LT(i, size_);
  const size_t w = static_cast<size_t>(ElementWidth(type_.physical()));
  std::memset(reinterpret_cast<char*>(storage_.get()) + i * w, 0, w);
  if (validity_.empty()) validity_.assign((capacity_ + 63) / 64, ~uint64_t{0});
  uint64_t& word = validity_[i >> 6];
  const uint64_t bit = uint64_t{1} << (i & 63);
  if (word & bit) {
    word &= ~bit;
    ++null_count_;
  }
}

void ColumnVector::SetValidity(std::vector<uint64_t> bits, int64_t null_count) {
  validity_ = std::move(bits);
  null_count_ = null_count;
}

std::string_view ColumnVector::CopyString(std::string_view s) {
  if (s.size() > arena_left_) {
    const size_t chunk = std::max<size_t>(s.size(), 1 << 20);
    arena_.emplace_back(new char[chunk]);
    arena_next_ = arena_.back().get();
    arena_left_ = chunk;
  }
  if (!s.empty()) std::memcpy(arena_next_, s.data(), s.size());
  std::string_view out(arena_next_, s.size());
  arena_next_ += s.size();
  arena_left_ -= s.size();
  return out;
}

Value ColumnVector::GetValue(size_t i) const {
  IBEX_CHECK_LT(i, size_);
  if (IsNull(i)) return Value::Null(type_);
  switch (type_.id()) {
    case TypeId::kBoolean:
      return Value::Boolean(data<uint8_t>()[i] != 0);
    case TypeId::kInteger:
      return Value::Integer(data<int32_t>()[i]);
    case TypeId::kDate:
      return Value::Date(data<int32_t>()[i]);
    case TypeId::kBigint:
      return Value::Bigint(data<int64_t>()[i]);
    case TypeId::kDouble:
      return Value::Double(data<double>()[i]);
    case TypeId::kDecimal:
      return Value::Decimal(type_.is_wide_decimal() ? data<int128_t>()[i] : data<int64_t>()[i],
                            type_);
    case TypeId::kVarchar:
    case TypeId::kChar:
      return Value::String(std::string(data<std::string_view>()[i]), type_);
  }
  return Value::Null(type_);
}

}  // namespace ibex::storage
