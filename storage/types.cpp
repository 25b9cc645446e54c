#include "storage/types.h"

#include <charconv>
#include <cmath>
#include <cstring>

#include "common/check.h"

namespace ibex::storage {
namespace {

char Lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (Lower(a[i]) != Lower(b[i])) return false;
  }
  return true;
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

Status Invalid(std::string_view what, std::string_view text) {
  std::string msg = "invalid ";
  msg += what;
  msg += " '";
  msg += text.size() > 64 ? std::string(text.substr(0, 64)) + "..." : std::string(text);
  msg += "'";
  return Status::InvalidArgument(std::move(msg));
}

template <typename Int>
Status ParseInteger(std::string_view text, std::string_view type_name, Int* out) {
  const char* p = text.data();
  const char* end = p + text.size();
  if (p != end && *p == '+') ++p;  // from_chars rejects a leading '+'
  if (p == end) return Invalid(type_name, text);
  Int v;
  auto [ptr, ec] = std::from_chars(p, end, v);
  if (ec == std::errc::result_out_of_range) {
    return Status::InvalidArgument("value '" + std::string(text) + "' out of range for " +
                                   std::string(type_name));
  }
  if (ec != std::errc() || ptr != end) return Invalid(type_name, text);
  *out = v;
  return Status::OK();
}

constexpr int128_t MakePow10(int n) {
  int128_t v = 1;
  for (int i = 0; i < n; ++i) v *= 10;
  return v;
}

struct Pow10Table {
  int128_t v[kMaxDecimalPrecision + 1];
  constexpr Pow10Table() : v() {
    for (int i = 0; i <= kMaxDecimalPrecision; ++i) v[i] = MakePow10(i);
  }
};
constexpr Pow10Table kPow10;

bool IsLeap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

int DaysInMonth(int y, unsigned m) {
  static constexpr int kDays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && IsLeap(y) ? 29 : kDays[m - 1];
}

}  // namespace

// ---- DataType

DataType DataType::Decimal(int precision, int scale) {
  IBEX_CHECK(precision >= 1 && precision <= kMaxDecimalPrecision) << precision;
  IBEX_CHECK(scale >= 0 && scale <= precision) << scale;
  return DataType(TypeId::kDecimal, static_cast<uint8_t>(precision), static_cast<uint8_t>(scale),
                  0);
}

Result<DataType> DataType::MakeDecimal(int precision, int scale) {
  if (precision < 1 || precision > kMaxDecimalPrecision) {
    return Status::InvalidArgument("DECIMAL precision must be between 1 and 38, got " +
                                   std::to_string(precision));
  }
  if (scale < 0 || scale > precision) {
    return Status::InvalidArgument("DECIMAL scale must be between 0 and the precision (" +
                                   std::to_string(precision) + "), got " + std::to_string(scale));
  }
  return Decimal(precision, scale);
}

PhysicalType DataType::physical() const {
  switch (id_) {
    case TypeId::kBoolean:
      return PhysicalType::kBool;
    case TypeId::kInteger:
    case TypeId::kDate:
      return PhysicalType::kInt32;
    case TypeId::kBigint:
      return PhysicalType::kInt64;
    case TypeId::kDouble:
      return PhysicalType::kDouble;
    case TypeId::kDecimal:
      return is_wide_decimal() ? PhysicalType::kInt128 : PhysicalType::kInt64;
    case TypeId::kVarchar:
    case TypeId::kChar:
      return PhysicalType::kString;
  }
  IBEX_CHECK(false) << "bad TypeId " << static_cast<int>(id_);
  return PhysicalType::kInt32;
}

bool DataType::is_numeric() const {
  return id_ == TypeId::kInteger || id_ == TypeId::kBigint || id_ == TypeId::kDouble ||
         id_ == TypeId::kDecimal;
}

int DataType::byte_width() const {
  return physical() == PhysicalType::kString ? 0 : ElementWidth(physical());
}

