#include "exec/partition_hash.h"

#include <cstring>

#include "common/hash.h"
#include "storage/hyperloglog.h"

namespace ibex::exec {

namespace {

// Folds one column into the running row hashes: h = HashInt(h ^ x), x = the value's hash
// (0 for NULL), exactly as storage::HashRow does row by row. `mix` maps a value to x.
template <typename T, typename Mix>
void Fold(const Vector& v, size_t n, uint64_t* h, Mix mix) {
  const T* d = v.data<T>();
  const uint8_t* nulls = v.nulls();
  if (v.is_constant()) {
    const uint64_t x = nulls != nullptr && nulls[0] != 0 ? 0 : mix(d[0]);
    for (size_t i = 0; i < n; ++i) h[i] = HashInt(h[i] ^ x);
  } else if (nulls == nullptr) {
    for (size_t i = 0; i < n; ++i) h[i] = HashInt(h[i] ^ mix(d[i]));
  } else {
    for (size_t i = 0; i < n; ++i) h[i] = HashInt(h[i] ^ (nulls[i] != 0 ? 0 : mix(d[i])));
  }
}

}  // namespace

void HashPartitionKeys(const Chunk& chunk, const std::vector<int>& key_columns,
                       std::vector<uint64_t>* hashes) {
  const size_t n = chunk.size;
  hashes->assign(n, 0x51ED270B27B4E3C1ULL);  // storage::HashRow's seed
  uint64_t* h = hashes->data();
  for (int c : key_columns) {
    const Vector& v = chunk.columns[static_cast<size_t>(c)];
    switch (v.physical()) {
      case PhysicalType::kBool:
        Fold<uint8_t>(v, n, h, [](uint8_t x) { return HashInt(x); });
        break;
      case PhysicalType::kInt32:
        Fold<int32_t>(v, n, h, [](int32_t x) {
          return HashInt(static_cast<uint64_t>(static_cast<int64_t>(x)));
        });
        break;
      case PhysicalType::kInt64:
        Fold<int64_t>(v, n, h, [](int64_t x) { return HashInt(static_cast<uint64_t>(x)); });
        break;
      case PhysicalType::kInt128:
        Fold<int128_t>(v, n, h, [](int128_t x) {
          return HashInt(static_cast<uint64_t>(x) ^ HashInt(static_cast<uint64_t>(x >> 64)));
        });
        break;
      case PhysicalType::kDouble:
        Fold<double>(v, n, h, [](double x) {
          uint64_t bits;
          std::memcpy(&bits, &x, 8);
          return HashInt(bits);
        });
        break;
      case PhysicalType::kString:
        Fold<std::string_view>(v, n, h, [](std::string_view x) { return storage::HashBytes(x); });
        break;
    }
  }
}

}  // namespace ibex::exec
