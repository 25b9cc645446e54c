#include "storage/blocks/zone_map.h"

namespace ibex::storage {

bool ZoneMayMatch(const ZoneMap& zone, const ValueRange& range) {
  if (zone.all_null()) return false;  // comparisons with NULL are never true
  if (range.lower && !range.lower->is_null()) {
    const int c = zone.max.Compare(*range.lower);
    if (c < 0 || (c == 0 && !range.lower_inclusive)) return false;
  }
  if (range.upper && !range.upper->is_null()) {
    const int c = zone.min.Compare(*range.upper);
    if (c > 0 || (c == 0 && !range.upper_inclusive)) return false;
  }
  return true;
}

}  // namespace ibex::storage