int ElementWidth(PhysicalType type) {
  switch (type) {
    case PhysicalType::kBool:
      return 1;
    case PhysicalType::kInt32:
      return 4;
    case PhysicalType::kInt64:
      return 8;
    case PhysicalType::kInt128:
      return 16;
    case PhysicalType::kDouble:
      return 8;
    case PhysicalType::kString:
      return sizeof(std::string_view);
  }
  return 0;
}

std::string DataType::ToString() const {
  switch (id_) {
    case TypeId::kBoolean:
      return "BOOLEAN";
    case TypeId::kInteger:
      return "INTEGER";
    case TypeId::kBigint:
      return "BIGINT";
    case TypeId::kDouble:
      return "DOUBLE";
    case TypeId::kDecimal:
      return "DECIMAL(" + std::to_string(precision_) + "," + std::to_string(scale_) + ")";
    case TypeId::kDate:
      return "DATE";
    case TypeId::kVarchar:
      return length_ == 0 ? "VARCHAR" : "VARCHAR(" + std::to_string(length_) + ")";
    case TypeId::kChar:
      return "CHAR(" + std::to_string(length_) + ")";
  }
  return "?";
}

Result<DataType> ParseDataType(std::string_view text) {
  std::string_view s = Trim(text);
  std::string_view name = s;
  std::string_view args;
  if (size_t open = s.find('('); open != std::string_view::npos) {
    if (s.back() != ')') return Status::InvalidArgument("bad type '" + std::string(text) + "'");
    name = Trim(s.substr(0, open));
    args = s.substr(open + 1, s.size() - open - 2);
  }
  auto parse_args = [&](int* a, int* b) -> int {  // number of integer arguments, -1 on error
    if (args.empty()) return 0;
    std::string_view first = args;
    std::string_view second;
    if (size_t comma = args.find(','); comma != std::string_view::npos) {
      first = args.substr(0, comma);
      second = args.substr(comma + 1);
    }
    if (!ParseInt32(Trim(first), a).ok()) return -1;
    if (second.empty()) return 1;
    if (!ParseInt32(Trim(second), b).ok()) return -1;
    return 2;
  };
  int a = 0;
  int b = 0;
  int n = parse_args(&a, &b);
  auto bad = [&] { return Status::InvalidArgument("bad type '" + std::string(text) + "'"); };
  if (n < 0) return bad();
  auto is = [&](std::initializer_list<std::string_view> names) {
    for (auto candidate : names) {
      if (EqualsIgnoreCase(name, candidate)) return true;
    }
    return false;
  };
  if (is({"BOOLEAN", "BOOL"}) && n == 0) return DataType::Boolean();
  if (is({"INTEGER", "INT", "INT4"}) && n == 0) return DataType::Integer();
  if (is({"BIGINT", "INT8"}) && n == 0) return DataType::Bigint();
  if (is({"DOUBLE", "FLOAT8", "DOUBLE PRECISION"}) && n == 0) return DataType::Double();
  if (is({"DATE"}) && n == 0) return DataType::Date();
  if (is({"DECIMAL", "NUMERIC"})) {
    if (n == 0) return DataType::Decimal(18, 3);
    return DataType::MakeDecimal(a, n == 2 ? b : 0);
  }
  if (is({"VARCHAR", "STRING", "TEXT", "CHARACTER VARYING"}) && n <= 1) {
    if (n == 1 && a < 1) return bad();
    return DataType::Varchar(static_cast<uint32_t>(a));
  }
  if (is({"CHAR", "CHARACTER"}) && n <= 1) {
    if (n == 1 && a < 1) return bad();
    return DataType::Char(n == 0 ? 1 : static_cast<uint32_t>(a));
  }
  return bad();
}

// ---- Parsers

