#include "exec/cast.h"

#include <cmath>
#include <string>

namespace ibex::exec {

using storage::TypeId;

int ScaleOf(const DataType& t) { return t.is_decimal() ? t.scale() : 0; }

bool IsIntegerLike(const DataType& t) {
  const PhysicalType p = t.physical();
  return p != PhysicalType::kDouble && p != PhysicalType::kString;
}

namespace {

// Largest absolute value + 1 the type can hold, in its unscaled representation.
int128_t Limit(const DataType& t) {
  switch (t.id()) {
    case TypeId::kBoolean:
      return 2;
    case TypeId::kInteger:
    case TypeId::kDate:
      return int128_t{1} << 31;
    case TypeId::kBigint:
      return int128_t{1} << 63;
    case TypeId::kDecimal:
      return storage::PowerOfTen(t.precision());
    default:
      return 0;
  }
}

template <typename S>
int128_t LoadInt(const Vector& v, size_t i) {
  return static_cast<int128_t>(v.data<S>()[i]);
}

int128_t LoadIntAny(const Vector& v, size_t i) {
  switch (v.physical()) {
    case PhysicalType::kBool:
      return v.data<uint8_t>()[i];
    case PhysicalType::kInt32:
      return v.data<int32_t>()[i];
    case PhysicalType::kInt64:
      return v.data<int64_t>()[i];
    case PhysicalType::kInt128:
      return v.data<int128_t>()[i];
    default:
      return 0;
  }
}

void StoreInt(Vector* v, size_t i, int128_t x) {
  switch (v->physical()) {
    case PhysicalType::kBool:
      v->mutable_data<uint8_t>()[i] = x != 0 ? 1 : 0;
      break;
    case PhysicalType::kInt32:
      v->mutable_data<int32_t>()[i] = static_cast<int32_t>(x);
      break;
    case PhysicalType::kInt64:
      v->mutable_data<int64_t>()[i] = static_cast<int64_t>(x);
      break;
    case PhysicalType::kInt128:
      v->mutable_data<int128_t>()[i] = x;
      break;
    default:
      break;
  }
}

Status OverflowError(const Vector& in, size_t i, const DataType& to) {
  return Status::InvalidArgument("cast overflow: " + in.GetValue(i).ToString() + " does not fit " +
                                 to.ToString());
}

// Fast path: widening/rescaling from one integer physical type to another, no division.
template <typename S, typename D>
bool RescaleUp(const S* in, const uint8_t* nulls, D* out, size_t n, int128_t factor,
               int128_t limit, size_t* bad) {
  for (size_t i = 0; i < n; ++i) {
    const int128_t x = static_cast<int128_t>(in[i]) * factor;
    out[i] = static_cast<D>(x);
    if ((x >= limit || x <= -limit) && (nulls == nullptr || nulls[i] == 0)) {
      *bad = i;
      return false;
    }
  }
  return true;
}

template <typename S>
bool RescaleUpTo(const Vector& in, Vector* out, size_t n, int128_t factor, int128_t limit,
                 size_t* bad) {
  const S* src = in.data<S>();
  switch (out->physical()) {
    case PhysicalType::kInt32:
      return RescaleUp(src, in.nulls(), out->mutable_data<int32_t>(), n, factor, limit, bad);
    case PhysicalType::kInt64:
      return RescaleUp(src, in.nulls(), out->mutable_data<int64_t>(), n, factor, limit, bad);
    case PhysicalType::kInt128:
      return RescaleUp(src, in.nulls(), out->mutable_data<int128_t>(), n, factor, limit, bad);
    case PhysicalType::kBool:
      return RescaleUp(src, in.nulls(), out->mutable_data<uint8_t>(), n, factor, limit, bad);
    default:
      return false;
  }
}

template <typename S, typename D>
void WidenTyped(const Vector& in, Vector* out, size_t n) {
  const S* src = in.data<S>();
  D* dst = out->mutable_data<D>();
  for (size_t i = 0; i < n; ++i) dst[i] = static_cast<D>(src[i]);
}

template <typename S>
void WidenFrom(const Vector& in, Vector* out, size_t n) {
  switch (out->physical()) {
    case PhysicalType::kInt32:
      return WidenTyped<S, int32_t>(in, out, n);
    case PhysicalType::kInt64:
      return WidenTyped<S, int64_t>(in, out, n);
    case PhysicalType::kInt128:
      return WidenTyped<S, int128_t>(in, out, n);
    default:
      IBEX_CHECK(false);
  }
}

void WidenAll(const Vector& in, Vector* out, size_t n) {
  switch (in.physical()) {
    case PhysicalType::kBool:
      return WidenFrom<uint8_t>(in, out, n);
    case PhysicalType::kInt32:
      return WidenFrom<int32_t>(in, out, n);
    case PhysicalType::kInt64:
      return WidenFrom<int64_t>(in, out, n);
    case PhysicalType::kInt128:
      return WidenFrom<int128_t>(in, out, n);
    default:
      IBEX_CHECK(false);
  }
}

Status IntToInt(const Vector& in, const DataType& to, size_t n, Vector* out) {
  const DataType& from = in.type();
  const int from_scale = ScaleOf(in.type());
  const int to_scale = ScaleOf(to);
  const int128_t limit = Limit(to);
  if (to.id() == TypeId::kBoolean) {
    for (size_t i = 0; i < n; ++i) StoreInt(out, i, LoadIntAny(in, i) != 0 ? 1 : 0);
    return Status::OK();
  }
  if (to_scale == from_scale && from.is_decimal() == to.is_decimal() &&
      (!to.is_decimal() || to.precision() >= from.precision()) &&
      storage::ElementWidth(out->physical()) >= storage::ElementWidth(in.physical()) &&
      (to.is_decimal() || to.id() != TypeId::kInteger || in.physical() != PhysicalType::kInt64)) {
    // Widening without rescaling: every value fits, no checks.
    WidenAll(in, out, n);
    return Status::OK();
  }
  if (to_scale >= from_scale) {
    const int128_t factor = storage::PowerOfTen(to_scale - from_scale);
    size_t bad = 0;
    bool ok = true;
    switch (in.physical()) {
      case PhysicalType::kBool:
        ok = RescaleUpTo<uint8_t>(in, out, n, factor, limit, &bad);
        break;
      case PhysicalType::kInt32:
        ok = RescaleUpTo<int32_t>(in, out, n, factor, limit, &bad);
        break;
      case PhysicalType::kInt64:
        ok = RescaleUpTo<int64_t>(in, out, n, factor, limit, &bad);
        break;
      case PhysicalType::kInt128: {
        // int128 * factor may overflow int128 itself: check with the builtin.
        const int128_t* src = in.data<int128_t>();
        for (size_t i = 0; i < n; ++i) {
          if (in.IsNull(i)) continue;
          int128_t x;
          if (__builtin_mul_overflow(src[i], factor, &x) || x >= limit || x <= -limit) {
            return OverflowError(in, i, to);
          }
          StoreInt(out, i, x);
        }
        break;
      }
      default:
        break;
    }
    if (!ok) return OverflowError(in, bad, to);
    return Status::OK();
  }
  // Fewer fraction digits: round half away from zero.
  const int128_t divisor = storage::PowerOfTen(from_scale - to_scale);
  for (size_t i = 0; i < n; ++i) {
    if (in.IsNull(i)) continue;
    const int128_t x = LoadIntAny(in, i);
    int128_t q = x / divisor;
    const int128_t r = x % divisor;
    if (2 * (r < 0 ? -r : r) >= divisor) q += x < 0 ? -1 : 1;
    if (q >= limit || q <= -limit) return OverflowError(in, i, to);
    StoreInt(out, i, q);
  }
  return Status::OK();
}

Status FormatRow(const Vector& in, size_t i, std::string* s) {
  const Value v = in.GetValue(i);
  *s = v.ToString();
  return Status::OK();
}

}  // namespace

Result<Vector> CastVector(const Vector& in, const DataType& to, size_t n) {
  const size_t rows = in.is_constant() ? 1 : n;
  Vector out(to, rows);
  if (in.is_constant()) {
    // Evaluate on the one value and keep it constant.
  }
  const DataType& from = in.type();
  if (from == to) return in.Clone();
  if (const uint8_t* nulls = in.nulls()) {
    uint8_t* o = out.mutable_nulls();
    for (size_t i = 0; i < rows; ++i) o[i] = nulls[i];
  }
  if (IsIntegerLike(from) && IsIntegerLike(to)) {
    if (from.id() == TypeId::kDate || to.id() == TypeId::kDate) {
      if (from.id() != to.id()) {
        return Status::InvalidArgument("cannot cast " + from.ToString() + " to " + to.ToString());
      }
    }
    IBEX_RETURN_IF_ERROR(IntToInt(in, to, rows, &out));
  } else if (IsIntegerLike(from) && to.id() == TypeId::kDouble) {
    const double div = static_cast<double>(storage::PowerOfTen(ScaleOf(from)));
    double* o = out.mutable_data<double>();
    if (from.physical() == PhysicalType::kInt64) {
      const int64_t* src = in.data<int64_t>();
      for (size_t i = 0; i < rows; ++i) o[i] = static_cast<double>(src[i]) / div;
    } else {
      for (size_t i = 0; i < rows; ++i) o[i] = static_cast<double>(LoadIntAny(in, i)) / div;
    }
  } else if (from.id() == TypeId::kDouble && IsIntegerLike(to) && to.id() != TypeId::kDate) {
    const double mul = static_cast<double>(storage::PowerOfTen(ScaleOf(to)));
    const double limit = static_cast<double>(Limit(to));
    const double* src = in.data<double>();
    for (size_t i = 0; i < rows; ++i) {
      if (in.IsNull(i)) continue;
      const double x = std::round(src[i] * mul);
      if (!(x < limit && x > -limit)) return OverflowError(in, i, to);
      StoreInt(&out, i, static_cast<int128_t>(x));
    }
  } else if (to.is_string()) {
    auto* o = out.mutable_data<std::string_view>();
    std::string s;
    for (size_t i = 0; i < rows; ++i) {
      if (in.IsNull(i)) continue;
      if (from.is_string()) {
        o[i] = in.data<std::string_view>()[i];
        if (to.id() == TypeId::kChar) {
          while (!o[i].empty() && o[i].back() == ' ') o[i].remove_suffix(1);
        }
        continue;
      }
      IBEX_RETURN_IF_ERROR(FormatRow(in, i, &s));
      o[i] = out.arena().Copy(s);
    }
    if (from.is_string()) {
      out.AdoptStrings(in);
    }
  } else if (from.is_string()) {
    const auto* src = in.data<std::string_view>();
    for (size_t i = 0; i < rows; ++i) {
      if (in.IsNull(i)) continue;
      std::string_view text = src[i];
      while (!text.empty() && text.front() == ' ') text.remove_prefix(1);
      while (!text.empty() && text.back() == ' ') text.remove_suffix(1);
      auto v = Value::Parse(to, text);
      if (!v.ok()) {
        return Status::InvalidArgument("cannot cast '" + std::string(src[i]) + "' to " +
                                       to.ToString());
      }
      out.SetValue(i, *v);
    }
  } else {
    return Status::InvalidArgument("cannot cast " + from.ToString() + " to " + to.ToString());
  }
  if (in.is_constant()) {
    Vector c = Vector::Constant(out.GetValue(0));
    return c;
  }
  return out;
}

}  // namespace ibex::exec
