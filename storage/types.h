// The logical SQL types ibex stores, their physical representation, and the conversions
// between values and text. Every layer above storage (binder, optimizer, operators, the result
// printer) uses these definitions; the loader uses the typed parsers on its hot path.
//
//   type            physical value              text
//   BOOLEAN         uint8_t 0/1                 true/false (parses t/f, 1/0, yes/no too)
//   INTEGER         int32_t                     -12
//   BIGINT          int64_t                     -12
//   DOUBLE          double                      shortest round-trip form, 0.1
//   DECIMAL(p,s)    int64_t unscaled (p <= 18)  12.30 (always s fraction digits)
//                   __int128 unscaled (p > 18)
//   DATE            int32_t days since 1970-01-01   yyyy-mm-dd
//   VARCHAR(n)      bytes (UTF-8), at most n characters; n = 0 means unbounded
//   CHAR(n)         as VARCHAR(n); trailing blanks are not stored (pad-insensitive, as DuckDB)
//
// Every type is nullable; NOT NULL is a column property kept in the catalog.
//
// Thread safety: everything here is a value or a pure function.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "common/status.h"

namespace ibex::storage {

using int128_t = __int128;

enum class TypeId : uint8_t {
  kBoolean = 0,
  kInteger = 1,
  kBigint = 2,
  kDouble = 3,
  kDecimal = 4,
  kDate = 5,
  kVarchar = 6,
  kChar = 7,
};

// How a column's values sit in memory (column vectors, blocks).
enum class PhysicalType : uint8_t {
  kBool,    // uint8_t
  kInt32,   // int32_t
  kInt64,   // int64_t
  kInt128,  // __int128
  kDouble,  // double
  kString,  // std::string_view into memory owned by the vector or block
};

// Bytes per element of a physical type in a column vector (a string is a std::string_view).
int ElementWidth(PhysicalType type);

// Largest precision of DECIMAL, and the largest that fits an int64_t.
inline constexpr int kMaxDecimalPrecision = 38;
inline constexpr int kMaxInt64DecimalPrecision = 18;

// A type descriptor: a TypeId plus its parameters. Cheap to copy, comparable.
class DataType {
 public:
  DataType() = default;  // INTEGER

  static DataType Boolean() { return DataType(TypeId::kBoolean, 0, 0, 0); }
  static DataType Integer() { return DataType(TypeId::kInteger, 0, 0, 0); }
  static DataType Bigint() { return DataType(TypeId::kBigint, 0, 0, 0); }
  static DataType Double() { return DataType(TypeId::kDouble, 0, 0, 0); }
  static DataType Date() { return DataType(TypeId::kDate, 0, 0, 0); }
  // Precondition: 1 <= precision <= 38, 0 <= scale <= precision (MakeDecimal checks instead).
  static DataType Decimal(int precision, int scale);
  static Result<DataType> MakeDecimal(int precision, int scale);
  // length 0: unbounded.
  static DataType Varchar(uint32_t length = 0) { return DataType(TypeId::kVarchar, 0, 0, length); }
  static DataType Char(uint32_t length) { return DataType(TypeId::kChar, 0, 0, length); }

  TypeId id() const { return id_; }
  int precision() const { return precision_; }  // DECIMAL only
  int scale() const { return scale_; }          // DECIMAL only
  uint32_t length() const { return length_; }   // VARCHAR/CHAR only; 0 = unbounded

  PhysicalType physical() const;
  bool is_string() const { return id_ == TypeId::kVarchar || id_ == TypeId::kChar; }
  bool is_decimal() const { return id_ == TypeId::kDecimal; }
  bool is_wide_decimal() const { return is_decimal() && precision_ > kMaxInt64DecimalPrecision; }
  bool is_numeric() const;
  // Fixed-width types: bytes per value; strings: 0.
  int byte_width() const;

  // "BOOLEAN", "INTEGER", "BIGINT", "DOUBLE", "DECIMAL(15,2)", "DATE", "VARCHAR(25)",
  // "VARCHAR", "CHAR(1)".
  std::string ToString() const;

  bool operator==(const DataType&) const = default;

 private:
  DataType(TypeId id, uint8_t precision, uint8_t scale, uint32_t length)
      : id_(id), precision_(precision), scale_(scale), length_(length) {}

