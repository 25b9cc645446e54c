// SqlType: the front end's view of a value's type, as the binder infers it (precision/scale
// for DECIMAL, length for CHAR/VARCHAR). Plain value; any thread.
#pragma once

#include <cstdint>
#include <string>

namespace ibex::sql {

enum class TypeId : uint8_t {
  kUnknown,  // NULL literal or an unbound parameter: takes the type it meets
  kBoolean,
  kInteger,  // 32-bit
  kBigint,   // 64-bit
  kDecimal,  // exact, precision <= 38
  kDouble,
  kChar,
  kVarchar,
  kDate,
  kInterval,
};

struct SqlType {
  TypeId id = TypeId::kUnknown;
  int precision = 0;  // decimal
  int scale = 0;      // decimal
  int length = 0;     // char/varchar; 0 = unbounded

  static SqlType Unknown() { return {}; }
  static SqlType Boolean() { return {TypeId::kBoolean}; }
  static SqlType Integer() { return {TypeId::kInteger}; }
  static SqlType Bigint() { return {TypeId::kBigint}; }
  static SqlType Decimal(int p, int s) { return {TypeId::kDecimal, p, s, 0}; }
  static SqlType Double() { return {TypeId::kDouble}; }
  static SqlType Char(int n) { return {TypeId::kChar, 0, 0, n}; }
  static SqlType Varchar(int n = 0) { return {TypeId::kVarchar, 0, 0, n}; }
  static SqlType Date() { return {TypeId::kDate}; }
  static SqlType Interval() { return {TypeId::kInterval}; }

  bool IsNumeric() const {
    return id == TypeId::kInteger || id == TypeId::kBigint || id == TypeId::kDecimal ||
           id == TypeId::kDouble;
  }
  bool IsString() const { return id == TypeId::kChar || id == TypeId::kVarchar; }
  bool operator==(const SqlType&) const = default;

  // "DECIMAL(15,2)", "VARCHAR(25)", "INTEGER"
  std::string ToString() const;
};

}  // namespace ibex::sql
