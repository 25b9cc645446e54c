#include "exec/eval.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <numeric>

#include "exec/cast.h"
#include "exec/functions.h"
#include "exec/like.h"

namespace ibex::exec {

using storage::TypeId;

namespace {

// ---------------------------------------------------------------------------------------
// Helpers

// Rows a result needs: 1 when every input is constant.
size_t RowsFor(bool all_constant, size_t n) { return all_constant ? 1 : n; }

// out->nulls = OR of the inputs' nulls (constants broadcast).
void MergeNulls(const Vector& a, Vector* out, size_t n) {
  const uint8_t* na = a.nulls();
  if (na == nullptr) return;
  uint8_t* o = out->mutable_nulls();
  if (a.is_constant()) {
    if (na[0] != 0) std::memset(o, 1, n);
    return;
  }
  for (size_t i = 0; i < n; ++i) o[i] |= na[i];
}

// Whether every value of `from` is, unchanged, a value of `to` (same physical type, same
// scale, a precision at least as large): a conversion is then a relabelling.
bool SameRepresentation(const DataType& from, const DataType& to) {
  // Any string as VARCHAR keeps its bytes (CHAR targets trim, so they are real casts). The
  // comparisons of a VARCHAR(n) column with a literal take this way: no per-row copy.
  if (from.is_string() && to.id() == TypeId::kVarchar) return true;
  if (from.physical() != to.physical() || !IsIntegerLike(from) || !IsIntegerLike(to)) return false;
  if (from.is_decimal() && to.is_decimal()) {
    return from.scale() == to.scale() && to.precision() >= from.precision();
  }
  return false;
}

// A vector converted to `to` if its type differs, else the vector itself (no copy).
class Converted {
 public:
  static Result<Converted> Make(const Vector& v, const DataType& to, size_t n) {
    Converted c;
    if (v.type() == to) {
      c.ref_ = &v;
    } else if (SameRepresentation(v.type(), to)) {
      c.own_ = v.Retyped(to);
      c.ref_ = &c.own_;
    } else {
      IBEX_ASSIGN_OR_RETURN(c.own_, CastVector(v, to, n));
      c.ref_ = &c.own_;
    }
    return c;
  }
  Converted() = default;
  Converted(Converted&& o) noexcept
      : own_(std::move(o.own_)), ref_(o.ref_ == &o.own_ ? &own_ : o.ref_) {}
  Converted& operator=(Converted&& o) noexcept {
    own_ = std::move(o.own_);
    ref_ = o.ref_ == &o.own_ ? &own_ : o.ref_;
    return *this;
  }
  const Vector& operator*() const { return *ref_; }
  const Vector* operator->() const { return ref_; }

