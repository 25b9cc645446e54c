#include "exec/functions.h"

#include <cctype>
#include <cmath>
#include <string>

#include "exec/cast.h"

namespace ibex::exec {

namespace {

void OrNulls(const Vector& a, Vector* out, size_t n) {
  for (size_t i = 0; i < n; ++i) {
    if (a.IsNull(i)) out->SetNull(i);
  }
}

size_t Idx(const Vector& v, size_t i) { return v.is_constant() ? 0 : i; }

Result<Vector> StringMap(const Vector& a, const DataType& type, size_t n,
                         std::string (*f)(std::string_view)) {
  Vector out(type, n);
  const auto* s = a.data<std::string_view>();
  auto* r = out.mutable_data<std::string_view>();
  for (size_t i = 0; i < n; ++i) {
    if (a.IsNull(i)) {
      out.SetNull(i);
      continue;
    }
    r[i] = out.arena().Copy(f(s[Idx(a, i)]));
  }
  return out;
}

std::string Upper(std::string_view s) {
  std::string r(s);
  for (char& c : r) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return r;
}
std::string Lower(std::string_view s) {
  std::string r(s);
  for (char& c : r) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return r;
}
std::string LTrim(std::string_view s) {
  while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
  return std::string(s);
}
std::string RTrim(std::string_view s) {
  while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
  return std::string(s);
}
std::string Trim(std::string_view s) { return LTrim(RTrim(s)); }

// ROUND/FLOOR/CEIL of a number to `digits` fraction digits, in the result type.
Result<Vector> RoundLike(const std::string& name, const Vector& a, int64_t digits,
                         const DataType& type, size_t n) {
  if (a.type().id() == storage::TypeId::kDouble || type.id() == storage::TypeId::kDouble) {
    IBEX_ASSIGN_OR_RETURN(Vector d, CastVector(a, DataType::Double(), n));
    Vector out(DataType::Double(), n);
    const double* x = d.data<double>();
    double* r = out.mutable_data<double>();
    const double p = std::pow(10.0, static_cast<double>(digits));
    for (size_t i = 0; i < n; ++i) {
      const double v = x[Idx(d, i)] * p;
      r[i] = (name == "floor" ? std::floor(v) : name == "ceil" ? std::ceil(v) : std::round(v)) / p;
    }
    OrNulls(a, &out, n);
    if (type.id() == storage::TypeId::kDouble) return out;
    return CastVector(out, type, n);
  }
  if (!IsIntegerLike(a.type())) return Status::InvalidArgument(name + " of " + a.type().ToString());
  const int scale = ScaleOf(a.type());
  const int keep = static_cast<int>(std::max<int64_t>(0, std::min<int64_t>(digits, scale)));
  const storage::int128_t div = storage::PowerOfTen(scale - keep);
  Vector tmp(DataType::Decimal(38, scale), n);
  storage::int128_t* t = tmp.mutable_data<storage::int128_t>();
  IBEX_ASSIGN_OR_RETURN(Vector wide, CastVector(a, DataType::Decimal(38, scale), n));
  const storage::int128_t* x = wide.data<storage::int128_t>();
  for (size_t i = 0; i < n; ++i) {
    const storage::int128_t v = x[Idx(wide, i)];
    storage::int128_t q = v / div;
    const storage::int128_t r = v % div;
    if (name == "floor") {
      if (r < 0) --q;
    } else if (name == "ceil") {
      if (r > 0) ++q;
    } else if (2 * (r < 0 ? -r : r) >= div) {
      q += v < 0 ? -1 : 1;
    }
    t[i] = q * div;
  }
  OrNulls(a, &tmp, n);
  return CastVector(tmp, type, n);
}

}  // namespace

Result<Vector> EvalFunction(const Expr& e, const std::vector<Vector>& args, size_t rows) {
  const std::string& name = e.text;
  const size_t n = rows;
  if (name == "upper" || name == "lower" || name == "trim" || name == "ltrim" || name == "rtrim") {
    auto f = name == "upper"   ? Upper
             : name == "lower" ? Lower
             : name == "trim"  ? Trim
             : name == "ltrim" ? LTrim
                               : RTrim;
    Result<Vector> r = StringMap(args[0], e.type, n, f);
    if (r.ok()) r->CompactNulls();
    return r;
  }
  if (name == "length") {
    Vector out(e.type, n);
    const auto* s = args[0].data<std::string_view>();
    for (size_t i = 0; i < n; ++i) {
      // Characters, not bytes: count UTF-8 lead bytes.
      int64_t len = 0;
      for (char c : s[Idx(args[0], i)]) len += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
      if (out.physical() == PhysicalType::kInt32) {
        out.mutable_data<int32_t>()[i] = static_cast<int32_t>(len);
      } else {
        out.mutable_data<int64_t>()[i] = len;
      }
    }
    OrNulls(args[0], &out, n);
    out.CompactNulls();
    return out;
  }
  if (name == "concat") {
    Vector out(e.type, n);
    auto* r = out.mutable_data<std::string_view>();
    std::vector<Vector> strs;
    for (const Vector& a : args) {
      IBEX_ASSIGN_OR_RETURN(Vector s, CastVector(a, DataType::Varchar(), n));
      strs.push_back(std::move(s));
    }
    std::string buf;
    for (size_t i = 0; i < n; ++i) {
      buf.clear();
      bool null = false;
      for (const Vector& s : strs) {
        if (s.IsNull(i)) {
          null = true;
          break;
        }
        buf.append(s.data<std::string_view>()[Idx(s, i)]);
      }
      if (null) {
        out.SetNull(i);
      } else {
        r[i] = out.arena().Copy(buf);
      }
    }
    out.CompactNulls();
    return out;
  }
  if (name == "abs") {
    Vector zero = Vector::Constant(Value::Integer(0));
    IBEX_ASSIGN_OR_RETURN(Vector a, CastVector(args[0], e.type, n));
    Vector out = a.Flatten(n);
    switch (out.physical()) {
      case PhysicalType::kInt32: {
        int32_t* d = out.mutable_data<int32_t>();
        for (size_t i = 0; i < n; ++i) d[i] = d[i] < 0 ? -d[i] : d[i];
        break;
      }
      case PhysicalType::kInt64: {
        int64_t* d = out.mutable_data<int64_t>();
        for (size_t i = 0; i < n; ++i) d[i] = d[i] < 0 ? -d[i] : d[i];
        break;
      }
      case PhysicalType::kInt128: {
        storage::int128_t* d = out.mutable_data<storage::int128_t>();
        for (size_t i = 0; i < n; ++i) d[i] = d[i] < 0 ? -d[i] : d[i];
        break;
      }
      case PhysicalType::kDouble: {
        double* d = out.mutable_data<double>();
        for (size_t i = 0; i < n; ++i) d[i] = std::fabs(d[i]);
        break;
      }
      default:
        return Status::InvalidArgument("abs of " + a.type().ToString());
    }
    return out;
  }
  if (name == "round" || name == "floor" || name == "ceil") {
    int64_t digits = 0;
    if (args.size() > 1) {
      if (!args[1].is_constant() || args[1].IsNull(0)) {
        return Status::NotSupported(name + " with a non-constant digit count");
      }
      digits = static_cast<int64_t>(args[1].GetValue(0).int128());
    }
    return RoundLike(name, args[0], digits, e.type, n);
  }
  if (name == "nullif") {
    // NULLIF(a, b): a unless a = b.
    const DataType common = CommonType(args[0].type(), args[1].type());
    IBEX_ASSIGN_OR_RETURN(Vector a, CastVector(args[0], common, n));
    IBEX_ASSIGN_OR_RETURN(Vector b, CastVector(args[1], common, n));
    IBEX_ASSIGN_OR_RETURN(Vector out0, CastVector(args[0], e.type, n));
    Vector out = out0.Flatten(n);
    for (size_t i = 0; i < n; ++i) {
      if (!a.IsNull(i) && !b.IsNull(i) && a.GetValue(i).Compare(b.GetValue(i)) == 0) out.SetNull(i);
    }
    return out;
  }
  return Status::NotSupported("function " + name);
}

}  // namespace ibex::exec
