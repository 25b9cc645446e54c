// SqlType: the type the binder infers for an expression — a storage::DataType (what values
// are stored and computed as), or one of two front-end-only kinds: UNKNOWN (a NULL literal or
// a $n parameter, which takes the type it meets) and INTERVAL (only as an operand of date
// arithmetic). Plain value; any thread.
#pragma once

#include <string>

#include "storage/types.h"

namespace ibex::sql {

struct SqlType {
  enum class Kind : uint8_t { kUnknown, kData, kInterval };
  Kind kind = Kind::kUnknown;
  storage::DataType data;  // kData only

  static SqlType Unknown() { return {}; }
  static SqlType Interval() { return {Kind::kInterval, {}}; }
  static SqlType Of(storage::DataType t) { return {Kind::kData, t}; }
  static SqlType Boolean() { return Of(storage::DataType::Boolean()); }
  static SqlType Integer() { return Of(storage::DataType::Integer()); }
  static SqlType Bigint() { return Of(storage::DataType::Bigint()); }
  static SqlType Double() { return Of(storage::DataType::Double()); }
  static SqlType Date() { return Of(storage::DataType::Date()); }
  static SqlType Varchar(uint32_t n = 0) { return Of(storage::DataType::Varchar(n)); }
  static SqlType Decimal(int p, int s) { return Of(storage::DataType::Decimal(p, s)); }

  bool unknown() const { return kind == Kind::kUnknown; }
  bool interval() const { return kind == Kind::kInterval; }
  bool is(storage::TypeId id) const { return kind == Kind::kData && data.id() == id; }
  bool numeric() const { return kind == Kind::kData && data.is_numeric(); }
  bool string() const { return kind == Kind::kData && data.is_string(); }
  bool integral() const { return is(storage::TypeId::kInteger) || is(storage::TypeId::kBigint); }

  bool operator==(const SqlType&) const = default;
  std::string ToString() const;  // "DECIMAL(15,2)", "UNKNOWN", "INTERVAL"
};

}  // namespace ibex::sql