 private:
  Vector own_;
  const Vector* ref_ = nullptr;
};

Status ErrorAt(const char* what, const Vector& a, const Vector& b, size_t i,
               const DataType& type) {
  return Status::InvalidArgument(std::string(what) + ": " + a.GetValue(i).ToString() + " and " +
                                 b.GetValue(i).ToString() + " in " + type.ToString());
}

// Applies f(x, y, &r) -> bool error over n rows, broadcasting constants; returns the first
// row (not null) that reported an error, or n.
template <typename A, typename B, typename R, typename F>
size_t Loop2(const Vector& va, const Vector& vb, R* r, size_t n, const uint8_t* nulls, F f) {
  const A* a = va.data<A>();
  const B* b = vb.data<B>();
  bool bad = false;
  if (va.is_constant() && !vb.is_constant()) {
    const A x = a[0];
    for (size_t i = 0; i < n; ++i) bad |= f(x, b[i], &r[i]);
  } else if (!va.is_constant() && vb.is_constant()) {
    const B y = b[0];
    for (size_t i = 0; i < n; ++i) bad |= f(a[i], y, &r[i]);
  } else {
    for (size_t i = 0; i < n; ++i) bad |= f(a[i], b[i], &r[i]);
  }
  if (!bad) return n;
  // Rare: find the first offending row that is not null.
  for (size_t i = 0; i < n; ++i) {
    R tmp;
    if (f(a[va.is_constant() ? 0 : i], b[vb.is_constant() ? 0 : i], &tmp) &&
        (nulls == nullptr || nulls[i] == 0)) {
      return i;
    }
  }
  return n;
}

// ---------------------------------------------------------------------------------------
// Arithmetic

template <typename T>
struct IntOps {
  T limit;  // |result| must be < limit (decimal precision), or 0 for "type range only"
  bool Check(T r) const { return limit != 0 && (r >= limit || r <= -limit); }
};

template <typename T>
Result<Vector> IntArith(ArithOp op, const Vector& a, const Vector& b, const DataType& type,
                        size_t n, T limit) {
  Vector out(type, n);
  MergeNulls(a, &out, n);
  MergeNulls(b, &out, n);
  const uint8_t* nulls = out.nulls();
  T* r = out.mutable_data<T>();
  size_t bad = n;
  const char* what = "overflow";
  auto chk = [limit](T v) { return limit != 0 && (v >= limit || v <= -limit); };
  switch (op) {
    case ArithOp::kAdd:
      bad = Loop2<T, T>(a, b, r, n, nulls, [&](T x, T y, T* o) {
        return __builtin_add_overflow(x, y, o) | chk(*o);
      });
      break;
    case ArithOp::kSub:
      bad = Loop2<T, T>(a, b, r, n, nulls, [&](T x, T y, T* o) {
        return __builtin_sub_overflow(x, y, o) | chk(*o);
      });
      break;
    case ArithOp::kMul:
      bad = Loop2<T, T>(a, b, r, n, nulls, [&](T x, T y, T* o) {
        return __builtin_mul_overflow(x, y, o) | chk(*o);
      });
      break;
    case ArithOp::kDiv:
    case ArithOp::kMod: {
      // Division by zero is an error; null rows hold 0 and must not raise it.
      const bool mod = op == ArithOp::kMod;
      bad = Loop2<T, T>(a, b, r, n, nulls, [&](T x, T y, T* o) {
        if (y == 0) {
          *o = 0;
          return true;
        }
        if (y == -1) {  // avoid the INT_MIN / -1 trap
          *o = mod ? T{0} : static_cast<T>(-x);
          return !mod && x == std::numeric_limits<T>::min();
        }
        *o = mod ? static_cast<T>(x % y) : static_cast<T>(x / y);
        return false;
      });
      const size_t zb = bad;
      if (zb < n && b.GetValue(b.is_constant() ? 0 : zb).int128() == 0) {
        return Status::InvalidArgument("division by zero");
      }
      break;
    }
  }
  if (bad < n) {
    return ErrorAt(type.is_decimal() ? "decimal overflow" : "integer overflow", a, b, bad, type);
  }
  (void)what;
  return out;
}

Result<Vector> DoubleArith(ArithOp op, const Vector& a, const Vector& b, const DataType& type,
                           size_t n) {
  Vector out(type, n);
  MergeNulls(a, &out, n);
  MergeNulls(b, &out, n);
  const uint8_t* nulls = out.nulls();
  double* r = out.mutable_data<double>();
  size_t bad = n;
  switch (op) {
    case ArithOp::kAdd:
      Loop2<double, double>(a, b, r, n, nulls, [](double x, double y, double* o) {
        *o = x + y;
        return false;
      });
      break;
    case ArithOp::kSub:
      Loop2<double, double>(a, b, r, n, nulls, [](double x, double y, double* o) {
        *o = x - y;
        return false;
      });
      break;
    case ArithOp::kMul:
      Loop2<double, double>(a, b, r, n, nulls, [](double x, double y, double* o) {
        *o = x * y;
        return false;
      });
      break;
    case ArithOp::kDiv:
      bad = Loop2<double, double>(a, b, r, n, nulls, [](double x, double y, double* o) {
        *o = y == 0 ? 0 : x / y;
        return y == 0;
      });
      break;
    case ArithOp::kMod:
      bad = Loop2<double, double>(a, b, r, n, nulls, [](double x, double y, double* o) {
        *o = y == 0 ? 0 : std::fmod(x, y);
        return y == 0;
      });
      break;
  }
  if (bad < n) return Status::InvalidArgument("division by zero");
  return out;
}

// The type an argument of an exact multiplication/division is widened to: the result's
// physical width, the argument's own scale.
DataType WidenKeepScale(const DataType& arg, const DataType& result) {
  if (!result.is_decimal()) return result;
  const int scale = ScaleOf(arg);
  return result.is_wide_decimal() ? DataType::Decimal(38, scale) : DataType::Decimal(18, scale);
}

Result<Vector> EvalArith(const Expr& e, const Vector& a, const Vector& b, size_t n) {
  const DataType& type = e.type;
  if (a.type().id() == TypeId::kDate || b.type().id() == TypeId::kDate) {
    // DATE +/- INTEGER days -> DATE, DATE - DATE -> INTEGER days: plain int32 arithmetic.
    auto as_int = [&](const Vector& v) -> Result<Converted> {
      if (v.physical() == PhysicalType::kInt32) return Converted::Make(v, v.type(), n);
      return Converted::Make(v, DataType::Integer(), n);
    };
    IBEX_ASSIGN_OR_RETURN(Converted ca, as_int(a));
    IBEX_ASSIGN_OR_RETURN(Converted cb, as_int(b));
    return IntArith<int32_t>(e.arith, *ca, *cb, type, n, 0);
  }
  if (type.id() == TypeId::kDouble) {
    IBEX_ASSIGN_OR_RETURN(Converted ca, Converted::Make(a, type, n));
    IBEX_ASSIGN_OR_RETURN(Converted cb, Converted::Make(b, type, n));
    return DoubleArith(e.arith, *ca, *cb, type, n);
  }
  if (!IsIntegerLike(type)) {
    return Status::NotSupported("arithmetic on " + type.ToString());
  }
  auto run = [&](const Vector& x, const Vector& y, const DataType& t) -> Result<Vector> {
    const int128_t limit = t.is_decimal() ? storage::PowerOfTen(t.precision()) : 0;
    switch (t.physical()) {
      case PhysicalType::kInt32:
        return IntArith<int32_t>(e.arith, x, y, t, n, static_cast<int32_t>(0));
      case PhysicalType::kInt64:
        return IntArith<int64_t>(e.arith, x, y, t, n,
                                 t.is_decimal() ? static_cast<int64_t>(limit) : 0);
      case PhysicalType::kInt128:
        return IntArith<int128_t>(e.arith, x, y, t, n, limit);
      default:
        return Status::NotSupported("arithmetic on " + t.ToString());
    }
  };
  if (e.arith == ArithOp::kAdd || e.arith == ArithOp::kSub || e.arith == ArithOp::kMod ||
      !type.is_decimal()) {
    if (type.is_decimal() && e.arith == ArithOp::kMod) {
      return Status::NotSupported("% on DECIMAL");
    }
    IBEX_ASSIGN_OR_RETURN(Converted ca, Converted::Make(a, type, n));
    IBEX_ASSIGN_OR_RETURN(Converted cb, Converted::Make(b, type, n));
    return run(*ca, *cb, type);
  }
  if (e.arith == ArithOp::kMul) {
    IBEX_ASSIGN_OR_RETURN(Converted ca, Converted::Make(a, WidenKeepScale(a.type(), type), n));
    IBEX_ASSIGN_OR_RETURN(Converted cb, Converted::Make(b, WidenKeepScale(b.type(), type), n));
    const int scale = ScaleOf(a.type()) + ScaleOf(b.type());
    if (scale == type.scale()) return run(*ca, *cb, type);
    // The binder capped the scale: multiply exactly at 38 digits, then round to the type.
    const DataType wide = DataType::Decimal(38, std::min(scale, 38));
    IBEX_ASSIGN_OR_RETURN(Converted wa, Converted::Make(a, WidenKeepScale(a.type(), wide), n));
    IBEX_ASSIGN_OR_RETURN(Converted wb, Converted::Make(b, WidenKeepScale(b.type(), wide), n));
    IBEX_ASSIGN_OR_RETURN(Vector product, run(*wa, *wb, wide));
    return CastVector(product, type, n);
  }
  // Exact decimal division: a * 10^(s - sa + sb) / b, rounded half away from zero.
  const int shift = type.scale() - ScaleOf(a.type()) + ScaleOf(b.type());
  Vector out(type, n);
  MergeNulls(a, &out, n);
  MergeNulls(b, &out, n);
  const DataType wa_type = DataType::Decimal(38, ScaleOf(a.type()));
  const DataType wb_type = DataType::Decimal(38, ScaleOf(b.type()));
  IBEX_ASSIGN_OR_RETURN(Converted wa, Converted::Make(a, wa_type, n));
  IBEX_ASSIGN_OR_RETURN(Converted wb, Converted::Make(b, wb_type, n));
  const int128_t limit = storage::PowerOfTen(type.precision());
  for (size_t i = 0; i < n; ++i) {
    if (out.IsNull(i)) continue;
    int128_t x = wa->data<int128_t>()[wa->is_constant() ? 0 : i];
    int128_t y = wb->data<int128_t>()[wb->is_constant() ? 0 : i];
    if (y == 0) return Status::InvalidArgument("division by zero");
    if (shift >= 0) {
      if (__builtin_mul_overflow(x, storage::PowerOfTen(shift), &x)) {
        return ErrorAt("decimal overflow", a, b, i, type);
      }
    } else {
      y *= storage::PowerOfTen(-shift);
    }
    int128_t q = x / y;
    const int128_t rem = x % y;
    const int128_t ar = rem < 0 ? -rem : rem;
    const int128_t ay = y < 0 ? -y : y;
    if (2 * ar >= ay) q += (x < 0) != (y < 0) ? -1 : 1;
    if (q >= limit || q <= -limit) return ErrorAt("decimal overflow", a, b, i, type);
    if (type.is_wide_decimal()) {
      out.mutable_data<int128_t>()[i] = q;
    } else {
      out.mutable_data<int64_t>()[i] = static_cast<int64_t>(q);
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------
// Comparisons

template <typename A, typename B>
void CompareLoop(CompareOp op, const Vector& a, const Vector& b, uint8_t* r, size_t n) {
  auto go = [&](auto f) {
    Loop2<A, B>(a, b, r, n, nullptr, [&](A x, B y, uint8_t* o) {
      *o = f(x, y) ? 1 : 0;
      return false;
    });
  };
  switch (op) {
    case CompareOp::kEq:
      go([](A x, B y) { return x == y; });
      break;
    case CompareOp::kNe:
      go([](A x, B y) { return x != y; });
      break;
    case CompareOp::kLt:
      go([](A x, B y) { return x < y; });
      break;
    case CompareOp::kLe:
      go([](A x, B y) { return x <= y; });
      break;
    case CompareOp::kGt:
      go([](A x, B y) { return x > y; });
      break;
    case CompareOp::kGe:
      go([](A x, B y) { return x >= y; });
      break;
  }
}

// column[i] == constant (or != with `negate`), without a library call per row: the filters
// on dimension columns (`p_mfgr = 'MFGR#1'`) spent most of their time in memcmp through its PLT
// entry for strings of 6-20 bytes. A string of 2-16 bytes compares as two (overlapping) words
// of the widest size that fits, loaded only from inside both strings.
template <typename W>
W LoadWord(const char* p) {
  W w;
  std::memcpy(&w, p, sizeof(W));
  return w;
}

template <typename W>
void EqualsByTwoWords(const std::string_view* column, std::string_view constant, uint8_t flip,
                      uint8_t* r, size_t n) {
  const size_t len = constant.size();
  const size_t last = len - sizeof(W);
  const W head = LoadWord<W>(constant.data());
  const W tail = LoadWord<W>(constant.data() + last);
  for (size_t i = 0; i < n; ++i) {
    const std::string_view x = column[i];
    const bool eq = x.size() == len && LoadWord<W>(x.data()) == head &&
                    LoadWord<W>(x.data() + last) == tail;
    r[i] = static_cast<uint8_t>(eq) ^ flip;
  }
}

void StringEqualsConstant(const std::string_view* column, std::string_view constant, bool negate,
                          uint8_t* r, size_t n) {
  const uint8_t flip = negate ? 1 : 0;
  const size_t len = constant.size();
  if (len >= 8 && len <= 16) return EqualsByTwoWords<uint64_t>(column, constant, flip, r, n);
  if (len >= 4 && len < 8) return EqualsByTwoWords<uint32_t>(column, constant, flip, r, n);
  if (len >= 2 && len < 4) return EqualsByTwoWords<uint16_t>(column, constant, flip, r, n);
  for (size_t i = 0; i < n; ++i) {
    const std::string_view x = column[i];
    const bool eq = x.size() == len && (len == 0 || (x[0] == constant[0] &&
                                                     std::memcmp(x.data(), constant.data(), len) == 0));
    r[i] = static_cast<uint8_t>(eq) ^ flip;
  }
}

template <typename A>
void CompareIntB(CompareOp op, const Vector& a, const Vector& b, uint8_t* r, size_t n) {
  switch (b.physical()) {
    case PhysicalType::kBool:
      return CompareLoop<A, uint8_t>(op, a, b, r, n);
    case PhysicalType::kInt32:
      return CompareLoop<A, int32_t>(op, a, b, r, n);
    case PhysicalType::kInt64:
      return CompareLoop<A, int64_t>(op, a, b, r, n);
    case PhysicalType::kInt128:
      return CompareLoop<A, int128_t>(op, a, b, r, n);
    default:
      IBEX_CHECK(false);
  }
}

Result<Vector> EvalCompareVectors(CompareOp op, const Vector& a, const Vector& b, size_t n) {
  Vector out(DataType::Boolean(), n);
  MergeNulls(a, &out, n);
  MergeNulls(b, &out, n);
  uint8_t* r = out.mutable_data<uint8_t>();
  const DataType& ta = a.type();
  const DataType& tb = b.type();
  if (IsIntegerLike(ta) && IsIntegerLike(tb) && ScaleOf(ta) == ScaleOf(tb)) {
    switch (a.physical()) {
      case PhysicalType::kBool:
        CompareIntB<uint8_t>(op, a, b, r, n);
        break;
      case PhysicalType::kInt32:
        CompareIntB<int32_t>(op, a, b, r, n);
        break;
      case PhysicalType::kInt64:
        CompareIntB<int64_t>(op, a, b, r, n);
        break;
      case PhysicalType::kInt128:
        CompareIntB<int128_t>(op, a, b, r, n);
        break;
      default:
        IBEX_CHECK(false);
    }
    return out;
  }
  const DataType common = CommonType(ta, tb);
  IBEX_ASSIGN_OR_RETURN(Converted ca, Converted::Make(a, common, n));
  IBEX_ASSIGN_OR_RETURN(Converted cb, Converted::Make(b, common, n));
  switch (common.physical()) {
    case PhysicalType::kDouble:
      CompareLoop<double, double>(op, *ca, *cb, r, n);
      break;
    case PhysicalType::kString:
      if ((op == CompareOp::kEq || op == CompareOp::kNe) && ca->is_constant() != cb->is_constant()) {
        const Vector& column = ca->is_constant() ? *cb : *ca;
        const Vector& constant = ca->is_constant() ? *ca : *cb;
        StringEqualsConstant(column.data<std::string_view>(), constant.data<std::string_view>()[0],
                             op == CompareOp::kNe, r, n);
      } else {
        CompareLoop<std::string_view, std::string_view>(op, *ca, *cb, r, n);
      }
      break;
    case PhysicalType::kInt128:
      CompareLoop<int128_t, int128_t>(op, *ca, *cb, r, n);
      break;
    case PhysicalType::kInt64:
      CompareLoop<int64_t, int64_t>(op, *ca, *cb, r, n);
      break;
    case PhysicalType::kInt32:
      CompareLoop<int32_t, int32_t>(op, *ca, *cb, r, n);
      break;
    case PhysicalType::kBool:
      CompareLoop<uint8_t, uint8_t>(op, *ca, *cb, r, n);
      break;
  }
  return out;
}

// ---------------------------------------------------------------------------------------
// Boolean logic (three-valued). Values at null rows are ignored.

Vector BoolAndOr(bool is_and, std::vector<Vector>& args, size_t n) {
  Vector out(DataType::Boolean(), n);
  uint8_t* r = out.mutable_data<uint8_t>();
  // dominant: the value that decides (false for AND, true for OR).
  const uint8_t dominant = is_and ? 0 : 1;
  std::memset(r, 1 - dominant, n);
  std::vector<uint8_t> unknown(n, 0);
  bool any_null = false;
  for (const Vector& a : args) {
    const uint8_t* v = a.data<uint8_t>();
    const uint8_t* nl = a.nulls();
    const size_t s = a.is_constant() ? 0 : 1;
    if (nl == nullptr) {
      if (is_and) {
        for (size_t i = 0; i < n; ++i) r[i] &= v[i * s];
      } else {
        for (size_t i = 0; i < n; ++i) r[i] |= v[i * s];
      }
    } else {
      any_null = true;
      for (size_t i = 0; i < n; ++i) {
        if (nl[i * s] != 0) {
          unknown[i] = 1;
        } else if (v[i * s] == dominant) {
          r[i] = dominant;
        }
      }
    }
  }
  if (any_null) {
    uint8_t* on = out.mutable_nulls();
    for (size_t i = 0; i < n; ++i) on[i] = (unknown[i] != 0 && r[i] != dominant) ? 1 : 0;
    out.CompactNulls();
  }
  return out;
}

// ---------------------------------------------------------------------------------------
// Scatter/blend for CASE and COALESCE

template <typename T>
void ScatterTyped(const Vector& src, const uint32_t* sel, size_t m, Vector* out) {
  const T* s = src.data<T>();
  T* d = out->mutable_data<T>();
  const size_t step = src.is_constant() ? 0 : 1;
  for (size_t i = 0; i < m; ++i) d[sel[i]] = s[i * step];
}

// out[sel[i]] = src[i] (src already of out's type).
void Scatter(const Vector& src, const uint32_t* sel, size_t m, Vector* out) {
  switch (out->physical()) {
    case PhysicalType::kBool:
      ScatterTyped<uint8_t>(src, sel, m, out);
      break;
    case PhysicalType::kInt32:
      ScatterTyped<int32_t>(src, sel, m, out);
      break;
    case PhysicalType::kInt64:
      ScatterTyped<int64_t>(src, sel, m, out);
      break;
    case PhysicalType::kInt128:
      ScatterTyped<int128_t>(src, sel, m, out);
      break;
    case PhysicalType::kDouble:
      ScatterTyped<double>(src, sel, m, out);
      break;
    case PhysicalType::kString:
      ScatterTyped<std::string_view>(src, sel, m, out);
      out->AdoptStrings(src);
      break;
  }
  uint8_t* on = out->mutable_nulls();
  for (size_t i = 0; i < m; ++i) on[sel[i]] = src.IsNull(i) ? 1 : 0;
}

Result<Vector> EvalCase(const Expr& e, const Chunk& in) {
  const size_t n = in.size;
  Vector out(e.type, n);
  uint8_t* on = out.mutable_nulls();
  std::memset(on, 1, n);
  std::vector<uint32_t> remaining(n);
  std::iota(remaining.begin(), remaining.end(), 0);
  const size_t pairs = (e.args.size() - (e.has_else ? 1 : 0)) / 2;
  auto branch = [&](const Expr& value, const std::vector<uint32_t>& rows) -> Status {
    if (rows.empty()) return Status::OK();
    Chunk sub = rows.size() == n ? Chunk{} : in.Gather(rows.data(), rows.size());
    const Chunk& src = rows.size() == n ? in : sub;
    IBEX_ASSIGN_OR_RETURN(Vector v, Evaluate(value, src));
    IBEX_ASSIGN_OR_RETURN(Converted cv, Converted::Make(v, e.type, rows.size()));
    Scatter(*cv, rows.data(), rows.size(), &out);
    return Status::OK();
  };
  for (size_t p = 0; p < pairs && !remaining.empty(); ++p) {
    Chunk sub = remaining.size() == n ? Chunk{} : in.Gather(remaining.data(), remaining.size());
    const Chunk& src = remaining.size() == n ? in : sub;
    std::vector<uint32_t> hit_local;
    IBEX_ASSIGN_OR_RETURN(size_t hits, EvaluateFilter(*e.args[2 * p], src, &hit_local));
    std::vector<uint32_t> matched;
    std::vector<uint32_t> rest;
    matched.reserve(hits);
    size_t h = 0;
    for (size_t i = 0; i < remaining.size(); ++i) {
      if (h < hits && hit_local[h] == i) {
        matched.push_back(remaining[i]);
        ++h;
      } else {
        rest.push_back(remaining[i]);
      }
    }
    IBEX_RETURN_IF_ERROR(branch(*e.args[2 * p + 1], matched));
    remaining = std::move(rest);
  }
  if (e.has_else) IBEX_RETURN_IF_ERROR(branch(*e.args.back(), remaining));
  out.CompactNulls();
  return out;
}

// ---------------------------------------------------------------------------------------
// Dates

int32_t AddMonths(int32_t days, int32_t months) {
  int y;
  unsigned m;
  unsigned d;
  storage::CivilFromDays(days, &y, &m, &d);
  int total = y * 12 + static_cast<int>(m) - 1 + months;
  y = total / 12;
  m = static_cast<unsigned>(total % 12) + 1;
  static constexpr unsigned kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  unsigned last = kDays[m - 1];
  if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0)) last = 29;
  return storage::DaysFromCivil(y, m, std::min(d, last));
}

int64_t ExtractOne(ExtractField f, int32_t days) {
  int y;
  unsigned m;
  unsigned d;
  storage::CivilFromDays(days, &y, &m, &d);
  switch (f) {
    case ExtractField::kYear:
      return y;
    case ExtractField::kMonth:
      return m;
    case ExtractField::kDay:
      return d;
    case ExtractField::kQuarter:
      return (m - 1) / 3 + 1;
    case ExtractField::kWeek: {
      // ISO 8601 week: the week (Monday first) containing the year's first Thursday is 1.
      const int64_t dow = ((days % 7) + 10) % 7;  // Monday = 0
      const int32_t thursday = days - static_cast<int32_t>(dow) + 3;
      int ty;
      unsigned tm;
      unsigned td;
      storage::CivilFromDays(thursday, &ty, &tm, &td);
      return (thursday - storage::DaysFromCivil(ty, 1, 1)) / 7 + 1;
    }
    case ExtractField::kDayOfWeek:
      return ((days % 7) + 11) % 7;  // 1970-01-01 was a Thursday (4); Sunday = 0
    case ExtractField::kDayOfYear:
      return days - storage::DaysFromCivil(y, 1, 1) + 1;
  }
  return 0;
}

Vector CopyNullsTo(const Vector& a, DataType type, size_t n) {
  Vector out(type, n);
  MergeNulls(a, &out, n);
  return out;
}

void StoreInteger(Vector* out, size_t i, int64_t v) {
  if (out->physical() == PhysicalType::kInt32) {
    out->mutable_data<int32_t>()[i] = static_cast<int32_t>(v);
  } else {
    out->mutable_data<int64_t>()[i] = v;
  }
}

Result<Vector> EvalNode(const Expr& e, const Chunk& in);

}  // namespace

Result<Vector> Evaluate(const Expr& e, const Chunk& in) { return EvalNode(e, in); }

namespace {

Result<Vector> EvalNode(const Expr& e, const Chunk& in) {
  const size_t n = in.size;
  switch (e.kind) {
    case ExprKind::kColumn: {
      return in.columns[e.column].Ref();  // a view on the input: no copy of the data
    }
    case ExprKind::kConstant:
      return Vector::Constant(e.constant);
    default:
      break;
  }
  // Evaluate arguments.
  std::vector<Vector> args;
  args.reserve(e.args.size());
  if (e.kind != ExprKind::kCase) {
    for (const auto& a : e.args) {
      IBEX_ASSIGN_OR_RETURN(Vector v, EvalNode(*a, in));
      args.push_back(std::move(v));
    }
  }
  bool all_constant = true;
  for (const Vector& v : args) all_constant &= v.is_constant();
  const size_t rows = RowsFor(all_constant && !args.empty(), n);
  Result<Vector> result = Status::Internal("unhandled expression");
  switch (e.kind) {
    case ExprKind::kArith:
      result = EvalArith(e, args[0], args[1], rows);
      break;
    case ExprKind::kNegate: {
      Vector zero = Vector::Constant(Value::Integer(0));
      Expr sub;
      sub.kind = ExprKind::kArith;
      sub.arith = ArithOp::kSub;
      sub.type = e.type;
      result = EvalArith(sub, zero, args[0], rows);
      break;
    }
    case ExprKind::kCompare:
      result = EvalCompareVectors(e.compare, args[0], args[1], rows);
      break;
    case ExprKind::kAnd:
    case ExprKind::kOr:
      result = BoolAndOr(e.kind == ExprKind::kAnd, args, rows);
      break;
    case ExprKind::kNot: {
      Vector out = CopyNullsTo(args[0], DataType::Boolean(), rows);
      const uint8_t* a = args[0].data<uint8_t>();
      uint8_t* r = out.mutable_data<uint8_t>();
      for (size_t i = 0; i < rows; ++i) r[i] = a[i] ^ 1;
      result = std::move(out);
      break;
    }
    case ExprKind::kIsNull: {
      Vector out(DataType::Boolean(), rows);
      uint8_t* r = out.mutable_data<uint8_t>();
      const uint8_t* nl = args[0].nulls();
      for (size_t i = 0; i < rows; ++i) {
        const bool is_null = nl != nullptr && nl[i] != 0;
        r[i] = (is_null != e.negated) ? 1 : 0;
      }
      result = std::move(out);
      break;
    }
    case ExprKind::kCast:
      result = CastVector(args[0], e.type, rows);
      break;
    case ExprKind::kCase:
      result = EvalCase(e, in);
      break;
    case ExprKind::kLike: {
      Vector out = CopyNullsTo(args[0], DataType::Boolean(), rows);
      const auto* s = args[0].data<std::string_view>();
      uint8_t* r = out.mutable_data<uint8_t>();
      const uint8_t flip = e.negated ? 1 : 0;
      if (e.matcher != nullptr) {
        const LikeMatcher& m = *e.matcher;
        for (size_t i = 0; i < rows; ++i) r[i] = static_cast<uint8_t>(m.Match(s[i])) ^ flip;
      } else {
        // A pattern that is not a constant: compiled per row.
        MergeNulls(args[1], &out, rows);
        const auto* p = args[1].data<std::string_view>();
        const size_t ss = args[0].is_constant() ? 0 : 1;
        const size_t ps = args[1].is_constant() ? 0 : 1;
        for (size_t i = 0; i < rows; ++i) {
          r[i] = static_cast<uint8_t>(LikeMatcher(std::string(p[i * ps])).Match(s[i * ss])) ^ flip;
        }
      }
      result = std::move(out);
      break;
    }
    case ExprKind::kInList: {
      std::vector<Vector> eqs;
      for (size_t k = 1; k < args.size(); ++k) {
        IBEX_ASSIGN_OR_RETURN(Vector eq,
                              EvalCompareVectors(CompareOp::kEq, args[0], args[k], rows));
        eqs.push_back(std::move(eq));
      }
      Vector any = BoolAndOr(false, eqs, rows);
      if (e.negated) {
        uint8_t* r = any.mutable_data<uint8_t>();
        for (size_t i = 0; i < rows; ++i) r[i] ^= 1;
      }
      result = std::move(any);
      break;
    }
    case ExprKind::kExtract: {
      Vector out = CopyNullsTo(args[0], e.type, rows);
      const int32_t* d = args[0].data<int32_t>();
      for (size_t i = 0; i < rows; ++i) StoreInteger(&out, i, ExtractOne(e.field, d[i]));
      result = std::move(out);
      break;
    }
    case ExprKind::kDateAdd: {
      Vector out = CopyNullsTo(args[0], DataType::Date(), rows);
      const int32_t* d = args[0].data<int32_t>();
      int32_t* r = out.mutable_data<int32_t>();
      if (e.months == 0) {
        for (size_t i = 0; i < rows; ++i) r[i] = d[i] + e.days;
      } else {
        for (size_t i = 0; i < rows; ++i) r[i] = AddMonths(d[i], e.months) + e.days;
      }
      result = std::move(out);
      break;
    }
    case ExprKind::kSubstring: {
      Vector out = CopyNullsTo(args[0], e.type, rows);
      for (size_t k = 1; k < args.size(); ++k) MergeNulls(args[k], &out, rows);
      IBEX_ASSIGN_OR_RETURN(Converted from, Converted::Make(args[1], DataType::Bigint(), rows));
      Converted len;
      if (args.size() > 2) {
        IBEX_ASSIGN_OR_RETURN(len, Converted::Make(args[2], DataType::Bigint(), rows));
      }
      const auto* s = args[0].data<std::string_view>();
      auto* r = out.mutable_data<std::string_view>();
      for (size_t i = 0; i < rows; ++i) {
        const std::string_view str = s[args[0].is_constant() ? 0 : i];
        const int64_t start = from->data<int64_t>()[from->is_constant() ? 0 : i] - 1;
        int64_t end = static_cast<int64_t>(str.size());
        if (args.size() > 2) {
          const int64_t l = len->data<int64_t>()[len->is_constant() ? 0 : i];
          if (l < 0 && !out.IsNull(i)) {
            return Status::InvalidArgument("negative SUBSTRING length");
          }
          end = std::min(end, start + l);
        }
        const int64_t b = std::max<int64_t>(start, 0);
        r[i] = b < end ? str.substr(static_cast<size_t>(b), static_cast<size_t>(end - b))
                       : std::string_view();
      }
      out.AdoptStrings(args[0]);
      result = std::move(out);
      break;
    }
    case ExprKind::kCoalesce: {
      Vector out(e.type, rows);
      uint8_t* on = out.mutable_nulls();
      std::memset(on, 1, rows);
      std::vector<uint32_t> todo(rows);
      std::iota(todo.begin(), todo.end(), 0);
      for (const Vector& a : args) {
        IBEX_ASSIGN_OR_RETURN(Converted ca, Converted::Make(a, e.type, rows));
        std::vector<uint32_t> take;
        std::vector<uint32_t> rest;
        for (uint32_t r : todo) (ca->IsNull(r) ? rest : take).push_back(r);
        if (!take.empty()) {
          Vector picked = ca->Gather(take.data(), take.size());
          Scatter(picked, take.data(), take.size(), &out);
        }
        todo = std::move(rest);
      }
      out.CompactNulls();
      result = std::move(out);
      break;
    }
    case ExprKind::kFunction:
      result = EvalFunction(e, args, rows);
      break;
    default:
      break;
  }
  if (!result.ok()) return result;
  if (all_constant && !args.empty() && e.kind != ExprKind::kCase) result->MarkConstant();
  return result;
}

}  // namespace

namespace {

// Rows where `v` (BOOLEAN) is TRUE, into sel; returns their number.
size_t SelectTrue(const Vector& v, size_t n, std::vector<uint32_t>* sel) {
  sel->resize(n);
  uint32_t* out = sel->data();
  size_t m = 0;
  const uint8_t* b = v.data<uint8_t>();
  const uint8_t* nl = v.nulls();
  if (v.is_constant()) {
    if ((nl == nullptr || nl[0] == 0) && b[0] != 0) {
      std::iota(sel->begin(), sel->end(), 0);
      return n;
    }
    return 0;
  }
  if (nl == nullptr) {
    for (size_t i = 0; i < n; ++i) {
      out[m] = static_cast<uint32_t>(i);
      m += b[i];
    }
  } else {
    for (size_t i = 0; i < n; ++i) {
      out[m] = static_cast<uint32_t>(i);
      m += b[i] & (nl[i] ^ 1);
    }
  }
  return m;
}

void CollectColumns(const Expr& e, std::vector<int>* out) {
  if (e.kind == ExprKind::kColumn) out->push_back(e.column);
  for (const auto& a : e.args) CollectColumns(*a, out);
}

// A rough evaluation cost: string work and CASE cost more than numeric comparisons.
int Cost(const Expr& e) {
  int c = e.type.is_string() || e.kind == ExprKind::kLike ? 8 : 1;
  if (e.kind == ExprKind::kCase || e.kind == ExprKind::kFunction) c += 8;
  for (const auto& a : e.args) c += Cost(*a);
  return c;
}

}  // namespace

Result<size_t> EvaluateFilter(const Expr& predicate, const Chunk& in,
                              std::vector<uint32_t>* sel) {
  if (predicate.kind != ExprKind::kAnd || predicate.args.size() < 2) {
    IBEX_ASSIGN_OR_RETURN(Vector v, Evaluate(predicate, in));
    return SelectTrue(v, in.size, sel);
  }
  // A conjunction: cheap conjuncts first, each later one only on the rows still selected
  // (a chunk of just the columns the rest read, gathered when rows were dropped).
  std::vector<const Expr*> terms;
  for (const auto& a : predicate.args) terms.push_back(a.get());
  std::stable_sort(terms.begin(), terms.end(),
                   [](const Expr* a, const Expr* b) { return Cost(*a) < Cost(*b); });
  IBEX_ASSIGN_OR_RETURN(Vector first, Evaluate(*terms[0], in));
  size_t m = SelectTrue(first, in.size, sel);
  std::vector<uint32_t> local;
  for (size_t t = 1; t < terms.size() && m > 0; ++t) {
    const Chunk* src = &in;
    Chunk sub;
    if (m < in.size) {
      std::vector<int> cols;
      for (size_t r = t; r < terms.size(); ++r) CollectColumns(*terms[r], &cols);
      sub.size = m;
      sub.columns.resize(in.columns.size());
      for (int c : cols) {
        if (sub.columns[static_cast<size_t>(c)].size() == 0 && !sub.columns[static_cast<size_t>(c)].is_constant()) {
          sub.columns[static_cast<size_t>(c)] = in.columns[static_cast<size_t>(c)].Gather(sel->data(), m);
        }
      }
      src = &sub;
    }
    IBEX_ASSIGN_OR_RETURN(Vector v, Evaluate(*terms[t], *src));
    const size_t k = SelectTrue(v, src->size, &local);
    if (src == &in) {
      sel->swap(local);
    } else {
      for (size_t i = 0; i < k; ++i) local[i] = (*sel)[local[i]];
      sel->swap(local);
    }
    m = k;
  }
  return m;
}

}  // namespace ibex::exec