Status ParseBoolean(std::string_view text, uint8_t* out) {
  static constexpr std::string_view kTrue[] = {"true", "t", "1", "yes", "y"};
  static constexpr std::string_view kFalse[] = {"false", "f", "0", "no", "n"};
  for (auto t : kTrue) {
    if (EqualsIgnoreCase(text, t)) {
      *out = 1;
      return Status::OK();
    }
  }
  for (auto f : kFalse) {
    if (EqualsIgnoreCase(text, f)) {
      *out = 0;
      return Status::OK();
    }
  }
  return Invalid("BOOLEAN", text);
}

Status ParseInt32(std::string_view text, int32_t* out) {
  return ParseInteger(text, "INTEGER", out);
}

Status ParseInt64(std::string_view text, int64_t* out) { return ParseInteger(text, "BIGINT", out); }

Status ParseDouble(std::string_view text, double* out) {
  const char* p = text.data();
  const char* end = p + text.size();
  if (p != end && *p == '+') ++p;
  if (p == end) return Invalid("DOUBLE", text);
  auto [ptr, ec] = std::from_chars(p, end, *out);
  if (ec == std::errc::result_out_of_range) {
    return Status::InvalidArgument("value '" + std::string(text) + "' out of range for DOUBLE");
  }
  if (ec != std::errc() || ptr != end) return Invalid("DOUBLE", text);
  return Status::OK();
}

Status ParseDecimal(std::string_view text, int precision, int scale, int128_t* out) {
  const char* p = text.data();
  const char* end = p + text.size();
  bool negative = false;
  if (p != end && (*p == '-' || *p == '+')) {
    negative = *p == '-';
    ++p;
  }
  int128_t v = 0;
  int int_digits = 0;
  int frac_digits = 0;
  bool any_digit = false;
  bool round_up = false;
  // The integer part: at most precision - scale significant digits.
  const int max_int_digits = precision - scale;
  while (p != end && *p >= '0' && *p <= '9') {
    any_digit = true;
    if (int_digits > 0 || *p != '0') {
      if (++int_digits > max_int_digits) {
        return Status::InvalidArgument("value '" + std::string(text) +
                                       "' out of range for DECIMAL(" + std::to_string(precision) +
                                       "," + std::to_string(scale) + ")");
      }
      v = v * 10 + (*p - '0');
    }
    ++p;
  }
  if (p != end && *p == '.') {
    ++p;
    while (p != end && *p >= '0' && *p <= '9') {
      any_digit = true;
      if (frac_digits < scale) {
        v = v * 10 + (*p - '0');
        ++frac_digits;
      } else if (frac_digits == scale) {
        round_up = *p >= '5';
        ++frac_digits;
      }
      ++p;
    }
  }
  if (!any_digit || p != end) return Invalid("DECIMAL", text);
  for (int i = std::min(frac_digits, scale); i < scale; ++i) v *= 10;
  if (round_up) {
    ++v;
    if (v >= kPow10.v[precision]) {
      return Status::InvalidArgument("value '" + std::string(text) + "' out of range for DECIMAL(" +
                                     std::to_string(precision) + "," + std::to_string(scale) + ")");
    }
  }
  *out = negative ? -v : v;
  return Status::OK();
}

Status ParseDecimal64(std::string_view text, int precision, int scale, int64_t* out) {
  IBEX_CHECK_LE(precision, kMaxInt64DecimalPrecision);
  // Fast path for the common short forms ("21168.23"): int64 arithmetic only.
  const char* p = text.data();
  const char* end = p + text.size();
  if (text.size() <= 18) {
    bool negative = false;
    if (p != end && *p == '-') {
      negative = true;
      ++p;
    }
    int64_t v = 0;
    int int_digits = 0;
    const char* digits_begin = p;
    while (p != end && static_cast<unsigned>(*p - '0') < 10) {
      v = v * 10 + (*p - '0');
      int_digits += (int_digits > 0 || *p != '0');
      ++p;
    }
    bool any = p != digits_begin;
    int frac = 0;
    if (p != end && *p == '.') {
      ++p;
      const char* frac_begin = p;
      while (p != end && static_cast<unsigned>(*p - '0') < 10 && frac < scale) {
        v = v * 10 + (*p - '0');
        ++frac;
        ++p;
      }
      any = any || p != frac_begin;
    }
    if (p == end && any && int_digits <= precision - scale) {
      for (; frac < scale; ++frac) v *= 10;
      *out = negative ? -v : v;
      return Status::OK();
    }
  }
  int128_t wide;
  IBEX_RETURN_IF_ERROR(ParseDecimal(text, precision, scale, &wide));
  *out = static_cast<int64_t>(wide);
  return Status::OK();
}

