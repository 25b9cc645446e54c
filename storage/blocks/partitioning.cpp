#include "storage/blocks/partitioning.h"

#include <cstring>

#include "storage/hyperloglog.h"

namespace ibex::storage {

uint64_t HashRow(const std::vector<ColumnVector>& cols, size_t row, const std::vector<int>& key) {
  uint64_t h = 0x51ED270B27B4E3C1ULL;
  for (int c : key) {
    const ColumnVector& v = cols[c];
    uint64_t x = 0;
    if (!v.IsNull(row)) {
      switch (v.type().physical()) {
        case PhysicalType::kBool:
          x = HashInt(v.data<uint8_t>()[row]);
          break;
        case PhysicalType::kInt32:
          x = HashInt(static_cast<uint64_t>(static_cast<int64_t>(v.data<int32_t>()[row])));
          break;
        case PhysicalType::kInt64:
          x = HashInt(static_cast<uint64_t>(v.data<int64_t>()[row]));
          break;
        case PhysicalType::kInt128: {
          const int128_t y = v.data<int128_t>()[row];
          x = HashInt(static_cast<uint64_t>(y) ^ HashInt(static_cast<uint64_t>(y >> 64)));
          break;
        }
        case PhysicalType::kDouble: {
          uint64_t bits;
          std::memcpy(&bits, &v.data<double>()[row], 8);
          x = HashInt(bits);
          break;
        }
        case PhysicalType::kString:
          x = HashBytes(v.data<std::string_view>()[row]);
          break;
      }
    }
    h = HashInt(h ^ x);
  }
  return h;
}

}  // namespace ibex::storage
