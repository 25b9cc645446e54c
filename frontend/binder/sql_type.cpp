#include "frontend/binder/sql_type.h"

namespace ibex::sql {

std::string SqlType::ToString() const {
  switch (kind) {
    case Kind::kUnknown: return "UNKNOWN";
    case Kind::kInterval: return "INTERVAL";
    case Kind::kData: return data.ToString();
  }
  return "?";
}

}  // namespace ibex::sql
