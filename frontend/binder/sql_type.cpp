#include "frontend/binder/sql_type.h"

namespace ibex::sql {

std::string SqlType::ToString() const {
  switch (id) {
    case TypeId::kUnknown: return "UNKNOWN";
    case TypeId::kBoolean: return "BOOLEAN";
    case TypeId::kInteger: return "INTEGER";
    case TypeId::kBigint: return "BIGINT";
    case TypeId::kDecimal:
      return "DECIMAL(" + std::to_string(precision) + "," + std::to_string(scale) + ")";
    case TypeId::kDouble: return "DOUBLE";
    case TypeId::kChar: return "CHAR(" + std::to_string(length) + ")";
    case TypeId::kVarchar: return length > 0 ? "VARCHAR(" + std::to_string(length) + ")" : "VARCHAR";
    case TypeId::kDate: return "DATE";
    case TypeId::kInterval: return "INTERVAL";
  }
  return "?";
}

}  // namespace ibex::sql