Status ParseDate(std::string_view text, int32_t* out) {
  // yyyy-mm-dd with 1-4 digit year would be lenient; accept exactly 4-2-2 (also y-m-d with
  // one-digit month/day, which some CSV writers emit).
  const char* p = text.data();
  const char* end = p + text.size();
  auto read = [&](int max_digits, int* v) {
    int n = 0;
    *v = 0;
    while (p != end && n < max_digits && *p >= '0' && *p <= '9') {
      *v = *v * 10 + (*p - '0');
      ++p;
      ++n;
    }
    return n;
  };
  int y = 0;
  int m = 0;
  int d = 0;
  if (read(4, &y) != 4 || p == end || *p++ != '-' || read(2, &m) == 0 || p == end || *p++ != '-' ||
      read(2, &d) == 0 || p != end) {
    return Invalid("DATE", text);
  }
  if (y < 1 || m < 1 || m > 12 || d < 1 || d > DaysInMonth(y, static_cast<unsigned>(m))) {
    return Invalid("DATE", text);
  }
  *out = DaysFromCivil(y, static_cast<unsigned>(m), static_cast<unsigned>(d));
  return Status::OK();
}

Status CheckString(const DataType& type, std::string_view* text) {
  if (type.id() == TypeId::kChar) {
    while (!text->empty() && text->back() == ' ') text->remove_suffix(1);
  }
  const uint32_t limit = type.length();
  if (limit == 0 || text->size() <= limit) return Status::OK();
  // More bytes than the limit: count UTF-8 characters (bytes that are not continuations).
  size_t chars = 0;
  for (unsigned char c : *text) chars += (c & 0xC0) != 0x80;
  if (chars <= limit) return Status::OK();
  return Status::InvalidArgument("string of " + std::to_string(chars) +
                                 " characters too long for " + type.ToString());
}

// ---- Formatters

void FormatBoolean(bool v, std::string* out) { out->append(v ? "true" : "false"); }

void FormatInt64(int64_t v, std::string* out) {
  char buf[24];
  auto [ptr, ec] = std::to_chars(buf, buf + sizeof(buf), v);
  out->append(buf, ptr);
}

void FormatInt128(int128_t v, std::string* out) {
  char buf[48];
  char* p = buf + sizeof(buf);
  bool negative = v < 0;
  // Work on the negative value so that the minimum does not overflow.
  int128_t n = negative ? v : -v;
  do {
    *--p = static_cast<char>('0' - static_cast<int>(n % 10));
    n /= 10;
  } while (n != 0);
  if (negative) *--p = '-';
  out->append(p, buf + sizeof(buf));
}

void FormatDouble(double v, std::string* out) {
  if (std::isnan(v)) {
    out->append("nan");
    return;
  }
  if (std::isinf(v)) {
    out->append(v < 0 ? "-inf" : "inf");
    return;
  }
  char buf[40];
  auto [ptr, ec] = std::to_chars(buf, buf + sizeof(buf), v);
  out->append(buf, ptr);
}

