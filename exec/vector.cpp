#include "exec/vector.h"

#include <algorithm>
#include <cstring>

#include "common/check.h"

namespace ibex::exec {

std::string_view StringArena::Copy(std::string_view s) {
  if (s.empty()) return {};
  if (s.size() > left_) {
    const size_t size = std::max<size_t>(s.size(), 64 * 1024);
    blocks_.emplace_back(new char[size]);
    next_ = blocks_.back().get();
    left_ = size;
    bytes_ += size;
  }
  std::memcpy(next_, s.data(), s.size());
  std::string_view out(next_, s.size());
  next_ += s.size();
  left_ -= s.size();
  return out;
}

void KeepAliveSet::Add(const std::shared_ptr<const void>& owner) {
  if (!owner || owner == one_) return;
  if (!one_ && !many_) {
    one_ = owner;
    return;
  }
  auto list = std::make_shared<std::vector<std::shared_ptr<const void>>>();
  if (many_) *list = *many_;
  if (one_) list->push_back(one_);
  for (const auto& o : *list) {
    if (o == owner) return;
  }
  list->push_back(owner);
  one_.reset();
  many_ = std::move(list);
}

void KeepAliveSet::AddAll(const KeepAliveSet& other) {
  if (!one_ && !many_) {
    *this = other;
    return;
  }
  if (other.one_) Add(other.one_);
  if (other.many_) {
    for (const auto& o : *other.many_) Add(o);
  }
}

namespace {
size_t Width(PhysicalType p) { return static_cast<size_t>(storage::ElementWidth(p)); }
}  // namespace

Vector::Vector(DataType type, size_t n) : type_(type), physical_(type.physical()), size_(n) {
  const size_t bytes = std::max<size_t>(n, 1) * Width(physical_);
  owned_ = std::shared_ptr<int128_t[]>(new int128_t[(bytes + 15) / 16]());
  data_ = owned_.get();
}

Vector::Vector(DataType type, size_t n, Uninitialized)
    : type_(type), physical_(type.physical()), size_(n) {
  const size_t bytes = std::max<size_t>(n, 1) * Width(physical_);
  owned_ = std::shared_ptr<int128_t[]>(new int128_t[(bytes + 15) / 16]);
  data_ = owned_.get();
}

Vector Vector::Constant(const Value& v) {
  Vector out(v.type(), 1);
  out.constant_ = true;
  out.SetValue(0, v);
  return out;
}

Vector Vector::View(const storage::ColumnVector& cv, size_t offset, size_t n) {
  Vector out;
  out.type_ = cv.type();
  out.physical_ = cv.type().physical();
  out.size_ = n;
  out.data_ = reinterpret_cast<const char*>(cv.data<char>()) + offset * Width(out.physical_);
  if (cv.null_count() > 0) {
    uint8_t* nulls = out.mutable_nulls();
    bool any = false;
    for (size_t i = 0; i < n; ++i) {
      nulls[i] = cv.IsNull(offset + i) ? 1 : 0;
      any |= nulls[i] != 0;
    }
    if (!any) out.CompactNulls();
  }
  return out;
}

Vector Vector::Clone() const {
  Vector out(type_, size_);
  std::memcpy(out.owned_.get(), data_, size_ * Width(physical_));
  out.constant_ = constant_;
  out.has_nulls_ = has_nulls_;
  out.nulls_ = nulls_;
  out.keep_alive_ = keep_alive_;
  if (arena_) out.keep_alive_.Add(arena_);
  return out;
}

Vector Vector::Ref() const {
  Vector out;
  out.type_ = type_;
  out.physical_ = physical_;
  out.size_ = size_;
  out.constant_ = constant_;
  out.has_nulls_ = has_nulls_;
  out.data_ = data_;
  out.owned_ = owned_;
  out.nulls_ = nulls_;
  out.keep_alive_ = keep_alive_;
  if (arena_) out.keep_alive_.Add(arena_);
  return out;
}

uint8_t* Vector::mutable_nulls() {
  if (!has_nulls_) {
    nulls_.assign(std::max<size_t>(size_, 1), 0);
    has_nulls_ = true;
  }
  return nulls_.data();
}

void Vector::CompactNulls() {
  if (!has_nulls_) return;
  const size_t n = constant_ ? 1 : size_;
  for (size_t i = 0; i < n; ++i) {
    if (nulls_[i] != 0) return;
  }
  has_nulls_ = false;
  nulls_.clear();
}

StringArena& Vector::arena() {
  if (!arena_) arena_ = std::make_shared<StringArena>();
  return *arena_;
}

void Vector::AdoptStrings(const Vector& src) {
  if (src.physical_ != PhysicalType::kString) return;
  keep_alive_.AddAll(src.keep_alive_);
  if (src.arena_ && src.arena_ != arena_) keep_alive_.Add(src.arena_);
}

Value Vector::GetValue(size_t i) const {
  const size_t r = constant_ ? 0 : i;
  if (IsNull(r)) return Value::Null(type_);
  switch (type_.id()) {
    case storage::TypeId::kBoolean:
      return Value::Boolean(data<uint8_t>()[r] != 0);
    case storage::TypeId::kInteger:
      return Value::Integer(data<int32_t>()[r]);
    case storage::TypeId::kDate:
      return Value::Date(data<int32_t>()[r]);
    case storage::TypeId::kBigint:
      return Value::Bigint(data<int64_t>()[r]);
    case storage::TypeId::kDouble:
      return Value::Double(data<double>()[r]);
    case storage::TypeId::kDecimal:
      return Value::Decimal(
          physical_ == PhysicalType::kInt128 ? data<int128_t>()[r] : data<int64_t>()[r], type_);
    case storage::TypeId::kVarchar:
    case storage::TypeId::kChar:
      return Value::String(std::string(data<std::string_view>()[r]), type_);
  }
  return Value::Null(type_);
}

void Vector::SetValue(size_t i, const Value& v) {
  IBEX_CHECK(owned_ != nullptr);
  if (v.is_null()) {
    SetNull(i);
    return;
  }
  if (has_nulls_) nulls_[i] = 0;
  switch (physical_) {
    case PhysicalType::kBool:
      mutable_data<uint8_t>()[i] = v.boolean() ? 1 : 0;
      break;
    case PhysicalType::kInt32:
      mutable_data<int32_t>()[i] = static_cast<int32_t>(v.int128());
      break;
    case PhysicalType::kInt64:
      mutable_data<int64_t>()[i] = static_cast<int64_t>(v.int128());
      break;
    case PhysicalType::kInt128:
      mutable_data<int128_t>()[i] = v.int128();
      break;
    case PhysicalType::kDouble:
      mutable_data<double>()[i] =
          v.type().id() == storage::TypeId::kDouble ? v.dbl() : static_cast<double>(v.int128());
      break;
    case PhysicalType::kString:
      mutable_data<std::string_view>()[i] = arena().Copy(v.str());
      break;
  }
}

namespace {
template <typename T>
void GatherTyped(const void* src, void* dst, const uint32_t* sel, size_t n) {
  const T* s = static_cast<const T*>(src);
  T* d = static_cast<T*>(dst);
  for (size_t i = 0; i < n; ++i) d[i] = s[sel[i]];
}
}  // namespace

Vector Vector::Gather(const uint32_t* sel, size_t n) const {
  if (constant_) return Clone();
  Vector out(type_, n, Uninitialized{});
  switch (physical_) {
    case PhysicalType::kBool:
      GatherTyped<uint8_t>(data_, out.owned_.get(), sel, n);
      break;
    case PhysicalType::kInt32:
      GatherTyped<int32_t>(data_, out.owned_.get(), sel, n);
      break;
    case PhysicalType::kInt64:
      GatherTyped<int64_t>(data_, out.owned_.get(), sel, n);
      break;
    case PhysicalType::kInt128:
      GatherTyped<int128_t>(data_, out.owned_.get(), sel, n);
      break;
    case PhysicalType::kDouble:
      GatherTyped<double>(data_, out.owned_.get(), sel, n);
      break;
    case PhysicalType::kString:
      GatherTyped<std::string_view>(data_, out.owned_.get(), sel, n);
      break;
  }
  if (has_nulls_) {
    uint8_t* nulls = out.mutable_nulls();
    for (size_t i = 0; i < n; ++i) nulls[i] = nulls_[sel[i]];
    out.CompactNulls();
  }
  if (physical_ == PhysicalType::kString) {
    out.keep_alive_ = keep_alive_;
    if (arena_) out.keep_alive_.Add(arena_);
  }
  return out;
}

Vector Vector::Flatten(size_t n) const {
  if (!constant_) return Clone();
  std::vector<uint32_t> zeros(n, 0);
  Vector flat;
  flat.type_ = type_;
  flat.physical_ = physical_;
  flat.size_ = 1;
  flat.data_ = data_;
  flat.has_nulls_ = has_nulls_;
  flat.nulls_ = nulls_;
  Vector out = flat.Gather(zeros.data(), n);
  out.keep_alive_ = keep_alive_;
  if (arena_) out.keep_alive_.Add(arena_);
  return out;
}

Chunk Chunk::Gather(const uint32_t* sel, size_t n) const {
  Chunk out;
  out.size = n;
  out.columns.reserve(columns.size());
  for (const Vector& v : columns) out.columns.push_back(v.Gather(sel, n));
  return out;
}

Chunk ConcatChunks(const std::vector<Chunk>& chunks, const std::vector<DataType>& types) {
  size_t total = 0;
  for (const Chunk& c : chunks) total += c.size;
  Chunk out;
  out.size = total;
  for (size_t col = 0; col < types.size(); ++col) {
    Vector v(types[col], total);
    const size_t w = Width(v.physical());
    auto* dst = reinterpret_cast<char*>(v.mutable_data<char>());
    size_t at = 0;
    for (const Chunk& c : chunks) {
      const Vector& src = c.columns[col];
      if (src.is_constant()) {
        for (size_t i = 0; i < c.size; ++i) std::memcpy(dst + (at + i) * w, src.data<char>(), w);
      } else {
        std::memcpy(dst + at * w, src.data<char>(), c.size * w);
      }
      if (src.nulls() != nullptr) {
        uint8_t* n = v.mutable_nulls();
        for (size_t i = 0; i < c.size; ++i) n[at + i] = src.IsNull(i) ? 1 : 0;
      }
      v.AdoptStrings(src);
      at += c.size;
    }
    out.columns.push_back(std::move(v));
  }
  return out;
}

int64_t ChunkBytes(const Chunk& chunk) {
  int64_t bytes = 0;
  for (const Vector& v : chunk.columns) {
    const size_t rows = v.is_constant() ? 1 : chunk.size;
    bytes += static_cast<int64_t>(rows * (Width(v.physical()) + (v.nulls() ? 1 : 0)));
    if (v.physical() == PhysicalType::kString) {
      const auto* s = v.data<std::string_view>();
      for (size_t i = 0; i < rows; ++i) bytes += static_cast<int64_t>(s[i].size());
    }
  }
  return bytes;
}

}  // namespace ibex::exec
