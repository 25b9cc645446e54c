#include "frontend/binder/type_rules.h"

#include "storage/catalog.h"

#include <algorithm>
#include <cctype>
#include <vector>

namespace ibex::sql {

using storage::DataType;
using storage::TypeId;

std::optional<SqlType> NumeralType(const std::string& text) {
  if (text.find_first_of("eE") != std::string::npos) return SqlType::Double();
  size_t dot = text.find('.');
  std::string int_part = text.substr(0, dot);
  std::string frac = dot == std::string::npos ? "" : text.substr(dot + 1);
  size_t first_nonzero = int_part.find_first_not_of('0');
  int int_digits = first_nonzero == std::string::npos
                       ? 0
                       : static_cast<int>(int_part.size() - first_nonzero);
  if (dot == std::string::npos) {
    if (int_digits <= 9) return SqlType::Integer();
    if (int_digits <= 18) {
      int64_t v = 0;
      if (storage::ParseInt64(int_part.substr(first_nonzero), &v).ok()) {
        return v <= INT32_MAX ? SqlType::Integer() : SqlType::Bigint();
      }
    }
    if (int_digits <= storage::kMaxDecimalPrecision) return SqlType::Decimal(int_digits, 0);
    return std::nullopt;
  }
  int scale = static_cast<int>(frac.size());
  int precision = std::max({int_digits + scale, scale, 1});
  if (precision > storage::kMaxDecimalPrecision) return std::nullopt;
  return SqlType::Decimal(precision, scale);
}

std::optional<DataType> ResolveTypeName(const ast::TypeName& name, std::string* why) {
  const std::string& n = name.name;
  const auto& p = name.params;
  auto no_params = [&]() -> bool {
    if (!p.empty()) *why = "type " + n + " takes no parameters";
    return p.empty();
  };
  for (int64_t v : p) {
    if (v < 0) {
      *why = "invalid type parameter";
      return std::nullopt;
    }
  }
  if (n == "integer" || n == "int" || n == "int4" || n == "smallint" || n == "int2") {
    if (!no_params()) return std::nullopt;
    return DataType::Integer();
  }
  if (n == "bigint" || n == "int8") {
    if (!no_params()) return std::nullopt;
    return DataType::Bigint();
  }
  if (n == "boolean" || n == "bool") {
    if (!no_params()) return std::nullopt;
    return DataType::Boolean();
  }
  if (n == "double" || n == "float" || n == "float8" || n == "real" || n == "float4") {
    if (!no_params()) return std::nullopt;
    return DataType::Double();
  }
  if (n == "date") {
    if (!no_params()) return std::nullopt;
    return DataType::Date();
  }
  if (n == "decimal" || n == "numeric") {
    if (p.size() > 2) {
      *why = "DECIMAL takes at most two parameters";
      return std::nullopt;
    }
    int precision = p.empty() ? 18 : static_cast<int>(std::min<int64_t>(p[0], 1000));
    int scale = p.size() < 2 ? (p.empty() ? 3 : 0) : static_cast<int>(std::min<int64_t>(p[1], 1000));
    auto t = DataType::MakeDecimal(precision, scale);
    if (!t.ok()) {
      *why = "invalid DECIMAL(" + std::to_string(precision) + "," + std::to_string(scale) +
             "): precision must be 1..38 and scale 0..precision";
      return std::nullopt;
    }
    return t.value();
  }
  if (n == "varchar" || n == "text" || n == "string" || n == "char" || n == "character") {
    if (p.size() > 1) {
      *why = "type " + n + " takes at most one parameter";
      return std::nullopt;
    }
    if (!p.empty() && (p[0] < 1 || p[0] > 1'000'000'000)) {
      *why = "invalid length " + std::to_string(p[0]);
      return std::nullopt;
    }
    uint32_t len = p.empty() ? 0 : static_cast<uint32_t>(p[0]);
    if (n == "char" || n == "character") return DataType::Char(p.empty() ? 1 : len);
    return DataType::Varchar(len);
  }
  *why = "unknown type \"" + n + "\"";
  return std::nullopt;
}

namespace {

// An integral type seen as a decimal, for mixing with decimals.
SqlType AsDecimal(const SqlType& t) {
  if (t.is(TypeId::kInteger)) return SqlType::Decimal(10, 0);
  if (t.is(TypeId::kBigint)) return SqlType::Decimal(19, 0);
  return t;
}

}  // namespace

std::optional<SqlType> ArithmeticType(const std::string& op, const SqlType& a, const SqlType& b) {
  SqlType x = a.unknown() ? b : a;
  SqlType y = b.unknown() ? a : b;
  if (x.unknown() && y.unknown()) return SqlType::Unknown();
  if (!x.numeric() || !y.numeric()) return std::nullopt;
  if (x.is(TypeId::kDouble) || y.is(TypeId::kDouble)) return SqlType::Double();
  if (x.integral() && y.integral()) {
    bool big = x.is(TypeId::kBigint) || y.is(TypeId::kBigint) || op == "*";
    return big ? SqlType::Bigint() : SqlType::Integer();
  }
  if (op == "/") return SqlType::Double();
  SqlType dx = AsDecimal(x), dy = AsDecimal(y);
  int p1 = dx.data.precision(), s1 = dx.data.scale();
  int p2 = dy.data.precision(), s2 = dy.data.scale();
  constexpr int kMax = storage::kMaxDecimalPrecision;
  if (op == "*") {
    int s = std::min(s1 + s2, kMax);
    int p = std::min(p1 + p2, kMax);
    return SqlType::Decimal(std::max(p, s), s);
  }
  int s = std::max(s1, s2);
  int p = std::min(std::max(p1 - s1, p2 - s2) + s + (op == "%" ? 0 : 1), kMax);
  return SqlType::Decimal(std::max(p, s), s);
}

std::optional<SqlType> CommonType(const SqlType& a, const SqlType& b) {
  if (a.unknown()) return b;
  if (b.unknown()) return a;
  if (a == b) return a;
  if (a.numeric() && b.numeric()) {
    if (a.is(TypeId::kDouble) || b.is(TypeId::kDouble)) return SqlType::Double();
    if (a.integral() && b.integral()) return SqlType::Bigint();
    SqlType da = AsDecimal(a), db = AsDecimal(b);
    int s = std::max(da.data.scale(), db.data.scale());
    int ip = std::max(da.data.precision() - da.data.scale(), db.data.precision() - db.data.scale());
    int p = std::min(ip + s, storage::kMaxDecimalPrecision);
    return SqlType::Decimal(std::max(p, s), s);
  }
  if (a.string() && b.string()) {
    uint32_t la = a.data.length(), lb = b.data.length();
    return SqlType::Varchar(la == 0 || lb == 0 ? 0 : std::max(la, lb));
  }
  return std::nullopt;
}

bool Comparable(const SqlType& a, const SqlType& b) {
  if (a.unknown() || b.unknown()) return true;
  if (a.numeric() && b.numeric()) return true;
  if (a.string() && b.string()) return true;
  if (a.kind == SqlType::Kind::kData && b.kind == SqlType::Kind::kData) return a.data.id() == b.data.id();
  return false;
}

std::string Quoted(std::string_view name) {
  std::string out;
  out.reserve(name.size() + 2);
  out += '"';
  out.append(name);
  out += '"';
  return out;
}

bool SameName(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i]))) return false;
  }
  return true;
}

size_t EditDistance(const std::string& a, const std::string& b) {
  std::vector<size_t> prev(b.size() + 1), cur(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) prev[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    cur[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)});
    }
    std::swap(prev, cur);
  }
  return prev[b.size()];
}

std::string PerhapsYouMeant(const std::string& name, const std::vector<std::string>& candidates) {
  std::string best;
  std::string lower = storage::ToLowerAscii(name);
  // Close: fewer edits than a third of the name (at least 2), and not all of it.
  size_t best_distance = std::min(std::max<size_t>(2, name.size() / 3) + 1, name.size());
  for (const std::string& c : candidates) {
    size_t d = EditDistance(lower, storage::ToLowerAscii(c));
    if (d < best_distance) {
      best_distance = d;
      best = c;
    }
  }
  return best.empty() ? "" : "perhaps you meant " + Quoted(best);
}

}  // namespace ibex::sql