void FormatDecimal(int128_t unscaled, int scale, std::string* out) {
  if (scale == 0) {
    FormatInt128(unscaled, out);
    return;
  }
  std::string digits;
  bool negative = unscaled < 0;
  FormatInt128(negative ? -unscaled : unscaled, &digits);
  if (digits.size() <= static_cast<size_t>(scale)) {
    digits.insert(0, static_cast<size_t>(scale) + 1 - digits.size(), '0');
  }
  if (negative) out->push_back('-');
  out->append(digits, 0, digits.size() - static_cast<size_t>(scale));
  out->push_back('.');
  out->append(digits, digits.size() - static_cast<size_t>(scale), std::string::npos);
}

void FormatDate(int32_t days, std::string* out) {
  int y;
  unsigned m;
  unsigned d;
  CivilFromDays(days, &y, &m, &d);
  char buf[16];
  buf[0] = static_cast<char>('0' + (y / 1000) % 10);
  buf[1] = static_cast<char>('0' + (y / 100) % 10);
  buf[2] = static_cast<char>('0' + (y / 10) % 10);
  buf[3] = static_cast<char>('0' + y % 10);
  buf[4] = '-';
  buf[5] = static_cast<char>('0' + m / 10);
  buf[6] = static_cast<char>('0' + m % 10);
  buf[7] = '-';
  buf[8] = static_cast<char>('0' + d / 10);
  buf[9] = static_cast<char>('0' + d % 10);
  out->append(buf, 10);
}

