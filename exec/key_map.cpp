#include "exec/key_map.h"

#include <cstring>

namespace ibex::exec {

void KeyMap::Rehash(size_t capacity) {
  slots_.assign(capacity, Slot{0, kNotFound});
  mask_ = capacity - 1;
  for (uint32_t id = 0; id < hashes_.size(); ++id) {
    size_t s = hashes_[id] & mask_;
    while (slots_[s].id != kNotFound) s = (s + 1) & mask_;
    slots_[s] = Slot{hashes_[id], id};
  }
}

uint32_t KeyMap::FindOrInsert(std::string_view key, uint64_t hash, bool* inserted) {
  size_t s = hash & mask_;
  for (;;) {
    const Slot& slot = slots_[s];
    if (slot.id == kNotFound) break;
    if (slot.hash == hash) {
      const std::string_view k = KeyOf(slot.id);
      if (k.size() == key.size() && std::memcmp(k.data(), key.data(), key.size()) == 0) {
        *inserted = false;
        return slot.id;
      }
    }
    s = (s + 1) & mask_;
  }
  const auto id = static_cast<uint32_t>(hashes_.size());
  slots_[s] = Slot{hash, id};
  keys_.insert(keys_.end(), key.begin(), key.end());
  key_offsets_.push_back(keys_.size());
  hashes_.push_back(hash);
  *inserted = true;
  if (hashes_.size() * 2 > slots_.size()) Rehash(slots_.size() * 2);
  return id;
}

uint32_t KeyMap::Find(std::string_view key, uint64_t hash) const {
  size_t s = hash & mask_;
  for (;;) {
    const Slot& slot = slots_[s];
    if (slot.id == kNotFound) return kNotFound;
    if (slot.hash == hash) {
      const std::string_view k = KeyOf(slot.id);
      if (k.size() == key.size() && std::memcmp(k.data(), key.data(), key.size()) == 0) {
        return slot.id;
      }
    }
    s = (s + 1) & mask_;
  }
}

}  // namespace ibex::exec