  TypeId id_ = TypeId::kInteger;
  uint8_t precision_ = 0;
  uint8_t scale_ = 0;
  uint32_t length_ = 0;
};

// Parses a type name as ToString writes it, case-insensitive, with the usual synonyms
// (INT, INT4, INT8, BOOL, FLOAT8, DOUBLE PRECISION, NUMERIC, DECIMAL (= DECIMAL(18,3)),
// STRING/TEXT = VARCHAR, CHARACTER). For catalog files and tests; SQL has its own grammar.
Result<DataType> ParseDataType(std::string_view text);

// ---- Typed parsers (the loader's hot path). Text is taken exactly as given: no trimming.
// On failure they return InvalidArgument with a short reason ("invalid INTEGER 'x1'").
Status ParseBoolean(std::string_view text, uint8_t* out);
Status ParseInt32(std::string_view text, int32_t* out);
Status ParseInt64(std::string_view text, int64_t* out);
Status ParseDouble(std::string_view text, double* out);
// Digits beyond `scale` are rounded half away from zero; |value| must be < 10^precision.
Status ParseDecimal(std::string_view text, int precision, int scale, int128_t* out);
Status ParseDecimal64(std::string_view text, int precision, int scale, int64_t* out);
// yyyy-mm-dd, year 1..9999, a real calendar day.
Status ParseDate(std::string_view text, int32_t* out);
// Checks the length limit of VARCHAR(n)/CHAR(n) and, for CHAR, strips trailing blanks.
Status CheckString(const DataType& type, std::string_view* text);

// ---- Formatters: append the text form to *out.
void FormatBoolean(bool v, std::string* out);
void FormatInt64(int64_t v, std::string* out);
void FormatInt128(int128_t v, std::string* out);
void FormatDouble(double v, std::string* out);
void FormatDecimal(int128_t unscaled, int scale, std::string* out);
void FormatDate(int32_t days, std::string* out);

// ---- Calendar and decimal helpers shared with the operators.
int32_t DaysFromCivil(int year, unsigned month, unsigned day);
void CivilFromDays(int32_t days, int* year, unsigned* month, unsigned* day);
// 10^n as int128, 0 <= n <= 38.
int128_t PowerOfTen(int n);

// A nullable scalar of one DataType: constants in plans, zone-map bounds, statistics.
// Not for bulk data (that lives in column vectors).
class Value {
 public:
  Value() = default;  // NULL INTEGER

  static Value Null(DataType type);
  static Value Boolean(bool v);
  static Value Integer(int32_t v);
  static Value Bigint(int64_t v);
  static Value Double(double v);
  // `unscaled` is the value times 10^scale. Precondition: type.is_decimal().
  static Value Decimal(int128_t unscaled, DataType type);
  static Value Date(int32_t days);
  // Precondition: type.is_string().
  static Value String(std::string v, DataType type = DataType::Varchar());

  // Parses text as `type` ("NULL" is not special here: callers decide what NULL looks like).
  static Result<Value> Parse(DataType type, std::string_view text);

  const DataType& type() const { return type_; }
  bool is_null() const { return is_null_; }

  // Accessors; precondition: !is_null() and the matching physical type.
  bool boolean() const { return int_ != 0; }
  int32_t int32() const { return static_cast<int32_t>(int_); }  // INTEGER, DATE
  int64_t int64() const { return static_cast<int64_t>(int_); }  // BIGINT, narrow DECIMAL
  int128_t int128() const { return int_; }                      // any integer-like type
  double dbl() const { return double_; }
  const std::string& str() const { return str_; }

  // Text form; "NULL" for null.
  std::string ToString() const;

  // Three-way comparison of two non-null values: -1, 0, 1. Numbers of any numeric type (and
  // DATE, BOOLEAN) compare by value, exactly between integers and decimals of any scale, as
  // doubles when one side is DOUBLE; strings compare bytewise. Precondition: both strings or
  // both not.
  int Compare(const Value& other) const;
  // Same type and same value, or both null.
  bool operator==(const Value& other) const;

 private:
  static Value MakeInt(DataType type, int128_t v);

  DataType type_;
  bool is_null_ = true;
  int128_t int_ = 0;
  double double_ = 0;
  std::string str_;
};

}  // namespace ibex::storage