// Howard Hinnant's days_from_civil / civil_from_days (proleptic Gregorian).
int32_t DaysFromCivil(int year, unsigned month, unsigned day) {
  year -= month <= 2;
  const int era = (year >= 0 ? year : year - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(year - era * 400);
  const unsigned doy = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int>(doe) - 719468;
}

void CivilFromDays(int32_t days, int* year, unsigned* month, unsigned* day) {
  const int z = days + 719468;
  const int era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int y = static_cast<int>(yoe) + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  *day = doy - (153 * mp + 2) / 5 + 1;
  *month = mp < 10 ? mp + 3 : mp - 9;
  *year = y + (*month <= 2);
}

int128_t PowerOfTen(int n) {
  IBEX_CHECK(n >= 0 && n <= kMaxDecimalPrecision) << n;
  return kPow10.v[n];
}

// ---- Value

Value Value::Null(DataType type) {
  Value v;
  v.type_ = type;
  return v;
}

Value Value::MakeInt(DataType type, int128_t v) {
  Value out;
  out.type_ = type;
  out.is_null_ = false;
  out.int_ = v;
  return out;
}

Value Value::Boolean(bool b) { return MakeInt(DataType::Boolean(), b ? 1 : 0); }
Value Value::Integer(int32_t i) { return MakeInt(DataType::Integer(), i); }
Value Value::Bigint(int64_t i) { return MakeInt(DataType::Bigint(), i); }
Value Value::Date(int32_t days) { return MakeInt(DataType::Date(), days); }

Value Value::Decimal(int128_t unscaled, DataType type) {
  IBEX_CHECK(type.is_decimal()) << type.ToString();
  return MakeInt(type, unscaled);
}

Value Value::Double(double d) {
  Value v;
  v.type_ = DataType::Double();
  v.is_null_ = false;
  v.double_ = d;
  return v;
}

Value Value::String(std::string s, DataType type) {
  IBEX_CHECK(type.is_string()) << type.ToString();
  Value v;
  v.type_ = type;
  v.is_null_ = false;
  v.str_ = std::move(s);
  return v;
}

Result<Value> Value::Parse(DataType type, std::string_view text) {
  switch (type.id()) {
    case TypeId::kBoolean: {
      uint8_t b;
      IBEX_RETURN_IF_ERROR(ParseBoolean(text, &b));
      return Boolean(b != 0);
    }
    case TypeId::kInteger: {
      int32_t i;
      IBEX_RETURN_IF_ERROR(ParseInt32(text, &i));
      return Integer(i);
    }
    case TypeId::kBigint: {
      int64_t i;
      IBEX_RETURN_IF_ERROR(ParseInt64(text, &i));
      return Bigint(i);
    }
    case TypeId::kDouble: {
      double d;
      IBEX_RETURN_IF_ERROR(ParseDouble(text, &d));
      return Double(d);
    }
    case TypeId::kDecimal: {
      int128_t d;
      IBEX_RETURN_IF_ERROR(ParseDecimal(text, type.precision(), type.scale(), &d));
      return Decimal(d, type);
    }
    case TypeId::kDate: {
      int32_t d;
      IBEX_RETURN_IF_ERROR(ParseDate(text, &d));
      return Date(d);
    }
    case TypeId::kVarchar:
    case TypeId::kChar: {
      IBEX_RETURN_IF_ERROR(CheckString(type, &text));
      return String(std::string(text), type);
    }
  }
  return Status::Internal("bad type");
}

std::string Value::ToString() const {
  if (is_null_) return "NULL";
  std::string out;
  switch (type_.id()) {
    case TypeId::kBoolean:
      FormatBoolean(int_ != 0, &out);
      break;
    case TypeId::kInteger:
    case TypeId::kBigint:
      FormatInt64(static_cast<int64_t>(int_), &out);
      break;
    case TypeId::kDouble:
      FormatDouble(double_, &out);
      break;
    case TypeId::kDecimal:
      FormatDecimal(int_, type_.scale(), &out);
      break;
    case TypeId::kDate:
      FormatDate(static_cast<int32_t>(int_), &out);
      break;
    case TypeId::kVarchar:
    case TypeId::kChar:
      out = str_;
      break;
  }
  return out;
}

namespace {

int Sign(int128_t a, int128_t b) { return a < b ? -1 : (a > b ? 1 : 0); }

double AsDouble(const Value& v) {
  if (v.type().physical() == PhysicalType::kDouble) return v.dbl();
  const double x = static_cast<double>(v.int128());
  return v.type().is_decimal() ? x / static_cast<double>(PowerOfTen(v.type().scale())) : x;
}

}  // namespace

int Value::Compare(const Value& other) const {
  IBEX_CHECK(!is_null_ && !other.is_null_);
  const bool a_string = type_.is_string();
  const bool b_string = other.type_.is_string();
  IBEX_CHECK(a_string == b_string) << type_.ToString() << " vs " << other.type_.ToString();
  if (a_string) {
    const int c = str_.compare(other.str_);
    return c < 0 ? -1 : (c > 0 ? 1 : 0);
  }
  if (type_.physical() == PhysicalType::kDouble ||
      other.type_.physical() == PhysicalType::kDouble) {
    const double a = AsDouble(*this);
    const double b = AsDouble(other);
    return a < b ? -1 : (a > b ? 1 : 0);
  }
  // Integer-like (BOOLEAN, INTEGER, BIGINT, DATE, DECIMAL): exact, at the larger scale.
  const int a_scale = type_.is_decimal() ? type_.scale() : 0;
  const int b_scale = other.type_.is_decimal() ? other.type_.scale() : 0;
  if (a_scale == b_scale) return Sign(int_, other.int_);
  const int128_t factor = PowerOfTen(a_scale < b_scale ? b_scale - a_scale : a_scale - b_scale);
  const int128_t a = a_scale < b_scale ? int_ : int_ / factor;
  const int128_t b = a_scale < b_scale ? other.int_ / factor : other.int_;
  if (a != b) return Sign(a, b);
  // Equal in the integer part at the smaller scale: the remainder decides.
  const int128_t a_rest = a_scale < b_scale ? 0 : int_ % factor;
  const int128_t b_rest = a_scale < b_scale ? other.int_ % factor : 0;
  return Sign(a_rest, b_rest);
}

bool Value::operator==(const Value& other) const {
  if (!(type_ == other.type_)) return false;
  if (is_null_ || other.is_null_) return is_null_ == other.is_null_;
  return Compare(other) == 0;
}

}  // namespace ibex::storage
