// KeyMap: an open-addressing hash table from encoded row keys (row_key.h) to dense ids 0, 1,
// 2, ... in insertion order. The aggregation's group table, the join's build table (id =
// distinct key, rows chained per key by the join) and set operations use it. Keys are copied
// into the map's own buffer; the slot array holds (hash, id) pairs so most probes touch one
// cache line and compare keys only on a full hash match.
//
// Thread safety: none; each thread owns its maps (partial aggregation) or the map is built by
// one thread and then only read (Find is const and safe for concurrent readers).
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

namespace ibex::exec {

class KeyMap {
 public:
  static constexpr uint32_t kNotFound = UINT32_MAX;

  KeyMap() { Rehash(1024); }

  uint32_t size() const { return static_cast<uint32_t>(key_offsets_.size() - 1); }
  // Returns the id of `key`, inserting it with the next id when new (*inserted says which).
  uint32_t FindOrInsert(std::string_view key, uint64_t hash, bool* inserted);
  uint32_t Find(std::string_view key, uint64_t hash) const;
  std::string_view KeyOf(uint32_t id) const {
    return {reinterpret_cast<const char*>(keys_.data()) + key_offsets_[id],
            static_cast<size_t>(key_offsets_[id + 1] - key_offsets_[id])};
  }
  uint64_t HashOf(uint32_t id) const { return hashes_[id]; }
  // Bytes held (memory accounting).
  int64_t MemoryBytes() const {
    return static_cast<int64_t>(keys_.capacity() + key_offsets_.capacity() * 8 +
                                hashes_.capacity() * 8 + slots_.capacity() * sizeof(Slot));
  }

 private:
  struct Slot {
    uint64_t hash;
    uint32_t id;  // kNotFound = empty
  };
  void Rehash(size_t capacity);

  std::vector<Slot> slots_;
  size_t mask_ = 0;
  std::vector<uint8_t> keys_;
  std::vector<uint64_t> key_offsets_{0};
  std::vector<uint64_t> hashes_;
};

}  // namespace ibex::exec
